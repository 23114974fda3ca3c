/* tke-run.c: one signed command on every selected unit, with a result for
 * each unit. */
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

/* Errors of the workstation side (password, card, cancel) stop the whole run;
 * a unit's own refusal only that unit. */
static gboolean
is_unit_refusal (const GError *error)
{
  return error->domain == CU_ERROR;
}

gboolean
tke_ceremony_run (TkeCeremony *c, const char *what, CuCommandCode code, guint new_threshold,
                  TkeBuildFunc build, gpointer data, GPtrArray **results, GError **error)
{
  g_autoptr (GPtrArray) selected = tke_ceremony_get_selected_units (c);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)tke_unit_result_free);
  guint n_ok = 0, n_failed = 0;
  GError *stop = NULL;

  if (selected->len == 0)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NO_UNITS_SELECTED,
                           "No crypto unit is selected: select them with cryptounit-add");
      return FALSE;
    }

  for (guint i = 0; i < selected->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (selected, i);
      CuClient *client = tke_ceremony_get_client (c, unit);
      TkeUnitResult *r = g_new0 (TkeUnitResult, 1);
      g_autofree CuUnitState *state = NULL;
      g_autoptr (CuCommand) cmd = NULL;
      int needed;

      r->num = unit->num;
      g_strlcpy (r->unit_id, unit->unit_id, sizeof r->unit_id);
      g_ptr_array_add (out, r);
      if (stop)
        {
          r->error = g_error_new_literal (TKE_ERROR, TKE_ERROR_CANCELLED, "not attempted");
          n_failed++;
          continue;
        }

      state = cu_client_get_unit_state (client, unit->unit_id, &r->error);
      if (state)
        {
          needed = cu_command_signatures_needed (code, state, new_threshold);
          cmd = build (c, unit, state, data, &r->error);
          /* Refused in imprint mode (-1): sent unsigned, so that the unit says why. */
          if (cmd
              && tke_ceremony_sign (c, unit, state, cmd, needed > 0 ? (guint)needed : 0, &r->error))
            {
              c->stats.commands++;
              cu_client_execute (client, cmd, NULL, &r->error);
            }
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
      if (!is_unit_refusal (r->error))
        stop = r->error;
    }

  if (n_failed > 0)
    {
      if (n_ok > 0)
        g_set_error (error, TKE_ERROR, TKE_ERROR_PARTIAL,
                     "%s: done on %u crypto unit%s, failed on %u; the crypto units are now "
                     "configured differently (see cryptounit-compare)",
                     what, n_ok, n_ok == 1 ? "" : "s", n_failed);
      else
        {
          TkeUnitResult *first = g_ptr_array_index (out, 0);
          g_propagate_error (error, g_error_copy (first->error));
        }
    }
  if (results)
    *results = g_steal_pointer (&out);
  return n_failed == 0;
}
