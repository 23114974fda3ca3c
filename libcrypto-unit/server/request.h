/* request.h: parse the request line and JSON body of an API request.
 *
 * Pure function of its input (no I/O), so the fuzz target can reach it. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Largest number of path segments after /v1/instances/<instance>. */
#define CUD_MAX_PATH_SEGMENTS 6

typedef struct
{
  char *method;      /* "GET", "POST" or "DELETE" */
  char *instance;    /* service instance named in the path */
  char **segments;   /* path segments after the instance, NULL-terminated */
  GHashTable *query; /* "?a=b&c=d" of the URI, never NULL (may be empty) */
  JsonObject *body;  /* the body of a POST (a JSON object), NULL otherwise */
} CudRequest;

/* Parses "/v1/instances/<instance>[/<segment>...]", the query (may be NULL)
 * and, for POST, a body that must be one JSON object.  NULL with an error
 * (CU_ERROR, or G_IO_ERROR_NOT_SUPPORTED for a method) on anything else. */
CudRequest *cud_request_parse (const char *method, const char *path, const char *query,
                               const char *body, gsize body_len, GError **error);

void cud_request_free (CudRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CudRequest, cud_request_free)

G_END_DECLS
