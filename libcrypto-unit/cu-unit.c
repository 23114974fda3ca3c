/* cu-unit.c: one crypto unit: its database, its state and the framework
 * that runs a signed command in one transaction (authenticate, run, count,
 * audit).  The rules of each command are in cu-commands.c. */
#include "cu-unit.h"

#include "cu-cert.h"
#include "opentke-common.h"

#include <string.h>

#define MAX_IMPORTERS 16

static const char schema[]
    = "CREATE TABLE IF NOT EXISTS unit ("
      " id INTEGER PRIMARY KEY CHECK (id = 1),"
      " unit_id BLOB NOT NULL, instance TEXT NOT NULL, kind INTEGER NOT NULL,"
      " idx INTEGER NOT NULL, device_key BLOB NOT NULL, device_cert BLOB NOT NULL,"
      " counter INTEGER NOT NULL, sig_thr INTEGER NOT NULL, rev_thr INTEGER NOT NULL,"
      " cps INTEGER NOT NULL, new_state INTEGER NOT NULL, new_key BLOB,"
      " cur_state INTEGER NOT NULL, cur_key BLOB, rot_running INTEGER NOT NULL,"
      " rot_total INTEGER NOT NULL, rot_counter INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS admins (pos INTEGER PRIMARY KEY, ski BLOB UNIQUE NOT NULL,"
      " name TEXT NOT NULL, point BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS importers (ski BLOB PRIMARY KEY, subject BLOB NOT NULL,"
      " point BLOB NOT NULL, key BLOB NOT NULL, created INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS keys (rowid INTEGER PRIMARY KEY, key_id BLOB UNIQUE NOT NULL,"
      " wrapped BLOB NOT NULL, mk_vp BLOB NOT NULL, created INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
      " command INTEGER NOT NULL, counter INTEGER NOT NULL, signers BLOB,"
      " result INTEGER NOT NULL, params_hash BLOB NOT NULL, prev_hash BLOB NOT NULL,"
      " hash BLOB NOT NULL);";

void
cu_unit_free (CuUnit *unit)
{
  if (unit == NULL)
    return;
  cu_db_close (unit->db);
  EVP_PKEY_free (unit->device_key);
  g_free (unit->instance);
  g_free (unit);
}

static void
unit_set_id (CuUnit *unit, const uint8_t id[CU_UNIT_ID_LEN])
{
  g_autofree char *hex = otk_hex_encode (id, CU_UNIT_ID_LEN);

  memcpy (unit->id, id, CU_UNIT_ID_LEN);
  memcpy (unit->id_hex, hex, CU_UNIT_ID_HEX_LEN + 1);
}

CuUnit *
cu_unit_create (const char *path, const char *instance, CuUnitKind kind, guint index,
                EVP_PKEY *root_key, const uint8_t root_cert[CU_CERT_LEN], GError **error)
{
  g_autoptr (CuUnit) unit = g_new0 (CuUnit, 1);
  g_autoptr (OtkSecretBuf) der = NULL;
  CuCertFields root;
  uint8_t id[CU_UNIT_ID_LEN];
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  cu_cert_parse (root_cert, &root);
  memcpy (unit->root_cert, root_cert, CU_CERT_LEN);
  unit->instance = g_strdup (instance);
  unit->kind = kind;
  unit->index = index;
  if (!cu_random (id, sizeof id, error) || (unit->device_key = cu_p521_generate (error)) == NULL
      || !cu_point_from_key (unit->device_key, unit->device_point, error)
      || !cu_cert_make (CU_CERT_DEVICE, id, unit->device_point, root_key, root.point,
                        unit->device_cert, error)
      || (der = cu_p521_private_to_der (unit->device_key, error)) == NULL)
    return NULL;
  unit_set_id (unit, id);
  unit->db = cu_db_open (path, TRUE, error);
  if (unit->db == NULL || !cu_db_exec (unit->db, schema, error))
    return NULL;
  stmt = cu_db_prepare (unit->db,
                        "INSERT INTO unit VALUES (1, ?, ?, ?, ?, ?, ?, 1, 0, 0, ?, 0, NULL, 0, "
                        "NULL, 0, 0, 0)",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, id, CU_UNIT_ID_LEN, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, instance, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int (stmt, 4, (int)index);
  sqlite3_bind_blob (stmt, 5, der->data, (int)der->len, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 6, unit->device_cert, CU_CERT_LEN, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, CU_CP_DEFAULT);
  ok = cu_db_step_done (unit->db, stmt, error);
  sqlite3_finalize (stmt);
  return ok ? g_steal_pointer (&unit) : NULL;
}

CuUnit *
cu_unit_open (const char *path, const uint8_t root_cert[CU_CERT_LEN], GError **error)
{
  g_autoptr (CuUnit) unit = g_new0 (CuUnit, 1);
  sqlite3_stmt *stmt = NULL;
  uint8_t id[CU_UNIT_ID_LEN];
  gboolean ok = FALSE;

  memcpy (unit->root_cert, root_cert, CU_CERT_LEN);
  unit->db = cu_db_open (path, FALSE, error);
  if (unit->db == NULL || !cu_db_exec (unit->db, schema, error))
    return NULL;
  stmt = cu_db_prepare (
      unit->db, "SELECT unit_id, instance, kind, idx, device_key, device_cert FROM unit", error);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW && cu_db_column_blob (stmt, 0, id, CU_UNIT_ID_LEN)
      && cu_db_column_blob (stmt, 5, unit->device_cert, CU_CERT_LEN))
    {
      unit_set_id (unit, id);
      unit->instance = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      unit->kind = sqlite3_column_int (stmt, 2);
      unit->index = (guint)sqlite3_column_int (stmt, 3);
      unit->device_key = cu_p521_private_from_der (sqlite3_column_blob (stmt, 4),
                                                   (size_t)sqlite3_column_bytes (stmt, 4), error);
      ok = unit->device_key != NULL
           && cu_point_from_key (unit->device_key, unit->device_point, error);
    }
  else
    g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "The crypto unit database %s is damaged", path);
  sqlite3_finalize (stmt);
  return ok ? g_steal_pointer (&unit) : NULL;
}

