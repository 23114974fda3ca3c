/* card-test-pki.c: see card-test-pki.h. */
#include "card-test-pki.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <string.h>

void
pki_sha256 (const void *data, gsize len, guint8 *out)
{
  EVP_Digest (data, len, out, NULL, EVP_sha256 (), NULL);
}

void
pki_vp (const guint8 *part, guint8 *vp)
{
  guint8 buf[13 + 32];

  memcpy (buf, "OpenTKE-VP-v1", 13);
  memcpy (buf + 13, part, 32);
  pki_sha256 (buf, sizeof buf, vp);
}

EVP_PKEY *
pki_key_new (void)
{
  EVP_PKEY *key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-521");

  g_assert_nonnull (key);
  return key;
}

void
pki_key_point (EVP_PKEY *key, guint8 *point)
{
  size_t len = 0;

  g_assert_cmpint (
      EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, 133, &len),
      ==, 1);
  g_assert_cmpuint (len, ==, 133);
}

void
pki_key_private (EVP_PKEY *key, guint8 *scalar)
{
  BIGNUM *d = NULL;

  g_assert_cmpint (EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_PRIV_KEY, &d), ==, 1);
  g_assert_cmpint (BN_bn2binpad (d, scalar, 66), ==, 66);
  BN_clear_free (d);
}

static void
sign_digest (EVP_PKEY *key, const guint8 *data, gsize len, guint8 *sig)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  guint8 der[160];
  size_t der_len = sizeof der;
  const unsigned char *p = der;
  ECDSA_SIG *ecdsa;

  g_assert_cmpint (EVP_DigestSignInit (md, NULL, EVP_sha512 (), NULL, key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (md, der, &der_len, data, len), ==, 1);
  ecdsa = d2i_ECDSA_SIG (NULL, &p, (long)der_len);
  g_assert_nonnull (ecdsa);
  BN_bn2binpad (ECDSA_SIG_get0_r (ecdsa), sig, 66);
  BN_bn2binpad (ECDSA_SIG_get0_s (ecdsa), sig + 66, 66);
  ECDSA_SIG_free (ecdsa);
  EVP_MD_CTX_free (md);
}

void
pki_cert (guint8 type, const guint8 *subject_id, EVP_PKEY *subject_key, EVP_PKEY *issuer_key,
          guint8 *cert)
{
  guint8 issuer_point[133];

  memset (cert, 0, 331);
  cert[0] = 1;
  cert[1] = type;
  memcpy (cert + 2, subject_id, 32);
  pki_key_point (subject_key, cert + 34);
  pki_key_point (issuer_key, issuer_point);
  pki_sha256 (issuer_point, 133, cert + 167);
  sign_digest (issuer_key, cert, 199, cert + 199);
}

gboolean
pki_open_key_part (EVP_PKEY *importer, const guint8 *importer_subject_id, const guint8 *blob,
                   guint8 *part)
{
  static const char label[] = "OpenTKE key part v1";
  EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *eph = NULL;
  EVP_PKEY_CTX *dctx = NULL;
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *kctx = EVP_KDF_CTX_new (kdf);
  EVP_CIPHER_CTX *cctx = EVP_CIPHER_CTX_new ();
  guint8 z[66], key[32], info[sizeof label - 1 + 32], point[133], ski[32];
  size_t z_len = sizeof z;
  int n = 0;
  gboolean ok = FALSE;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)(blob + 1), 133),
    OSSL_PARAM_construct_end (),
  };
  OSSL_PARAM kdf_params[5];

  pki_key_point (importer, point);
  pki_sha256 (point, 133, ski);
  if (blob[0] != 1 || memcmp (blob + 134, ski, 32) != 0)
    goto out;
  if (EVP_PKEY_fromdata_init (pctx) <= 0
      || EVP_PKEY_fromdata (pctx, &eph, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    goto out;
  dctx = EVP_PKEY_CTX_new_from_pkey (NULL, importer, NULL);
  if (EVP_PKEY_derive_init (dctx) <= 0 || EVP_PKEY_derive_set_peer (dctx, eph) <= 0
      || EVP_PKEY_derive (dctx, z, &z_len) <= 0)
    goto out;
  memcpy (info, label, sizeof label - 1);
  memcpy (info + sizeof label - 1, importer_subject_id, 32);
  kdf_params[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0);
  kdf_params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, ski, 32);
  kdf_params[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, z, z_len);
  kdf_params[3] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, info, sizeof info);
  kdf_params[4] = OSSL_PARAM_construct_end ();
  if (EVP_KDF_derive (kctx, key, sizeof key, kdf_params) != 1)
    goto out;
  ok = EVP_DecryptInit_ex (cctx, EVP_aes_256_gcm (), NULL, NULL, NULL) == 1
       && EVP_CIPHER_CTX_ctrl (cctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1
       && EVP_DecryptInit_ex (cctx, NULL, NULL, key, blob + 166) == 1
       && EVP_DecryptUpdate (cctx, NULL, &n, blob, 166) == 1
       && EVP_DecryptUpdate (cctx, part, &n, blob + 178, 32) == 1
       && EVP_CIPHER_CTX_ctrl (cctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)(blob + 210)) == 1
       && EVP_DecryptFinal_ex (cctx, part + n, &n) == 1;

out:
  EVP_CIPHER_CTX_free (cctx);
  EVP_KDF_CTX_free (kctx);
  EVP_KDF_free (kdf);
  EVP_PKEY_CTX_free (dctx);
  EVP_PKEY_CTX_free (pctx);
  EVP_PKEY_free (eph);
  return ok;
}

gboolean
pki_verify (const guint8 *point, const guint8 *digest, const guint8 *sig)
{
  EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  EVP_PKEY_CTX *vctx = NULL;
  ECDSA_SIG *ecdsa = ECDSA_SIG_new ();
  unsigned char *der = NULL;
  int der_len;
  gboolean ok = FALSE;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)point, 133),
    OSSL_PARAM_construct_end (),
  };

  if (EVP_PKEY_fromdata_init (pctx) <= 0
      || EVP_PKEY_fromdata (pctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    goto out;
  ECDSA_SIG_set0 (ecdsa, BN_bin2bn (sig, 66, NULL), BN_bin2bn (sig + 66, 66, NULL));
  der_len = i2d_ECDSA_SIG (ecdsa, &der);
  vctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  ok = der_len > 0 && EVP_PKEY_verify_init (vctx) == 1
       && EVP_PKEY_verify (vctx, der, (size_t)der_len, digest, 64) == 1;

out:
  OPENSSL_free (der);
  ECDSA_SIG_free (ecdsa);
  EVP_PKEY_CTX_free (vctx);
  EVP_PKEY_CTX_free (pctx);
  EVP_PKEY_free (key);
  return ok;
}
