/* hal.h: the crypto HAL of the applets.
 *
 * The applets reach cryptography only through these functions, the way applet code on
 * a secure element reaches its crypto coprocessor.  The virtual cards implement them with
 * OpenSSL (hal-openssl.c).  Keys are raw bytes: P-521 private scalar (66 bytes, big
 * endian) and uncompressed point (133 bytes).  Every function returns 0 on success and -1
 * on failure (bad key, bad point, library error); otk_hal_ecdsa_verify() and
 * otk_hal_aes_gcm_open() also return -1 when the signature or tag does not verify.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum
{
  OTK_EC_PRIV_LEN = 66,
  OTK_EC_POINT_LEN = 133,
  OTK_ECDH_LEN = 66,
  OTK_SIG_LEN = 132,
  OTK_SHA256_LEN = 32,
  OTK_SHA512_LEN = 64,
  OTK_AES_KEY_LEN = 32,
  OTK_GCM_NONCE_LEN = 12,
  OTK_GCM_TAG_LEN = 16,
};

/* One piece of a message that is hashed or used as HKDF info. */
typedef struct
{
  const uint8_t *data;
  size_t len;
} otk_hal_chunk;

int otk_hal_random (uint8_t *buf, size_t len);
int otk_hal_sha256 (const otk_hal_chunk *chunks, size_t n, uint8_t out[OTK_SHA256_LEN]);
int otk_hal_sha512 (const otk_hal_chunk *chunks, size_t n, uint8_t out[OTK_SHA512_LEN]);

/* A new P-521 key pair. */
int otk_hal_ec_generate (uint8_t priv[OTK_EC_PRIV_LEN], uint8_t pub[OTK_EC_POINT_LEN]);
/* The point of a private scalar; fails unless 1 <= priv < n. */
int otk_hal_ec_public (const uint8_t priv[OTK_EC_PRIV_LEN], uint8_t pub[OTK_EC_POINT_LEN]);
/* 0 when @pub is an uncompressed point on P-521. */
int otk_hal_ec_check_point (const uint8_t pub[OTK_EC_POINT_LEN]);
/* ECDSA over a 64-byte SHA-512 digest; signature r || s. */
int otk_hal_ecdsa_sign (const uint8_t priv[OTK_EC_PRIV_LEN], const uint8_t digest[OTK_SHA512_LEN],
                        uint8_t sig[OTK_SIG_LEN]);
int otk_hal_ecdsa_verify (const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t digest[OTK_SHA512_LEN],
                          const uint8_t sig[OTK_SIG_LEN]);
/* x coordinate of priv * pub. */
int otk_hal_ecdh (const uint8_t priv[OTK_EC_PRIV_LEN], const uint8_t pub[OTK_EC_POINT_LEN],
                  uint8_t z[OTK_ECDH_LEN]);
int otk_hal_hkdf_sha512 (const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                         const otk_hal_chunk *info, size_t n_info, uint8_t *out, size_t out_len);
/* AES-256-GCM; @ct has @len bytes (in-place allowed). */
int otk_hal_aes_gcm_seal (const uint8_t key[OTK_AES_KEY_LEN],
                          const uint8_t nonce[OTK_GCM_NONCE_LEN], const uint8_t *aad,
                          size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct,
                          uint8_t tag[OTK_GCM_TAG_LEN]);
int otk_hal_aes_gcm_open (const uint8_t key[OTK_AES_KEY_LEN],
                          const uint8_t nonce[OTK_GCM_NONCE_LEN], const uint8_t *aad,
                          size_t aad_len, const uint8_t *ct, size_t len,
                          const uint8_t tag[OTK_GCM_TAG_LEN], uint8_t *pt);