void
cu_unit_get_info (CuUnit *unit, CuUnitInfo *info)
{
  memcpy (info->unit_id, unit->id_hex, sizeof info->unit_id);
  info->kind = unit->kind;
  info->index = unit->index;
  info->zone = unit->zone;
}

static void
column_key (sqlite3_stmt *stmt, int col, uint8_t key[CU_KEY_PART_LEN])
{
  if (!cu_db_column_blob (stmt, col, key, CU_KEY_PART_LEN))
    memset (key, 0, CU_KEY_PART_LEN);
}

gboolean
cu_regs_load (CuUnit *unit, CuRegs *regs, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  memset (regs, 0, sizeof *regs);
  stmt = cu_db_prepare (unit->db,
                        "SELECT counter, sig_thr, rev_thr, cps, new_state, new_key, cur_state, "
                        "cur_key, rot_running, rot_total, rot_counter FROM unit",
                        error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      cu_db_set_error (unit->db, error);
      goto out;
    }
  regs->counter = (guint64)sqlite3_column_int64 (stmt, 0);
  regs->sig_thr = (guint)sqlite3_column_int (stmt, 1);
  regs->rev_thr = (guint)sqlite3_column_int (stmt, 2);
  regs->cps = (guint32)sqlite3_column_int64 (stmt, 3);
  regs->new_state = sqlite3_column_int (stmt, 4);
  column_key (stmt, 5, regs->new_key);
  regs->cur_state = sqlite3_column_int (stmt, 6);
  column_key (stmt, 7, regs->cur_key);
  regs->rot_running = sqlite3_column_int (stmt, 8) != 0;
  regs->rot_total = (guint64)sqlite3_column_int64 (stmt, 9);
  regs->rot_counter = (guint64)sqlite3_column_int64 (stmt, 10);
  sqlite3_finalize (stmt);
  stmt = cu_db_prepare (unit->db, "SELECT name, ski, point FROM admins ORDER BY pos", error);
  if (stmt == NULL)
    goto out;
  while (sqlite3_step (stmt) == SQLITE_ROW && regs->n_admins < CU_MAX_ADMINS)
    {
      CuAdmin *a = &regs->admins[regs->n_admins++];

      g_strlcpy (a->name, (const char *)sqlite3_column_text (stmt, 0), sizeof a->name);
      cu_db_column_blob (stmt, 1, a->ski, CU_SKI_LEN);
      cu_db_column_blob (stmt, 2, a->point, CU_POINT_LEN);
    }
  ok = TRUE;
out:
  sqlite3_finalize (stmt);
  return ok;
}

static void
bind_key (sqlite3_stmt *stmt, int col, gboolean full, const uint8_t key[CU_KEY_PART_LEN])
{
  if (full)
    sqlite3_bind_blob (stmt, col, key, CU_KEY_PART_LEN, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, col);
}

