/* tkectl-list.c: the listing verbs, as the vendor's TKE CLI shows them
 * (seed 002), or as JSON with --output json. */
#include "tkectl.h"

#include <string.h>

/* What a listing shows of each unit; the compare shows every section. */
typedef enum
{
  SECTION_THRESHOLDS = 1 << 0,
  SECTION_ADMINS = 1 << 1,
  SECTION_NEW_MK = 1 << 2,
  SECTION_CURRENT_MK = 1 << 3,
  SECTION_CONTROL_POINTS = 1 << 4,
} Section;

static const struct
{
  Section section;
  const char *title;
} section_titles[] = {
  { SECTION_THRESHOLDS, "SIGNATURE THRESHOLDS" },
  { SECTION_ADMINS, "CRYPTO UNIT ADMINISTRATORS" },
  { SECTION_NEW_MK, "NEW MASTER KEY REGISTER" },
  { SECTION_CURRENT_MK, "CURRENT MASTER KEY REGISTER" },
  { SECTION_CONTROL_POINTS, "CONTROL POINTS" },
};

static const struct
{
  CuControlPoint bit;
  const char *name;
  const char *json;
} control_points[] = {
  { CU_CP_EC25519, "EC 25519", "ec25519" },
  { CU_CP_BTC, "BTC", "btc" },
  { CU_CP_OTHER_ECDSA, "OTHER ECDSA", "other_ecdsa" },
};

