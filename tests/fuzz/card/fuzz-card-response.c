/* fuzz-card-response.c: what libcard makes of a card's answers.  The input is
 * the sequence of responses a fake card gives (each: 2-byte big-endian length,
 * then that many bytes, SW included); libcard runs SELECT, GET INFO (EP11 and CA,
 * with GET KEY PART INFO), READ SIGNATURE KEY, SIGN and GENERATE KEY PART against
 * it, so the APDU engine (61xx, 6Cxx), the status word mapping and every
 * response parser see hostile bytes. */
#include "card-private.h"

#include <string.h>

typedef struct
{
  CardBackend parent;
  const guint8 *data;
  gsize len;
  gsize pos;
} FuzzBackend;

struct _CardBackendConn
{
  int unused;
};

static CardBackendConn fuzz_conn;

static void
fuzz_free (CardBackend *backend)
{
  g_free (backend);
}

static GPtrArray *
fuzz_list_readers (CardBackend *backend, GError **error)
{
  GPtrArray *readers = g_ptr_array_new_with_free_func ((GDestroyNotify)card_backend_reader_free);

  g_ptr_array_add (readers, card_backend_reader_new ("Fuzz reader", TRUE, TRUE));
  return readers;
}

static gboolean
fuzz_wait_card (CardBackend *backend, const char *reader, gboolean present, guint timeout_ms,
                GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static CardBackendConn *
fuzz_connect (CardBackend *backend, const char *reader, GError **error)
{
  return &fuzz_conn;
}

static void
fuzz_disconnect (CardBackend *backend, CardBackendConn *conn)
{
}

static gboolean
fuzz_reconnect (CardBackend *backend, CardBackendConn *conn, gboolean reset, GError **error)
{
  return TRUE;
}

static gboolean
fuzz_begin (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  return TRUE;
}

static void
fuzz_end (CardBackend *backend, CardBackendConn *conn)
{
}

/* The next response of the input; an exhausted input is a removed card. */
static gboolean
next_response (FuzzBackend *self, guint8 *resp, gsize resp_size, gsize *resp_len, GError **error)
{
  gsize n;

  if (self->len - self->pos < 2)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_REMOVED, "no more responses");
      return FALSE;
    }
  n = (gsize)self->data[self->pos] << 8 | self->data[self->pos + 1];
  self->pos += 2;
  n = MIN (n, self->len - self->pos);
  n = MIN (n, resp_size);
  memcpy (resp, self->data + self->pos, n);
  self->pos += n;
  *resp_len = n;
  return TRUE;
}

static gboolean
fuzz_transmit (CardBackend *backend, CardBackendConn *conn, const guint8 *apdu, gsize apdu_len,
               guint8 *resp, gsize resp_size, gsize *resp_len, GError **error)
{
  return next_response ((FuzzBackend *)backend, resp, resp_size, resp_len, error);
}

static GBytes *
fuzz_identity (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  return g_bytes_new_static ("fuzz", 4);
}

static gboolean
fuzz_caps (CardBackend *backend, CardBackendConn *conn, CardPinPadCaps *caps, GError **error)
{
  memset (caps, 0, sizeof *caps);
  return TRUE;
}

static gboolean
fuzz_pin_pad_entry (CardBackend *backend, CardBackendConn *conn, const CardPinEntry *entry,
                    guint16 *sw, GError **error)
{
  guint8 resp[4];
  gsize len = 0;

  if (!next_response ((FuzzBackend *)backend, resp, sizeof resp, &len, error))
    return FALSE;
  *sw = len >= 2 ? (guint16)(resp[len - 2] << 8 | resp[len - 1]) : 0x6F00;
  return TRUE;
}

static const CardBackendClass fuzz_class = {
  .name = "fuzz",
  .free = fuzz_free,
  .list_readers = fuzz_list_readers,
  .wait_card = fuzz_wait_card,
  .connect = fuzz_connect,
  .disconnect = fuzz_disconnect,
  .reconnect = fuzz_reconnect,
  .begin_transaction = fuzz_begin,
  .end_transaction = fuzz_end,
  .transmit = fuzz_transmit,
  .get_identity = fuzz_identity,
  .get_pin_pad_caps = fuzz_caps,
  .pin_pad_entry = fuzz_pin_pad_entry,
};

static void
run_ep11 (CardReader *reader)
{
  g_autoptr (CardSession) ep11 = card_session_open (reader, CARD_APPLET_EP11, NULL);
  g_autoptr (CardEp11Info) info = NULL;
  g_autofree char *name = NULL;
  guint8 point[CARD_POINT_SIZE], digest[CARD_DIGEST_SIZE] = { 0 }, sig[CARD_SIGNATURE_SIZE];
  guint8 vp[CARD_ID_SIZE];
  guint index = 0;

  if (ep11 == NULL)
    return;
  card_ep11_verify_pin (ep11, NULL);
  card_ep11_get_info (ep11, &info, NULL);
  card_ep11_read_signature_key (ep11, &name, point, NULL);
  card_ep11_sign (ep11, digest, sig, NULL);
  card_ep11_generate_key_part (ep11, "fuzz", &index, vp, NULL);
}

static void
run_ca (CardReader *reader)
{
  g_autoptr (CardSession) ca = card_session_open (reader, CARD_APPLET_CA, NULL);
  g_autoptr (CardCaInfo) info = NULL;

  if (ca == NULL)
    return;
  card_ca_get_info (ca, &info, NULL);
  card_ca_verify_pins (ca, NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FuzzBackend *backend = g_new0 (FuzzBackend, 1);
  CardContext *ctx;
  CardReader *reader;

  backend->parent.klass = &fuzz_class;
  backend->data = data;
  backend->len = size;
  ctx = card_context_new_for_backend (&backend->parent);
  reader = card_context_get_reader (ctx, CARD_READER_1, NULL);
  if (reader != NULL)
    {
      run_ep11 (reader);
      run_ca (reader);
    }
  card_context_free (ctx);
  return 0;
}
