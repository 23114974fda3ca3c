/* api.h: the HTTPS API of cryptounitd on top of the unit engine.
 *
 * Maps each path of docs/crypto-unit-protocol.md ("HTTPS API") to one engine
 * call, with its JSON parameters and result.  Authentication is done before
 * (http-server.c). */
#pragma once

#include <json-glib/json-glib.h>

#include "opentke-crypto-unit.h"
#include "request.h"

G_BEGIN_DECLS

typedef struct CudApi CudApi;

/* An API over @engine (borrowed; must outlive the API). */
CudApi *cud_api_new (CuEngine *engine);
void cud_api_free (CudApi *api);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CudApi, cud_api_free)

/* Runs @request; returns the JSON result, or NULL with @error set. */
JsonNode *cud_api_dispatch (CudApi *api, const CudRequest *request, GError **error);

G_END_DECLS
