/* tke-snapshot.c: what the tables of the TKE application show, read on the worker
 * thread after each step so that the main thread only copies it into list stores. */
#include "tke.h"

#include <glib/gi18n.h>

static void
unit_row_free (gpointer data)
{
  TkeUnitRow *row = data;

  g_free (row->instance);
  g_free (row->unit_id);
  g_free (row->location);
  g_free (row);
}

static void
state_row_free (gpointer data)
{
  TkeUnitStateRow *row = data;

  g_free (row->state);
  g_free (row);
}

TkeSnapshot *
tke_snapshot_read (TkeCeremony *c)
{
  TkeSnapshot *snapshot = g_new0 (TkeSnapshot, 1);
  GPtrArray *units = tke_ceremony_get_units (c);
  g_autoptr (GPtrArray) selected = NULL;
  g_autoptr (GPtrArray) states = NULL;

  snapshot->units = g_ptr_array_new_with_free_func (unit_row_free);
  snapshot->states = g_ptr_array_new_with_free_func (state_row_free);
  for (guint i = 0; i < units->len; i++)
    {
      const TkeUnit *unit = g_ptr_array_index (units, i);
      TkeUnitRow *row = g_new0 (TkeUnitRow, 1);

      row->num = unit->num;
      row->instance = g_strdup (unit->instance);
      row->unit_id = g_strdup (unit->unit_id);
      row->kind = unit->kind;
      row->location = g_strdup (unit->location);
      row->selected = unit->selected;
      g_ptr_array_add (snapshot->units, row);
    }
  /* The states come in selection order, as the selected units do. */
  states = tke_ceremony_get_selected_states (c, &snapshot->state_error);
  if (states == NULL)
    return snapshot;
  selected = tke_ceremony_get_selected_units (c);
  for (guint i = 0; i < states->len && i < selected->len; i++)
    {
      TkeUnitStateRow *row = g_new0 (TkeUnitStateRow, 1);

      row->num = ((const TkeUnit *)g_ptr_array_index (selected, i))->num;
      row->state = g_steal_pointer (&g_ptr_array_index (states, i));
      g_ptr_array_add (snapshot->states, row);
    }
  return snapshot;
}

void
tke_snapshot_free (TkeSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_ptr_array_unref (snapshot->units);
  g_ptr_array_unref (snapshot->states);
  g_clear_error (&snapshot->state_error);
  g_free (snapshot);
}

const char *
tke_new_register_state_label (CuNewRegisterState state)
{
  switch (state)
    {
      case CU_NEW_EMPTY:
        return _ ("Empty");
      case CU_NEW_FULL_UNCOMMITTED:
        return _ ("Full uncommitted");
      case CU_NEW_FULL_COMMITTED:
        return _ ("Full committed");
    }
  return _ ("Unknown");
}

const char *
tke_current_register_state_label (CuCurrentRegisterState state)
{
  return state == CU_CURRENT_VALID ? _ ("Valid") : _ ("Empty");
}
