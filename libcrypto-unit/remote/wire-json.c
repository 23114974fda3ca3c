/* wire-json.c: JSON encoders and strict decoders of the engine's results. */
#include "wire-json.h"

#include <string.h>

#include "json-fields.h"
#include "opentke-common.h"

typedef struct
{
  int value;
  const char *name;
} EnumName;

static const EnumName unit_kinds[] = {
  { CU_UNIT_OPERATIONAL, "operational" },
  { CU_UNIT_FAILOVER, "failover" },
  { CU_UNIT_RECOVERY, "recovery" },
  { 0, NULL },
};

static const EnumName new_states[] = {
  { CU_NEW_EMPTY, "empty" },
  { CU_NEW_FULL_UNCOMMITTED, "full-uncommitted" },
  { CU_NEW_FULL_COMMITTED, "full-committed" },
  { 0, NULL },
};

static const EnumName current_states[] = {
  { CU_CURRENT_EMPTY, "empty" },
  { CU_CURRENT_VALID, "valid" },
  { 0, NULL },
};

static const char *
enum_to_name (const EnumName *names, int value)
{
  for (; names->name != NULL; names++)
    if (names->value == value)
      return names->name;
  return "unknown";
}

/* The value named by member @member; FALSE when absent or unknown. */
static gboolean
enum_from_member (const EnumName *names, JsonObject *object, const char *member, int *value)
{
  const char *name = cu_json_get_string (object, member);

  for (; name != NULL && names->name != NULL; names++)
    if (strcmp (names->name, name) == 0)
      {
        *value = names->value;
        return TRUE;
      }
  return FALSE;
}

gboolean
cu_wire_is_hex_id (const char *text, size_t len)
{
  if (text == NULL || strlen (text) != len)
    return FALSE;
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;
  return TRUE;
}

/* Copies member @member, a string of at most @size - 1 bytes, into @out. */
static gboolean
copy_string (JsonObject *object, const char *member, char *out, size_t size)
{
  const char *text = cu_json_get_string (object, member);

  if (text == NULL || strlen (text) >= size)
    return FALSE;
  memcpy (out, text, strlen (text) + 1);
  return TRUE;
}

void
cu_wire_add_unit_info (JsonBuilder *builder, const CuUnitInfo *info)
{
  json_builder_begin_object (builder);
  cu_json_add_string (builder, "unit_id", info->unit_id);
  cu_json_add_string (builder, "kind", enum_to_name (unit_kinds, info->kind));
  cu_json_add_uint (builder, "index", info->index);
  /* Only for an instance split over availability zones. */
  if (info->zone != 0)
    cu_json_add_uint (builder, "zone", info->zone);
  json_builder_end_object (builder);
}

gboolean
cu_wire_parse_unit_info (JsonObject *object, CuUnitInfo *info)
{
  guint64 index;
  guint64 zone = 0;
  int kind;

  if (!cu_wire_is_hex_id (cu_json_get_string (object, "unit_id"), CU_UNIT_ID_HEX_LEN)
      || !enum_from_member (unit_kinds, object, "kind", &kind)
      || !cu_json_get_uint (object, "index", CU_MAX_OPERATIONAL, &index)
      || (json_object_has_member (object, "zone")
          && (!cu_json_get_uint (object, "zone", CU_MAX_ZONES, &zone) || zone == 0)))
    return FALSE;
  copy_string (object, "unit_id", info->unit_id, sizeof info->unit_id);
  info->kind = kind;
  info->index = (guint)index;
  info->zone = (guint)zone;
  return TRUE;
}

static void
add_admin (JsonBuilder *builder, const CuAdmin *admin)
{
  json_builder_begin_object (builder);
  cu_json_add_string (builder, "name", admin->name);
  cu_json_add_hex (builder, "ski", admin->ski, CU_SKI_LEN);
  cu_json_add_hex (builder, "point", admin->point, CU_POINT_LEN);
  json_builder_end_object (builder);
}

static gboolean
parse_admin (JsonObject *object, CuAdmin *admin)
{
  const char *name = cu_json_get_string (object, "name");

  if (name == NULL || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > CU_MAX_ADMIN_NAME_CHARS
      || !copy_string (object, "name", admin->name, sizeof admin->name)
      || !cu_json_get_hex (object, "ski", admin->ski, CU_SKI_LEN)
      || !cu_json_get_hex (object, "point", admin->point, CU_POINT_LEN))
    return FALSE;
  return TRUE;
}

