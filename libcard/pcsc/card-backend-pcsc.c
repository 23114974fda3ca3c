/* card-backend-pcsc.c: libcard's backend for real readers, through pcsc-lite.
 *
 * Connections are shared (SCARD_SHARE_SHARED): other programs may use the
 * reader too, and a sequence of APDUs is protected by a transaction, counted
 * so that nested begin/end pairs take the PC/SC lock once.  Recovery after a
 * reset or a swap is decided above (card-session.c) from the errors and the
 * identity this backend reports.
 */
#include "pcsc-private.h"

#include <PCSC/pcsclite.h>
#include <string.h>

typedef struct
{
  CardBackend parent;
  SCARDCONTEXT context;
  /* reader name -> PIN_PAD_YES / PIN_PAD_NO, once a reader could be asked:
   * a reader held exclusively by another program cannot be, and must not
   * lose its PIN pad (and so its role) meanwhile. */
  GHashTable *pin_pads;
} PcscBackend;

enum
{
  PIN_PAD_UNKNOWN = 0,
  PIN_PAD_YES,
  PIN_PAD_NO,
};

#define PROTOCOLS (SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0)

static SCARDCONTEXT
backend_context (CardBackend *backend)
{
  return ((PcscBackend *)backend)->context;
}

static void
pcsc_free (CardBackend *backend)
{
  PcscBackend *self = (PcscBackend *)backend;

  SCardReleaseContext (self->context);
  g_hash_table_unref (self->pin_pads);
  g_free (self);
}

/* A reader's PIN pad is known without a card through a direct connection. */
static int
reader_pin_pad (SCARDCONTEXT context, const char *reader)
{
  SCARDHANDLE handle;
  DWORD protocol;
  Part10Features features;
  gboolean read;

  if (SCardConnect (context, reader, SCARD_SHARE_DIRECT, 0, &handle, &protocol) != SCARD_S_SUCCESS)
    return PIN_PAD_UNKNOWN;
  read = card_pcsc_read_features (handle, &features, NULL);
  SCardDisconnect (handle, SCARD_LEAVE_CARD);
  if (!read)
    return PIN_PAD_UNKNOWN;
  return card_pcsc_has_pin_pad (&features) ? PIN_PAD_YES : PIN_PAD_NO;
}

static gboolean
reader_has_pin_pad (PcscBackend *self, const char *reader)
{
  int known = GPOINTER_TO_INT (g_hash_table_lookup (self->pin_pads, reader));

  if (known == PIN_PAD_UNKNOWN)
    {
      known = reader_pin_pad (self->context, reader);
      if (known != PIN_PAD_UNKNOWN)
        g_hash_table_insert (self->pin_pads, g_strdup (reader), GINT_TO_POINTER (known));
    }
  return known == PIN_PAD_YES;
}

LONG
card_pcsc_reader_names (SCARDCONTEXT context, char **names)
{
  DWORD len = 0;
  LONG rv = SCardListReaders (context, NULL, NULL, &len);

  *names = NULL;
  if (rv != SCARD_S_SUCCESS)
    return rv;
  *names = g_malloc (len);
  rv = SCardListReaders (context, NULL, *names, &len);
  if (rv != SCARD_S_SUCCESS)
    g_clear_pointer (names, g_free);
  return rv;
}

static GPtrArray *
pcsc_list_readers (CardBackend *backend, GError **error)
{
  SCARDCONTEXT context = backend_context (backend);
  GPtrArray *readers = g_ptr_array_new_with_free_func ((GDestroyNotify)card_backend_reader_free);
  g_autofree char *names = NULL;
  g_autofree SCARD_READERSTATE *states = NULL;
  DWORD count = 0;
  LONG rv;

  rv = card_pcsc_reader_names (context, &names);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    return readers;
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, NULL);
      g_ptr_array_unref (readers);
      return NULL;
    }
  for (const char *p = names; *p != '\0'; p += strlen (p) + 1)
    count++;
  states = g_new0 (SCARD_READERSTATE, count);
  count = 0;
  for (const char *p = names; *p != '\0'; p += strlen (p) + 1)
    states[count++].szReader = p;
  /* One call for the card states of every reader; timeout 0 = just ask. */
  rv = SCardGetStatusChange (context, 0, states, count);
  for (DWORD i = 0; i < count; i++)
    {
      gboolean present
          = rv == SCARD_S_SUCCESS && (states[i].dwEventState & SCARD_STATE_PRESENT) != 0;

      g_ptr_array_add (readers, card_backend_reader_new (
                                    states[i].szReader,
                                    reader_has_pin_pad ((PcscBackend *)backend, states[i].szReader),
                                    present));
    }
  return readers;
}

