/* tls-identity.h: the TLS key and self-signed certificate of cryptounitd.
 *
 * Generated at first start in the state directory (key mode 0600) and reused
 * afterwards, so that clients can pin the certificate's fingerprint. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Loads the TLS identity from @state_dir, creating it when it does not exist
 * yet.  Returns a GTlsCertificate that holds the key, or NULL with @error set. */
GTlsCertificate *cud_tls_identity_ensure (const char *state_dir, GError **error);

G_END_DECLS
