/* cu-crypto.h: the OpenSSL primitives of libcrypto-unit, in one place.
 *
 * P-521 keys, ECDSA r || s signatures over SHA-512 digests, AES-256-GCM (all
 * common/otk-crypto.c, shared with the cards) and AES key wrap with padding
 * (RFC 5649).  Every function sets a CU_ERROR_INTERNAL GError when OpenSSL fails. */
#pragma once

#include "opentke-common.h"
#include "opentke-crypto-unit.h"

#include <openssl/evp.h>

#define CU_GCM_NONCE_LEN   12
#define CU_GCM_TAG_LEN     16
#define CU_AES_KEY_LEN     32
#define CU_WRAPPED_KEY_LEN 40 /* RFC 5649 of a 32-byte key */

void cu_set_openssl_error (GError **error, const char *what);

EVP_PKEY *cu_p521_generate (GError **error);
/* Public key from an uncompressed point; refuses points not on the curve. */
EVP_PKEY *cu_p521_from_point (const uint8_t point[CU_POINT_LEN], GError **error);
/* DER (PKCS#8) of a private key, and back.  The DER is a secret. */
OtkSecretBuf *cu_p521_private_to_der (EVP_PKEY *key, GError **error);
EVP_PKEY *cu_p521_private_from_der (const uint8_t *der, size_t len, GError **error);

void cu_sha256 (const void *data, size_t len, uint8_t out[32]);
void cu_sha512 (const void *data, size_t len, uint8_t out[64]);

gboolean cu_ecdsa_sign_digest (EVP_PKEY *key, const uint8_t digest[CU_DIGEST_LEN],
                               uint8_t signature[CU_SIGNATURE_LEN], GError **error);
/* FALSE without an error when the signature is wrong; FALSE with one on failure. */
gboolean cu_ecdsa_verify_digest (EVP_PKEY *key, const uint8_t digest[CU_DIGEST_LEN],
                                 const uint8_t signature[CU_SIGNATURE_LEN], GError **error);

/* AES-256-GCM: @out gets len bytes of ciphertext, @tag 16 bytes. */
gboolean cu_gcm_encrypt (const uint8_t key[CU_AES_KEY_LEN], const uint8_t nonce[CU_GCM_NONCE_LEN],
                         const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                         uint8_t *out, uint8_t tag[CU_GCM_TAG_LEN], GError **error);
/* FALSE (error set, code @fail_code) when the tag does not verify. */
gboolean cu_gcm_decrypt (const uint8_t key[CU_AES_KEY_LEN], const uint8_t nonce[CU_GCM_NONCE_LEN],
                         const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                         const uint8_t tag[CU_GCM_TAG_LEN], uint8_t *out, int fail_code,
                         GError **error);

gboolean cu_random (uint8_t *out, size_t len, GError **error);

/* AES key wrap with padding under a 32-byte key: a reusable context, so a
 * rotation wraps thousands of keys without re-expanding the key schedule. */
typedef struct _CuKeyWrap CuKeyWrap;
CuKeyWrap *cu_key_wrap_new (const uint8_t kek[CU_AES_KEY_LEN], gboolean wrap, GError **error);
void cu_key_wrap_free (CuKeyWrap *kw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuKeyWrap, cu_key_wrap_free)
/* Wrap: @in 32 bytes, @out 40.  Unwrap: @in 40 bytes, @out 32.  Unwrap
 * failure (wrong KEK, corrupted) is CU_ERROR_WK_NOT_INITIALIZED. */
gboolean cu_key_wrap_run (CuKeyWrap *kw, const uint8_t *in, size_t in_len, uint8_t *out,
                          size_t out_len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
