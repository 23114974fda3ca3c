/* request.c: request line and JSON body of an API request. */
#include "request.h"

#include <string.h>

#include "credentials.h"
#include "json-fields.h"
#include "opentke-crypto-unit.h"

#define API_PREFIX      "/v1/instances/"
#define MAX_SEGMENT_LEN 64

static gboolean
segment_is_valid (const char *segment)
{
  size_t len = strlen (segment);

  if (len == 0 || len > MAX_SEGMENT_LEN)
    return FALSE;
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isalnum (segment[i]) && strchr ("._-", segment[i]) == NULL)
      return FALSE;
  return TRUE;
}

CudRequest *
cud_request_parse (const char *method, const char *path, const char *query, const char *body,
                   gsize body_len, GError **error)
{
  g_autoptr (CudRequest) request = g_new0 (CudRequest, 1);
  g_auto (GStrv) parts = NULL;
  guint n;

  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "POST") != 0
      && g_strcmp0 (method, "DELETE") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Only GET, POST and DELETE are served");
      return NULL;
    }
  request->method = g_strdup (method);
  if (path == NULL || !g_str_has_prefix (path, API_PREFIX))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No such API path");
      return NULL;
    }
  parts = g_strsplit (path + strlen (API_PREFIX), "/", CUD_MAX_PATH_SEGMENTS + 2);
  n = g_strv_length (parts);
  if (n == 0 || n > CUD_MAX_PATH_SEGMENTS + 1 || !cud_instance_name_is_valid (parts[0]))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No such API path");
      return NULL;
    }
  for (guint i = 1; i < n; i++)
    if (!segment_is_valid (parts[i]))
      {
        g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No such API path");
        return NULL;
      }
  request->instance = g_strdup (parts[0]);
  request->segments = g_new0 (char *, n);
  for (guint i = 1; i < n; i++)
    request->segments[i - 1] = g_strdup (parts[i]);

  request->query = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL)
                                 : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (request->query == NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL, "The query of the request is malformed");
      return NULL;
    }

  if (strcmp (method, "POST") == 0)
    {
      request->body = cu_json_parse_object (body, body_len);
      if (request->body == NULL)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL,
                       "The request body must be one JSON object");
          return NULL;
        }
    }
  else if (body_len != 0)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL, "A GET or DELETE request has no body");
      return NULL;
    }
  return g_steal_pointer (&request);
}

void
cud_request_free (CudRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->instance);
  g_strfreev (request->segments);
  if (request->query != NULL)
    g_hash_table_unref (request->query);
  if (request->body != NULL)
    json_object_unref (request->body);
  g_free (request);
}
