/* cu-crypto.c: OpenSSL primitives (see cu-crypto.h). */
#include "cu-crypto.h"

#include "secure.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <limits.h>
#include <string.h>

#define P521_COORD_LEN 66

void
cu_set_openssl_error (GError **error, const char *what)
{
  unsigned long e = ERR_get_error ();
  char buf[256] = "";

  if (e != 0)
    ERR_error_string_n (e, buf, sizeof buf);
  ERR_clear_error ();
  g_set_error (error, CU_ERROR, CU_ERROR_INTERNAL, "Cryptographic failure in %s%s%s", what,
               buf[0] ? ": " : "", buf);
}

EVP_PKEY *
cu_p521_generate (GError **error)
{
  EVP_PKEY *key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-521");

  if (key == NULL)
    cu_set_openssl_error (error, "P-521 key generation");
  return key;
}

EVP_PKEY *
cu_p521_from_point (const uint8_t point[CU_POINT_LEN], GError **error)
{
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY_CTX *check = NULL;
  EVP_PKEY *key = NULL;
  OSSL_PARAM params[3];

  if (point[0] != 0x04)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "The public key is not an uncompressed P-521 point");
      return NULL;
    }
  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0);
  params[1]
      = OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)point, CU_POINT_LEN);
  params[2] = OSSL_PARAM_construct_end ();
  ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  if (ctx == NULL || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    {
      ERR_clear_error ();
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "The public key is not a valid P-521 point");
      goto out;
    }
  check = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  if (check == NULL || EVP_PKEY_public_check (check) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "The public key is not a point on the P-521 curve");
      EVP_PKEY_free (key);
      key = NULL;
    }
out:
  EVP_PKEY_CTX_free (check);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

OtkSecretBuf *
cu_p521_private_to_der (EVP_PKEY *key, GError **error)
{
  unsigned char *der = NULL;
  int len = i2d_PrivateKey (key, &der);
  OtkSecretBuf *out;

  if (len <= 0)
    {
      cu_set_openssl_error (error, "private key encoding");
      return NULL;
    }
  out = otk_secret_buf_new ((size_t)len);
  memcpy (out->data, der, (size_t)len);
  OPENSSL_clear_free (der, (size_t)len);
  return out;
}

EVP_PKEY *
cu_p521_private_from_der (const uint8_t *der, size_t len, GError **error)
{
  const unsigned char *p = der;
  EVP_PKEY *key = d2i_AutoPrivateKey (NULL, &p, (long)len);

  if (key == NULL)
    cu_set_openssl_error (error, "private key decoding");
  return key;
}

void
cu_sha256 (const void *data, size_t len, uint8_t out[32])
{
  SHA256 (data, len, out);
}

void
cu_sha512 (const void *data, size_t len, uint8_t out[64])
{
  SHA512 (data, len, out);
}

gboolean
cu_ecdsa_sign_digest (EVP_PKEY *key, const uint8_t digest[CU_DIGEST_LEN],
                      uint8_t signature[CU_SIGNATURE_LEN], GError **error)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  unsigned char der[160];
  size_t der_len = sizeof der;
  const unsigned char *p = der;
  ECDSA_SIG *sig = NULL;
  gboolean ok = FALSE;

  if (ctx == NULL || EVP_PKEY_sign_init (ctx) <= 0
      || EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha512 ()) <= 0
      || EVP_PKEY_sign (ctx, der, &der_len, digest, CU_DIGEST_LEN) <= 0
      || (sig = d2i_ECDSA_SIG (NULL, &p, (long)der_len)) == NULL
      || BN_bn2binpad (ECDSA_SIG_get0_r (sig), signature, P521_COORD_LEN) != P521_COORD_LEN
      || BN_bn2binpad (ECDSA_SIG_get0_s (sig), signature + P521_COORD_LEN, P521_COORD_LEN)
             != P521_COORD_LEN)
    {
      cu_set_openssl_error (error, "ECDSA signing");
      goto out;
    }
  ok = TRUE;
out:
  ECDSA_SIG_free (sig);
  EVP_PKEY_CTX_free (ctx);
  return ok;
}

gboolean
cu_ecdsa_verify_digest (EVP_PKEY *key, const uint8_t digest[CU_DIGEST_LEN],
                        const uint8_t signature[CU_SIGNATURE_LEN], GError **error)
{
  EVP_PKEY_CTX *ctx = NULL;
  ECDSA_SIG *sig = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (signature, P521_COORD_LEN, NULL);
  BIGNUM *s = BN_bin2bn (signature + P521_COORD_LEN, P521_COORD_LEN, NULL);
  unsigned char *der = NULL;
  int der_len;
  gboolean ok = FALSE;

  if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0 (sig, r, s) != 1)
    {
      BN_free (r);
      BN_free (s);
      cu_set_openssl_error (error, "ECDSA signature decoding");
      goto out;
    }
  der_len = i2d_ECDSA_SIG (sig, &der);
  ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  if (der_len <= 0 || ctx == NULL || EVP_PKEY_verify_init (ctx) <= 0
      || EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha512 ()) <= 0)
    {
      cu_set_openssl_error (error, "ECDSA verification");
      goto out;
    }
  ok = EVP_PKEY_verify (ctx, der, (size_t)der_len, digest, CU_DIGEST_LEN) == 1;
  ERR_clear_error ();
out:
  OPENSSL_free (der);
  ECDSA_SIG_free (sig);
  EVP_PKEY_CTX_free (ctx);
  return ok;
}

