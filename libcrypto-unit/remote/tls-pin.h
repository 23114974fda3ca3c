/* tls-pin.h: certificate fingerprints and the client's pin store.
 *
 * cryptounitd has a self-signed certificate; the client trusts it by its
 * SHA-256 fingerprint, given in configuration or pinned at first use in a
 * small file of "host:port fingerprint" lines.  Shared by cryptounitd (which
 * prints its fingerprint) and the remote transport. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CU_TLS_FINGERPRINT_HEX_LEN 64

/* SHA-256 of the DER certificate, as 64 lower-case hex digits. */
char *cu_tls_fingerprint (GTlsCertificate *certificate);

/* Normalises a fingerprint given by a person: hex with optional ':'
 * separators, upper or lower case.  NULL when it is not 32 bytes of hex. */
char *cu_tls_fingerprint_normalize (const char *text);

/* Default pin store: $XDG_CONFIG_HOME/opentke/pinned-units. */
char *cu_pin_store_default_path (void);

/* The fingerprint pinned for @endpoint ("host:port") in @path, or NULL. */
char *cu_pin_store_lookup (const char *path, const char *endpoint);

/* Pins @fingerprint for @endpoint; refuses to replace an existing pin. */
gboolean cu_pin_store_add (const char *path, const char *endpoint, const char *fingerprint,
                           GError **error);

G_END_DECLS
