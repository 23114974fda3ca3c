/* card-usb.c: CCID readers on the USB bus, through libusb (see card-usb.h). */
#include "card-usb-private.h"
#include "opentke-card.h"

#include <string.h>

#define USB_CLASS_CCID       0x0B
#define USB_CLASS_VENDOR     0xFF /* pre-standard CCID readers use it with the same descriptor */
#define CCID_DESCRIPTOR_TYPE 0x21
#define CCID_DESCRIPTOR_LEN  54
#define CCID_MAX_SLOT_OFFSET 4
#define CCID_PIN_OFFSET      52

void
card_usb_reader_free (CardUsbReader *reader)
{
  if (reader == NULL)
    return;
  g_free (reader->manufacturer);
  g_free (reader->product);
  g_free (reader);
}

gboolean
card_usb_reader_has_pin_pad (const CardUsbReader *reader)
{
  return (reader->pin_support & (CARD_USB_PIN_VERIFY | CARD_USB_PIN_MODIFY))
         == (CARD_USB_PIN_VERIFY | CARD_USB_PIN_MODIFY);
}

gboolean
card_usb_parse_ccid_extra (const guint8 *extra, gsize len, guint8 *pin_support,
                           guint8 *max_slot_index)
{
  gsize i = 0;

  while (i + 2 <= len)
    {
      guint8 dlen = extra[i], type = extra[i + 1];

      if (dlen < 2 || dlen > len - i)
        return FALSE; /* a broken chain: trust nothing after it */
      if (type == CCID_DESCRIPTOR_TYPE && dlen == CCID_DESCRIPTOR_LEN)
        {
          *max_slot_index = extra[i + CCID_MAX_SLOT_OFFSET];
          *pin_support = extra[i + CCID_PIN_OFFSET];
          return TRUE;
        }
      i += dlen;
    }
  return FALSE;
}

/* The CCID descriptor of an interface: after the interface, or (a quirk of
 * some readers) after one of its endpoints. */
static gboolean
interface_ccid (const struct libusb_interface_descriptor *alt, guint8 *pin_support,
                guint8 *max_slot_index)
{
  if (alt->bInterfaceClass != USB_CLASS_CCID && alt->bInterfaceClass != USB_CLASS_VENDOR)
    return FALSE;
  if (card_usb_parse_ccid_extra (alt->extra, (gsize)alt->extra_length, pin_support, max_slot_index))
    return TRUE;
  for (int e = 0; e < alt->bNumEndpoints; e++)
    if (card_usb_parse_ccid_extra (alt->endpoint[e].extra, (gsize)alt->endpoint[e].extra_length,
                                   pin_support, max_slot_index))
      return TRUE;
  return FALSE;
}

static char *
read_string (libusb_device_handle *handle, guint8 index)
{
  unsigned char buf[256];
  int n;

  if (handle == NULL || index == 0)
    return NULL;
  n = libusb_get_string_descriptor_ascii (handle, index, buf, sizeof buf);
  return n > 0 ? g_strndup ((const char *)buf, (gsize)n) : NULL;
}

CardUsbReader *
card_usb_reader_from_device (libusb_device *dev, gboolean read_strings)
{
  struct libusb_device_descriptor desc;
  struct libusb_config_descriptor *config = NULL;
  CardUsbReader *reader = NULL;
  guint8 pin = 0, slots = 0;
  gboolean found = FALSE;

  if (libusb_get_device_descriptor (dev, &desc) != 0)
    return NULL;
  if (libusb_get_config_descriptor (dev, 0, &config) != 0)
    return NULL;
  for (int i = 0; i < config->bNumInterfaces && !found; i++)
    for (int a = 0; a < config->interface[i].num_altsetting && !found; a++)
      found = interface_ccid (&config->interface[i].altsetting[a], &pin, &slots);
  libusb_free_config_descriptor (config);
  if (!found)
    return NULL;
  reader = g_new0 (CardUsbReader, 1);
  reader->vendor_id = desc.idVendor;
  reader->product_id = desc.idProduct;
  reader->bus = libusb_get_bus_number (dev);
  reader->address = libusb_get_device_address (dev);
  reader->pin_support = pin;
  reader->max_slot_index = slots;
  if (read_strings)
    {
      libusb_device_handle *handle = NULL;

      if (libusb_open (dev, &handle) == 0)
        {
          reader->manufacturer = read_string (handle, desc.iManufacturer);
          reader->product = read_string (handle, desc.iProduct);
          libusb_close (handle);
        }
    }
  return reader;
}

static void
set_usb_error (GError **error, int rc)
{
  g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
               "The USB bus cannot be examined (%s): readers are listed by pcscd only",
               libusb_strerror (rc));
}

GPtrArray *
card_usb_list_readers (GError **error)
{
  libusb_context *usb = NULL;
  libusb_device **devs = NULL;
  GPtrArray *readers = NULL;
  ssize_t n;
  int rc = libusb_init (&usb);

  if (rc != 0)
    {
      set_usb_error (error, rc);
      return NULL;
    }
  n = libusb_get_device_list (usb, &devs);
  if (n < 0)
    {
      set_usb_error (error, (int)n);
      goto out;
    }
  readers = g_ptr_array_new_with_free_func ((GDestroyNotify)card_usb_reader_free);
  for (ssize_t i = 0; i < n; i++)
    {
      CardUsbReader *reader = card_usb_reader_from_device (devs[i], TRUE);

      if (reader != NULL)
        g_ptr_array_add (readers, reader);
    }
out:
  if (devs != NULL)
    libusb_free_device_list (devs, 1);
  libusb_exit (usb);
  return readers;
}

GPtrArray *
card_usb_find_unseen (GPtrArray *usb_readers, const char *const *pcsc_names)
{
  GPtrArray *unseen = g_ptr_array_new ();

  for (guint i = 0; i < usb_readers->len; i++)
    {
      CardUsbReader *reader = g_ptr_array_index (usb_readers, i);
      gboolean seen = FALSE;
      g_autofree char *product = reader->product ? g_ascii_strdown (reader->product, -1) : NULL;

      /* pcsc-lite's CCID driver names a reader after its product string;
       * without one, any PC/SC reader may be it, so only an empty list
       * proves it unseen. */
      for (const char *const *p = pcsc_names; p != NULL && *p != NULL && !seen; p++)
        {
          g_autofree char *name = g_ascii_strdown (*p, -1);

          seen = product == NULL || strstr (name, product) != NULL;
        }
      if (!seen)
        g_ptr_array_add (unseen, reader);
    }
  return unseen;
}
