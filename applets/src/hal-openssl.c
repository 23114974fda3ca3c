/* hal-openssl.c: the crypto HAL of the virtual cards, on OpenSSL.
 *
 * Uses the EC_KEY level of OpenSSL (still supported in 3.x, declared deprecated) because
 * the HAL deals in raw scalars and points; OPENSSL_API_COMPAT is set for this file only. */
#define OPENSSL_API_COMPAT 10101

#include "hal.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdh.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "secure.h"

int
otk_hal_random (uint8_t *buf, size_t len)
{
  return RAND_priv_bytes (buf, (int)len) == 1 ? 0 : -1;
}

static int
digest_chunks (const EVP_MD *md, const otk_hal_chunk *chunks, size_t n, uint8_t *out)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  int rc = -1;

  if (ctx == NULL || EVP_DigestInit_ex (ctx, md, NULL) != 1)
    goto out;
  for (size_t i = 0; i < n; i++)
    if (chunks[i].len > 0 && EVP_DigestUpdate (ctx, chunks[i].data, chunks[i].len) != 1)
      goto out;
  if (EVP_DigestFinal_ex (ctx, out, NULL) != 1)
    goto out;
  rc = 0;
out:
  EVP_MD_CTX_free (ctx);
  return rc;
}

int
otk_hal_sha256 (const otk_hal_chunk *chunks, size_t n, uint8_t out[OTK_SHA256_LEN])
{
  return digest_chunks (EVP_sha256 (), chunks, n, out);
}

int
otk_hal_sha512 (const otk_hal_chunk *chunks, size_t n, uint8_t out[OTK_SHA512_LEN])
{
  return digest_chunks (EVP_sha512 (), chunks, n, out);
}

static int
point_to_bytes (const EC_KEY *key, uint8_t pub[OTK_EC_POINT_LEN])
{
  size_t n = EC_POINT_point2oct (EC_KEY_get0_group (key), EC_KEY_get0_public_key (key),
                                 POINT_CONVERSION_UNCOMPRESSED, pub, OTK_EC_POINT_LEN, NULL);
  return n == OTK_EC_POINT_LEN ? 0 : -1;
}

/* An EC_KEY holding @priv (and its point). */
static EC_KEY *
key_from_private (const uint8_t priv[OTK_EC_PRIV_LEN])
{
  EC_KEY *key = EC_KEY_new_by_curve_name (NID_secp521r1);
  BIGNUM *d = BN_secure_new ();
  EC_POINT *q = NULL;
  int ok = 0;

  if (key == NULL || d == NULL || BN_bin2bn (priv, OTK_EC_PRIV_LEN, d) == NULL)
    goto out;
  if (BN_is_zero (d) || BN_cmp (d, EC_GROUP_get0_order (EC_KEY_get0_group (key))) >= 0)
    goto out;
  q = EC_POINT_new (EC_KEY_get0_group (key));
  if (q == NULL || EC_POINT_mul (EC_KEY_get0_group (key), q, d, NULL, NULL, NULL) != 1)
    goto out;
  ok = EC_KEY_set_private_key (key, d) == 1 && EC_KEY_set_public_key (key, q) == 1;
out:
  BN_clear_free (d);
  EC_POINT_free (q);
  if (!ok)
    {
      EC_KEY_free (key);
      key = NULL;
    }
  return key;
}

static EC_KEY *
key_from_point (const uint8_t pub[OTK_EC_POINT_LEN])
{
  EC_KEY *key = EC_KEY_new_by_curve_name (NID_secp521r1);

  if (key == NULL || pub[0] != 0x04 || EC_KEY_oct2key (key, pub, OTK_EC_POINT_LEN, NULL) != 1
      || EC_KEY_check_key (key) != 1)
    {
      EC_KEY_free (key);
      return NULL;
    }
  return key;
}

int
otk_hal_ec_generate (uint8_t priv[OTK_EC_PRIV_LEN], uint8_t pub[OTK_EC_POINT_LEN])
{
  EC_KEY *key = EC_KEY_new_by_curve_name (NID_secp521r1);
  int rc = -1;

  if (key == NULL || EC_KEY_generate_key (key) != 1)
    goto out;
  if (BN_bn2binpad (EC_KEY_get0_private_key (key), priv, OTK_EC_PRIV_LEN) != OTK_EC_PRIV_LEN)
    goto out;
  rc = point_to_bytes (key, pub);
out:
  EC_KEY_free (key);
  if (rc != 0)
    secure_clear (priv, OTK_EC_PRIV_LEN);
  return rc;
}

int
otk_hal_ec_public (const uint8_t priv[OTK_EC_PRIV_LEN], uint8_t pub[OTK_EC_POINT_LEN])
{
  EC_KEY *key = key_from_private (priv);
  int rc = key != NULL ? point_to_bytes (key, pub) : -1;

  EC_KEY_free (key);
  return rc;
}

int
otk_hal_ec_check_point (const uint8_t pub[OTK_EC_POINT_LEN])
{
  EC_KEY *key = key_from_point (pub);

  EC_KEY_free (key);
  return key != NULL ? 0 : -1;
}

