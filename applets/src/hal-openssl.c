/* hal-openssl.c: the crypto HAL of the virtual cards, on common/otk-crypto.c.
 *
 * The applets deal in raw scalars and points; this file only turns them into
 * OpenSSL keys and maps the return codes to the HAL's 0 / -1. */
#include "hal.h"

#include "otk-crypto.h"
#include "secure.h"

/* The HAL's chunks, as otk-crypto chunks (same meaning, distinct types).  The
 * applets hash and derive from at most 3 pieces; more is refused, not truncated. */
enum
{
  MAX_CHUNKS = 8
};

static int
to_crypto_chunks (const otk_hal_chunk *chunks, size_t n, otk_crypto_chunk out[MAX_CHUNKS])
{
  if (n > MAX_CHUNKS)
    return -1;
  for (size_t i = 0; i < n; i++)
    out[i] = (otk_crypto_chunk){ chunks[i].data, chunks[i].len };
  return 0;
}

int
otk_hal_random (uint8_t *buf, size_t len)
{
  return otk_crypto_random (buf, len) == OTK_CRYPTO_OK ? 0 : -1;
}

typedef int (*crypto_digest_fn) (const otk_crypto_chunk *chunks, size_t n, uint8_t *out);

static int
hal_digest (crypto_digest_fn digest, const otk_hal_chunk *chunks, size_t n, uint8_t *out)
{
  otk_crypto_chunk c[MAX_CHUNKS];

  return to_crypto_chunks (chunks, n, c) == 0 && digest (c, n, out) == OTK_CRYPTO_OK ? 0 : -1;
}

int
otk_hal_sha256 (const otk_hal_chunk *chunks, size_t n, uint8_t out[OTK_SHA256_LEN])
{
  return hal_digest (otk_crypto_sha256, chunks, n, out);
}

int
otk_hal_sha512 (const otk_hal_chunk *chunks, size_t n, uint8_t out[OTK_SHA512_LEN])
{
  return hal_digest (otk_crypto_sha512, chunks, n, out);
}

int
otk_hal_ec_generate (uint8_t priv[OTK_EC_PRIV_LEN], uint8_t pub[OTK_EC_POINT_LEN])
{
  EVP_PKEY *key = otk_crypto_p521_generate ();
  int rc = -1;

  if (key == NULL || otk_crypto_p521_scalar (key, priv) != OTK_CRYPTO_OK
      || otk_crypto_p521_point (key, pub) != OTK_CRYPTO_OK)
    goto out;
  rc = 0;
out:
  EVP_PKEY_free (key); /* OpenSSL clears private keys when freeing them */
  if (rc != 0)
    secure_clear (priv, OTK_EC_PRIV_LEN);
  return rc;
}

int
otk_hal_ec_public (const uint8_t priv[OTK_EC_PRIV_LEN], uint8_t pub[OTK_EC_POINT_LEN])
{
  EVP_PKEY *key = otk_crypto_p521_from_scalar (priv, pub);

  EVP_PKEY_free (key);
  return key != NULL ? 0 : -1;
}

int
otk_hal_ec_check_point (const uint8_t pub[OTK_EC_POINT_LEN])
{
  EVP_PKEY *key = otk_crypto_p521_from_point (pub);

  EVP_PKEY_free (key);
  return key != NULL ? 0 : -1;
}

int
otk_hal_ecdsa_sign (const uint8_t priv[OTK_EC_PRIV_LEN], const uint8_t digest[OTK_SHA512_LEN],
                    uint8_t sig[OTK_SIG_LEN])
{
  EVP_PKEY *key = otk_crypto_p521_from_scalar (priv, NULL);
  int rc = key != NULL && otk_crypto_ecdsa_sign (key, digest, sig) == OTK_CRYPTO_OK ? 0 : -1;

  EVP_PKEY_free (key);
  return rc;
}

int
otk_hal_ecdsa_verify (const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t digest[OTK_SHA512_LEN],
                      const uint8_t sig[OTK_SIG_LEN])
{
  EVP_PKEY *key = otk_crypto_p521_from_point (pub);
  int rc = key != NULL && otk_crypto_ecdsa_verify (key, digest, sig) == OTK_CRYPTO_OK ? 0 : -1;

  EVP_PKEY_free (key);
  return rc;
}

int
otk_hal_ecdh (const uint8_t priv[OTK_EC_PRIV_LEN], const uint8_t pub[OTK_EC_POINT_LEN],
              uint8_t z[OTK_ECDH_LEN])
{
  EVP_PKEY *key = otk_crypto_p521_from_scalar (priv, NULL);
  EVP_PKEY *peer = otk_crypto_p521_from_point (pub);
  int rc = key != NULL && peer != NULL && otk_crypto_ecdh (key, peer, z) == OTK_CRYPTO_OK ? 0 : -1;

  EVP_PKEY_free (key);
  EVP_PKEY_free (peer);
  return rc;
}

int
otk_hal_hkdf_sha512 (const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                     const otk_hal_chunk *info, size_t n_info, uint8_t *out, size_t out_len)
{
  otk_crypto_chunk c[MAX_CHUNKS];

  if (to_crypto_chunks (info, n_info, c) != 0)
    return -1;
  return otk_crypto_hkdf_sha512 (salt, salt_len, ikm, ikm_len, c, n_info, out, out_len)
                 == OTK_CRYPTO_OK
             ? 0
             : -1;
}

int
otk_hal_aes_gcm_seal (const uint8_t key[OTK_AES_KEY_LEN], const uint8_t nonce[OTK_GCM_NONCE_LEN],
                      const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t len,
                      uint8_t *ct, uint8_t tag[OTK_GCM_TAG_LEN])
{
  return otk_crypto_gcm_seal (key, nonce, aad, aad_len, pt, len, ct, tag) == OTK_CRYPTO_OK ? 0 : -1;
}

int
otk_hal_aes_gcm_open (const uint8_t key[OTK_AES_KEY_LEN], const uint8_t nonce[OTK_GCM_NONCE_LEN],
                      const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t len,
                      const uint8_t tag[OTK_GCM_TAG_LEN], uint8_t *pt)
{
  return otk_crypto_gcm_open (key, nonce, aad, aad_len, ct, len, tag, pt) == OTK_CRYPTO_OK ? 0 : -1;
}
