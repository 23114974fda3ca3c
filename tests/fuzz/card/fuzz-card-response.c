/* fuzz-card-response.c: what libcard makes of a card's answers.  The input is
 * the sequence of responses a fake card gives (each: 2-byte big-endian length,
 * then that many bytes, SW included); libcard runs SELECT, GET INFO (EP11 and CA,
 * with GET KEY PART INFO), READ SIGNATURE KEY, SIGN and GENERATE KEY PART against
 * it, so the APDU engine (61xx, 6Cxx), the status word mapping and every
 * response parser see hostile bytes. */
#include "card-script-backend.h"

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
  ScriptBackend *backend = NULL;
  CardContext *ctx = script_context_new (&backend);
  CardReader *reader;

  script_add_responses (backend, data, size);
  reader = card_context_get_reader (ctx, CARD_READER_1, NULL);
  if (reader != NULL)
    {
      run_ep11 (reader);
      run_ca (reader);
    }
  card_context_free (ctx);
  return 0;
}
