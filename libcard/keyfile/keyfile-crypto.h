/* keyfile-crypto.h: the cryptography of key files (internal to libcard): P-521 keys from
 * and to their bytes, ECDSA r||s signatures, AES-256-GCM, the VP, and the key part
 * transport of docs/interfaces.md (importer chain checked up to a trusted root, then the
 * blob).  The implementation is common/otk-crypto.c, shared with the applets, the card
 * operations (card-crypto.c) and the crypto units; these wrappers add the GErrors.
 *
 * Every function that fails sets a CARD_ERROR GError.  Nothing here logs a secret.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <stdint.h>

G_BEGIN_DECLS

#define KF_POINT_LEN     133 /* 04 || X(66) || Y(66) */
#define KF_SCALAR_LEN    66  /* private key, big-endian, left-padded */
#define KF_SIGNATURE_LEN 132 /* r(66) || s(66) */
#define KF_DIGEST_LEN    64  /* SHA-512 */
#define KF_SKI_LEN       32  /* SHA-256 of the point */
#define KF_VP_LEN        32  /* SHA-256("OpenTKE-VP-v1" || part) */
#define KF_PART_LEN      32  /* AES-256 key part */
#define KF_CERT_LEN      331 /* docs/interfaces.md, Certificates */
#define KF_BLOB_LEN      226
#define KF_NONCE_LEN     12
#define KF_TAG_LEN       16

/* VP = SHA-256("OpenTKE-VP-v1" || part). */
void keyfile_crypto_vp (const guint8 part[KF_PART_LEN], guint8 vp[KF_VP_LEN]);

/* A fresh P-521 key pair. */
EVP_PKEY *keyfile_crypto_generate_p521 (GError **error);
/* Key pair from a private scalar; fills @point with its public point. */
EVP_PKEY *keyfile_crypto_private_key_from_scalar (const guint8 scalar[KF_SCALAR_LEN],
                                                  guint8 point[KF_POINT_LEN], GError **error);
/* The public point of a P-521 key (refuses any other curve). */
gboolean keyfile_crypto_point_from_key (EVP_PKEY *key, guint8 point[KF_POINT_LEN], GError **error);
/* The private scalar of a P-521 key pair (wipe @scalar after use). */
gboolean keyfile_crypto_scalar_from_key (EVP_PKEY *key, guint8 scalar[KF_SCALAR_LEN],
                                         GError **error);

/* ECDSA P-521 over a 64-byte SHA-512 digest, r || s. */
gboolean keyfile_crypto_sign_digest (EVP_PKEY *key, const guint8 digest[KF_DIGEST_LEN],
                                     guint8 signature[KF_SIGNATURE_LEN], GError **error);

/* AES-256-GCM with a 12-byte nonce and a 16-byte tag.  open() returns FALSE without
 * an error when the tag does not match, so that callers choose the message. */
gboolean keyfile_crypto_gcm_seal (const guint8 key[32], const guint8 nonce[KF_NONCE_LEN],
                                  const guint8 *aad, gsize aad_len, const guint8 *plain, gsize len,
                                  guint8 *cipher, guint8 tag[KF_TAG_LEN], GError **error);
gboolean keyfile_crypto_gcm_open (const guint8 key[32], const guint8 nonce[KF_NONCE_LEN],
                                  const guint8 *aad, gsize aad_len, const guint8 *cipher, gsize len,
                                  const guint8 tag[KF_TAG_LEN], guint8 *plain);

/* Random bytes from OpenSSL's DRBG. */
gboolean keyfile_crypto_random (guint8 *out, gsize len, GError **error);

/* The key part transport blob of docs/interfaces.md: verifies the importer chain
 * (importer type 3 <- device type 2 <- one of @roots), then encrypts @part to the
 * importer key.  @roots is a concatenation of self-signed crypto-unit root certificates
 * (type 1).  CARD_ERROR_UNTRUSTED_IMPORTER when the chain does not lead to one of them. */
gboolean keyfile_crypto_encrypt_key_part (const guint8 part[KF_PART_LEN], const guint8 *chain,
                                          gsize chain_len, const guint8 *roots, gsize roots_len,
                                          guint8 blob[KF_BLOB_LEN], GError **error);

G_END_DECLS