JsonNode *
cu_wire_unit_state_to_json (const CuUnitState *state)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "unit");
  cu_wire_add_unit_info (builder, &state->info);
  cu_json_add_string (builder, "instance", state->instance);
  cu_json_add_uint (builder, "transaction_counter", state->transaction_counter);
  cu_json_add_bool (builder, "imprint_mode", cu_unit_state_is_imprint_mode (state));
  cu_json_add_uint (builder, "signature_threshold", state->signature_threshold);
  cu_json_add_uint (builder, "revocation_threshold", state->revocation_threshold);
  json_builder_set_member_name (builder, "admins");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->n_admins && i < CU_MAX_ADMINS; i++)
    add_admin (builder, &state->admins[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "new_register");
  json_builder_begin_object (builder);
  cu_json_add_string (builder, "state", enum_to_name (new_states, state->new_state));
  cu_json_add_hex (builder, "vp", state->new_vp, CU_VP_LEN);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "current_register");
  json_builder_begin_object (builder);
  cu_json_add_string (builder, "state", enum_to_name (current_states, state->current_state));
  cu_json_add_hex (builder, "vp", state->current_vp, CU_VP_LEN);
  json_builder_end_object (builder);

  cu_json_add_uint (builder, "control_points", state->control_points);
  json_builder_set_member_name (builder, "key_storage");
  json_builder_begin_object (builder);
  cu_json_add_uint (builder, "keys", state->n_keys);
  cu_json_add_bool (builder, "rotation_running", state->rotation_running);
  cu_json_add_uint (builder, "rotation_done", state->rotation_done);
  cu_json_add_uint (builder, "rotation_total", state->rotation_total);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "audit");
  json_builder_begin_object (builder);
  cu_json_add_uint (builder, "length", state->audit_length);
  cu_json_add_hex (builder, "head", state->audit_head, sizeof state->audit_head);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
cu_wire_parse_unit_state (JsonObject *object, CuUnitState *state)
{
  JsonObject *reg_new = cu_json_get_object (object, "new_register");
  JsonObject *reg_current = cu_json_get_object (object, "current_register");
  JsonObject *storage = cu_json_get_object (object, "key_storage");
  JsonObject *audit = cu_json_get_object (object, "audit");
  JsonArray *admins = cu_json_get_array (object, "admins");
  guint64 sig, rev, cp;
  int new_state, current_state;

  memset (state, 0, sizeof *state);
  if (!cu_wire_parse_unit_info (cu_json_get_object (object, "unit"), &state->info)
      || !copy_string (object, "instance", state->instance, sizeof state->instance)
      || !cu_json_get_uint (object, "transaction_counter", G_MAXINT64, &state->transaction_counter)
      || !cu_json_get_uint (object, "signature_threshold", CU_MAX_THRESHOLD, &sig)
      || !cu_json_get_uint (object, "revocation_threshold", CU_MAX_THRESHOLD, &rev)
      || !cu_json_get_uint (object, "control_points", CU_CP_ALL, &cp) || admins == NULL
      || json_array_get_length (admins) > CU_MAX_ADMINS
      || !enum_from_member (new_states, reg_new, "state", &new_state)
      || !cu_json_get_hex (reg_new, "vp", state->new_vp, CU_VP_LEN)
      || !enum_from_member (current_states, reg_current, "state", &current_state)
      || !cu_json_get_hex (reg_current, "vp", state->current_vp, CU_VP_LEN)
      || !cu_json_get_uint (storage, "keys", G_MAXINT64, &state->n_keys)
      || !cu_json_get_bool (storage, "rotation_running", &state->rotation_running)
      || !cu_json_get_uint (storage, "rotation_done", G_MAXINT64, &state->rotation_done)
      || !cu_json_get_uint (storage, "rotation_total", G_MAXINT64, &state->rotation_total)
      || !cu_json_get_uint (audit, "length", G_MAXINT64, &state->audit_length)
      || !cu_json_get_hex (audit, "head", state->audit_head, sizeof state->audit_head))
    return FALSE;
  state->signature_threshold = (guint)sig;
  state->revocation_threshold = (guint)rev;
  state->control_points = (guint32)cp;
  state->new_state = new_state;
  state->current_state = current_state;
  state->n_admins = json_array_get_length (admins);
  for (guint i = 0; i < state->n_admins; i++)
    {
      JsonNode *node = json_array_get_element (admins, i);
      if (!JSON_NODE_HOLDS_OBJECT (node)
          || !parse_admin (json_node_get_object (node), &state->admins[i]))
        return FALSE;
    }
  return TRUE;
}

