/* cu-auto.c: auto-init, auto-mk-rotate and auto-recover: the master key is
 * generated in a recovery unit and moves between units only as an MK blob
 * to a one-time importer key (docs/crypto-unit-protocol.md). */
#include "opentke-crypto-unit.h"

#include <string.h>

void
cu_unit_outcome_free (CuUnitOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_clear_error (&outcome->error);
  g_free (outcome);
}

/* Builds, signs as needed and runs one command on one unit. */
static gboolean
signed_step (CuClient *client, const char *unit_id, CuCommandCode code, const uint8_t *params,
             size_t len, CuSignFunc sign, gpointer user_data, GBytes **output, GError **error)
{
  g_autofree CuUnitState *st = cu_client_get_unit_state (client, unit_id, error);
  g_autoptr (CuCommand) cmd = NULL;
  int needed;

  if (st == NULL)
    return FALSE;
  cmd = cu_command_new (cu_client_get_instance (client), unit_id, code, st->transaction_counter,
                        params, len, error);
  if (cmd == NULL)
    return FALSE;
  needed = cu_command_signatures_needed (code, st, code == CU_CMD_SET_THRESHOLDS ? params[0] : 0);
  if (needed > 0 && !sign (cmd, (guint)needed, user_data, error))
    return FALSE;
  return cu_client_execute (client, cmd, output, error);
}

static gboolean
simple_step (CuClient *client, const char *unit_id, CuCommandCode code, CuSignFunc sign,
             gpointer user_data, GError **error)
{
  return signed_step (client, unit_id, code, NULL, 0, sign, user_data, NULL, error);
}

static const CuUnitInfo *
find_recovery (GPtrArray *units, guint index)
{
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *u = g_ptr_array_index (units, i);

      if (u->kind == CU_UNIT_RECOVERY && u->index == index)
        return u;
    }
  return NULL;
}

static CuUnitOutcome *
outcome_new (GPtrArray *outcomes, const char *unit_id)
{
  CuUnitOutcome *o = g_new0 (CuUnitOutcome, 1);

  g_strlcpy (o->unit_id, unit_id, sizeof o->unit_id);
  g_ptr_array_add (outcomes, o);
  return o;
}

/* Empties the new register of @unit_id if it holds anything. */
static gboolean
ensure_new_empty (CuClient *client, const char *unit_id, CuSignFunc sign, gpointer user_data,
                  GError **error)
{
  g_autofree CuUnitState *st = cu_client_get_unit_state (client, unit_id, error);

  if (st == NULL)
    return FALSE;
  if (st->new_state == CU_NEW_EMPTY)
    return TRUE;
  return simple_step (client, unit_id, CU_CMD_CLEAR_NEW, sign, user_data, error);
}

/* Moves the MK in register @reg of @source into the new register of
 * @target and commits it there. */
static gboolean
copy_mk (CuClient *client, const char *source, CuRegister reg, const char *target,
         const uint8_t vp[CU_VP_LEN], CuSignFunc sign, gpointer user_data, GError **error)
{
  g_autoptr (GBytes) chain = NULL;
  g_autoptr (GBytes) exported = NULL;
  g_autoptr (GByteArray) params = g_byte_array_new ();
  uint8_t r = (uint8_t)reg;

  if (!ensure_new_empty (client, target, sign, user_data, error)
      || (chain = cu_client_create_importer (client, target, error)) == NULL)
    return FALSE;
  g_byte_array_append (params, &r, 1);
  g_byte_array_append (params, g_bytes_get_data (chain, NULL), (guint)g_bytes_get_size (chain));
  if (!signed_step (client, source, CU_CMD_EXPORT_MK, params->data, params->len, sign, user_data,
                    &exported, error))
    return FALSE;
  return signed_step (client, target, CU_CMD_IMPORT_MK, g_bytes_get_data (exported, NULL),
                      g_bytes_get_size (exported), sign, user_data, NULL, error)
         && signed_step (client, target, CU_CMD_COMMIT_NEW, vp, CU_VP_LEN, sign, user_data, NULL,
                         error);
}

