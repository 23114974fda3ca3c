/* json-fields.c: strict getters and small builders for JSON members. */
#include "json-fields.h"

#include <string.h>

#include "opentke-common.h"

/* The value node of member @name if it holds a value of @type. */
static JsonNode *
get_value (JsonObject *object, const char *name, GType type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

JsonObject *
cu_json_get_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
cu_json_get_array (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
cu_json_get_string (JsonObject *object, const char *name)
{
  JsonNode *node = get_value (object, name, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

gboolean
cu_json_get_uint (JsonObject *object, const char *name, guint64 max, guint64 *out)
{
  JsonNode *node = get_value (object, name, G_TYPE_INT64);
  gint64 value;

  if (node == NULL)
    return FALSE;
  value = json_node_get_int (node);
  if (value < 0 || (guint64)value > max)
    return FALSE;
  *out = (guint64)value;
  return TRUE;
}

gboolean
cu_json_get_bool (JsonObject *object, const char *name, gboolean *out)
{
  JsonNode *node = get_value (object, name, G_TYPE_BOOLEAN);

  if (node == NULL)
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
cu_json_get_hex (JsonObject *object, const char *name, uint8_t *out, size_t len)
{
  const char *hex = cu_json_get_string (object, name);

  return hex != NULL && strlen (hex) == 2 * len && otk_hex_decode (hex, out, len);
}

static gboolean
is_base64 (const char *text)
{
  size_t len = strlen (text), padding = 0;

  if (len % 4 != 0)
    return FALSE;
  for (size_t i = 0; i < len; i++)
    {
      char c = text[i];
      if (c == '=')
        {
          padding++;
          continue;
        }
      if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }
  return padding <= 2;
}

GBytes *
cu_json_get_base64 (JsonObject *object, const char *name, gsize max_len)
{
  const char *text = cu_json_get_string (object, name);
  guchar *data;
  gsize len;

  /* g_base64_decode() skips invalid characters; the check makes it strict. */
  if (text == NULL || !is_base64 (text) || strlen (text) / 4 * 3 > max_len + 2)
    return NULL;
  data = g_base64_decode (text, &len);
  if (len > max_len)
    {
      secure_clear (data, len);
      g_free (data);
      return NULL;
    }
  return cu_bytes_new_wiped (data, len);
}

typedef struct
{
  gpointer data;
  gsize len;
} WipeOnFree;

static void
wipe_on_free (gpointer user_data)
{
  WipeOnFree *w = user_data;

  secure_clear (w->data, w->len);
  g_free (w->data);
  g_free (w);
}

GBytes *
cu_bytes_new_wiped (gpointer data, gsize len)
{
  WipeOnFree *w = g_new (WipeOnFree, 1);

  w->data = data;
  w->len = len;
  return g_bytes_new_with_free_func (data, len, wipe_on_free, w);
}

void
cu_bytes_wipe_unref (GBytes *bytes)
{
  gsize len = 0;
  gpointer data;

  if (bytes == NULL)
    return;
  /* The caller holds the only reference: nobody reads these bytes again. */
  data = (gpointer)g_bytes_get_data (bytes, &len);
  if (data != NULL)
    secure_clear (data, len);
  g_bytes_unref (bytes);
}

GBytes *
cu_json_to_wiped_bytes (JsonNode *node)
{
  char *text = cu_json_to_string (node);

  return cu_bytes_new_wiped (text, strlen (text));
}

void
cu_json_add_hex (JsonBuilder *builder, const char *name, const uint8_t *data, size_t len)
{
  g_autofree char *hex = otk_hex_encode (data, len);

  cu_json_add_string (builder, name, hex);
}

void
cu_json_add_base64 (JsonBuilder *builder, const char *name, GBytes *bytes)
{
  gsize len = 0;
  const guchar *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  g_autofree char *text = g_base64_encode (data, len);

  cu_json_add_string (builder, name, text);
}

void
cu_json_add_uint (JsonBuilder *builder, const char *name, guint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64)MIN (value, (guint64)G_MAXINT64));
}

void
cu_json_add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
cu_json_add_bool (JsonBuilder *builder, const char *name, gboolean value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

JsonNode *
cu_json_object_with_base64 (const char *member, GBytes *bytes)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  if (member != NULL && bytes != NULL)
    cu_json_add_base64 (builder, member, bytes);
  else if (member != NULL)
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonObject *
cu_json_parse_object (const char *data, gsize len)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  /* json-glib stops at a NUL; a body with one is not the JSON it claims. */
  if (data == NULL || len == 0 || len > G_MAXSSIZE || memchr (data, '\0', len) != NULL
      || !json_parser_load_from_data (parser, data, (gssize)len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

char *
cu_json_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}
