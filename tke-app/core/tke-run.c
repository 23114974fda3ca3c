/* tke-run.c: one signed command on every selected unit, with a result for
 * each unit.  Three phases: every unit's command is built, then signed (so
 * that each signature card is inserted once for all units), then sent. */
#include "tke-ceremony-private.h"

/* The unit's refusals, in the words of the person at the workstation. */
static void
explain_refusal (GError **error)
{
  const char *hint = NULL;

  if ((*error)->domain != CU_ERROR)
    return;
  switch ((*error)->code)
    {
      case CU_ERROR_IMPRINT_MODE:
        hint = "the crypto unit is in imprint mode: add administrators and set the signature "
               "thresholds first";
        break;
      case CU_ERROR_NOT_ADMIN:
        hint = "a signature is not from an administrator of the crypto unit";
        break;
      case CU_ERROR_THRESHOLD_NOT_MET:
        hint = "not enough administrators signed";
        break;
      case CU_ERROR_REGISTER_STATE:
        hint = "the master key register is not in the state this command needs (see "
               "cryptounit-mk)";
        break;
      default:
        break;
    }
  if (hint)
    g_prefix_error (error, "%s: ", hint);
}

static void
job_free (TkeJob *job)
{
  g_free (job->state);
  g_clear_pointer (&job->cmd, cu_command_free);
  g_clear_error (&job->error);
  g_free (job);
}

/* Phase 2 with key files: each unit's command in turn (the keys stay open). */
static gboolean
sign_jobs_with_files (TkeCeremony *c, GPtrArray *jobs, GError **error)
{
  for (guint i = 0; i < jobs->len; i++)
    {
      TkeJob *job = g_ptr_array_index (jobs, i);
      if (!job->error && job->needed > 0
          && !tke_ceremony_sign (c, job->unit, job->state, job->cmd, job->needed, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tke_ceremony_run (TkeCeremony *c, const char *what, CuCommandCode code, guint new_threshold,
                  TkeBuildFunc build, gpointer data, GPtrArray **results, GError **error)
{
  g_autoptr (GPtrArray) selected = tke_ceremony_get_selected_units (c);
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify)job_free);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)tke_unit_result_free);
  g_autoptr (GError) stop = NULL;
  guint n_ok = 0, n_failed = 0;

  if (selected->len == 0)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NO_UNITS_SELECTED,
                           "No crypto unit is selected: select them with cryptounit-add");
      return FALSE;
    }

  /* 1. Build: a problem on the workstation's side (a threshold the unit
   * cannot take) stops before anything is signed or sent. */
  for (guint i = 0; i < selected->len && !stop; i++)
    {
      TkeJob *job = g_new0 (TkeJob, 1);
      int needed;

      job->unit = g_ptr_array_index (selected, i);
      g_ptr_array_add (jobs, job);
      job->state = cu_client_get_unit_state (tke_ceremony_get_client (c, job->unit),
                                             job->unit->unit_id, &job->error);
      if (!job->state)
        continue;
      /* Refused in imprint mode (-1): sent unsigned, so that the unit says why. */
      needed = cu_command_signatures_needed (code, job->state, new_threshold);
      job->needed = needed > 0 ? (guint)needed : 0;
      job->cmd = build (c, job->unit, job->state, data, &job->error);
      if (!job->cmd && job->error && job->error->domain != CU_ERROR)
        stop = g_error_copy (job->error);
    }

  /* 2. Sign. */
  if (!stop)
    {
      GError *sign_error = NULL;
      if (!(c->sign_with_cards ? tke_ceremony_sign_jobs_with_cards (c, jobs, &sign_error)
                               : sign_jobs_with_files (c, jobs, &sign_error)))
        stop = sign_error;
    }

  /* 3. Send, and report each unit. */
  for (guint i = 0; i < jobs->len || i < selected->len; i++)
    {
      TkeJob *job = i < jobs->len ? g_ptr_array_index (jobs, i) : NULL;
      const TkeUnit *unit = g_ptr_array_index (selected, i);
      TkeUnitResult *r = g_new0 (TkeUnitResult, 1);

      r->num = unit->num;
      g_strlcpy (r->unit_id, unit->unit_id, sizeof r->unit_id);
      g_ptr_array_add (out, r);
      if (job && job->error)
        r->error = g_error_copy (job->error);
      else if (stop)
        r->error = g_error_new (TKE_ERROR, TKE_ERROR_CANCELLED, "not sent: %s", stop->message);
      else
        {
          c->stats.commands++;
          cu_client_execute (tke_ceremony_get_client (c, unit), job->cmd, NULL, &r->error);
        }

      if (!r->error)
        {
          n_ok++;
          tke_prompter_info (c->prompter, "Crypto unit %u (%s %u): %s: done.", unit->num,
                             tke_unit_kind_to_string (unit->kind), unit->index, what);
          continue;
        }
      n_failed++;
      explain_refusal (&r->error);
      tke_prompter_warning (c->prompter, "Crypto unit %u (%s %u): %s: FAILED: %s", unit->num,
                            tke_unit_kind_to_string (unit->kind), unit->index, what,
                            r->error->message);
    }

  if (stop)
    g_propagate_error (error, g_steal_pointer (&stop));
  else if (n_failed > 0 && n_ok > 0)
    g_set_error (error, TKE_ERROR, TKE_ERROR_PARTIAL,
                 "%s: done on %u crypto unit%s, failed on %u; the crypto units are now "
                 "configured differently (see cryptounit-compare)",
                 what, n_ok, n_ok == 1 ? "" : "s", n_failed);
  else if (n_failed > 0)
    g_propagate_error (error, g_error_copy (((TkeUnitResult *)g_ptr_array_index (out, 0))->error));
  if (results)
    *results = g_steal_pointer (&out);
  return n_failed == 0;
}
