/* pcsc-private.h: shared by the files of libcard's PC/SC backend. */
#pragma once

#include "card-backend.h"
/* The part-10 codec lives with the virtual PIN-pad driver, the other end of
 * the same bytes (applets <- libcard, DESIGN.md §1). */
#include "../../applets/ifd/pcsc-part10.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

G_BEGIN_DECLS

/* The special reader name that reports reader arrival and removal. */
#define PCSC_PNP_READER "\\\\?PnP?\\Notification"

struct _CardBackendConn
{
  SCARDHANDLE handle;
  DWORD protocol;
  char *reader;
  guint transaction_depth; /* nested begin_transaction() calls */
};

/* pcsc-error.c: the one place where PC/SC return codes become CARD_ERROR
 * errors.  @reader (may be NULL) names the reader in the message. */
void card_pcsc_set_error (GError **error, LONG rv, const char *reader);

/* card-backend-pcsc.c: the readers' names as SCardListReaders gives them (a
 * multi-string ending with an empty string), NULL unless SCARD_S_SUCCESS. */
LONG card_pcsc_reader_names (SCARDCONTEXT context, char **names);

/* pcsc-wait.c */
gboolean card_pcsc_wait_card (CardBackend *backend, const char *reader, gboolean present,
                              guint timeout_ms, GCancellable *cancellable, GError **error);

/* pcsc-pinpad.c */
/* The part-10 features of the reader behind @handle (a shared or direct
 * connection).  FALSE only when the reader cannot be asked. */
gboolean card_pcsc_read_features (SCARDHANDLE handle, Part10Features *features, GError **error);
gboolean card_pcsc_has_pin_pad (const Part10Features *features);
gboolean card_pcsc_get_pin_pad_caps (CardBackend *backend, CardBackendConn *conn,
                                     CardPinPadCaps *caps, GError **error);
gboolean card_pcsc_pin_pad_entry (CardBackend *backend, CardBackendConn *conn,
                                  const CardPinEntry *entry, guint16 *sw, GError **error);

G_END_DECLS
