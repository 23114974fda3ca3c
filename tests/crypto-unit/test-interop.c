/* test-interop.c: the bytes of docs/interfaces.md and
 * docs/crypto-unit-protocol.md produced here with plain OpenSSL calls, not
 * with the library, as a card or another implementation would: a key part
 * encrypted to an importer key, and a command signed over its canonical
 * encoding.  The unit must accept both. */
#include "cu-test.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <string.h>

static EVP_PKEY *
public_key (const uint8_t point[133])
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  OSSL_PARAM p[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)point, 133),
    OSSL_PARAM_construct_end (),
  };

  g_assert_cmpint (EVP_PKEY_fromdata_init (ctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, p), ==, 1);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

/* interfaces.md, "Key part in transit", step by step. */
static void
encrypt_part (const uint8_t part[32], const uint8_t importer_cert[331], uint8_t blob[226])
{
  const uint8_t *subject = importer_cert + 2, *point = importer_cert + 34;
  EVP_PKEY *importer = public_key (point);
  EVP_PKEY *eph = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-521");
  EVP_PKEY_CTX *dctx = EVP_PKEY_CTX_new (eph, NULL);
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *kctx = EVP_KDF_CTX_new (kdf);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new ();
  uint8_t z[66], k[32], info[19 + 32];
  size_t zlen = sizeof z, plen = 0;
  int n;

  blob[0] = 0x01;
  g_assert_cmpint (EVP_PKEY_get_octet_string_param (eph, "pub", blob + 1, 133, &plen), ==, 1);
  EVP_Digest (point, 133, blob + 134, NULL, EVP_sha256 (), NULL);
  g_assert_cmpint (EVP_PKEY_derive_init (dctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_derive_set_peer (dctx, importer), ==, 1);
  g_assert_cmpint (EVP_PKEY_derive (dctx, z, &zlen), ==, 1);
  memcpy (info, "OpenTKE key part v1", 19);
  memcpy (info + 19, subject, 32);
  {
    OSSL_PARAM p[] = {
      OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0),
      OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, blob + 134, 32),
      OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, z, 66),
      OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, info, sizeof info),
      OSSL_PARAM_construct_end (),
    };
    g_assert_cmpint (EVP_KDF_derive (kctx, k, 32, p), ==, 1);
  }
  RAND_bytes (blob + 166, 12);
  g_assert_cmpint (EVP_EncryptInit_ex (c, EVP_aes_256_gcm (), NULL, k, blob + 166), ==, 1);
  g_assert_cmpint (EVP_EncryptUpdate (c, NULL, &n, blob, 166), ==, 1);
  g_assert_cmpint (EVP_EncryptUpdate (c, blob + 178, &n, part, 32), ==, 1);
  g_assert_cmpint (EVP_EncryptFinal_ex (c, blob + 210, &n), ==, 1);
  g_assert_cmpint (EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_GET_TAG, 16, blob + 210), ==, 1);
  EVP_CIPHER_CTX_free (c);
  EVP_KDF_CTX_free (kctx);
  EVP_KDF_free (kdf);
  EVP_PKEY_CTX_free (dctx);
  EVP_PKEY_free (eph);
  EVP_PKEY_free (importer);
}

/* A signature r || s over a digest, as a card returns it. */
static void
sign_digest (EVP_PKEY *key, const uint8_t digest[64], uint8_t sig[132])
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new (key, NULL);
  uint8_t der[160];
  size_t der_len = sizeof der;
  const uint8_t *p = der;
  ECDSA_SIG *s;

  g_assert_cmpint (EVP_PKEY_sign_init (ctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_sign (ctx, der, &der_len, digest, 64), ==, 1);
  s = d2i_ECDSA_SIG (NULL, &p, (long)der_len);
  g_assert_nonnull (s);
  BN_bn2binpad (ECDSA_SIG_get0_r (s), sig, 66);
  BN_bn2binpad (ECDSA_SIG_get0_s (s), sig + 66, 66);
  ECDSA_SIG_free (s);
  EVP_PKEY_CTX_free (ctx);
}