static gboolean
finish_outcomes (GPtrArray *outcomes, GPtrArray **out, GError **error)
{
  guint failed = 0;

  for (guint i = 0; i < outcomes->len; i++)
    if (((CuUnitOutcome *)g_ptr_array_index (outcomes, i))->error != NULL)
      failed++;
  if (out != NULL)
    *out = g_ptr_array_ref (outcomes);
  if (failed > 0)
    {
      const CuUnitOutcome *first = NULL;

      for (guint i = 0; first == NULL && i < outcomes->len; i++)
        if (((CuUnitOutcome *)g_ptr_array_index (outcomes, i))->error != NULL)
          first = g_ptr_array_index (outcomes, i);
      g_set_error (error, first->error->domain, first->error->code,
                   "%u of %u crypto units were not changed; first failure on unit %.16s...: %s",
                   failed, outcomes->len, first->unit_id, first->error->message);
      return FALSE;
    }
  return TRUE;
}

/* Generates a new MK in recovery unit 1 (committed there), copies it to
 * the new register of every other unit, then runs @finish (set-immediate
 * or rotate) everywhere.  Units that fail are reported, the others go on. */
static gboolean
distribute_new_mk (CuClient *client, GPtrArray *units, GPtrArray *outcomes, CuCommandCode finish,
                   CuSignFunc sign, gpointer user_data, GError **error)
{
  const CuUnitInfo *r1 = find_recovery (units, 1);
  g_autofree CuUnitState *st = NULL;
  uint8_t vp[CU_VP_LEN];

  if (r1 == NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_WRONG_UNIT_KIND,
                   "The service instance has no recovery crypto unit");
      return FALSE;
    }
  if (!ensure_new_empty (client, r1->unit_id, sign, user_data, error)
      || !simple_step (client, r1->unit_id, CU_CMD_GENERATE_NEW, sign, user_data, error)
      || (st = cu_client_get_unit_state (client, r1->unit_id, error)) == NULL)
    return FALSE;
  memcpy (vp, st->new_vp, CU_VP_LEN);
  if (!signed_step (client, r1->unit_id, CU_CMD_COMMIT_NEW, vp, CU_VP_LEN, sign, user_data, NULL,
                    error))
    return FALSE;
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *u = g_ptr_array_index (units, i);
      CuUnitOutcome *o = outcome_new (outcomes, u->unit_id);

      if (u != r1)
        copy_mk (client, r1->unit_id, CU_REGISTER_NEW, u->unit_id, vp, sign, user_data, &o->error);
    }
  /* Only once every unit holds the new MK does any unit switch to it; the
   * recovery unit switches last so that it can still export on a retry. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < units->len; i++)
      {
        const CuUnitInfo *u = g_ptr_array_index (units, i);
        CuUnitOutcome *o = g_ptr_array_index (outcomes, i);

        if ((pass == 0) == (u == r1) || o->error != NULL)
          continue;
        o->changed = simple_step (client, u->unit_id, finish, sign, user_data, &o->error);
      }
  return TRUE;
}

static gboolean
unit_has_admin (CuClient *client, const char *unit_id, const CuAdmin *admin, GError **error)
{
  g_autofree CuUnitState *st = cu_client_get_unit_state (client, unit_id, error);
  uint8_t ski[CU_SKI_LEN];

  cu_ski_from_point (admin->point, ski);
  for (guint i = 0; st != NULL && i < st->n_admins; i++)
    if (memcmp (st->admins[i].ski, ski, CU_SKI_LEN) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
unit_has_thresholds (CuClient *client, const char *unit_id, const uint8_t thresholds[2],
                     GError **error)
{
  g_autofree CuUnitState *st = cu_client_get_unit_state (client, unit_id, error);

  return st != NULL && st->signature_threshold == thresholds[0]
         && st->revocation_threshold == thresholds[1];
}

static gboolean
add_admin (CuClient *client, const char *unit_id, const CuAdmin *admin, CuSignFunc sign,
           gpointer user_data, GError **error)
{
  g_autoptr (CuCommand) probe = cu_command_new_add_admin (cu_client_get_instance (client), unit_id,
                                                          0, admin->name, admin->point, error);
  const uint8_t *params;
  size_t len;

  if (probe == NULL)
    return FALSE;
  params = cu_command_get_params (probe, &len);
  return signed_step (client, unit_id, CU_CMD_ADD_ADMIN, params, len, sign, user_data, NULL, error);
}

gboolean
cu_client_auto_init (CuClient *client, const CuAdmin *admins, guint n_admins,
                     guint signature_threshold, guint revocation_threshold, CuSignFunc sign,
                     gpointer user_data, GPtrArray **outcomes, GError **error)
{
  g_autoptr (GPtrArray) units = cu_client_list_units (client, error);
  g_autoptr (GPtrArray) setup
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_unit_outcome_free);
  g_autoptr (GPtrArray) result
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_unit_outcome_free);
  uint8_t thresholds[2] = { (uint8_t)signature_threshold, (uint8_t)revocation_threshold };

  if (outcomes != NULL)
    *outcomes = NULL;
  if (units == NULL)
    return FALSE;
  /* Admins and thresholds on every unit; what a unit has already (an
   * earlier, interrupted auto-init) is not done again. */
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *u = g_ptr_array_index (units, i);
      CuUnitOutcome *o = outcome_new (setup, u->unit_id);

      for (guint a = 0; a < n_admins && o->error == NULL; a++)
        if (!unit_has_admin (client, u->unit_id, &admins[a], &o->error) && o->error == NULL)
          add_admin (client, u->unit_id, &admins[a], sign, user_data, &o->error);
      if (o->error == NULL && !unit_has_thresholds (client, u->unit_id, thresholds, &o->error)
          && o->error == NULL)
        signed_step (client, u->unit_id, CU_CMD_SET_THRESHOLDS, thresholds, 2, sign, user_data,
                     NULL, &o->error);
    }
  if (!finish_outcomes (setup, NULL, error))
    {
      if (outcomes != NULL)
        *outcomes = g_ptr_array_ref (setup);
      return FALSE;
    }
  if (!distribute_new_mk (client, units, result, CU_CMD_SET_IMMEDIATE, sign, user_data, error))
    return FALSE;
  return finish_outcomes (result, outcomes, error);
}

