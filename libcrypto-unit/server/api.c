/* api.c: routes of the HTTPS API, one engine call each. */
#include "api.h"

#include <string.h>

#include "json-fields.h"
#include "opentke-common.h"
#include "wire-json.h"

/* Largest binary parameter: a signed command in wire form is at most about
 * 7 KiB (docs/crypto-unit-protocol.md); data to encrypt is bounded by the
 * request size limit. */
#define MAX_COMMAND_BYTES (16 * 1024)
#define MAX_DATA_BYTES    (48 * 1024)

struct CudApi
{
  CuEngine *engine;
};

/* What a route handler gets: the request and the IDs named in its path. */
typedef struct
{
  CuEngine *engine;
  const CudRequest *request;
  const char *unit_id; /* 64 hex digits, or NULL */
  const char *key_id;  /* 32 hex digits, or NULL */
} RouteCall;

typedef JsonNode *(*RouteHandler) (const RouteCall *call, GError **error);

/* A route: method and path pattern after /v1/instances/<instance>/, where
 * "{unit}" and "{key}" match a unit ID and a key ID. */
typedef struct
{
  const char *method;
  const char *pattern[5];
  RouteHandler handler;
} Route;

/* The binary member @member of the request body, or NULL with an error. */
static GBytes *
body_base64 (const RouteCall *call, const char *member, gsize max_len, GError **error)
{
  GBytes *bytes = cu_json_get_base64 (call->request->body, member, max_len);

  if (bytes == NULL)
    g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL,
                 "The request needs \"%s\": base64 of at most %" G_GSIZE_FORMAT " bytes", member,
                 max_len);
  return bytes;
}

typedef void (*AddItemFunc) (JsonBuilder *builder, gconstpointer item);

static JsonNode *
object_with_array (const char *member, GPtrArray *items, AddItemFunc add)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    add (builder, g_ptr_array_index (items, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
list_units (const RouteCall *call, GError **error)
{
  g_autoptr (GPtrArray) units = cu_engine_list_units (call->engine, call->request->instance, error);

  return units != NULL ? object_with_array ("units", units, (AddItemFunc)cu_wire_add_unit_info)
                       : NULL;
}

static JsonNode *
get_unit_state (const RouteCall *call, GError **error)
{
  g_autofree CuUnitState *state
      = cu_engine_get_unit_state (call->engine, call->request->instance, call->unit_id, error);

  return state != NULL ? cu_wire_unit_state_to_json (state) : NULL;
}

static JsonNode *
get_root_certificate (const RouteCall *call, GError **error)
{
  g_autoptr (GBytes) cert
      = cu_engine_get_root_certificate (call->engine, call->request->instance, error);

  return cert != NULL ? cu_json_object_with_base64 ("certificate", cert) : NULL;
}

static JsonNode *
get_device_certificate (const RouteCall *call, GError **error)
{
  g_autoptr (GBytes) cert = cu_engine_get_device_certificate (call->engine, call->request->instance,
                                                              call->unit_id, error);

  return cert != NULL ? cu_json_object_with_base64 ("certificate", cert) : NULL;
}

static JsonNode *
create_importer (const RouteCall *call, GError **error)
{
  g_autoptr (GBytes) chain
      = cu_engine_create_importer (call->engine, call->request->instance, call->unit_id, error);

  return chain != NULL ? cu_json_object_with_base64 ("chain", chain) : NULL;
}

static JsonNode *
execute (const RouteCall *call, GError **error)
{
  g_autoptr (GBytes) command = body_base64 (call, "command", MAX_COMMAND_BYTES, error);
  g_autoptr (GBytes) output = NULL;

  if (command == NULL
      || !cu_engine_execute (call->engine, call->request->instance, call->unit_id, command, &output,
                             error))
    return NULL;
  return cu_json_object_with_base64 ("output", output);
}

static JsonNode *
get_audit_log (const RouteCall *call, GError **error)
{
  const char *from_text = g_hash_table_lookup (call->request->query, "from");
  g_autoptr (GPtrArray) entries = NULL;
  guint64 from = 1;

  if (from_text != NULL && !g_ascii_string_to_unsigned (from_text, 10, 1, G_MAXINT64, &from, NULL))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL,
                   "\"from\" must be a sequence number (1 or more)");
      return NULL;
    }
  entries
      = cu_engine_get_audit_log (call->engine, call->request->instance, call->unit_id, from, error);
  return entries != NULL
             ? object_with_array ("entries", entries, (AddItemFunc)cu_wire_add_audit_entry)
             : NULL;
}