int
otk_hal_ecdsa_sign (const uint8_t priv[OTK_EC_PRIV_LEN], const uint8_t digest[OTK_SHA512_LEN],
                    uint8_t sig[OTK_SIG_LEN])
{
  EC_KEY *key = key_from_private (priv);
  ECDSA_SIG *s = NULL;
  int rc = -1;

  if (key == NULL || (s = ECDSA_do_sign (digest, OTK_SHA512_LEN, key)) == NULL)
    goto out;
  if (BN_bn2binpad (ECDSA_SIG_get0_r (s), sig, OTK_SIG_LEN / 2) != OTK_SIG_LEN / 2
      || BN_bn2binpad (ECDSA_SIG_get0_s (s), sig + OTK_SIG_LEN / 2, OTK_SIG_LEN / 2)
             != OTK_SIG_LEN / 2)
    goto out;
  rc = 0;
out:
  ECDSA_SIG_free (s);
  EC_KEY_free (key);
  return rc;
}

int
otk_hal_ecdsa_verify (const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t digest[OTK_SHA512_LEN],
                      const uint8_t sig[OTK_SIG_LEN])
{
  EC_KEY *key = key_from_point (pub);
  ECDSA_SIG *s = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (sig, OTK_SIG_LEN / 2, NULL);
  BIGNUM *sv = BN_bin2bn (sig + OTK_SIG_LEN / 2, OTK_SIG_LEN / 2, NULL);
  int rc = -1;

  if (key == NULL || s == NULL || r == NULL || sv == NULL || ECDSA_SIG_set0 (s, r, sv) != 1)
    {
      BN_free (r);
      BN_free (sv);
      goto out;
    }
  rc = ECDSA_do_verify (digest, OTK_SHA512_LEN, s, key) == 1 ? 0 : -1;
out:
  ECDSA_SIG_free (s);
  EC_KEY_free (key);
  return rc;
}

int
otk_hal_ecdh (const uint8_t priv[OTK_EC_PRIV_LEN], const uint8_t pub[OTK_EC_POINT_LEN],
              uint8_t z[OTK_ECDH_LEN])
{
  EC_KEY *key = key_from_private (priv);
  EC_KEY *peer = key_from_point (pub);
  int rc = -1;

  if (key != NULL && peer != NULL
      && ECDH_compute_key (z, OTK_ECDH_LEN, EC_KEY_get0_public_key (peer), key, NULL)
             == OTK_ECDH_LEN)
    rc = 0;
  EC_KEY_free (key);
  EC_KEY_free (peer);
  return rc;
}

int
otk_hal_hkdf_sha512 (const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                     const otk_hal_chunk *info, size_t n_info, uint8_t *out, size_t out_len)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id (EVP_PKEY_HKDF, NULL);
  size_t len = out_len;
  int rc = -1;

  if (ctx == NULL || EVP_PKEY_derive_init (ctx) <= 0
      || EVP_PKEY_CTX_set_hkdf_md (ctx, EVP_sha512 ()) <= 0
      || EVP_PKEY_CTX_set1_hkdf_salt (ctx, salt, (int)salt_len) <= 0
      || EVP_PKEY_CTX_set1_hkdf_key (ctx, ikm, (int)ikm_len) <= 0)
    goto out;
  for (size_t i = 0; i < n_info; i++)
    if (EVP_PKEY_CTX_add1_hkdf_info (ctx, info[i].data, (int)info[i].len) <= 0)
      goto out;
  if (EVP_PKEY_derive (ctx, out, &len) <= 0 || len != out_len)
    goto out;
  rc = 0;
out:
  EVP_PKEY_CTX_free (ctx);
  return rc;
}

static int
gcm_run (int enc, const uint8_t key[OTK_AES_KEY_LEN], const uint8_t nonce[OTK_GCM_NONCE_LEN],
         const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
         uint8_t tag[OTK_GCM_TAG_LEN])
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;
  int rc = -1;

  if (ctx == NULL || EVP_CipherInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL, enc) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, OTK_GCM_NONCE_LEN, NULL) != 1
      || EVP_CipherInit_ex (ctx, NULL, NULL, key, nonce, enc) != 1)
    goto out;
  if (aad_len > 0 && EVP_CipherUpdate (ctx, NULL, &n, aad, (int)aad_len) != 1)
    goto out;
  if (len > 0 && EVP_CipherUpdate (ctx, out, &n, in, (int)len) != 1)
    goto out;
  if (!enc && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, OTK_GCM_TAG_LEN, tag) != 1)
    goto out;
  if (EVP_CipherFinal_ex (ctx, out + len, &n) != 1)
    goto out;
  if (enc && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, OTK_GCM_TAG_LEN, tag) != 1)
    goto out;
  rc = 0;
out:
  EVP_CIPHER_CTX_free (ctx);
  if (rc != 0 && !enc)
    secure_clear (out, len);
  return rc;
}

int
otk_hal_aes_gcm_seal (const uint8_t key[OTK_AES_KEY_LEN], const uint8_t nonce[OTK_GCM_NONCE_LEN],
                      const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t len,
                      uint8_t *ct, uint8_t tag[OTK_GCM_TAG_LEN])
{
  return gcm_run (1, key, nonce, aad, aad_len, pt, len, ct, tag);
}

int
otk_hal_aes_gcm_open (const uint8_t key[OTK_AES_KEY_LEN], const uint8_t nonce[OTK_GCM_NONCE_LEN],
                      const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t len,
                      const uint8_t tag[OTK_GCM_TAG_LEN], uint8_t *pt)
{
  return gcm_run (0, key, nonce, aad, aad_len, ct, len, pt, (uint8_t *)tag);
}
