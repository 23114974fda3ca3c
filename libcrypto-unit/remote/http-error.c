/* http-error.c: the mapping between CU_ERROR and HTTP, both ways.
 *
 * One table: each CuError code with its name on the wire and its HTTP status.
 * The body carries the exact code, so the client gets back the same GError;
 * the status is what curl and proxies see. */
#include "http-error.h"

#include <libsoup/soup.h>

#include "json-fields.h"

typedef struct
{
  int code;
  const char *name;
  guint status;
} ErrorMapping;

static const ErrorMapping mappings[] = {
  { CU_ERROR_UNREACHABLE, "unreachable", SOUP_STATUS_SERVICE_UNAVAILABLE },
  { CU_ERROR_TLS, "tls", SOUP_STATUS_BAD_REQUEST },
  { CU_ERROR_PROTOCOL, "protocol", SOUP_STATUS_BAD_REQUEST },
  { CU_ERROR_UNAUTHENTICATED, "unauthenticated", SOUP_STATUS_UNAUTHORIZED },
  { CU_ERROR_FORBIDDEN, "forbidden", SOUP_STATUS_FORBIDDEN },
  /* the command reached the unit and the unit refused it */
  { CU_ERROR_BAD_SIGNATURE, "bad-signature", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { CU_ERROR_NOT_ADMIN, "not-admin", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { CU_ERROR_THRESHOLD_NOT_MET, "threshold-not-met", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { CU_ERROR_REPLAY, "replay", SOUP_STATUS_CONFLICT },
  { CU_ERROR_WRONG_TARGET, "wrong-target", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { CU_ERROR_IMPRINT_MODE, "imprint-mode", SOUP_STATUS_CONFLICT },
  { CU_ERROR_INVALID_ARGUMENT, "invalid-argument", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { CU_ERROR_REGISTER_STATE, "register-state", SOUP_STATUS_CONFLICT },
  { CU_ERROR_VP_MISMATCH, "vp-mismatch", SOUP_STATUS_CONFLICT },
  { CU_ERROR_SAME_MASTER_KEY, "same-master-key", SOUP_STATUS_CONFLICT },
  { CU_ERROR_IMPORTER, "importer", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { CU_ERROR_LIMIT, "limit", SOUP_STATUS_CONFLICT },
  { CU_ERROR_EXISTS, "exists", SOUP_STATUS_CONFLICT },
  { CU_ERROR_NOT_FOUND, "not-found", SOUP_STATUS_NOT_FOUND },
  { CU_ERROR_KEY_STORAGE_BUSY, "key-storage-busy", SOUP_STATUS_CONFLICT },
  { CU_ERROR_WK_NOT_INITIALIZED, "wk-not-initialized", SOUP_STATUS_CONFLICT },
  { CU_ERROR_KEY_STORAGE_CONFLICT, "key-storage-conflict", SOUP_STATUS_CONFLICT },
  { CU_ERROR_WRONG_UNIT_KIND, "wrong-unit-kind", SOUP_STATUS_CONFLICT },
  { CU_ERROR_CERTIFICATE, "certificate", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { CU_ERROR_STORAGE, "storage", SOUP_STATUS_INTERNAL_SERVER_ERROR },
  { CU_ERROR_INTERNAL, "internal", SOUP_STATUS_INTERNAL_SERVER_ERROR },
};

static const ErrorMapping *
find_mapping (int code)
{
  for (size_t i = 0; i < G_N_ELEMENTS (mappings); i++)
    if (mappings[i].code == code)
      return &mappings[i];
  return NULL;
}

const char *
cu_http_error_name (int code)
{
  const ErrorMapping *m = find_mapping (code);

  return m != NULL ? m->name : NULL;
}

guint
cu_http_status_from_error (const GError *error)
{
  const ErrorMapping *m;

  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_MESSAGE_TOO_LARGE)
    return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_NOT_SUPPORTED)
    return SOUP_STATUS_METHOD_NOT_ALLOWED;
  if (error->domain != CU_ERROR || (m = find_mapping (error->code)) == NULL)
    return SOUP_STATUS_BAD_REQUEST;
  return m->status;
}

JsonNode *
cu_http_error_body (const GError *error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  int code = error->domain == CU_ERROR && find_mapping (error->code) != NULL ? error->code
                                                                             : CU_ERROR_PROTOCOL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, cu_http_error_name (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The error a status means when the body does not say (proxy, old server). */
static GError *
error_from_status (guint status)
{
  switch (status)
    {
      case SOUP_STATUS_UNAUTHORIZED:
        return g_error_new (CU_ERROR, CU_ERROR_UNAUTHENTICATED,
                            "The crypto unit service refused the credential (HTTP 401)");
      case SOUP_STATUS_FORBIDDEN:
        return g_error_new (CU_ERROR, CU_ERROR_FORBIDDEN,
                            "The credential is not valid for this service instance (HTTP 403)");
      case SOUP_STATUS_NOT_FOUND:
        return g_error_new (CU_ERROR, CU_ERROR_NOT_FOUND,
                            "The crypto unit service does not know this path (HTTP 404)");
      case SOUP_STATUS_BAD_GATEWAY:
      case SOUP_STATUS_SERVICE_UNAVAILABLE:
      case SOUP_STATUS_GATEWAY_TIMEOUT:
        return g_error_new (CU_ERROR, CU_ERROR_UNREACHABLE,
                            "The crypto unit service is not available (HTTP %u)", status);
      default:
        if (status >= 500)
          return g_error_new (CU_ERROR, CU_ERROR_INTERNAL,
                              "The crypto unit service failed (HTTP %u)", status);
        return g_error_new (CU_ERROR, CU_ERROR_PROTOCOL,
                            "The crypto unit service refused the request (HTTP %u)", status);
    }
}

GError *
cu_http_error_from_response (guint status, const char *body, gsize body_len)
{
  g_autoptr (JsonObject) root = cu_json_parse_object (body, body_len);
  JsonObject *err = cu_json_get_object (root, "error");
  const char *message = cu_json_get_string (err, "message");
  guint64 code;

  if (message == NULL || !cu_json_get_uint (err, "code", G_MAXINT, &code)
      || find_mapping ((int)code) == NULL)
    return error_from_status (status);
  return g_error_new_literal (CU_ERROR, (int)code, message);
}
