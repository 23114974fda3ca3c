/* card-backend-virtual.c: the in-process virtual backend over the card deck of
 * applets/ (opentke-vdeck.h): two PIN-pad readers whose cards and PIN-pad entries
 * are files of the deck, shared with tke-vcard and the pcscd driver.
 *
 * Like a PC/SC connection, a connection does not reset the card: a card keeps its
 * RAM state (PINs verified) across sessions of this process until it is removed
 * or reconnect() resets it; the card is powered up once per insertion. */
#include "card-private.h"

#include "opentke-vdeck.h"

#include <stdlib.h>
#include <string.h>

enum
{
  N_READERS = 2,
  POLL_MS = 50,
};

static const char *const reader_names[N_READERS] = {
  "OpenTKE Virtual PIN Pad 1",
  "OpenTKE Virtual PIN Pad 2",
};

typedef struct
{
  CardBackend parent;
  otk_vdeck *deck;
  gboolean pin_pad[N_READERS];
  /* insertion counter of the card last powered up in each reader (0: none) */
  guint64 powered[N_READERS];
  gboolean have_powered[N_READERS];
} VirtualBackend;

struct _CardBackendConn
{
  int reader; /* 1 or 2 */
  char card[OTK_VDECK_NAME_MAX + 1];
  guint64 insertion;
};

/* The one place that turns a deck status into a CardError. */
static gboolean
deck_check (int status, int reader, GError **error)
{
  switch (status)
    {
      case OTK_VDECK_OK:
        return TRUE;
      case OTK_VDECK_ERR_NO_CARD:
        g_set_error (error, CARD_ERROR, CARD_ERROR_NO_CARD, "No card in %s",
                     reader_names[reader - 1]);
        break;
      case OTK_VDECK_ERR_CARD_CHANGED:
      case OTK_VDECK_ERR_TORN:
        g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_REMOVED,
                     "The card was removed from %s; insert it again and repeat the operation",
                     reader_names[reader - 1]);
        break;
      default:
        g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT, "Virtual card deck: %s",
                     otk_vdeck_strerror (status));
        break;
    }
  return FALSE;
}

static int
reader_index (const char *name)
{
  for (int i = 0; i < N_READERS; i++)
    if (strcmp (name, reader_names[i]) == 0)
      return i + 1;
  return 0;
}

static void
virtual_free (CardBackend *backend)
{
  VirtualBackend *self = (VirtualBackend *)backend;

  otk_vdeck_close (self->deck);
  g_free (self);
}

static GPtrArray *
virtual_list_readers (CardBackend *backend, GError **error)
{
  VirtualBackend *self = (VirtualBackend *)backend;
  GPtrArray *readers = g_ptr_array_new_with_free_func ((GDestroyNotify)card_backend_reader_free);

  for (int i = 0; i < N_READERS; i++)
    {
      int status = otk_vdeck_reader_card (self->deck, i + 1, NULL, NULL);

      if (status != OTK_VDECK_OK && status != OTK_VDECK_ERR_NO_CARD)
        {
          deck_check (status, i + 1, error);
          g_ptr_array_unref (readers);
          return NULL;
        }
      g_ptr_array_add (readers, card_backend_reader_new (reader_names[i], self->pin_pad[i],
                                                         status == OTK_VDECK_OK));
    }
  return readers;
}

