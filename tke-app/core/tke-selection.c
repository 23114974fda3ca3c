/* tke-selection.c: which crypto units later commands work on (cryptounit-add,
 * cryptounit-rm).  As in seed 002, all or none of an instance's units should
 * be selected; anything else is allowed (to repair a unit) with a warning. */
#include "tke-ceremony-private.h"

#include <string.h>

static void
warn_partial_instances (TkeCeremony *c)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < c->units->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (c->units, i);
      guint n_sel = 0, n_all = 0;

      if (!g_hash_table_add (seen, unit->instance))
        continue;
      for (guint j = 0; j < c->units->len; j++)
        {
          TkeUnit *other = g_ptr_array_index (c->units, j);
          if (g_strcmp0 (other->instance, unit->instance) != 0)
            continue;
          n_all++;
          n_sel += other->selected ? 1 : 0;
        }
      if (n_sel > 0 && n_sel < n_all)
        tke_prompter_warning (c->prompter,
                              "Only %u of the %u crypto units of service instance %s are "
                              "selected.  All crypto units of a service instance should be "
                              "configured the same: select all of them, or select some only "
                              "to bring them back in line with the others.",
                              n_sel, n_all, unit->instance);
    }
}

static gboolean
save_selection (TkeCeremony *c, GError **error)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < c->units->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (c->units, i);
      if (unit->selected)
        g_ptr_array_add (keys, tke_unit_key (unit));
    }
  g_ptr_array_add (keys, NULL);
  tke_workstation_set_selected_units (c->ws, (const char *const *)keys->pdata);
  if (!tke_workstation_save (c->ws, error))
    return FALSE;
  warn_partial_instances (c);
  return TRUE;
}

gboolean
tke_ceremony_set_selection (TkeCeremony *c, const guint *nums, guint n, GError **error)
{
  for (guint i = 0; i < n; i++)
    if (nums[i] < 1 || nums[i] > c->units->len)
      {
        g_set_error (error, TKE_ERROR, TKE_ERROR_NOT_FOUND, "There is no crypto unit number %u",
                     nums[i]);
        return FALSE;
      }
  for (guint i = 0; i < c->units->len; i++)
    ((TkeUnit *)g_ptr_array_index (c->units, i))->selected = FALSE;
  for (guint i = 0; i < n; i++)
    ((TkeUnit *)g_ptr_array_index (c->units, nums[i] - 1))->selected = TRUE;
  return save_selection (c, error);
}

gboolean
tke_ceremony_select_units (TkeCeremony *c, gboolean add, GError **error)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) chosen = NULL;

  for (guint i = 0; i < c->units->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (c->units, i);
      g_ptr_array_add (labels,
                       g_strdup_printf ("%-12s %-5s %-11s %s", unit->instance,
                                        unit->selected ? "true" : "false",
                                        tke_unit_kind_to_string (unit->kind), unit->location));
    }
  chosen = tke_prompter_choose (
      c->prompter,
      add ? "Crypto units to add to the selection" : "Crypto units to remove from the selection",
      (const char *const *)labels->pdata, labels->len, 1, labels->len, error);
  if (!chosen)
    return FALSE;
  for (guint i = 0; i < chosen->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (c->units, g_array_index (chosen, guint, i));
      unit->selected = add;
    }
  return save_selection (c, error);
}

GPtrArray *
tke_ceremony_get_selected_states (TkeCeremony *c, GError **error)
{
  g_autoptr (GPtrArray) selected = tke_ceremony_get_selected_units (c);
  g_autoptr (GPtrArray) states = g_ptr_array_new_with_free_func (g_free);

  if (selected->len == 0)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NO_UNITS_SELECTED,
                           "No crypto unit is selected: select them with cryptounit-add");
      return NULL;
    }
  for (guint i = 0; i < selected->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (selected, i);
      CuUnitState *state
          = cu_client_get_unit_state (tke_ceremony_get_client (c, unit), unit->unit_id, error);
      if (!state)
        {
          g_prefix_error (error, "Crypto unit %u: ", unit->num);
          return NULL;
        }
      g_ptr_array_add (states, state);
    }
  return g_steal_pointer (&states);
}

static gboolean
admins_differ (const CuUnitState *a, const CuUnitState *b)
{
  if (a->n_admins != b->n_admins)
    return TRUE;
  for (guint i = 0; i < a->n_admins; i++)
    {
      gboolean found = FALSE;
      for (guint j = 0; j < b->n_admins && !found; j++)
        found = memcmp (a->admins[i].ski, b->admins[j].ski, CU_SKI_LEN) == 0;
      if (!found)
        return TRUE;
    }
  return FALSE;
}

gboolean
tke_unit_states_differ (GPtrArray *states)
{
  for (guint i = 1; i < states->len; i++)
    {
      const CuUnitState *a = g_ptr_array_index (states, 0);
      const CuUnitState *b = g_ptr_array_index (states, i);

      if (a->signature_threshold != b->signature_threshold
          || a->revocation_threshold != b->revocation_threshold || admins_differ (a, b)
          || a->new_state != b->new_state || memcmp (a->new_vp, b->new_vp, CU_VP_LEN) != 0
          || a->current_state != b->current_state
          || memcmp (a->current_vp, b->current_vp, CU_VP_LEN) != 0
          || a->control_points != b->control_points)
        return TRUE;
    }
  return FALSE;
}