void
cu_wire_add_audit_entry (JsonBuilder *builder, const CuAuditEntry *entry)
{
  json_builder_begin_object (builder);
  cu_json_add_uint (builder, "seq", entry->seq);
  cu_json_add_uint (builder, "time", entry->time > 0 ? (guint64)entry->time : 0);
  cu_json_add_uint (builder, "command", entry->command);
  cu_json_add_uint (builder, "counter", entry->counter);
  json_builder_set_member_name (builder, "signers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entry->n_signers && i < CU_MAX_SIGNATURES; i++)
    {
      g_autofree char *hex = otk_hex_encode (entry->signers[i], CU_SKI_LEN);
      json_builder_add_string_value (builder, hex);
    }
  json_builder_end_array (builder);
  cu_json_add_uint (builder, "result", entry->result);
  cu_json_add_hex (builder, "params_hash", entry->params_hash, sizeof entry->params_hash);
  cu_json_add_hex (builder, "prev_hash", entry->prev_hash, sizeof entry->prev_hash);
  cu_json_add_hex (builder, "hash", entry->hash, sizeof entry->hash);
  json_builder_end_object (builder);
}

gboolean
cu_wire_parse_audit_entry (JsonObject *object, CuAuditEntry *entry)
{
  JsonArray *signers = cu_json_get_array (object, "signers");
  guint64 time, command, result;

  memset (entry, 0, sizeof *entry);
  if (!cu_json_get_uint (object, "seq", G_MAXINT64, &entry->seq)
      || !cu_json_get_uint (object, "time", G_MAXINT64, &time)
      || !cu_json_get_uint (object, "command", G_MAXUINT16, &command)
      || !cu_json_get_uint (object, "counter", G_MAXINT64, &entry->counter)
      || !cu_json_get_uint (object, "result", G_MAXUINT32, &result) || signers == NULL
      || json_array_get_length (signers) > CU_MAX_SIGNATURES
      || !cu_json_get_hex (object, "params_hash", entry->params_hash, sizeof entry->params_hash)
      || !cu_json_get_hex (object, "prev_hash", entry->prev_hash, sizeof entry->prev_hash)
      || !cu_json_get_hex (object, "hash", entry->hash, sizeof entry->hash))
    return FALSE;
  entry->time = (gint64)time;
  entry->command = (CuCommandCode)command;
  entry->result = (guint32)result;
  entry->n_signers = json_array_get_length (signers);
  for (guint i = 0; i < entry->n_signers; i++)
    {
      JsonNode *node = json_array_get_element (signers, i);
      const char *hex
          = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                ? json_node_get_string (node)
                : NULL;
      if (hex == NULL || strlen (hex) != 2 * CU_SKI_LEN
          || !otk_hex_decode (hex, entry->signers[i], CU_SKI_LEN))
        return FALSE;
    }
  return TRUE;
}

void
cu_wire_add_key_info (JsonBuilder *builder, const CuKeyInfo *info)
{
  json_builder_begin_object (builder);
  cu_json_add_string (builder, "key_id", info->key_id);
  cu_json_add_uint (builder, "created", info->created > 0 ? (guint64)info->created : 0);
  json_builder_end_object (builder);
}

gboolean
cu_wire_parse_key_info (JsonObject *object, CuKeyInfo *info)
{
  guint64 created;

  if (!cu_wire_is_hex_id (cu_json_get_string (object, "key_id"), CU_KEY_ID_HEX_LEN)
      || !cu_json_get_uint (object, "created", G_MAXINT64, &created))
    return FALSE;
  copy_string (object, "key_id", info->key_id, sizeof info->key_id);
  info->created = (gint64)created;
  return TRUE;
}

GPtrArray *
cu_wire_parse_array (JsonArray *array, gsize size, guint max, CuWireParseFunc parse)
{
  g_autoptr (GPtrArray) items = NULL;
  guint n;

  if (array == NULL || (n = json_array_get_length (array)) > max)
    return NULL;
  items = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      gpointer item = g_malloc0 (size);

      g_ptr_array_add (items, item);
      if (!JSON_NODE_HOLDS_OBJECT (node) || !parse (json_node_get_object (node), item))
        return NULL;
    }
  return g_steal_pointer (&items);
}
