/* http-server.h: the HTTPS front of cryptounitd (libsoup 3).
 *
 * Owns TLS, request size limits, bearer authentication per service instance
 * and JSON error bodies; hands each authenticated request to the API. */
#pragma once

#include <gio/gio.h>

#include "api.h"

G_BEGIN_DECLS

/* Largest request body accepted; larger ones get 413 before being read. */
#define CUD_MAX_REQUEST_BODY (64 * 1024)

typedef struct CudServer CudServer;

/* A server for the units under @state_dir with @identity as TLS identity.
 * @api is borrowed and must outlive the server. */
CudServer *cud_server_new (const char *state_dir, GTlsCertificate *identity, CudApi *api,
                           GError **error);

/* Starts listening on @address:@port (port 0: a free port). */
gboolean cud_server_listen (CudServer *server, const char *address, guint16 port, GError **error);

/* The port actually listened on, once listening. */
guint16 cud_server_get_port (CudServer *server);

void cud_server_free (CudServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CudServer, cud_server_free)

G_END_DECLS
