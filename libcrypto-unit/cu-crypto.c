/* cu-crypto.c: OpenSSL primitives (see cu-crypto.h).  The contracts of
 * docs/interfaces.md are common/otk-crypto.c; this file adds the GErrors of
 * libcrypto-unit, the PKCS#8 key storage and the AES key wrap of the unit. */
#include "cu-crypto.h"

#include "otk-crypto.h"
#include "secure.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

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
  EVP_PKEY *key = otk_crypto_p521_generate ();

  if (key == NULL)
    cu_set_openssl_error (error, "P-521 key generation");
  return key;
}

EVP_PKEY *
cu_p521_from_point (const uint8_t point[CU_POINT_LEN], GError **error)
{
  EVP_PKEY *key = otk_crypto_p521_from_point (point);

  if (key == NULL)
    g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                 "The public key is not an uncompressed point on the P-521 curve");
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

/* SHA-256 and SHA-512 cannot fail but for a broken OpenSSL installation. */
void
cu_sha256 (const void *data, size_t len, uint8_t out[32])
{
  otk_crypto_chunk c = { data, len };

  if (otk_crypto_sha256 (&c, 1, out) != OTK_CRYPTO_OK)
    g_error ("SHA-256 is not available");
}

void
cu_sha512 (const void *data, size_t len, uint8_t out[64])
{
  otk_crypto_chunk c = { data, len };

  if (otk_crypto_sha512 (&c, 1, out) != OTK_CRYPTO_OK)
    g_error ("SHA-512 is not available");
}

gboolean
cu_ecdsa_sign_digest (EVP_PKEY *key, const uint8_t digest[CU_DIGEST_LEN],
                      uint8_t signature[CU_SIGNATURE_LEN], GError **error)
{
  if (otk_crypto_ecdsa_sign (key, digest, signature) != OTK_CRYPTO_OK)
    {
      cu_set_openssl_error (error, "ECDSA signing");
      return FALSE;
    }
  return TRUE;
}

gboolean
cu_ecdsa_verify_digest (EVP_PKEY *key, const uint8_t digest[CU_DIGEST_LEN],
                        const uint8_t signature[CU_SIGNATURE_LEN], GError **error)
{
  int rc = otk_crypto_ecdsa_verify (key, digest, signature);

  if (rc == OTK_CRYPTO_ERR_LIBRARY)
    cu_set_openssl_error (error, "ECDSA verification");
  return rc == OTK_CRYPTO_OK;
}

gboolean
cu_gcm_encrypt (const uint8_t key[CU_AES_KEY_LEN], const uint8_t nonce[CU_GCM_NONCE_LEN],
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                uint8_t tag[CU_GCM_TAG_LEN], GError **error)
{
  if (otk_crypto_gcm_seal (key, nonce, aad, aad_len, in, len, out, tag) != OTK_CRYPTO_OK)
    {
      cu_set_openssl_error (error, "AES-GCM encryption");
      return FALSE;
    }
  return TRUE;
}

gboolean
cu_gcm_decrypt (const uint8_t key[CU_AES_KEY_LEN], const uint8_t nonce[CU_GCM_NONCE_LEN],
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                const uint8_t tag[CU_GCM_TAG_LEN], uint8_t *out, int fail_code, GError **error)
{
  int rc = otk_crypto_gcm_open (key, nonce, aad, aad_len, in, len, tag, out);

  if (rc == OTK_CRYPTO_ERR_VERIFY)
    g_set_error (error, CU_ERROR, fail_code,
                 "The data does not decrypt: it was altered or is for another key");
  else if (rc != OTK_CRYPTO_OK)
    cu_set_openssl_error (error, "AES-GCM decryption");
  return rc == OTK_CRYPTO_OK;
}

gboolean
cu_random (uint8_t *out, size_t len, GError **error)
{
  if (otk_crypto_random (out, len) != OTK_CRYPTO_OK)
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
