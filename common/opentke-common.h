/* opentke-common.h: conventions shared by the GLib-based libraries.
 *
 * - secure_clear() (secure.h) for every secret buffer;
 * - OtkSecretStr / otk_secret_str_free() for PINs and passwords held as
 *   strings, so that g_autoptr() wipes them on every exit path;
 * - hex helpers used to show SKIs, verification patterns and IDs;
 * - logging: g_debug() with G_LOG_DOMAIN set per library ("opentke-card",
 *   "opentke-cu", ...).  Never pass a secret to a log call: log lengths,
 *   status words and identifiers only.  APDU traces go through
 *   otk_log_apdu(), which masks the data of commands marked secret.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "secure.h"

G_BEGIN_DECLS

/* A NUL-terminated secret string (PIN, password).  Freed with
 * otk_secret_str_free(), which wipes it first. */
typedef char OtkSecretStr;
void otk_secret_str_free (OtkSecretStr *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtkSecretStr, otk_secret_str_free)

/* A GBytes-like secret buffer that is wiped on free. */
typedef struct
{
  uint8_t *data;
  size_t len;
} OtkSecretBuf;
OtkSecretBuf *otk_secret_buf_new (size_t len);
void otk_secret_buf_free (OtkSecretBuf *buf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtkSecretBuf, otk_secret_buf_free)

/* Lower-case hex of @len bytes; returns a newly allocated string. */
char *otk_hex_encode (const uint8_t *data, size_t len);
/* Parses exactly @len bytes of hex (upper or lower case, no separators)
 * into @out.  Returns FALSE on any other input. */
gboolean otk_hex_decode (const char *hex, uint8_t *out, size_t len);

/* Removes @path and everything below it (symbolic links are removed, never
 * followed).  For temporary folders of tests, benches and the crypto unit
 * store; errors are ignored: what cannot be removed stays. */
void otk_remove_tree (const char *path);

/* Logs an APDU at debug level in domain @domain.  When @secret is TRUE only
 * the header and the length are logged, never the data. */
void otk_log_apdu (const char *domain, const char *direction, const uint8_t *apdu, size_t len,
                   gboolean secret);

G_END_DECLS
