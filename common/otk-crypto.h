/* otk-crypto.h: the one OpenSSL implementation of the byte-level contracts of
 * docs/interfaces.md and the card-to-card sealing of docs/card-protocol.md §6.3.
 *
 * Plain C (no GLib) so that the applets' crypto HAL, libcard (cards and key files)
 * and libcrypto-unit all use the same code.  Keys are OpenSSL EVP_PKEYs; on the
 * wire they are the 133-byte uncompressed P-521 point 04 || X || Y and the
 * 66-byte big-endian private scalar.  Buffers are provided by the caller.
 * Every function returns OTK_CRYPTO_OK (0) or a negative otk_crypto_rc; every
 * secret this module computes (ECDH secret, derived key, scalars) is wiped with
 * secure_clear() before it returns.
 */
#pragma once

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

enum
{
  OTK_CRYPTO_POINT_LEN = 133, /* 04 || X(66) || Y(66) */
  OTK_CRYPTO_SCALAR_LEN = 66, /* private key, big-endian, left-padded */
  OTK_CRYPTO_SIG_LEN = 132,   /* r(66) || s(66) */
  OTK_CRYPTO_SHA256_LEN = 32,
  OTK_CRYPTO_SHA512_LEN = 64,  /* what is signed: a SHA-512 digest */
  OTK_CRYPTO_ECDH_LEN = 66,    /* x coordinate of the shared point */
  OTK_CRYPTO_AES_KEY_LEN = 32, /* AES-256 */
  OTK_CRYPTO_GCM_NONCE_LEN = 12,
  OTK_CRYPTO_GCM_TAG_LEN = 16,
  OTK_CRYPTO_ID_LEN = 32,   /* subject IDs, SKIs, VPs, key parts */
  OTK_CRYPTO_PART_LEN = 32, /* a key part or master key */

  /* Certificates (docs/interfaces.md) */
  OTK_CRYPTO_CERT_LEN = 331,
  OTK_CRYPTO_CERT_TYPE_OFF = 1,
  OTK_CRYPTO_CERT_SUBJECT_OFF = 2,
  OTK_CRYPTO_CERT_POINT_OFF = 34,
  OTK_CRYPTO_CERT_ISSUER_OFF = 167,
  OTK_CRYPTO_CERT_SIG_OFF = 199, /* = the length of the signed part */
  OTK_CRYPTO_CERT_CU_ROOT = 1,
  OTK_CRYPTO_CERT_CU_DEVICE = 2,
  OTK_CRYPTO_CERT_CU_IMPORTER = 3,

  /* Sealed data: header (version 01 || ephemeral point || recipient SKI) || nonce
   * || ciphertext || tag.  A key part blob seals 32 bytes: 226 bytes. */
  OTK_CRYPTO_SEAL_HEADER_LEN = 1 + 133 + 32,
  OTK_CRYPTO_SEAL_SKI_OFF = 1 + 133,
  OTK_CRYPTO_SEAL_OVERHEAD = 1 + 133 + 32 + 12 + 16,
  OTK_CRYPTO_KEY_PART_BLOB_LEN = 1 + 133 + 32 + 12 + 16 + 32,
};

/* HKDF info label of the key part transport (docs/interfaces.md). */
#define OTK_CRYPTO_LABEL_KEY_PART "OpenTKE key part v1"

typedef enum
{
  OTK_CRYPTO_OK = 0,
  OTK_CRYPTO_ERR_LIBRARY = -1,    /* OpenSSL failed (out of memory, no provider) */
  OTK_CRYPTO_ERR_INVALID = -2,    /* a key, point, scalar or sealed blob is malformed */
  OTK_CRYPTO_ERR_VERIFY = -3,     /* signature, GCM tag or certificate does not verify */
  OTK_CRYPTO_ERR_BAD_ROOT = -4,   /* no valid self-signed crypto-unit root given */
  OTK_CRYPTO_ERR_CHAIN_FORM = -5, /* a chain is 1 or 2 certificates */
  OTK_CRYPTO_ERR_CHAIN_TYPE = -6, /* a certificate of the wrong type in the chain */
  OTK_CRYPTO_ERR_WRONG_KEY = -7,  /* sealed for another recipient key */
} otk_crypto_rc;

/* One piece of a message that is hashed or used as HKDF info. */
typedef struct
{
  const uint8_t *data;
  size_t len;
} otk_crypto_chunk;

/* Random bytes from OpenSSL's private DRBG. */
int otk_crypto_random (uint8_t *buf, size_t len);
/* SHA-256 / SHA-512 of the concatenation of @n chunks. */
int otk_crypto_sha256 (const otk_crypto_chunk *chunks, size_t n,
                       uint8_t out[OTK_CRYPTO_SHA256_LEN]);
int otk_crypto_sha512 (const otk_crypto_chunk *chunks, size_t n,
                       uint8_t out[OTK_CRYPTO_SHA512_LEN]);
/* SKI = SHA-256(point). */
int otk_crypto_ski (const uint8_t point[OTK_CRYPTO_POINT_LEN], uint8_t ski[OTK_CRYPTO_ID_LEN]);
/* VP = SHA-256("OpenTKE-VP-v1" || x) of a 32-byte key part or master key. */
int otk_crypto_vp (const uint8_t part[OTK_CRYPTO_PART_LEN], uint8_t vp[OTK_CRYPTO_ID_LEN]);

/* P-521 keys.  The constructors return NULL on failure; free with EVP_PKEY_free(). */
EVP_PKEY *otk_crypto_p521_generate (void);
/* A public key; NULL unless @point is an uncompressed point on P-521. */
EVP_PKEY *otk_crypto_p521_from_point (const uint8_t point[OTK_CRYPTO_POINT_LEN]);
/* A key pair; NULL unless 1 <= @scalar < n.  Writes the point to @point unless NULL. */
EVP_PKEY *otk_crypto_p521_from_scalar (const uint8_t scalar[OTK_CRYPTO_SCALAR_LEN],
                                       uint8_t point[OTK_CRYPTO_POINT_LEN]);