gboolean
cu_regs_save (CuUnit *unit, const CuRegs *regs, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  stmt = cu_db_prepare (unit->db,
                        "UPDATE unit SET counter = ?, sig_thr = ?, rev_thr = ?, cps = ?, "
                        "new_state = ?, new_key = ?, cur_state = ?, cur_key = ?, "
                        "rot_running = ?, rot_total = ?, rot_counter = ?",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64)regs->counter);
  sqlite3_bind_int (stmt, 2, (int)regs->sig_thr);
  sqlite3_bind_int (stmt, 3, (int)regs->rev_thr);
  sqlite3_bind_int64 (stmt, 4, regs->cps);
  sqlite3_bind_int (stmt, 5, regs->new_state);
  bind_key (stmt, 6, regs->new_state != CU_NEW_EMPTY, regs->new_key);
  sqlite3_bind_int (stmt, 7, regs->cur_state);
  bind_key (stmt, 8, regs->cur_state != CU_CURRENT_EMPTY, regs->cur_key);
  sqlite3_bind_int (stmt, 9, regs->rot_running);
  sqlite3_bind_int64 (stmt, 10, (sqlite3_int64)regs->rot_total);
  sqlite3_bind_int64 (stmt, 11, (sqlite3_int64)regs->rot_counter);
  if (!cu_db_step_done (unit->db, stmt, error))
    goto out;
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (!cu_db_exec (unit->db, "DELETE FROM admins", error))
    goto out;
  stmt = cu_db_prepare (unit->db, "INSERT INTO admins (pos, ski, name, point) VALUES (?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    goto out;
  for (guint i = 0; i < regs->n_admins; i++)
    {
      sqlite3_bind_int (stmt, 1, (int)i);
      sqlite3_bind_blob (stmt, 2, regs->admins[i].ski, CU_SKI_LEN, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, regs->admins[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 4, regs->admins[i].point, CU_POINT_LEN, SQLITE_STATIC);
      if (!cu_db_step_done (unit->db, stmt, error))
        goto out;
    }
  ok = TRUE;
out:
  sqlite3_finalize (stmt);
  return ok;
}

void
cu_regs_vp (const CuRegs *regs, gboolean current, uint8_t vp[CU_VP_LEN])
{
  if (current ? regs->cur_state == CU_CURRENT_EMPTY : regs->new_state == CU_NEW_EMPTY)
    memset (vp, 0, CU_VP_LEN);
  else
    cu_verification_pattern (current ? regs->cur_key : regs->new_key, vp);
}

CuUnitState *
cu_unit_get_state (CuUnit *unit, GError **error)
{
  g_autofree CuUnitState *st = g_new0 (CuUnitState, 1);
  CuRegs regs;
  gboolean ok = FALSE;

  if (!cu_db_exec (unit->db, "BEGIN", error))
    return NULL;
  if (!cu_regs_load (unit, &regs, error))
    goto out;
  cu_unit_get_info (unit, &st->info);
  g_strlcpy (st->instance, unit->instance, sizeof st->instance);
  st->transaction_counter = regs.counter;
  st->signature_threshold = regs.sig_thr;
  st->revocation_threshold = regs.rev_thr;
  st->n_admins = regs.n_admins;
  memcpy (st->admins, regs.admins, sizeof st->admins);
  st->new_state = regs.new_state;
  cu_regs_vp (&regs, FALSE, st->new_vp);
  st->current_state = regs.cur_state;
  cu_regs_vp (&regs, TRUE, st->current_vp);
  st->control_points = regs.cps;
  st->rotation_running = regs.rot_running;
  st->rotation_total = regs.rot_total;
  if (!cu_keystore_count (unit, NULL, NULL, &st->n_keys, error)
      || (regs.rot_running
          && !cu_keystore_count (unit, st->new_vp, NULL, &st->rotation_done, error))
      || !cu_audit_head (unit->db, &st->audit_length, st->audit_head, error))
    goto out;
  ok = TRUE;
out:
  secure_clear (&regs, sizeof regs);
  cu_db_exec (unit->db, "COMMIT", NULL);
  return ok ? g_steal_pointer (&st) : NULL;
}

GPtrArray *
cu_unit_get_audit_log (CuUnit *unit, guint64 from, GError **error)
{
  return cu_audit_read (unit->db, from, error);
}

GBytes *
cu_unit_create_importer (CuUnit *unit, GError **error)
{
  g_autoptr (EVP_PKEY) key = NULL;
  g_autoptr (OtkSecretBuf) der = NULL;
  uint8_t random[32], binding[32], point[CU_POINT_LEN], ski[CU_SKI_LEN];
  uint8_t chain[CU_CHAIN_LEN];
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if ((key = cu_p521_generate (error)) == NULL || !cu_point_from_key (key, point, error)
      || !cu_random (random, sizeof random, error))
    return NULL;
  cu_importer_binding (unit->instance, unit->id, random, binding);
  if (!cu_cert_make (CU_CERT_IMPORTER, binding, point, unit->device_key, unit->device_point, chain,
                     error)
      || (der = cu_p521_private_to_der (key, error)) == NULL)
    return NULL;
  memcpy (chain + CU_CERT_LEN, unit->device_cert, CU_CERT_LEN);
  cu_ski_from_point (point, ski);
  if (!cu_db_exec (unit->db, "BEGIN IMMEDIATE", error))
    return NULL;
  stmt = cu_db_prepare (unit->db,
                        "INSERT INTO importers (ski, subject, point, key, created) "
                        "VALUES (?, ?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_blob (stmt, 1, ski, CU_SKI_LEN, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, binding, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, point, CU_POINT_LEN, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, der->data, (int)der->len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  /* Unused importer keys are kept for a while, the oldest dropped. */
  ok = cu_db_step_done (unit->db, stmt, error)
       && cu_db_exec (unit->db,
                      "DELETE FROM importers WHERE ski NOT IN (SELECT ski FROM importers "
                      "ORDER BY created DESC LIMIT " G_STRINGIFY (MAX_IMPORTERS) ")",
                      error);
out:
  sqlite3_finalize (stmt);
  cu_db_exec (unit->db, ok ? "COMMIT" : "ROLLBACK", ok ? error : NULL);
  return ok ? g_bytes_new (chain, sizeof chain) : NULL;
}

/* Checks the signatures of @cmd against the admins in @regs. */
static gboolean
authenticate (CuUnit *unit, const CuRegs *regs, const CuCommand *cmd, GError **error)
{
  const CuCommandSignature *sigs;
  guint n_sigs;
  uint8_t digest[CU_DIGEST_LEN];
  gboolean counted[CU_MAX_ADMINS] = { FALSE };
  guint distinct = 0;
  int needed;

  if (cu_command_get_counter (cmd) != regs->counter)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_REPLAY,
                   cu_command_get_counter (cmd) < regs->counter
                       ? "The command was already used (transaction counter %" G_GUINT64_FORMAT
                         " < %" G_GUINT64_FORMAT "): sign it again"
                       : "The transaction counter %" G_GUINT64_FORMAT
                         " is ahead of the unit's (%" G_GUINT64_FORMAT ")",
                   cu_command_get_counter (cmd), regs->counter);
      return FALSE;
    }
  needed = cu_commands_needed (regs, cmd, error);
  if (needed == -2)
    return FALSE;
  if (needed < 0)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_IMPRINT_MODE,
                   "The crypto unit is in imprint mode: set the signature thresholds first");
      return FALSE;
    }
  cu_command_get_digest (cmd, digest);
  sigs = cu_command_get_signatures (cmd, &n_sigs);
  for (guint i = 0; i < n_sigs; i++)
    {
      g_autoptr (EVP_PKEY) key = NULL;
      guint a;

      for (a = 0; a < regs->n_admins; a++)
        if (memcmp (regs->admins[a].ski, sigs[i].ski, CU_SKI_LEN) == 0)
          break;
      if (a == regs->n_admins)
        {
          g_autofree char *hex = otk_hex_encode (sigs[i].ski, CU_SKI_LEN);
          g_set_error (error, CU_ERROR, CU_ERROR_NOT_ADMIN,
                       "The signature key %s is not an administrator of this crypto unit", hex);
          return FALSE;
        }
      key = cu_p521_from_point (regs->admins[a].point, error);
      if (key == NULL)
        return FALSE;
      if (!cu_ecdsa_verify_digest (key, digest, sigs[i].signature, error))
        {
          if (error == NULL || *error == NULL)
            g_set_error (error, CU_ERROR, CU_ERROR_BAD_SIGNATURE,
                         "The signature of administrator \"%s\" does not verify",
                         regs->admins[a].name);
          return FALSE;
        }
      if (!counted[a])
        {
          counted[a] = TRUE;
          distinct++;
        }
    }
  if (distinct < (guint)needed)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_THRESHOLD_NOT_MET,
                   "This command needs %d signatures of distinct administrators; it has %u", needed,
                   distinct);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_hard_failure (const GError *e)
{
  return e->code == CU_ERROR_STORAGE || e->code == CU_ERROR_INTERNAL;
}

