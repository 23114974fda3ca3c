/* card-test-pki.h: what the card tests need from the other side of the cards:
 * crypto-unit certificates (docs/interfaces.md), opening a key part blob as a
 * crypto unit does, and checking signatures.  Test code, OpenSSL. */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

/* A fresh P-521 key and its 133-byte point. */
EVP_PKEY *pki_key_new (void);
void pki_key_point (EVP_PKEY *key, guint8 *point);
/* The 66-byte private scalar. */
void pki_key_private (EVP_PKEY *key, guint8 *scalar);
/* 331-byte certificate of @type for @subject_key, signed by @issuer_key. */
void pki_cert (guint8 type, const guint8 *subject_id, EVP_PKEY *subject_key, EVP_PKEY *issuer_key,
               guint8 *cert);
/* The crypto unit's side of "Key part in transit": decrypts @blob (226 bytes)
 * with the importer key; FALSE on any failure. */
gboolean pki_open_key_part (EVP_PKEY *importer, const guint8 *importer_subject_id,
                            const guint8 *blob, guint8 *part);
/* ECDSA P-521 over a SHA-512 digest, r || s. */
gboolean pki_verify (const guint8 *point, const guint8 *digest, const guint8 *sig);
/* VP(x) = SHA-256("OpenTKE-VP-v1" || x). */
void pki_vp (const guint8 *part, guint8 *vp);
void pki_sha256 (const void *data, gsize len, guint8 *out);
