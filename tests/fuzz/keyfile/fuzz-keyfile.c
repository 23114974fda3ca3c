/* Fuzz target over key file parsing, both formats (docs/key-files.md): parse, read the
 * public fields, and try the seeds' password so that decryption and the key checks
 * after it are reached too.  Costly scrypt settings are not run. */
#include "opentke-card.h"

#include <string.h>

#define FUZZ_PASSWORD "fuzz-password"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (CardKeyfile) keyfile = card_keyfile_parse (data, size, NULL);
  g_autoptr (CardKeyfileKey) key = NULL;
  CardKeyfileCost cost;
  guint8 digest[64] = { 0 }, signature[CARD_KEYFILE_SIGNATURE_LEN];

  if (keyfile == NULL)
    return 0;
  g_assert_true (g_utf8_validate (card_keyfile_get_name (keyfile), -1, NULL));
  g_assert_cmpuint (strlen (card_keyfile_get_id_hex (keyfile)), ==, 64);
  if (card_keyfile_get_cost (keyfile, &cost)
      && (cost.log2_n > CARD_KEYFILE_COST_MIN_LOG2_N || cost.r > 8 || cost.p > 1))
    return 0;
  key = card_keyfile_unlock (keyfile, FUZZ_PASSWORD, NULL);
  if (key == NULL)
    return 0;
  g_assert_cmpmem (card_keyfile_key_get_id (key), 32, card_keyfile_get_id (keyfile), 32);
  if (card_keyfile_key_get_kind (key) == CARD_KEYFILE_SIGNATURE_KEY)
    g_assert_true (card_keyfile_key_sign_digest (key, digest, signature, NULL));
  return 0;
}
