/* keyfile-test-peer.c: see keyfile-test-peer.h.  Test code: failures abort. */
#include "keyfile-test-peer.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <string.h>

EVP_PKEY *
peer_p521_new (void)
{
  EVP_PKEY *key = EVP_EC_gen ("P-521");

  g_assert_nonnull (key);
  return key;
}

void
peer_point (EVP_PKEY *key, guint8 point[PEER_POINT_LEN])
{
  size_t len = 0;

  g_assert_true (
      EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, point, PEER_POINT_LEN, &len));
  g_assert_cmpuint (len, ==, PEER_POINT_LEN);
  g_assert_cmpuint (point[0], ==, 0x04);
}

void
peer_ski (const guint8 point[PEER_POINT_LEN], guint8 ski[32])
{
  g_assert_true (EVP_Digest (point, PEER_POINT_LEN, ski, NULL, EVP_sha256 (), NULL));
}

void
peer_vp (const guint8 part[32], guint8 vp[32])
{
  guint8 in[13 + 32];

  memcpy (in, "OpenTKE-VP-v1", 13);
  memcpy (in + 13, part, 32);
  g_assert_true (EVP_Digest (in, sizeof in, vp, NULL, EVP_sha256 (), NULL));
}

/* ECDSA-SHA-512 of @data by @key as r || s. */
static void
sign_rs (EVP_PKEY *key, const guint8 *data, gsize len, guint8 sig[132])
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  guint8 der[160];
  size_t der_len = sizeof der;
  const guint8 *p = der;
  ECDSA_SIG *ecdsa;

  g_assert_true (EVP_DigestSignInit (md, NULL, EVP_sha512 (), NULL, key));
  g_assert_true (EVP_DigestSign (md, der, &der_len, data, len));
  ecdsa = d2i_ECDSA_SIG (NULL, &p, (long)der_len);
  g_assert_nonnull (ecdsa);
  g_assert_cmpint (BN_bn2binpad (ECDSA_SIG_get0_r (ecdsa), sig, 66), ==, 66);
  g_assert_cmpint (BN_bn2binpad (ECDSA_SIG_get0_s (ecdsa), sig + 66, 66), ==, 66);
  ECDSA_SIG_free (ecdsa);
  EVP_MD_CTX_free (md);
}

void
peer_cert_make (guint8 cert[PEER_CERT_LEN], guint8 type, const guint8 subject_id[32],
                EVP_PKEY *subject, EVP_PKEY *issuer)
{
  guint8 issuer_point[PEER_POINT_LEN];

  cert[0] = 1;
  cert[1] = type;
  memcpy (cert + 2, subject_id, 32);
  peer_point (subject, cert + 34);
  peer_point (issuer, issuer_point);
  peer_ski (issuer_point, cert + 167);
  sign_rs (issuer, cert, 199, cert + 199);
}

gboolean
peer_verify_rs (const guint8 point[PEER_POINT_LEN], const guint8 digest[64], const guint8 sig[132])
{
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)point, PEER_POINT_LEN),
    OSSL_PARAM_construct_end (),
  };
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  ECDSA_SIG *ecdsa = ECDSA_SIG_new ();
  guint8 *der = NULL;
  int der_len, rc;

  g_assert_true (EVP_PKEY_fromdata_init (ctx) > 0);
  g_assert_true (EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) > 0);
  EVP_PKEY_CTX_free (ctx);
  ECDSA_SIG_set0 (ecdsa, BN_bin2bn (sig, 66, NULL), BN_bin2bn (sig + 66, 66, NULL));
  der_len = i2d_ECDSA_SIG (ecdsa, &der);
  ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  g_assert_true (EVP_PKEY_verify_init (ctx) > 0);
  g_assert_true (EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha512 ()) > 0);
  rc = EVP_PKEY_verify (ctx, der, (size_t)der_len, digest, 64);
  OPENSSL_free (der);
  ECDSA_SIG_free (ecdsa);
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (key);
  return rc == 1;
}

