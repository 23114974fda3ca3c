/* json-fields.h: strict, crash-free access to members of JSON objects.
 *
 * Input comes from the network (both ways), so every getter checks the type
 * and range and returns "absent" rather than raising a critical. */
#pragma once

#include <json-glib/json-glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Member @name if it is an object / string, else NULL. */
JsonObject *cu_json_get_object (JsonObject *object, const char *name);
JsonArray *cu_json_get_array (JsonObject *object, const char *name);
const char *cu_json_get_string (JsonObject *object, const char *name);
/* Member @name if it is an integer in 0..@max. */
gboolean cu_json_get_uint (JsonObject *object, const char *name, guint64 max, guint64 *out);
gboolean cu_json_get_bool (JsonObject *object, const char *name, gboolean *out);
/* Member @name as exactly @len bytes of hex. */
gboolean cu_json_get_hex (JsonObject *object, const char *name, uint8_t *out, size_t len);
/* Member @name as base64 of at most @max_len bytes; NULL otherwise. */
GBytes *cu_json_get_base64 (JsonObject *object, const char *name, gsize max_len);

/* Adds "name": value to the object being built. */
void cu_json_add_hex (JsonBuilder *builder, const char *name, const uint8_t *data, size_t len);
void cu_json_add_base64 (JsonBuilder *builder, const char *name, GBytes *bytes);
void cu_json_add_uint (JsonBuilder *builder, const char *name, guint64 value);
void cu_json_add_string (JsonBuilder *builder, const char *name, const char *value);
void cu_json_add_bool (JsonBuilder *builder, const char *name, gboolean value);

/* {"@member": base64 of @bytes}, with null when @bytes is NULL, or {} when
 * @member is NULL. */
JsonNode *cu_json_object_with_base64 (const char *member, GBytes *bytes);

/* Bytes that may hold key-storage plaintext or a credential: wiped before
 * they are freed.  cu_bytes_new_wiped() takes @data (g_malloc'd).
 * cu_bytes_wipe_unref() wipes and drops a GBytes its caller alone holds. */
GBytes *cu_bytes_new_wiped (gpointer data, gsize len);
void cu_bytes_wipe_unref (GBytes *bytes);
typedef GBytes CuWipedBytes;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuWipedBytes, cu_bytes_wipe_unref)
/* cu_json_to_string() of @node as bytes that are wiped when freed. */
GBytes *cu_json_to_wiped_bytes (JsonNode *node);

/* Parses @data as one JSON object; NULL if it is anything else. */
JsonObject *cu_json_parse_object (const char *data, gsize len);

/* Serialises @node (compact). */
char *cu_json_to_string (JsonNode *node);

G_END_DECLS
