/* card-crypto.h: the host-side cryptography of docs/interfaces.md (internal to libcard).
 *
 * One place for the bytes where cards, key files and crypto units meet: P-521 points,
 * SKI and VP, ECDSA r||s signatures, the 331-byte certificates and their chains, the
 * 226-byte key part transport blob, and AES-256-GCM.  The applets have their own HAL
 * version of this; everything on the host side of libcard uses this file.
 *
 * Every function that fails sets a CARD_ERROR GError.  Nothing here logs a secret.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <stdint.h>

G_BEGIN_DECLS

#define CARD_P521_POINT_LEN     133 /* 04 || X(66) || Y(66) */
#define CARD_P521_SCALAR_LEN    66  /* private key, big-endian, left-padded */
#define CARD_SIGNATURE_LEN      132 /* r(66) || s(66) */
#define CARD_DIGEST_LEN         64  /* SHA-512 */
#define CARD_SKI_LEN            32  /* SHA-256 of the point */
#define CARD_VP_LEN             32  /* SHA-256("OpenTKE-VP-v1" || part) */
#define CARD_KEY_PART_LEN       32  /* AES-256 key part */
#define CARD_CERT_LEN           331 /* docs/interfaces.md, Certificates */
#define CARD_TRANSPORT_BLOB_LEN 226
#define CARD_GCM_NONCE_LEN      12
#define CARD_GCM_TAG_LEN        16

typedef enum
{
  CARD_CERT_CU_ROOT = 1,
  CARD_CERT_CU_DEVICE = 2,
  CARD_CERT_CU_IMPORTER = 3,
  CARD_CERT_ZONE = 4,
  CARD_CERT_EP11_DEVICE = 5,
} CardCertType;

typedef struct
{
  guint8 version;
  guint8 type;
  guint8 subject_id[32];
  guint8 public_point[CARD_P521_POINT_LEN];
  guint8 issuer_ski[CARD_SKI_LEN];
  guint8 signature[CARD_SIGNATURE_LEN];
} CardCertificate;

/* SKI = SHA-256(point); VP = SHA-256("OpenTKE-VP-v1" || part). */
void card_crypto_ski (const guint8 point[CARD_P521_POINT_LEN], guint8 ski[CARD_SKI_LEN]);
void card_crypto_vp (const guint8 part[CARD_KEY_PART_LEN], guint8 vp[CARD_VP_LEN]);

/* A fresh P-521 key pair. */
EVP_PKEY *card_crypto_generate_p521 (GError **error);
/* Public key from a point; refuses a point that is not on P-521. */
EVP_PKEY *card_crypto_public_key_from_point (const guint8 point[CARD_P521_POINT_LEN],
                                             GError **error);
/* Key pair from a private scalar; fills @point with its public point. */
EVP_PKEY *card_crypto_private_key_from_scalar (const guint8 scalar[CARD_P521_SCALAR_LEN],
                                               guint8 point[CARD_P521_POINT_LEN], GError **error);
/* The public point of a P-521 key (refuses any other curve). */
gboolean card_crypto_point_from_key (EVP_PKEY *key, guint8 point[CARD_P521_POINT_LEN],
                                     GError **error);
/* The private scalar of a P-521 key pair (wipe @scalar after use). */
gboolean card_crypto_scalar_from_key (EVP_PKEY *key, guint8 scalar[CARD_P521_SCALAR_LEN],
                                      GError **error);

/* ECDSA P-521 over a 64-byte SHA-512 digest, r || s. */
gboolean card_crypto_sign_digest (EVP_PKEY *key, const guint8 digest[CARD_DIGEST_LEN],
                                  guint8 signature[CARD_SIGNATURE_LEN], GError **error);
gboolean card_crypto_verify_digest (const guint8 point[CARD_P521_POINT_LEN],
                                    const guint8 digest[CARD_DIGEST_LEN],
                                    const guint8 signature[CARD_SIGNATURE_LEN]);

/* AES-256-GCM with a 12-byte nonce and a 16-byte tag.  open() returns FALSE without
 * an error when the tag does not match, so that callers choose the message. */
gboolean card_crypto_gcm_seal (const guint8 key[32], const guint8 nonce[CARD_GCM_NONCE_LEN],
                               const guint8 *aad, gsize aad_len, const guint8 *plain, gsize len,
                               guint8 *cipher, guint8 tag[CARD_GCM_TAG_LEN], GError **error);
gboolean card_crypto_gcm_open (const guint8 key[32], const guint8 nonce[CARD_GCM_NONCE_LEN],
                               const guint8 *aad, gsize aad_len, const guint8 *cipher, gsize len,
                               const guint8 tag[CARD_GCM_TAG_LEN], guint8 *plain);

/* Random bytes from OpenSSL's DRBG. */
gboolean card_crypto_random (guint8 *out, gsize len, GError **error);

/* Splits the 331 bytes of a certificate into its fields (no signature check). */
gboolean card_certificate_parse (const guint8 *data, gsize len, CardCertificate *cert,
                                 GError **error);
/* Verifies @chain (certificates from the leaf up, each signed by the next, the last
 * one signed by one of @roots) and that the certificate types are @types in order.
 * @roots is a concatenation of self-signed crypto-unit root certificates (type 1).
 * On success @leaf (may be NULL) receives the first certificate.
 * CARD_ERROR_UNTRUSTED_IMPORTER when the chain does not lead to a trusted root. */
gboolean card_certificate_verify_chain (const guint8 *chain, gsize chain_len,
                                        const CardCertType *types, gsize n_types,
                                        const guint8 *roots, gsize roots_len, CardCertificate *leaf,
                                        GError **error);

/* The key part transport blob of docs/interfaces.md: verifies the importer chain
 * (importer type 3 <- device type 2 <- one of @roots), then encrypts @part to the
 * importer key. */
gboolean card_transport_encrypt_key_part (const guint8 part[CARD_KEY_PART_LEN], const guint8 *chain,
                                          gsize chain_len, const guint8 *roots, gsize roots_len,
                                          guint8 blob[CARD_TRANSPORT_BLOB_LEN], GError **error);

G_END_DECLS