static void
put_be (GByteArray *out, guint64 v, guint len)
{
  for (guint i = 0; i < len; i++)
    {
      uint8_t b = (uint8_t)(v >> (8 * (len - 1 - i)));
      g_byte_array_append (out, &b, 1);
    }
}

/* The wire form built by hand: canonical encoding, then signatures. */
static GBytes *
hand_made_command (const char *unit_hex, guint16 code, guint64 counter, const uint8_t *params,
                   guint len, guint n_signers)
{
  g_autoptr (GByteArray) enc = g_byte_array_new ();
  uint8_t unit[32], digest[64];

  g_byte_array_append (enc, (const guint8 *)"OpenTKE-CU-cmd-1", 16);
  put_be (enc, strlen (TEST_INSTANCE), 1);
  g_byte_array_append (enc, (const guint8 *)TEST_INSTANCE, strlen (TEST_INSTANCE));
  for (guint i = 0; i < 32; i++)
    unit[i]
        = (uint8_t)g_ascii_strtoull ((char[]){ unit_hex[2 * i], unit_hex[2 * i + 1], 0 }, NULL, 16);
  g_byte_array_append (enc, unit, 32);
  put_be (enc, code, 2);
  put_be (enc, counter, 8);
  put_be (enc, len, 4);
  g_byte_array_append (enc, params, len);
  EVP_Digest (enc->data, enc->len, digest, NULL, EVP_sha512 (), NULL);
  put_be (enc, n_signers, 1);
  for (guint i = 0; i < n_signers; i++)
    {
      uint8_t ski[32], sig[132];

      cu_test_key_ski (i, ski);
      sign_digest (cu_test_key (i), digest, sig);
      g_byte_array_append (enc, ski, 32);
      g_byte_array_append (enc, sig, 132);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&enc));
}

static void
test_independent_bytes (void)
{
  static const uint8_t parts[2][32] = { { 0xde, 0xad }, { 0xbe, 0xef } };
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chain = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autofree CuUnitState *st = NULL;
  uint8_t params[1 + 2 * 226], mk[32], vp[32];
  const char *unit;

  cu_fixture_init (&f, 1, 0, 0);
  unit = cu_fixture_unit (&f, 0);
  cu_test_setup_admins (&f, 0, 2, 2, 2);
  chain = cu_client_create_importer (f.client, unit, &error);
  g_assert_no_error (error);
  params[0] = 2;
  encrypt_part (parts[0], g_bytes_get_data (chain, NULL), params + 1);
  encrypt_part (parts[1], g_bytes_get_data (chain, NULL), params + 1 + 226);
  st = cu_fixture_state (&f, 0);
  wire = hand_made_command (unit, 4, st->transaction_counter, params, sizeof params, 1);
  g_assert_true (cu_engine_execute (f.engine, TEST_INSTANCE, unit, wire, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&st, g_free);
  st = cu_fixture_state (&f, 0);
  for (guint b = 0; b < 32; b++)
    mk[b] = parts[0][b] ^ parts[1][b];
  cu_test_vp (mk, vp);
  g_assert_cmpint (st->new_state, ==, CU_NEW_FULL_UNCOMMITTED);
  g_assert_cmpmem (st->new_vp, 32, vp, 32);
  /* commit-new, signed by two admins over the hand-made encoding. */
  g_clear_pointer (&wire, g_bytes_unref);
  wire = hand_made_command (unit, 5, st->transaction_counter, vp, 32, 2);
  g_assert_true (cu_engine_execute (f.engine, TEST_INSTANCE, unit, wire, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&st, g_free);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpint (st->new_state, ==, CU_NEW_FULL_COMMITTED);
  cu_fixture_clear (&f);
}

void
cu_test_add_interop_tests (void)
{
  g_test_add_func ("/crypto-unit/interop/independent-bytes", test_independent_bytes);
}
