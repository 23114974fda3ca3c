/* http-error.h: CU_ERROR <-> HTTP status and JSON error body.
 *
 * The one place where errors cross HTTP, in both directions: cryptounitd
 * turns a GError into a status and a body, the remote transport turns a
 * status and a body back into the same GError. */
#pragma once

#include <json-glib/json-glib.h>

#include "opentke-crypto-unit.h"

G_BEGIN_DECLS

/* The HTTP status for @error.  Besides CU_ERROR, two HTTP-level refusals of
 * cryptounitd come as G_IO_ERROR: MESSAGE_TOO_LARGE (413) and NOT_SUPPORTED
 * (405). */
guint cu_http_status_from_error (const GError *error);

/* {"error": {"code": <CuError number>, "name": "...", "message": "..."}};
 * errors of other domains are sent as CU_ERROR_PROTOCOL. */
JsonNode *cu_http_error_body (const GError *error);

/* The GError for a reply with @status (not 2xx) and @body (may be NULL or
 * not JSON, e.g. from a proxy: then the status alone decides). */
GError *cu_http_error_from_response (guint status, const char *body, gsize body_len);

/* "not-admin", "replay", ...; NULL for a code that is not a CuError. */
const char *cu_http_error_name (int code);

G_END_DECLS