static gboolean
virtual_wait_card (CardBackend *backend, const char *reader, gboolean present, guint timeout_ms,
                   GCancellable *cancellable, GError **error)
{
  VirtualBackend *self = (VirtualBackend *)backend;
  int index = reader_index (reader);
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  if (index == 0)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND, "No reader named \"%s\"",
                   reader);
      return FALSE;
    }
  /* The deck is files shared with other processes: poll them. */
  for (;;)
    {
      int status = otk_vdeck_reader_card (self->deck, index, NULL, NULL);

      if (status != OTK_VDECK_OK && status != OTK_VDECK_ERR_NO_CARD)
        return deck_check (status, index, error);
      if ((status == OTK_VDECK_OK) == present)
        return TRUE;
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, CARD_ERROR, CARD_ERROR_CANCELLED,
                       "Waiting for the card was "
                       "cancelled");
          return FALSE;
        }
      if (timeout_ms > 0 && g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, CARD_ERROR, CARD_ERROR_TIMEOUT,
                       present ? "No card was inserted in %s in time"
                               : "The card was not removed from %s in time",
                       reader);
          return FALSE;
        }
      g_usleep (POLL_MS * 1000);
    }
}

/* Powers the card of @conn up, which drops its RAM state. */
static gboolean
power_up (VirtualBackend *self, CardBackendConn *conn, GError **error)
{
  guint8 atr[OTK_VDECK_ATR_MAX];
  size_t atr_len = sizeof atr;

  if (!deck_check (otk_vdeck_power_up (self->deck, conn->reader, atr, &atr_len), conn->reader,
                   error))
    return FALSE;
  self->powered[conn->reader - 1] = conn->insertion;
  self->have_powered[conn->reader - 1] = TRUE;
  return TRUE;
}

static CardBackendConn *
virtual_connect (CardBackend *backend, const char *reader, GError **error)
{
  VirtualBackend *self = (VirtualBackend *)backend;
  CardBackendConn *conn = g_new0 (CardBackendConn, 1);
  uint64_t insertion = 0;

  conn->reader = reader_index (reader);
  if (conn->reader == 0)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND, "No reader named \"%s\"",
                   reader);
      goto fail;
    }
  if (!deck_check (otk_vdeck_reader_card (self->deck, conn->reader, conn->card, &insertion),
                   conn->reader, error))
    goto fail;
  conn->insertion = insertion;
  if (!self->have_powered[conn->reader - 1] || self->powered[conn->reader - 1] != insertion)
    if (!power_up (self, conn, error))
      goto fail;
  return conn;

fail:
  g_free (conn);
  return NULL;
}

static void
virtual_disconnect (CardBackend *backend, CardBackendConn *conn)
{
  g_free (conn);
}

/* The card of @conn is still the one connected to (same insertion). */
static gboolean
still_inserted (VirtualBackend *self, CardBackendConn *conn, GError **error)
{
  uint64_t insertion = 0;
  int status = otk_vdeck_reader_card (self->deck, conn->reader, NULL, &insertion);

  if (status == OTK_VDECK_OK && insertion != conn->insertion)
    status = OTK_VDECK_ERR_CARD_CHANGED;
  if (status == OTK_VDECK_ERR_NO_CARD)
    status = OTK_VDECK_ERR_CARD_CHANGED;
  return deck_check (status, conn->reader, error);
}

static gboolean
virtual_reconnect (CardBackend *backend, CardBackendConn *conn, gboolean reset, GError **error)
{
  VirtualBackend *self = (VirtualBackend *)backend;

  if (!still_inserted (self, conn, error))
    return FALSE;
  return reset ? power_up (self, conn, error) : TRUE;
}

static gboolean
virtual_begin_transaction (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  /* Each deck call holds the deck lock; a removed card shows here. */
  return still_inserted ((VirtualBackend *)backend, conn, error);
}

static void
virtual_end_transaction (CardBackend *backend, CardBackendConn *conn)
{
}

static gboolean
virtual_transmit (CardBackend *backend, CardBackendConn *conn, const guint8 *apdu, gsize apdu_len,
                  guint8 *resp, gsize resp_size, gsize *resp_len, GError **error)
{
  VirtualBackend *self = (VirtualBackend *)backend;
  size_t len = resp_size;

  if (!still_inserted (self, conn, error))
    return FALSE;
  if (!deck_check (otk_vdeck_transmit (self->deck, conn->reader, apdu, apdu_len, resp, &len),
                   conn->reader, error))
    return FALSE;
  *resp_len = len;
  return TRUE;
}