static gboolean
destroy_importer (CuUnit *unit, const uint8_t ski[CU_SKI_LEN], GError **error)
{
  sqlite3_stmt *stmt = cu_db_prepare (unit->db, "DELETE FROM importers WHERE ski = ?", error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, ski, CU_SKI_LEN, SQLITE_STATIC);
  ok = cu_db_step_done (unit->db, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* Runs an authenticated command inside a savepoint: its effects are kept
 * only when it succeeds.  Returns FALSE only on a hard failure; a refusal
 * goes to @refusal. */
static gboolean
run_in_savepoint (CuUnit *unit, CuRegs *regs, const CuCommand *cmd, CuRunEffects *fx,
                  GError **refusal, GError **error)
{
  GError *local = NULL;
  guint64 counter = regs->counter;

  if (!cu_db_exec (unit->db, "SAVEPOINT cmd", error))
    return FALSE;
  if (cu_commands_run (unit, regs, cmd, fx, &local) && cu_regs_save (unit, regs, &local))
    return cu_db_exec (unit->db, "RELEASE cmd", error);
  if (is_hard_failure (local))
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_propagate_error (refusal, local);
  g_clear_pointer (&fx->output, g_bytes_unref);
  fx->start_rotation = FALSE;
  if (!cu_db_exec (unit->db, "ROLLBACK TO cmd; RELEASE cmd", error))
    return FALSE;
  secure_clear (regs, sizeof *regs);
  if (!cu_regs_load (unit, regs, error))
    return FALSE;
  g_assert (regs->counter == counter);
  return TRUE;
}

gboolean
cu_unit_execute (CuUnit *unit, const CuCommand *cmd, GBytes **output, gboolean *rotation_started,
                 GError **error)
{
  CuRegs regs;
  CuRunEffects fx = { 0 };
  CuAuditEntry entry = { 0 };
  const CuCommandSignature *sigs;
  GError *refusal = NULL;
  const uint8_t *params;
  size_t params_len;
  gboolean ok = FALSE;

  if (output != NULL)
    *output = NULL;
  *rotation_started = FALSE;
  if (strcmp (cu_command_get_instance (cmd), unit->instance) != 0
      || memcmp (cu_command_get_unit_id_bytes (cmd), unit->id, CU_UNIT_ID_LEN) != 0)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_WRONG_TARGET,
                   "The command was signed for another crypto unit or service instance");
      return FALSE;
    }
  memset (&regs, 0, sizeof regs);
  entry.command = cu_command_get_code (cmd);
  entry.counter = cu_command_get_counter (cmd);
  sigs = cu_command_get_signatures (cmd, &entry.n_signers);
  for (guint i = 0; i < entry.n_signers; i++)
    memcpy (entry.signers[i], sigs[i].ski, CU_SKI_LEN);
  params = cu_command_get_params (cmd, &params_len);
  cu_sha256 (params, params_len, entry.params_hash);

  if (!cu_db_exec (unit->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!cu_regs_load (unit, &regs, error))
    goto out;
  if (regs.rot_running)
    g_set_error (&refusal, CU_ERROR, CU_ERROR_KEY_STORAGE_BUSY,
                 "The crypto unit is re-enciphering its key storage: try again when it is done");
  else if (!authenticate (unit, &regs, cmd, &refusal))
    {
      if (is_hard_failure (refusal))
        {
          g_propagate_error (error, g_steal_pointer (&refusal));
          goto out;
        }
    }
  else
    {
      if (!run_in_savepoint (unit, &regs, cmd, &fx, &refusal, error))
        goto out;
      if (fx.destroy_importer && !destroy_importer (unit, fx.importer_ski, error))
        goto out;
      /* An authenticated command uses its counter, accepted or refused. */
      regs.counter++;
      if (!cu_regs_save (unit, &regs, error))
        goto out;
    }
  entry.result = refusal ? (guint32)refusal->code : 0;
  if (!cu_audit_append (unit->db, &entry, error))
    goto out;
  ok = cu_db_exec (unit->db, "COMMIT", error);
out:
  secure_clear (&regs, sizeof regs);
  if (!ok)
    {
      cu_db_exec (unit->db, "ROLLBACK", NULL);
      g_clear_error (&refusal);
      g_clear_pointer (&fx.output, g_bytes_unref);
      return FALSE;
    }
  g_debug ("unit %.16s: %s counter %" G_GUINT64_FORMAT ": %s", unit->id_hex,
           cu_command_code_to_string (entry.command), entry.counter,
           refusal ? refusal->message : "done");
  if (refusal != NULL)
    {
      g_propagate_error (error, refusal);
      g_clear_pointer (&fx.output, g_bytes_unref);
      return FALSE;
    }
  *rotation_started = fx.start_rotation;
  if (output != NULL)
    *output = g_steal_pointer (&fx.output);
  g_clear_pointer (&fx.output, g_bytes_unref);
  return TRUE;
}
