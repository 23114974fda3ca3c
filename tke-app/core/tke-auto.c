/* tke-auto.c: the recovery-unit approach (seed 004): auto-init,
 * auto-mk-rotate, auto-recover.  libcrypto-unit drives the units; the
 * ceremony core chooses the administrators and supplies the signatures. */
#include "tke-ceremony-private.h"

#include <string.h>

/* The single service instance of the selection: the auto verbs work on
 * every unit of one instance. */
static CuClient *
selected_instance (TkeCeremony *c, GError **error)
{
  g_autoptr (GPtrArray) selected = tke_ceremony_get_selected_units (c);
  const TkeUnit *first;

  if (selected->len == 0)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NO_UNITS_SELECTED,
                           "No crypto unit is selected: select the units of the service instance "
                           "with cryptounit-add");
      return NULL;
    }
  first = g_ptr_array_index (selected, 0);
  for (guint i = 1; i < selected->len; i++)
    if (g_strcmp0 (((TkeUnit *)g_ptr_array_index (selected, i))->instance, first->instance) != 0)
      {
        g_set_error_literal (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                             "The selected crypto units belong to several service instances: "
                             "select the units of one instance");
        return NULL;
      }
  return tke_ceremony_get_client (c, first);
}

static const TkeUnit *
unit_by_id (TkeCeremony *c, const char *instance, const char *unit_id)
{
  for (guint i = 0; i < c->units->len; i++)
    {
      const TkeUnit *u = g_ptr_array_index (c->units, i);
      if (strcmp (u->unit_id, unit_id) == 0 && strcmp (u->instance, instance) == 0)
        return u;
    }
  return NULL;
}

/* CuSignFunc: the signatures of one command, with the unit's state. */
static gboolean
auto_sign (CuCommand *cmd, guint needed, gpointer user_data, GError **error)
{
  TkeCeremony *c = user_data;
  const TkeUnit *unit = unit_by_id (c, cu_command_get_instance (cmd), cu_command_get_unit_id (cmd));
  g_autofree CuUnitState *state = NULL;

  if (!unit)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_NOT_FOUND, "Unknown crypto unit %s",
                   cu_command_get_unit_id (cmd));
      return FALSE;
    }
  state = cu_client_get_unit_state (tke_ceremony_get_client (c, unit), unit->unit_id, error);
  return state && tke_ceremony_sign (c, unit, state, cmd, needed, error);
}

/* Reports each unit's outcome; FALSE (with a summary) when any failed. */
static gboolean
report_outcomes (TkeCeremony *c, const char *what, const char *instance, GPtrArray *outcomes,
                 gboolean ok, GError **error)
{
  guint n_failed = 0;

  for (guint i = 0; outcomes && i < outcomes->len; i++)
    {
      const CuUnitOutcome *o = g_ptr_array_index (outcomes, i);
      const TkeUnit *u = unit_by_id (c, instance, o->unit_id);
      guint num = u ? u->num : 0;

      if (!o->error)
        tke_prompter_info (c->prompter, "Crypto unit %u: %s: %s.", num, what,
                           o->changed ? "done" : "nothing to do");
      else
        {
          n_failed++;
          tke_prompter_warning (c->prompter, "Crypto unit %u: %s: FAILED: %s", num, what,
                                o->error->message);
        }
    }
  if (ok && n_failed == 0)
    return TRUE;
  if (error && !*error)
    g_set_error (error, TKE_ERROR, TKE_ERROR_PARTIAL,
                 "%s failed on %u crypto unit%s (see cryptounit-compare)", what, n_failed,
                 n_failed == 1 ? "" : "s");
  return FALSE;
}