gboolean
cu_client_auto_mk_rotate (CuClient *client, CuSignFunc sign, gpointer user_data,
                          GPtrArray **outcomes, GError **error)
{
  g_autoptr (GPtrArray) units = cu_client_list_units (client, error);
  g_autoptr (GPtrArray) result
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_unit_outcome_free);

  if (outcomes != NULL)
    *outcomes = NULL;
  if (units == NULL
      || !distribute_new_mk (client, units, result, CU_CMD_ROTATE, sign, user_data, error))
    return FALSE;
  return finish_outcomes (result, outcomes, error);
}

gboolean
cu_client_auto_recover (CuClient *client, guint recovery_index, CuSignFunc sign, gpointer user_data,
                        GPtrArray **outcomes, GError **error)
{
  g_autoptr (GPtrArray) units = cu_client_list_units (client, error);
  g_autoptr (GPtrArray) result
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_unit_outcome_free);
  g_autofree CuUnitState *src = NULL;
  const CuUnitInfo *r;

  if (outcomes != NULL)
    *outcomes = NULL;
  if (units == NULL)
    return FALSE;
  r = find_recovery (units, recovery_index);
  if (r == NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No recovery crypto unit %u",
                   recovery_index);
      return FALSE;
    }
  src = cu_client_get_unit_state (client, r->unit_id, error);
  if (src == NULL)
    return FALSE;
  if (src->current_state != CU_CURRENT_VALID)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_REGISTER_STATE,
                   "Recovery unit %u holds no current master key", recovery_index);
      return FALSE;
    }
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *u = g_ptr_array_index (units, i);
      g_autofree CuUnitState *st = NULL;
      CuUnitOutcome *o;

      if (u == r)
        continue;
      o = outcome_new (result, u->unit_id);
      st = cu_client_get_unit_state (client, u->unit_id, &o->error);
      if (st == NULL
          || (st->current_state == CU_CURRENT_VALID
              && memcmp (st->current_vp, src->current_vp, CU_VP_LEN) == 0))
        continue; /* unreachable (reported) or already the same */
      o->changed
          = copy_mk (client, r->unit_id, CU_REGISTER_CURRENT, u->unit_id, src->current_vp, sign,
                     user_data, &o->error)
            && simple_step (client, u->unit_id, CU_CMD_SET_IMMEDIATE, sign, user_data, &o->error);
    }
  return finish_outcomes (result, outcomes, error);
}