void
tkectl_json_str (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
tkectl_json_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

void
tkectl_json_bool (JsonBuilder *b, const char *member, gboolean value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

void
tkectl_json_hex (JsonBuilder *b, const char *member, const guint8 *data, gsize len)
{
  g_autofree char *hex = otk_hex_encode (data, len);
  tkectl_json_str (b, member, hex);
}

void
tkectl_print_builder (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  tkectl_print_json (root);
}

void
tkectl_print_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static const char *
new_state_name (CuNewRegisterState s)
{
  switch (s)
    {
      case CU_NEW_EMPTY:
        return "Empty";
      case CU_NEW_FULL_UNCOMMITTED:
        return "Full uncommitted";
      case CU_NEW_FULL_COMMITTED:
        return "Full committed";
    }
  return "Unknown";
}

static const char *
current_state_name (CuCurrentRegisterState s)
{
  return s == CU_CURRENT_VALID ? "Valid" : "Empty";
}

/* Prints "SERVICE INSTANCE: x" when the instance changes from the previous unit. */
static void
print_instance_header (const char **last, const TkeUnit *unit)
{
  if (*last && strcmp (*last, unit->instance) == 0)
    return;
  if (*last)
    g_print ("\n");
  g_print ("SERVICE INSTANCE: %s\n", unit->instance);
  *last = unit->instance;
}

gboolean
tkectl_list_units (Tkectl *t, GError **error)
{
  TkeCeremony *c = tkectl_ceremony (t, error);
  GPtrArray *units;
  const char *last = NULL;

  if (!c)
    return FALSE;
  units = tke_ceremony_get_units (c);
  if (t->opts->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < units->len; i++)
        {
          TkeUnit *u = g_ptr_array_index (units, i);
          json_builder_begin_object (b);
          tkectl_json_str (b, "service_instance", u->instance);
          tkectl_json_int (b, "crypto_unit_num", u->num);
          tkectl_json_str (b, "unit_id", u->unit_id);
          tkectl_json_bool (b, "selected", u->selected);
          tkectl_json_str (b, "type", tke_unit_kind_to_string (u->kind));
          tkectl_json_str (b, "location", u->location);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      tkectl_print_builder (b);
      return TRUE;
    }
  for (guint i = 0; i < units->len; i++)
    {
      TkeUnit *u = g_ptr_array_index (units, i);
      if (!last || strcmp (last, u->instance) != 0)
        {
          print_instance_header (&last, u);
          g_print ("%-18s%-11s%-15s%s\n", "CRYPTO UNIT NUM", "SELECTED", "TYPE", "LOCATION");
        }
      g_print ("%-18u%-11s%-15s%s\n", u->num, u->selected ? "true" : "false",
               tke_unit_kind_to_string (u->kind), u->location);
    }
  return TRUE;
}

/* ---- state listings ------------------------------------------------------- */

static void
register_to_json (JsonBuilder *b, const char *member, const char *status, const guint8 *vp)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  tkectl_json_str (b, "status", status);
  tkectl_json_hex (b, "verification_pattern", vp, CU_VP_LEN);
  json_builder_end_object (b);
}

static void
state_to_json (JsonBuilder *b, const TkeUnit *u, const CuUnitState *st, guint sections)
{
  json_builder_begin_object (b);
  tkectl_json_str (b, "service_instance", u->instance);
  tkectl_json_int (b, "crypto_unit_num", u->num);
  tkectl_json_str (b, "unit_id", u->unit_id);
  if (sections & SECTION_THRESHOLDS)
    {
      tkectl_json_int (b, "signature_threshold", st->signature_threshold);
      tkectl_json_int (b, "revocation_threshold", st->revocation_threshold);
      tkectl_json_bool (b, "imprint_mode", cu_unit_state_is_imprint_mode (st));
    }
  if (sections & SECTION_ADMINS)
    {
      json_builder_set_member_name (b, "administrators");
      json_builder_begin_array (b);
      for (guint i = 0; i < st->n_admins; i++)
        {
          json_builder_begin_object (b);
          tkectl_json_str (b, "name", st->admins[i].name);
          tkectl_json_hex (b, "ski", st->admins[i].ski, CU_SKI_LEN);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  if (sections & SECTION_NEW_MK)
    register_to_json (b, "new_register", new_state_name (st->new_state), st->new_vp);
  if (sections & SECTION_CURRENT_MK)
    register_to_json (b, "current_register", current_state_name (st->current_state),
                      st->current_vp);
  if (sections & SECTION_CONTROL_POINTS)
    {
      json_builder_set_member_name (b, "control_points");
      json_builder_begin_object (b);
      for (guint i = 0; i < G_N_ELEMENTS (control_points); i++)
        {
          tkectl_json_bool (b, control_points[i].json,
                            (st->control_points & control_points[i].bit) != 0);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* One section as a table, units grouped by service instance. */
static void
print_section (Section section, GPtrArray *units, GPtrArray *states)
{
  const char *last = NULL;

  for (guint i = 0; i < units->len; i++)
    {
      const TkeUnit *u = g_ptr_array_index (units, i);
      const CuUnitState *st = g_ptr_array_index (states, i);
      gboolean header = !last || strcmp (last, u->instance) != 0;

      print_instance_header (&last, u);
      switch (section)
        {
          case SECTION_THRESHOLDS:
            if (header)
              g_print ("%-18s%-22s%s\n", "CRYPTO UNIT NUM", "SIGNATURE THRESHOLD",
                       "REVOCATION THRESHOLD");
            g_print ("%-18u%-22u%u%s\n", u->num, st->signature_threshold, st->revocation_threshold,
                     cu_unit_state_is_imprint_mode (st) ? "   (imprint mode)" : "");
            break;
          case SECTION_ADMINS:
            g_print ("CRYPTO UNIT NUM: %u\n", u->num);
            if (st->n_admins == 0)
              g_print ("No administrators\n");
            else
              g_print ("%-32s%s\n", "ADMIN NAME", "SUBJECT KEY IDENTIFIER");
            for (guint j = 0; j < st->n_admins; j++)
              {
                g_autofree char *ski = otk_hex_encode (st->admins[j].ski, CU_SKI_LEN);
                g_print ("%-32s%s\n", st->admins[j].name, ski);
              }
            break;
          case SECTION_NEW_MK:
          case SECTION_CURRENT_MK:
            {
              gboolean is_new = section == SECTION_NEW_MK;
              g_autofree char *vp
                  = otk_hex_encode (is_new ? st->new_vp : st->current_vp, CU_VP_LEN);
              if (header)
                g_print ("%-18s%-19s%s\n", "CRYPTO UNIT NUM", "STATUS", "VERIFICATION PATTERN");
              g_print ("%-18u%-19s%s\n", u->num,
                       is_new ? new_state_name (st->new_state)
                              : current_state_name (st->current_state),
                       vp);
              break;
            }
          case SECTION_CONTROL_POINTS:
            if (header)
              g_print ("%-18s%-11s%-11s%s\n", "CRYPTO UNIT NUM", "EC 25519", "BTC", "OTHER ECDSA");
            g_print ("%-18u", u->num);
            for (guint j = 0; j < G_N_ELEMENTS (control_points); j++)
              g_print (j + 1 < G_N_ELEMENTS (control_points) ? "%-11s" : "%s\n",
                       (st->control_points & control_points[j].bit) ? "enabled" : "disabled");
            break;
        }
    }
}

/* The states of the selected units, or the error that says none is selected. */
static GPtrArray *
selected_states (Tkectl *t, GPtrArray **units, GError **error)
{
  TkeCeremony *c = tkectl_ceremony (t, error);
  GPtrArray *states;

  if (!c)
    return NULL;
  states = tke_ceremony_get_selected_states (c, error);
  if (states)
    *units = tke_ceremony_get_selected_units (c);
  return states;
}

static gboolean
list_sections (Tkectl *t, guint sections, GError **error)
{
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GPtrArray) states = selected_states (t, &units, error);

  if (!states)
    return FALSE;
  if (t->opts->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < units->len; i++)
        state_to_json (b, g_ptr_array_index (units, i), g_ptr_array_index (states, i), sections);
      json_builder_end_array (b);
      tkectl_print_builder (b);
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (section_titles); i++)
    {
      if (!(sections & section_titles[i].section))
        continue;
      if (sections != section_titles[i].section
          || section_titles[i].section & (SECTION_NEW_MK | SECTION_CURRENT_MK))
        g_print ("%s\n", section_titles[i].title);
      print_section (section_titles[i].section, units, states);
      g_print ("\n");
    }
  return TRUE;
}

gboolean
tkectl_list_admins (Tkectl *t, GError **error)
{
  return list_sections (t, SECTION_ADMINS, error);
}

gboolean
tkectl_list_thresholds (Tkectl *t, GError **error)
{
  return list_sections (t, SECTION_THRESHOLDS, error);
}

gboolean
tkectl_list_registers (Tkectl *t, GError **error)
{
  return list_sections (t, SECTION_NEW_MK | SECTION_CURRENT_MK, error);
}

gboolean
tkectl_list_control_points (Tkectl *t, GError **error)
{
  return list_sections (t, SECTION_CONTROL_POINTS, error);
}

/* Whether the units agree on what @section shows. */
static gboolean
section_same (Section section, GPtrArray *states)
{
  for (guint i = 1; i < states->len; i++)
    {
      g_autoptr (GPtrArray) pair = g_ptr_array_new ();
      CuUnitState a = *(CuUnitState *)g_ptr_array_index (states, 0);
      CuUnitState b = *(CuUnitState *)g_ptr_array_index (states, i);

      /* Compare only this section's fields: copy them onto a neutral state. */
      CuUnitState na = { 0 }, nb = { 0 };
      switch (section)
        {
          case SECTION_THRESHOLDS:
            na.signature_threshold = a.signature_threshold;
            na.revocation_threshold = a.revocation_threshold;
            nb.signature_threshold = b.signature_threshold;
            nb.revocation_threshold = b.revocation_threshold;
            break;
          case SECTION_ADMINS:
            na.n_admins = a.n_admins;
            memcpy (na.admins, a.admins, sizeof a.admins);
            nb.n_admins = b.n_admins;
            memcpy (nb.admins, b.admins, sizeof b.admins);
            break;
          case SECTION_NEW_MK:
            na.new_state = a.new_state;
            memcpy (na.new_vp, a.new_vp, CU_VP_LEN);
            nb.new_state = b.new_state;
            memcpy (nb.new_vp, b.new_vp, CU_VP_LEN);
            break;
          case SECTION_CURRENT_MK:
            na.current_state = a.current_state;
            memcpy (na.current_vp, a.current_vp, CU_VP_LEN);
            nb.current_state = b.current_state;
            memcpy (nb.current_vp, b.current_vp, CU_VP_LEN);
            break;
          case SECTION_CONTROL_POINTS:
            na.control_points = a.control_points;
            nb.control_points = b.control_points;
            break;
        }
      g_ptr_array_add (pair, &na);
      g_ptr_array_add (pair, &nb);
      if (tke_unit_states_differ (pair))
        return FALSE;
    }
  return TRUE;
}

gboolean
tkectl_compare (Tkectl *t, GError **error)
{
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GPtrArray) states = selected_states (t, &units, error);
  gboolean differ;

  if (!states)
    return FALSE;
  differ = tke_unit_states_differ (states);
  if (t->opts->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      guint all = 0;

      for (guint i = 0; i < G_N_ELEMENTS (section_titles); i++)
        all |= section_titles[i].section;
      json_builder_begin_object (b);
      tkectl_json_bool (b, "configured_differently", differ);
      json_builder_set_member_name (b, "crypto_units");
      json_builder_begin_array (b);
      for (guint i = 0; i < units->len; i++)
        state_to_json (b, g_ptr_array_index (units, i), g_ptr_array_index (states, i), all);
      json_builder_end_array (b);
      json_builder_end_object (b);
      tkectl_print_builder (b);
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (section_titles); i++)
    {
      Section s = section_titles[i].section;
      g_print ("%s\n", section_titles[i].title);
      print_section (s, units, states);
      g_print ("%s\n\n", section_same (s, states) ? "==> Crypto units are configured the same <=="
                                                  : "==> WARNING: Crypto units are configured "
                                                    "differently <==");
    }
  if (differ)
    g_print ("WARNING: Crypto units are configured differently.\n");
  else
    g_print ("Crypto units are configured the same.\n");
  return TRUE;
}

gboolean
tkectl_list_keyfiles (Tkectl *t, CardKeyfileKind kind, GError **error)
{
  TkeCeremony *c = tkectl_ceremony (t, error);
  g_autoptr (GPtrArray) files = NULL;
  gboolean sig = kind == CARD_KEYFILE_SIGNATURE_KEY;
  g_auto (GStrv) signing = NULL;

  if (!c)
    return FALSE;
  files = tke_ceremony_list_keyfiles (c, kind, error);
  if (!files)
    return FALSE;
  signing = tke_workstation_get_signing_keys (t->ws);
  if (t->opts->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < files->len; i++)
        {
          CardKeyfile *kf = g_ptr_array_index (files, i);
          json_builder_begin_object (b);
          tkectl_json_int (b, "key_num", i + 1);
          tkectl_json_str (b, sig ? "admin_name" : "description", card_keyfile_get_name (kf));
          tkectl_json_str (b, sig ? "ski" : "verification_pattern", card_keyfile_get_id_hex (kf));
          tkectl_json_str (b, "file", card_keyfile_get_path (kf));
          if (sig)
            {
              tkectl_json_bool (
                  b, "selected",
                  g_strv_contains ((const char *const *)signing, card_keyfile_get_file_name (kf)));
              tkectl_json_str (b, "format",
                               card_keyfile_get_format (kf) == CARD_KEYFILE_FORMAT_TKE_CLI
                                   ? "tke-cli"
                                   : "opentke");
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      tkectl_print_builder (b);
      return TRUE;
    }
  if (files->len == 0)
    {
      g_print ("No %s files in %s\n", sig ? "signature key" : "master key part",
               tke_workstation_get_keyfile_dir (t->ws));
      return TRUE;
    }
  if (sig)
    g_print ("%-9s%-32s%-66s%-10s%s\n", "KEYNUM", "ADMIN NAME", "SUBJECT KEY IDENTIFIER",
             "SELECTED", "FILE");
  else
    g_print ("%-9s%-32s%-66s%s\n", "KEYNUM", "DESCRIPTION", "VERIFICATION PATTERN", "FILE");
  for (guint i = 0; i < files->len; i++)
    {
      CardKeyfile *kf = g_ptr_array_index (files, i);
      if (sig)
        g_print ("%-9u%-32s%-66s%-10s%s\n", i + 1, card_keyfile_get_name (kf),
                 card_keyfile_get_id_hex (kf),
                 g_strv_contains ((const char *const *)signing, card_keyfile_get_file_name (kf))
                     ? "true"
                     : "false",
                 card_keyfile_get_path (kf));
      else
        g_print ("%-9u%-32s%-66s%s\n", i + 1, card_keyfile_get_name (kf),
                 card_keyfile_get_id_hex (kf), card_keyfile_get_path (kf));
    }
  return TRUE;
}