/* The uncompressed point of a P-521 key (ERR_INVALID for any other kind of key). */
int otk_crypto_p521_point (EVP_PKEY *key, uint8_t point[OTK_CRYPTO_POINT_LEN]);
/* The private scalar of a P-521 key pair (a secret: the caller wipes it). */
int otk_crypto_p521_scalar (EVP_PKEY *key, uint8_t scalar[OTK_CRYPTO_SCALAR_LEN]);

/* ECDSA P-521 over a 64-byte SHA-512 digest, signature r || s. */
int otk_crypto_ecdsa_sign (EVP_PKEY *key, const uint8_t digest[OTK_CRYPTO_SHA512_LEN],
                           uint8_t sig[OTK_CRYPTO_SIG_LEN]);
/* OK, ERR_VERIFY when the signature is wrong, ERR_LIBRARY on failure. */
int otk_crypto_ecdsa_verify (EVP_PKEY *key, const uint8_t digest[OTK_CRYPTO_SHA512_LEN],
                             const uint8_t sig[OTK_CRYPTO_SIG_LEN]);

/* Z = x coordinate of own * peer (a secret: the caller wipes it). */
int otk_crypto_ecdh (EVP_PKEY *own, EVP_PKEY *peer, uint8_t z[OTK_CRYPTO_ECDH_LEN]);
/* HKDF-SHA-512 (RFC 5869) with info = the concatenation of @n_info chunks. */
int otk_crypto_hkdf_sha512 (const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                            size_t ikm_len, const otk_crypto_chunk *info, size_t n_info,
                            uint8_t *out, size_t out_len);

/* AES-256-GCM, 12-byte nonce, 16-byte tag; @out may be @in.  open() returns
 * ERR_VERIFY when the tag does not match, and then wipes @out. */
int otk_crypto_gcm_seal (const uint8_t key[OTK_CRYPTO_AES_KEY_LEN],
                         const uint8_t nonce[OTK_CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                         size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                         uint8_t tag[OTK_CRYPTO_GCM_TAG_LEN]);
int otk_crypto_gcm_open (const uint8_t key[OTK_CRYPTO_AES_KEY_LEN],
                         const uint8_t nonce[OTK_CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                         size_t aad_len, const uint8_t *in, size_t len,
                         const uint8_t tag[OTK_CRYPTO_GCM_TAG_LEN], uint8_t *out);

/* A certificate of @type for @subject / @point, signed by @issuer whose point is
 * @issuer_point (for a root: the subject's own key and point). */
int otk_crypto_cert_sign (uint8_t type, const uint8_t subject[OTK_CRYPTO_ID_LEN],
                          const uint8_t point[OTK_CRYPTO_POINT_LEN], EVP_PKEY *issuer,
                          const uint8_t issuer_point[OTK_CRYPTO_POINT_LEN],
                          uint8_t cert[OTK_CRYPTO_CERT_LEN]);
/* OK when @cert has version 1, names @issuer_point by its SKI and is signed by it;
 * ERR_VERIFY when not (the caller checks the type). */
int otk_crypto_cert_verify (const uint8_t cert[OTK_CRYPTO_CERT_LEN],
                            const uint8_t issuer_point[OTK_CRYPTO_POINT_LEN]);
/* A crypto-unit chain, leaf first, of 1 or 2 certificates, each one type below
 * its issuer, ending at one of @roots (concatenated self-signed type-1
 * certificates; others are ignored).  ERR_BAD_ROOT, ERR_CHAIN_FORM,
 * ERR_CHAIN_TYPE, ERR_VERIFY (not signed by a trusted root). */
int otk_crypto_chain_verify (const uint8_t *chain, size_t chain_len, const uint8_t *roots,
                             size_t roots_len);

/* Seals @len bytes to @recipient_point: ephemeral ECDH, K = HKDF-SHA-512(salt =
 * recipient SKI, IKM = Z, info = @label || @subject), AES-256-GCM with the header
 * as AAD.  @out gets OTK_CRYPTO_SEAL_OVERHEAD + @len bytes. */
int otk_crypto_seal (const char *label, const uint8_t recipient_point[OTK_CRYPTO_POINT_LEN],
                     const uint8_t subject[OTK_CRYPTO_ID_LEN], const uint8_t *plain, size_t len,
                     uint8_t *out);
/* The reverse with the recipient's key pair: ERR_INVALID for a malformed blob,
 * ERR_WRONG_KEY when sealed to another key, ERR_VERIFY on a tag failure.
 * @plain gets @in_len - OTK_CRYPTO_SEAL_OVERHEAD bytes. */
int otk_crypto_unseal (const char *label, EVP_PKEY *recipient,
                       const uint8_t recipient_point[OTK_CRYPTO_POINT_LEN],
                       const uint8_t subject[OTK_CRYPTO_ID_LEN], const uint8_t *in, size_t in_len,
                       uint8_t *plain);

/* The key part blob of docs/interfaces.md: verifies @chain (importer <- device <-
 * one of @roots; ERR_CHAIN_TYPE unless the leaf is an importer key), then seals
 * @part to the importer key with OTK_CRYPTO_LABEL_KEY_PART. */
int otk_crypto_key_part_seal (const uint8_t part[OTK_CRYPTO_PART_LEN], const uint8_t *chain,
                              size_t chain_len, const uint8_t *roots, size_t roots_len,
                              uint8_t blob[OTK_CRYPTO_KEY_PART_BLOB_LEN]);
