/* tke-admins.c: administrators, signature thresholds and control points of
 * the selected units (seed 002 steps 2 and 3). */
#include "tke-ceremony-private.h"

#include <string.h>

typedef struct
{
  char name[4 * CU_MAX_ADMIN_NAME_CHARS + 1];
  guint8 point[CU_POINT_LEN];
} AdminToAdd;

static CuCommand *
build_add_admin (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
                 GError **error)
{
  AdminToAdd *admin = data;
  return cu_command_new_add_admin (unit->instance, unit->unit_id, state->transaction_counter,
                                   admin->name, admin->point, error);
}

/* The admin of a signature key file: chosen from the list, opened with its
 * password (which proves its owner is here). */
static gboolean
admin_from_keyfile (TkeCeremony *c, AdminToAdd *admin, GError **error)
{
  g_autoptr (GPtrArray) files = tke_ceremony_list_keyfiles (c, CARD_KEYFILE_SIGNATURE_KEY, error);
  g_autoptr (GArray) chosen = NULL;
  const CardKeyfileKey *key;
  CardKeyfile *kf;

  if (!files)
    return FALSE;
  chosen = tke_ceremony_choose_keyfiles (c, files, "Signature key of the administrator to add", 1,
                                         1, error);
  if (!chosen)
    return FALSE;
  kf = g_ptr_array_index (files, g_array_index (chosen, guint, 0));
  key = tke_ceremony_open_signature_keyfile (c, kf, error);
  if (!key)
    return FALSE;
  g_strlcpy (admin->name, card_keyfile_get_name (kf), sizeof admin->name);
  memcpy (admin->point, card_keyfile_key_get_public_point (key), CU_POINT_LEN);
  return TRUE;
}

gboolean
tke_ceremony_admin_add (TkeCeremony *c, gboolean from_card, GError **error)
{
  AdminToAdd admin = { 0 };

  if (from_card
          ? !tke_ceremony_admin_from_card (c, admin.name, sizeof admin.name, admin.point, error)
          : !admin_from_keyfile (c, &admin, error))
    return FALSE;
  return tke_ceremony_run (c, "add administrator", CU_CMD_ADD_ADMIN, 0, build_add_admin, &admin,
                           NULL, error);
}

static CuCommand *
build_remove_admin (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
                    GError **error)
{
  return cu_command_new_remove_admin (unit->instance, unit->unit_id, state->transaction_counter,
                                      data, error);
}

gboolean
tke_ceremony_admin_remove (TkeCeremony *c, GError **error)
{
  g_autoptr (GPtrArray) states = tke_ceremony_get_selected_states (c, error);
  g_autoptr (GArray) admins = g_array_new (FALSE, FALSE, sizeof (CuAdmin));
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) chosen = NULL;
  guint8 ski[CU_SKI_LEN];

  if (!states)
    return FALSE;
  /* Every admin of any selected unit, once. */
  for (guint i = 0; i < states->len; i++)
    {
      const CuUnitState *st = g_ptr_array_index (states, i);
      for (guint j = 0; j < st->n_admins; j++)
        {
          gboolean seen = FALSE;
          for (guint k = 0; k < admins->len && !seen; k++)
            seen = memcmp (g_array_index (admins, CuAdmin, k).ski, st->admins[j].ski, CU_SKI_LEN)
                   == 0;
          if (!seen)
            g_array_append_val (admins, st->admins[j]);
        }
    }
  for (guint i = 0; i < admins->len; i++)
    {
      const CuAdmin *a = &g_array_index (admins, CuAdmin, i);
      g_autofree char *hex = otk_hex_encode (a->ski, CU_SKI_LEN);
      g_ptr_array_add (labels, g_strdup_printf ("%-30s %s", a->name, hex));
    }
  if (admins->len == 0)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NOT_FOUND,
                           "The selected crypto units have no administrators");
      return FALSE;
    }
  chosen = tke_prompter_choose (c->prompter, "Administrator to remove",
                                (const char *const *)labels->pdata, labels->len, 1, 1, error);
  if (!chosen)
    return FALSE;
  memcpy (ski, g_array_index (admins, CuAdmin, g_array_index (chosen, guint, 0)).ski, CU_SKI_LEN);
  return tke_ceremony_run (c, "remove administrator", CU_CMD_REMOVE_ADMIN, 0, build_remove_admin,
                           ski, NULL, error);
}

typedef struct
{
  guint signature;
  guint revocation;
} Thresholds;

static CuCommand *
build_set_thresholds (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
                      GError **error)
{
  Thresholds *t = data;

  /* Checked here, before anyone is asked to sign, with the unit's own count. */
  if (t->signature > state->n_admins || t->revocation > state->n_admins)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                   "A threshold may not exceed the number of administrators (%u on crypto unit "
                   "%u): add administrators first",
                   state->n_admins, unit->num);
      return NULL;
    }
  return cu_command_new_set_thresholds (unit->instance, unit->unit_id, state->transaction_counter,
                                        t->signature, t->revocation, error);
}

gboolean
tke_ceremony_set_thresholds (TkeCeremony *c, GError **error)
{
  Thresholds t;

  if (!tke_prompter_ask_number (c->prompter, "New signature threshold (1 to 8):", 1,
                                CU_MAX_THRESHOLD, &t.signature, error)
      || !tke_prompter_ask_number (c->prompter, "New revocation signature threshold (1 to 8):", 1,
                                   CU_MAX_THRESHOLD, &t.revocation, error))
    return FALSE;
  return tke_ceremony_run (c, "set signature thresholds", CU_CMD_SET_THRESHOLDS, t.signature,
                           build_set_thresholds, &t, NULL, error);
}

static CuCommand *
build_set_control_points (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state,
                          gpointer data, GError **error)
{
  return cu_command_new_set_control_points (unit->instance, unit->unit_id,
                                            state->transaction_counter, *(guint32 *)data, error);
}

gboolean
tke_ceremony_set_control_points (TkeCeremony *c, guint32 mask, GError **error)
{
  return tke_ceremony_run (c, "set control points", CU_CMD_SET_CONTROL_POINTS, 0,
                           build_set_control_points, &mask, NULL, error);
}