static JsonNode *
key_list (const RouteCall *call, GError **error)
{
  g_autoptr (GPtrArray) keys
      = cu_engine_key_list (call->engine, call->request->instance, call->unit_id, error);

  return keys != NULL ? object_with_array ("keys", keys, (AddItemFunc)cu_wire_add_key_info) : NULL;
}

static JsonNode *
key_create (const RouteCall *call, GError **error)
{
  g_autofree char *key_id
      = cu_engine_key_create (call->engine, call->request->instance, call->unit_id, error);
  g_autoptr (JsonBuilder) builder = NULL;

  if (key_id == NULL)
    return NULL;
  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  cu_json_add_string (builder, "key_id", key_id);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
key_delete (const RouteCall *call, GError **error)
{
  if (!cu_engine_key_delete (call->engine, call->request->instance, call->unit_id, call->key_id,
                             error))
    return NULL;
  return cu_json_object_with_base64 (NULL, NULL); /* {} */
}

static JsonNode *
key_encrypt (const RouteCall *call, GError **error)
{
  g_autoptr (GBytes) plaintext = body_base64 (call, "plaintext", MAX_DATA_BYTES, error);
  g_autoptr (GBytes) ciphertext = NULL;

  if (plaintext == NULL)
    return NULL;
  ciphertext = cu_engine_key_encrypt (call->engine, call->request->instance, call->unit_id,
                                      call->key_id, plaintext, error);
  return ciphertext != NULL ? cu_json_object_with_base64 ("ciphertext", ciphertext) : NULL;
}

static JsonNode *
key_decrypt (const RouteCall *call, GError **error)
{
  g_autoptr (GBytes) ciphertext = body_base64 (call, "ciphertext", MAX_DATA_BYTES, error);
  /* The engine's plaintext: wiped once encoded into the reply. */
  g_autoptr (CuWipedBytes) plaintext = NULL;

  if (ciphertext == NULL)
    return NULL;
  plaintext = cu_engine_key_decrypt (call->engine, call->request->instance, call->unit_id,
                                     call->key_id, ciphertext, error);
  return plaintext != NULL ? cu_json_object_with_base64 ("plaintext", plaintext) : NULL;
}

static const Route routes[] = {
  { "GET", { "root-certificate" }, get_root_certificate },
  { "GET", { "units" }, list_units },
  { "GET", { "units", "{unit}" }, get_unit_state },
  { "GET", { "units", "{unit}", "device-certificate" }, get_device_certificate },
  { "POST", { "units", "{unit}", "importers" }, create_importer },
  { "POST", { "units", "{unit}", "commands" }, execute },
  { "GET", { "units", "{unit}", "audit" }, get_audit_log },
  { "GET", { "units", "{unit}", "keys" }, key_list },
  { "POST", { "units", "{unit}", "keys" }, key_create },
  { "DELETE", { "units", "{unit}", "keys", "{key}" }, key_delete },
  { "POST", { "units", "{unit}", "keys", "{key}", "encrypt" }, key_encrypt },
  { "POST", { "units", "{unit}", "keys", "{key}", "decrypt" }, key_decrypt },
};

/* Does @segments match @route's pattern?  Fills the IDs it names. */
static gboolean
match_path (const Route *route, char **segments, RouteCall *call)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (route->pattern) && route->pattern[i] != NULL; i++)
    {
      const char *pattern = route->pattern[i], *segment = segments[i];

      if (segment == NULL)
        return FALSE;
      if (strcmp (pattern, "{unit}") == 0 && cu_wire_is_hex_id (segment, CU_UNIT_ID_HEX_LEN))
        call->unit_id = segment;
      else if (strcmp (pattern, "{key}") == 0 && cu_wire_is_hex_id (segment, CU_KEY_ID_HEX_LEN))
        call->key_id = segment;
      else if (strcmp (pattern, segment) != 0)
        return FALSE;
    }
  return segments[i] == NULL;
}

JsonNode *
cud_api_dispatch (CudApi *api, const CudRequest *request, GError **error)
{
  gboolean path_known = FALSE;

  for (size_t i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      RouteCall call = { api->engine, request, NULL, NULL };

      if (!match_path (&routes[i], request->segments, &call))
        continue;
      path_known = TRUE;
      if (strcmp (routes[i].method, request->method) == 0)
        return routes[i].handler (&call, error);
    }
  if (path_known)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s is not allowed on this path",
                 request->method);
  else
    g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No such API path");
  return NULL;
}

CudApi *
cud_api_new (CuEngine *engine)
{
  CudApi *api = g_new0 (CudApi, 1);

  api->engine = engine;
  return api;
}

void
cud_api_free (CudApi *api)
{
  g_free (api);
}
