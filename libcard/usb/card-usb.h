/* card-usb.h: USB smart card readers as libusb sees them (part of libcard's
 * public API, included by opentke-card.h).
 *
 * pcscd only lists a reader when its driver knows it; a security officer who
 * plugged in a reader and sees "No smart card readers found" needs to know
 * whether the reader is on the USB bus at all.  These functions list the CCID
 * readers on the bus, with their PIN-pad capability from the CCID class
 * descriptor (bPINSupport), and follow hotplug.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* bPINSupport bits of the CCID class descriptor (CCID 1.1, table 5.1-1). */
#define CARD_USB_PIN_VERIFY 0x01
#define CARD_USB_PIN_MODIFY 0x02

typedef struct
{
  guint16 vendor_id;
  guint16 product_id;
  guint8 bus;
  guint8 address;
  char *manufacturer; /* iManufacturer, NULL when it cannot be read */
  char *product;      /* iProduct, NULL when it cannot be read */
  guint8 pin_support; /* bPINSupport */
  guint8 max_slot_index;
} CardUsbReader;

void card_usb_reader_free (CardUsbReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardUsbReader, card_usb_reader_free)

/* TRUE when the reader has a PIN pad for both verify and modify. */
gboolean card_usb_reader_has_pin_pad (const CardUsbReader *reader);

/* Finds the CCID class descriptor (type 0x21, 54 bytes) in the descriptors
 * that follow an interface descriptor (libusb's "extra" bytes, of the
 * interface or of its endpoints: some readers put it there).  Fills
 * @pin_support and @max_slot_index.  FALSE when there is none or a descriptor
 * length is inconsistent. */
gboolean card_usb_parse_ccid_extra (const guint8 *extra, gsize len, guint8 *pin_support,
                                    guint8 *max_slot_index);

/* The CCID readers on the USB bus (CardUsbReader*, free function set).  An
 * empty array when there are none; FALSE-like NULL with CARD_ERROR_TRANSPORT
 * when libusb cannot be used at all (no /dev/bus/usb in a container). */
GPtrArray *card_usb_list_readers (GError **error);

/* Hotplug: @func is called from the thread default main context of the
 * caller of card_usb_monitor_new() for each CCID reader plugged in
 * (@arrived TRUE) or removed.  NULL with CARD_ERROR_TRANSPORT when the
 * platform has no hotplug. */
typedef struct _CardUsbMonitor CardUsbMonitor;
typedef void (*CardUsbHotplugFunc) (gboolean arrived, const CardUsbReader *reader,
                                    gpointer user_data);
CardUsbMonitor *card_usb_monitor_new (CardUsbHotplugFunc func, gpointer user_data, GError **error);
void card_usb_monitor_free (CardUsbMonitor *monitor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardUsbMonitor, card_usb_monitor_free)

/* USB readers that no PC/SC reader name mentions (by product name): plugged
 * in but not seen by pcscd.  @pcsc_names is NULL-terminated; returns the
 * matching elements of @usb_readers (not copies). */
GPtrArray *card_usb_find_unseen (GPtrArray *usb_readers, const char *const *pcsc_names);

/* ---- what a security officer sees under "Smart Card Readers" ----------- */

typedef struct _CardContext CardContext;

/* PC/SC readers and USB readers side by side (tkectl readers, the apps). */
typedef struct
{
  GPtrArray *readers;     /* CardReader* owned by the context; empty without PC/SC */
  GError *pcsc_error;     /* why there are no PC/SC readers, or NULL */
  GPtrArray *usb_readers; /* CardUsbReader*; empty when libusb cannot be used */
  GError *usb_error;      /* why the USB bus could not be examined, or NULL */
  GPtrArray *unseen;      /* elements of usb_readers that pcscd does not list */
} CardReaderReport;

/* @ctx may be NULL when no PC/SC context could be made; then @ctx_error
 * (copied) says why. */
CardReaderReport *card_reader_report_new (CardContext *ctx, const GError *ctx_error);
/* Plain text, one reader per line, ending with what to do when a reader is
 * plugged in but not seen by pcscd, or when there is no reader at all. */
char *card_reader_report_to_text (const CardReaderReport *report);
void card_reader_report_free (CardReaderReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardReaderReport, card_reader_report_free)
G_END_DECLS