gboolean
peer_blob_decrypt (const guint8 blob[PEER_BLOB_LEN], EVP_PKEY *importer,
                   const guint8 subject_id[32], guint8 part[32])
{
  OSSL_PARAM pub[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)(blob + 1), PEER_POINT_LEN),
    OSSL_PARAM_construct_end (),
  };
  guint8 point[PEER_POINT_LEN], ski[32], z[66], k[32], info[19 + 32];
  size_t z_len = sizeof z;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *eph = NULL;
  EVP_KDF *kdf = NULL;
  EVP_KDF_CTX *kctx = NULL;
  EVP_CIPHER_CTX *c = NULL;
  OSSL_PARAM kp[5];
  int n;
  gboolean ok;

  peer_point (importer, point);
  peer_ski (point, ski);
  if (blob[0] != 1 || memcmp (blob + 134, ski, 32) != 0)
    return FALSE; /* a blob for another importer key */
  ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  kctx = EVP_KDF_CTX_new (kdf);
  c = EVP_CIPHER_CTX_new ();
  g_assert_true (EVP_PKEY_fromdata_init (ctx) > 0);
  g_assert_true (EVP_PKEY_fromdata (ctx, &eph, EVP_PKEY_PUBLIC_KEY, pub) > 0);
  EVP_PKEY_CTX_free (ctx);
  ctx = EVP_PKEY_CTX_new_from_pkey (NULL, importer, NULL);
  g_assert_true (EVP_PKEY_derive_init (ctx) > 0 && EVP_PKEY_derive_set_peer (ctx, eph) > 0
                 && EVP_PKEY_derive (ctx, z, &z_len) > 0 && z_len == 66);
  memcpy (info, "OpenTKE key part v1", 19);
  memcpy (info + 19, subject_id, 32);
  kp[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0);
  kp[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, z, sizeof z);
  kp[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, ski, sizeof ski);
  kp[3] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, info, sizeof info);
  kp[4] = OSSL_PARAM_construct_end ();
  g_assert_true (EVP_KDF_derive (kctx, k, sizeof k, kp) == 1);
  ok = EVP_DecryptInit_ex (c, EVP_aes_256_gcm (), NULL, k, blob + 166)
       && EVP_DecryptUpdate (c, NULL, &n, blob, 166)
       && EVP_DecryptUpdate (c, part, &n, blob + 178, 32) && n == 32
       && EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_SET_TAG, 16, (void *)(blob + 210))
       && EVP_DecryptFinal_ex (c, part + 32, &n) == 1;
  EVP_CIPHER_CTX_free (c);
  EVP_KDF_CTX_free (kctx);
  EVP_KDF_free (kdf);
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (eph);
  return ok;
}

static char *
hex (const guint8 *data, gsize len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

char *
peer_vendor_file (EVP_PKEY *key, EVP_PKEY *ski_key, const char *key_type, const char *password,
                  const char *extra)
{
  OSSL_ENCODER_CTX *enc
      = OSSL_ENCODER_CTX_new_for_pkey (key, EVP_PKEY_KEYPAIR, "DER", "type-specific", NULL);
  guint8 *der = NULL, salt[32], aes[32], nonce[12], tag[16], point[PEER_POINT_LEN], ski[32];
  size_t der_len = 0;
  g_autofree char *b64 = NULL, *salt_hex = NULL, *enc_hex = NULL, *ski_hex = NULL;
  GString *pem = g_string_new ("-----BEGIN PRIVATE KEY-----\n");
  GByteArray *blob = g_byte_array_new ();
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new ();
  guint8 *cipher;
  int n;
  char *json;

  /* SEC1 ECPrivateKey DER under the label "PRIVATE KEY", as the vendor's tool does */
  g_assert_true (OSSL_ENCODER_to_data (enc, &der, &der_len));
  b64 = g_base64_encode (der, der_len);
  for (gsize i = 0; i < strlen (b64); i += 64)
    g_string_append_printf (pem, "%.64s\n", b64 + i);
  g_string_append (pem, "-----END PRIVATE KEY-----\n");

  g_assert_true (RAND_bytes (salt, sizeof salt) == 1 && RAND_bytes (nonce, sizeof nonce) == 1);
  g_assert_true (PKCS5_PBKDF2_HMAC (password, (int)strlen (password), salt, sizeof salt, 4096,
                                    EVP_sha256 (), sizeof aes, aes));
  cipher = g_malloc (pem->len + 16);
  g_assert_true (EVP_EncryptInit_ex (c, EVP_aes_256_gcm (), NULL, aes, nonce));
  g_assert_true (EVP_EncryptUpdate (c, cipher, &n, (guint8 *)pem->str, (int)pem->len));
  g_assert_true (EVP_EncryptFinal_ex (c, cipher + n, &n));
  g_assert_true (EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_GET_TAG, 16, tag));
  g_byte_array_append (blob, nonce, sizeof nonce);
  g_byte_array_append (blob, cipher, (guint)pem->len);
  g_byte_array_append (blob, tag, sizeof tag);

  peer_point (ski_key, point);
  peer_ski (point, ski);
  salt_hex = hex (salt, sizeof salt);
  enc_hex = hex (blob->data, blob->len);
  ski_hex = hex (ski, sizeof ski);
  json = g_strdup_printf (
      "{\"keyType\":\"%s\",\"enckey\":\"%s\",\"seaSalt\":\"%s\",\"ski\":\"%s\"%s}\n", key_type,
      enc_hex, salt_hex, ski_hex, extra ? extra : "");
  g_free (cipher);
  g_byte_array_unref (blob);
  g_string_free (pem, TRUE);
  EVP_CIPHER_CTX_free (c);
  OPENSSL_free (der);
  OSSL_ENCODER_CTX_free (enc);
  return json;
}