gboolean
tke_ceremony_auto_init (TkeCeremony *c, GError **error)
{
  CuClient *client = selected_instance (c, error);
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GArray) chosen = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GPtrArray) outcomes = NULL;
  g_autofree CuAdmin *admins = NULL;
  guint sig_thr, rev_thr;
  gboolean ok;

  if (!client)
    return FALSE;
  files = tke_ceremony_list_keyfiles (c, CARD_KEYFILE_SIGNATURE_KEY, error);
  if (!files)
    return FALSE;
  chosen = tke_ceremony_choose_keyfiles (c, files, "Signature keys of the administrators to add", 1,
                                         CU_MAX_ADMINS, error);
  if (!chosen)
    return FALSE;
  admins = g_new0 (CuAdmin, chosen->len);
  for (guint i = 0; i < chosen->len; i++)
    {
      CardKeyfile *kf = g_ptr_array_index (files, g_array_index (chosen, guint, i));
      /* Kept open: the same people sign the commands that follow. */
      const CardKeyfileKey *key = tke_ceremony_open_signature_keyfile (c, kf, error);

      if (!key)
        return FALSE;
      g_strlcpy (admins[i].name, card_keyfile_get_name (kf), sizeof admins[i].name);
      memcpy (admins[i].point, card_keyfile_key_get_public_point (key), CU_POINT_LEN);
      memcpy (admins[i].ski, card_keyfile_key_get_id (key), CU_SKI_LEN);
      g_ptr_array_add (names, (gpointer)card_keyfile_get_file_name (kf));
    }
  g_ptr_array_add (names, NULL);
  if (!tke_prompter_ask_number (c->prompter, "New signature threshold (1 to 8):", 1,
                                MIN (chosen->len, CU_MAX_THRESHOLD), &sig_thr, error)
      || !tke_prompter_ask_number (c->prompter, "New revocation signature threshold (1 to 8):", 1,
                                   MIN (chosen->len, CU_MAX_THRESHOLD), &rev_thr, error))
    return FALSE;
  if (!tke_prompter_confirm (c->prompter,
                             "auto-init adds these administrators to every crypto unit of the "
                             "service instance, leaves imprint mode, and loads a random master "
                             "key made in a recovery unit.  Continue?",
                             error))
    return FALSE;
  /* The administrators sign what follows. */
  tke_workstation_set_signing_keys (c->ws, (const char *const *)names->pdata);
  if (!tke_workstation_save (c->ws, error))
    return FALSE;
  ok = cu_client_auto_init (client, admins, chosen->len, sig_thr, rev_thr, auto_sign, c, &outcomes,
                            error);
  return report_outcomes (c, "auto-init", cu_client_get_instance (client), outcomes, ok, error);
}

gboolean
tke_ceremony_auto_mk_rotate (TkeCeremony *c, GError **error)
{
  CuClient *client = selected_instance (c, error);
  g_autoptr (GPtrArray) outcomes = NULL;
  gboolean ok;

  if (!client
      || !tke_prompter_confirm (c->prompter,
                                "auto-mk-rotate makes a new random master key in a recovery unit, "
                                "re-enciphers key storage and activates it on every crypto unit "
                                "of the service instance.  Continue?",
                                error))
    return FALSE;
  ok = cu_client_auto_mk_rotate (client, auto_sign, c, &outcomes, error);
  return report_outcomes (c, "auto-mk-rotate", cu_client_get_instance (client), outcomes, ok,
                          error);
}

gboolean
tke_ceremony_auto_recover (TkeCeremony *c, GError **error)
{
  CuClient *client = selected_instance (c, error);
  g_autoptr (GPtrArray) outcomes = NULL;
  guint index;
  gboolean ok;

  if (!client
      || !tke_prompter_ask_number (c->prompter,
                                   "Recovery crypto unit to copy the current master key from (1 "
                                   "or 2):",
                                   1, CU_RECOVERY_UNITS, &index, error)
      || !tke_prompter_confirm (c->prompter,
                                "auto-recover copies that master key to every crypto unit whose "
                                "current register is empty or different.  Continue?",
                                error))
    return FALSE;
  ok = cu_client_auto_recover (client, index, auto_sign, c, &outcomes, error);
  return report_outcomes (c, "auto-recover", cu_client_get_instance (client), outcomes, ok, error);
}