static CardBackendConn *
pcsc_connect (CardBackend *backend, const char *reader, GError **error)
{
  CardBackendConn *conn = g_new0 (CardBackendConn, 1);
  LONG rv = SCardConnect (backend_context (backend), reader, SCARD_SHARE_SHARED, PROTOCOLS,
                          &conn->handle, &conn->protocol);

  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, reader);
      g_free (conn);
      return NULL;
    }
  conn->reader = g_strdup (reader);
  return conn;
}

static void
pcsc_disconnect (CardBackend *backend, CardBackendConn *conn)
{
  if (conn == NULL)
    return;
  if (conn->transaction_depth > 0)
    SCardEndTransaction (conn->handle, SCARD_LEAVE_CARD);
  SCardDisconnect (conn->handle, SCARD_LEAVE_CARD);
  g_free (conn->reader);
  g_free (conn);
}

static gboolean
pcsc_reconnect (CardBackend *backend, CardBackendConn *conn, gboolean reset, GError **error)
{
  LONG rv = SCardReconnect (conn->handle, SCARD_SHARE_SHARED, PROTOCOLS,
                            reset ? SCARD_RESET_CARD : SCARD_LEAVE_CARD, &conn->protocol);

  /* A reset ends the PC/SC transaction: the lock count starts again. */
  conn->transaction_depth = 0;
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, conn->reader);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pcsc_begin_transaction (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  LONG rv;

  if (conn->transaction_depth > 0)
    {
      conn->transaction_depth++;
      return TRUE;
    }
  rv = SCardBeginTransaction (conn->handle);
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, conn->reader);
      return FALSE;
    }
  conn->transaction_depth = 1;
  return TRUE;
}

static void
pcsc_end_transaction (CardBackend *backend, CardBackendConn *conn)
{
  if (conn->transaction_depth == 0)
    return;
  if (--conn->transaction_depth == 0)
    SCardEndTransaction (conn->handle, SCARD_LEAVE_CARD);
}

static gboolean
pcsc_transmit (CardBackend *backend, CardBackendConn *conn, const guint8 *apdu, gsize apdu_len,
               guint8 *resp, gsize resp_size, gsize *resp_len, GError **error)
{
  const SCARD_IO_REQUEST *pci = conn->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  DWORD len = (DWORD)MIN (resp_size, (gsize)G_MAXUINT32);
  LONG rv = SCardTransmit (conn->handle, pci, apdu, (DWORD)apdu_len, NULL, resp, &len);

  /* No card under a live connection: it was pulled before pcscd noticed. */
  if (rv == SCARD_E_NO_SMARTCARD)
    rv = SCARD_W_REMOVED_CARD;
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, conn->reader);
      return FALSE;
    }
  if (len < 2)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
                   "The reader %s returned an answer without a status word", conn->reader);
      return FALSE;
    }
  *resp_len = len;
  return TRUE;
}

/* The ATR and the reader's event counter (pcsc-lite counts insertions and
 * removals in the upper 16 bits of dwEventState). */
static GBytes *
pcsc_get_identity (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  SCARD_READERSTATE state = { .szReader = conn->reader, .dwCurrentState = SCARD_STATE_UNAWARE };
  guint8 atr[MAX_ATR_SIZE + 2];
  DWORD atr_len = MAX_ATR_SIZE, card_state, protocol;
  LONG rv = SCardStatus (conn->handle, NULL, NULL, &card_state, &protocol, atr, &atr_len);

  if (rv == SCARD_S_SUCCESS)
    rv = SCardGetStatusChange (backend_context (backend), 0, &state, 1);
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, conn->reader);
      return NULL;
    }
  atr[atr_len] = (guint8)(state.dwEventState >> 24);
  atr[atr_len + 1] = (guint8)(state.dwEventState >> 16);
  return g_bytes_new (atr, atr_len + 2);
}

static const CardBackendClass pcsc_class = {
  .name = "pcsc",
  .free = pcsc_free,
  .list_readers = pcsc_list_readers,
  .wait_card = card_pcsc_wait_card,
  .connect = pcsc_connect,
  .disconnect = pcsc_disconnect,
  .reconnect = pcsc_reconnect,
  .begin_transaction = pcsc_begin_transaction,
  .end_transaction = pcsc_end_transaction,
  .transmit = pcsc_transmit,
  .get_identity = pcsc_get_identity,
  .get_pin_pad_caps = card_pcsc_get_pin_pad_caps,
  .pin_pad_entry = card_pcsc_pin_pad_entry,
};

CardBackend *
card_backend_pcsc_new (GError **error)
{
  PcscBackend *self = g_new0 (PcscBackend, 1);
  LONG rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &self->context);

  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, NULL);
      g_free (self);
      return NULL;
    }
  self->parent.klass = &pcsc_class;
  self->pin_pads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return &self->parent;
}