static GBytes *
virtual_get_identity (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  g_autofree char *identity
      = g_strdup_printf ("%s#%" G_GUINT64_FORMAT, conn->card, conn->insertion);

  return g_bytes_new (identity, strlen (identity));
}

static gboolean
virtual_get_pin_pad_caps (CardBackend *backend, CardBackendConn *conn, CardPinPadCaps *caps,
                          GError **error)
{
  caps->min_pin = 1;
  caps->max_pin = 14; /* ISO 9564 format 2 */
  caps->max_apdu_data = 65535;
  return TRUE;
}

static gboolean
virtual_pin_pad_entry (CardBackend *backend, CardBackendConn *conn, const CardPinEntry *entry,
                       guint16 *sw, GError **error)
{
  VirtualBackend *self = (VirtualBackend *)backend;
  otk_vdeck_pin_entry deck_entry = {
    .entries = entry->op == CARD_PIN_OP_VERIFY   ? 1
               : entry->op == CARD_PIN_OP_MODIFY ? 2
                                                 : 3,
    .offset_old = entry->offset_old,
    .offset_new = entry->offset_new,
    .block_len = entry->block_len,
    .min_digits = entry->min_len,
    .max_digits = entry->max_len,
    .timeout_s = entry->timeout_s,
  };
  guint8 rsp[258]; /* PIN commands answer a status word only */
  size_t len = sizeof rsp;
  gboolean ok = FALSE;

  if (!self->pin_pad[conn->reader - 1])
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NO_PIN_PAD, "%s has no PIN pad",
                   reader_names[conn->reader - 1]);
      return FALSE;
    }
  if (!still_inserted (self, conn, error))
    return FALSE;
  if (!deck_check (otk_vdeck_pinpad_entry (self->deck, conn->reader, &deck_entry, entry->apdu,
                                           entry->apdu_len, rsp, &len),
                   conn->reader, error))
    goto out;
  if (len < 2)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The PIN pad gave an answer without status word");
      goto out;
    }
  *sw = (guint16)(rsp[len - 2] << 8 | rsp[len - 1]);
  ok = TRUE;

out:
  secure_clear (rsp, sizeof rsp);
  return ok;
}

static const CardBackendClass virtual_class = {
  .name = "virtual",
  .free = virtual_free,
  .list_readers = virtual_list_readers,
  .wait_card = virtual_wait_card,
  .connect = virtual_connect,
  .disconnect = virtual_disconnect,
  .reconnect = virtual_reconnect,
  .begin_transaction = virtual_begin_transaction,
  .end_transaction = virtual_end_transaction,
  .transmit = virtual_transmit,
  .get_identity = virtual_get_identity,
  .get_pin_pad_caps = virtual_get_pin_pad_caps,
  .pin_pad_entry = virtual_pin_pad_entry,
};

CardBackend *
card_backend_virtual_new (const char *deck_dir, GError **error)
{
  VirtualBackend *self;
  otk_vdeck *deck = NULL;
  int status = otk_vdeck_open (deck_dir, &deck);

  if (status != OTK_VDECK_OK)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SERVICE,
                   "The virtual card deck %s cannot be opened: %s",
                   deck_dir != NULL ? deck_dir : "(default)", otk_vdeck_strerror (status));
      return NULL;
    }
  self = g_new0 (VirtualBackend, 1);
  self->parent.klass = &virtual_class;
  self->deck = deck;
  /* OPENTKE_VIRTUAL_NO_PIN_PAD=N makes virtual reader N a reader without PIN
   * pad, to try the host PIN entry policy without hardware. */
  for (int i = 0; i < N_READERS; i++)
    {
      const char *without = g_getenv ("OPENTKE_VIRTUAL_NO_PIN_PAD");

      self->pin_pad[i] = without == NULL || atoi (without) != i + 1;
    }
  return &self->parent;
}
