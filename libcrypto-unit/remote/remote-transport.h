/* remote-transport.h: the HTTPS transport to one cryptounitd, for the
 * zones transport (cu-zones.h), internal to libcrypto-unit. */
#pragma once

#include "opentke-crypto-unit.h"

/* A transport to the service at @base_url (see cu_client_new_remote()). */
gpointer cu_remote_transport_new (const char *base_url, const char *instance,
                                  const char *credential, const char *tls_fingerprint,
                                  GError **error);
/* "https://host:port", normalised. */
const char *cu_remote_transport_get_url (gpointer self);

extern const CuTransportVtable cu_remote_transport_vtable;