gboolean
cu_ecdh (EVP_PKEY *own, EVP_PKEY *peer, uint8_t z[66], GError **error)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, own, NULL);
  size_t len = 66;
  gboolean ok = FALSE;

  if (ctx == NULL || EVP_PKEY_derive_init (ctx) <= 0 || EVP_PKEY_derive_set_peer (ctx, peer) <= 0
      || EVP_PKEY_derive (ctx, z, &len) <= 0 || len != 66)
    {
      cu_set_openssl_error (error, "ECDH");
      goto out;
    }
  ok = TRUE;
out:
  EVP_PKEY_CTX_free (ctx);
  return ok;
}

gboolean
cu_hkdf_sha512 (const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len, GError **error)
{
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new (kdf) : NULL;
  OSSL_PARAM params[5];
  gboolean ok = FALSE;

  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
  params[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
  params[3] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, (void *)info, info_len);
  params[4] = OSSL_PARAM_construct_end ();
  if (ctx == NULL || EVP_KDF_derive (ctx, out, out_len, params) <= 0)
    {
      cu_set_openssl_error (error, "HKDF");
      goto out;
    }
  ok = TRUE;
out:
  EVP_KDF_CTX_free (ctx);
  EVP_KDF_free (kdf);
  return ok;
}

gboolean
cu_gcm_encrypt (const uint8_t key[CU_AES_KEY_LEN], const uint8_t nonce[CU_GCM_NONCE_LEN],
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                uint8_t tag[CU_GCM_TAG_LEN], GError **error)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;
  gboolean ok = FALSE;

  if (ctx == NULL || len > INT_MAX || aad_len > INT_MAX
      || EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, nonce) != 1
      || (aad_len > 0 && EVP_EncryptUpdate (ctx, NULL, &n, aad, (int)aad_len) != 1)
      || EVP_EncryptUpdate (ctx, out, &n, in, (int)len) != 1
      || EVP_EncryptFinal_ex (ctx, out + n, &n) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, CU_GCM_TAG_LEN, tag) != 1)
    {
      cu_set_openssl_error (error, "AES-GCM encryption");
      goto out;
    }
  ok = TRUE;
out:
  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

gboolean
cu_gcm_decrypt (const uint8_t key[CU_AES_KEY_LEN], const uint8_t nonce[CU_GCM_NONCE_LEN],
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                const uint8_t tag[CU_GCM_TAG_LEN], uint8_t *out, int fail_code, GError **error)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;
  gboolean ok = FALSE;

  if (ctx == NULL || len > INT_MAX || aad_len > INT_MAX
      || EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, nonce) != 1
      || (aad_len > 0 && EVP_DecryptUpdate (ctx, NULL, &n, aad, (int)aad_len) != 1)
      || EVP_DecryptUpdate (ctx, out, &n, in, (int)len) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, CU_GCM_TAG_LEN, (void *)tag) != 1)
    {
      cu_set_openssl_error (error, "AES-GCM decryption");
      goto out;
    }
  if (EVP_DecryptFinal_ex (ctx, out + n, &n) != 1)
    {
      ERR_clear_error ();
      secure_clear (out, len);
      g_set_error (error, CU_ERROR, fail_code,
                   "The data does not decrypt: it was altered or is for another key");
      goto out;
    }
  ok = TRUE;
out:
  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

gboolean
cu_random (uint8_t *out, size_t len, GError **error)
{
  if (len > INT_MAX || RAND_bytes (out, (int)len) != 1)
    {
      cu_set_openssl_error (error, "random generation");
      return FALSE;
    }
  return TRUE;
}

struct _CuKeyWrap
{
  EVP_CIPHER_CTX *ctx;
  gboolean wrap;
};

CuKeyWrap *
cu_key_wrap_new (const uint8_t kek[CU_AES_KEY_LEN], gboolean wrap, GError **error)
{
  CuKeyWrap *kw = g_new0 (CuKeyWrap, 1);

  kw->wrap = wrap;
  kw->ctx = EVP_CIPHER_CTX_new ();
  if (kw->ctx == NULL)
    goto fail;
  EVP_CIPHER_CTX_set_flags (kw->ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex (kw->ctx, EVP_aes_256_wrap_pad (), NULL, kek, NULL, wrap ? 1 : 0) != 1)
    goto fail;
  return kw;
fail:
  cu_set_openssl_error (error, "AES key wrap setup");
  cu_key_wrap_free (kw);
  return NULL;
}

void
cu_key_wrap_free (CuKeyWrap *kw)
{
  if (kw == NULL)
    return;
  EVP_CIPHER_CTX_free (kw->ctx);
  g_free (kw);
}

gboolean
cu_key_wrap_run (CuKeyWrap *kw, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len,
                 GError **error)
{
  uint8_t buf[64];
  int n = 0;
  int fin = 0;
  gboolean ok = FALSE;

  /* Re-arm with the same key schedule: only the default IV is reset. */
  if (in_len > 48 || EVP_CipherInit_ex (kw->ctx, NULL, NULL, NULL, NULL, kw->wrap ? 1 : 0) != 1)
    {
      cu_set_openssl_error (error, "AES key wrap");
      goto out;
    }
  if (EVP_CipherUpdate (kw->ctx, buf, &n, in, (int)in_len) != 1 || n < 0
      || EVP_CipherFinal_ex (kw->ctx, buf + n, &fin) != 1 || (size_t)(n + fin) != out_len)
    {
      ERR_clear_error ();
      if (kw->wrap)
        g_set_error (error, CU_ERROR, CU_ERROR_INTERNAL, "AES key wrap failed");
      else
        g_set_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED,
                     "The key does not unwrap under the current master key");
      goto out;
    }
  memcpy (out, buf, out_len);
  ok = TRUE;
out:
  secure_clear (buf, sizeof buf);
  return ok;
}
