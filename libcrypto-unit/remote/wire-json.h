/* wire-json.h: the JSON form of the engine's results on the HTTPS API.
 *
 * One encoder and one strict decoder per type, used by cryptounitd and the
 * remote transport, so both ends agree by construction
 * (docs/crypto-unit-protocol.md, "HTTPS API"). */
#pragma once

#include <json-glib/json-glib.h>

#include "opentke-crypto-unit.h"

G_BEGIN_DECLS

void cu_wire_add_unit_info (JsonBuilder *builder, const CuUnitInfo *info);
gboolean cu_wire_parse_unit_info (JsonObject *object, CuUnitInfo *info);

JsonNode *cu_wire_unit_state_to_json (const CuUnitState *state);
gboolean cu_wire_parse_unit_state (JsonObject *object, CuUnitState *state);

void cu_wire_add_audit_entry (JsonBuilder *builder, const CuAuditEntry *entry);
gboolean cu_wire_parse_audit_entry (JsonObject *object, CuAuditEntry *entry);

void cu_wire_add_key_info (JsonBuilder *builder, const CuKeyInfo *info);
gboolean cu_wire_parse_key_info (JsonObject *object, CuKeyInfo *info);

/* Decodes a JSON array of objects with @parse into a GPtrArray of
 * g_malloc'd structs of @size bytes.  NULL when any element is malformed or
 * the array holds more than @max elements. */
typedef gboolean (*CuWireParseFunc) (JsonObject *object, gpointer out);
GPtrArray *cu_wire_parse_array (JsonArray *array, gsize size, guint max, CuWireParseFunc parse);

/* TRUE when @text is exactly @len lower-case hex digits (unit and key IDs). */
gboolean cu_wire_is_hex_id (const char *text, size_t len);

G_END_DECLS