/* Admins of the reference unit, added to a failover unit. */
static CuCommand *
build_copy_admin (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
                  GError **error)
{
  const CuAdmin *admin = data;
  return cu_command_new_add_admin (unit->instance, unit->unit_id, state->transaction_counter,
                                   admin->name, admin->point, error);
}

static CuCommand *
build_copy_thresholds (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
                       GError **error)
{
  const CuUnitState *ref = data;
  return cu_command_new_set_thresholds (unit->instance, unit->unit_id, state->transaction_counter,
                                        ref->signature_threshold, ref->revocation_threshold, error);
}

/* Runs @build on the failover units only: the selection is narrowed for the
 * length of the step, in memory (the workstation keeps its own). */
static gboolean
run_on_units (TkeCeremony *c, GPtrArray *only, const char *what, CuCommandCode code,
              guint new_threshold, TkeBuildFunc build, gpointer data, GError **error)
{
  g_autoptr (GArray) saved = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gboolean ok;

  for (guint i = 0; i < c->units->len; i++)
    {
      TkeUnit *u = g_ptr_array_index (c->units, i);
      g_array_append_val (saved, u->selected);
      u->selected = g_ptr_array_find (only, u, NULL);
    }
  ok = tke_ceremony_run (c, what, code, new_threshold, build, data, NULL, error);
  for (guint i = 0; i < c->units->len; i++)
    ((TkeUnit *)g_ptr_array_index (c->units, i))->selected = g_array_index (saved, gboolean, i);
  return ok;
}

gboolean
tke_ceremony_failover_enable (TkeCeremony *c, GError **error)
{
  CuClient *client = selected_instance (c, error);
  g_autoptr (GPtrArray) failover = g_ptr_array_new ();
  g_autoptr (GPtrArray) outcomes = NULL;
  g_autofree CuUnitState *ref = NULL;
  const TkeUnit *ref_unit = NULL;
  gboolean ok;

  if (!client)
    return FALSE;
  for (guint i = 0; i < c->units->len; i++)
    {
      TkeUnit *u = g_ptr_array_index (c->units, i);
      if (g_strcmp0 (u->instance, cu_client_get_instance (client)) != 0)
        continue;
      if (u->kind == CU_UNIT_FAILOVER)
        g_ptr_array_add (failover, u);
      else if (u->kind == CU_UNIT_OPERATIONAL && !ref_unit)
        ref_unit = u;
    }
  if (failover->len == 0 || !ref_unit)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_NOT_FOUND,
                   "Service instance %s has no failover crypto units",
                   cu_client_get_instance (client));
      return FALSE;
    }
  ref = cu_client_get_unit_state (client, ref_unit->unit_id, error);
  if (!ref)
    return FALSE;
  if (cu_unit_state_is_imprint_mode (ref) || ref->current_state != CU_CURRENT_VALID)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_UNITS_DIFFER,
                   "Crypto unit %u is not initialized yet (administrators, thresholds and a "
                   "current master key): initialize the operational units first",
                   ref_unit->num);
      return FALSE;
    }
  if (!tke_prompter_confirm (c->prompter,
                             "failover-enable gives the failover crypto units the administrators "
                             "and thresholds of the operational units and copies the current "
                             "master key to them from recovery unit 1.  Continue?",
                             error))
    return FALSE;
  /* The failover units start in imprint mode: admins need no signature. */
  for (guint i = 0; i < ref->n_admins; i++)
    if (!run_on_units (c, failover, "add administrator", CU_CMD_ADD_ADMIN, 0, build_copy_admin,
                       &ref->admins[i], error))
      return FALSE;
  if (!run_on_units (c, failover, "set signature thresholds", CU_CMD_SET_THRESHOLDS,
                     ref->signature_threshold, build_copy_thresholds, ref, error))
    return FALSE;
  ok = cu_client_auto_recover (client, 1, auto_sign, c, &outcomes, error);
  return report_outcomes (c, "copy the master key", cu_client_get_instance (client), outcomes, ok,
                          error);
}
