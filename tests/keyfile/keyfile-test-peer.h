/* keyfile-test-peer.h: the other side of docs/interfaces.md, written for the tests
 * straight from that page with OpenSSL, independently of libcard: a crypto unit that
 * certifies keys and decrypts a key part blob, a verifier of r||s signatures, and a
 * writer of TKE CLI signature key files as docs/key-files.md describes them. */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

#define PEER_POINT_LEN 133
#define PEER_CERT_LEN  331
#define PEER_BLOB_LEN  226

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)

EVP_PKEY *peer_p521_new (void);
void peer_point (EVP_PKEY *key, guint8 point[PEER_POINT_LEN]);
void peer_ski (const guint8 point[PEER_POINT_LEN], guint8 ski[32]);
void peer_vp (const guint8 part[32], guint8 vp[32]);

/* A certificate of @type for @subject, signed by @issuer (itself for a root). */
void peer_cert_make (guint8 cert[PEER_CERT_LEN], guint8 type, const guint8 subject_id[32],
                     EVP_PKEY *subject, EVP_PKEY *issuer);
/* TRUE when @sig (r || s) is a valid ECDSA P-521 signature of @digest by @point. */
gboolean peer_verify_rs (const guint8 point[PEER_POINT_LEN], const guint8 digest[64],
                         const guint8 sig[132]);
/* Decrypts a key part blob as the unit does; FALSE on any failure. */
gboolean peer_blob_decrypt (const guint8 blob[PEER_BLOB_LEN], EVP_PKEY *importer,
                            const guint8 subject_id[32], guint8 part[32]);

/* The JSON text of a TKE CLI signature key file for @key (SEC1 DER in a "PRIVATE KEY"
 * PEM block, PBKDF2-HMAC-SHA256 4096, AES-256-GCM with the nonce in front).  @ski_key
 * gives the ski written in the file (normally @key); @extra is appended inside the
 * object (e.g. ", \"adminName\": \"x\"") or NULL. */
char *peer_vendor_file (EVP_PKEY *key, EVP_PKEY *ski_key, const char *key_type,
                        const char *password, const char *extra);
