/* cu-keystore.c: key storage of a unit (AES-256 keys wrapped under the
 * current master key, RFC 5649) and the crash-safe, resumable rotation. */
#include "cu-unit.h"

#include "opentke-common.h"

#include <string.h>

#define KEY_ID_LEN 16

guint cu_unit_test_stop_rotation_after = 0;
void (*cu_unit_test_between_batches) (gpointer data) = NULL;
gpointer cu_unit_test_between_batches_data = NULL;

gboolean
cu_keystore_count (CuUnit *unit, const uint8_t *vp, const uint8_t *except_vp, guint64 *count,
                   GError **error)
{
  const char *sql = vp          ? "SELECT COUNT(*) FROM keys WHERE mk_vp = ?"
                    : except_vp ? "SELECT COUNT(*) FROM keys WHERE mk_vp != ?"
                                : "SELECT COUNT(*) FROM keys";
  sqlite3_stmt *stmt = cu_db_prepare (unit->db, sql, error);
  gboolean ok = FALSE;

  if (stmt == NULL)
    return FALSE;
  if (vp || except_vp)
    sqlite3_bind_blob (stmt, 1, vp ? vp : except_vp, CU_VP_LEN, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *count = (guint64)sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  else
    cu_db_set_error (unit->db, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* Starts a transaction for a key operation and loads the current MK: refused
 * while a rotation runs or the current register is not Valid. */
static gboolean
key_op_begin (CuUnit *unit, const char *begin, CuRegs *regs, GError **error)
{
  if (!cu_db_exec (unit->db, begin, error))
    return FALSE;
  if (!cu_regs_load (unit, regs, error))
    goto fail;
  if (regs->rot_running)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_KEY_STORAGE_BUSY,
                   "Key storage is being re-enciphered under a new master key: try again later");
      goto fail;
    }
  if (regs->cur_state != CU_CURRENT_VALID)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED,
                   "WK not initialized: the current master key register of the crypto unit "
                   "is empty");
      goto fail;
    }
  return TRUE;
fail:
  secure_clear (regs, sizeof *regs);
  cu_db_exec (unit->db, "ROLLBACK", NULL);
  return FALSE;
}

static gboolean
key_op_end (CuUnit *unit, CuRegs *regs, gboolean ok, GError **error)
{
  secure_clear (regs, sizeof *regs);
  if (ok)
    return cu_db_exec (unit->db, "COMMIT", error);
  cu_db_exec (unit->db, "ROLLBACK", NULL);
  return FALSE;
}

static gboolean
parse_key_id (const char *key_id, uint8_t id[KEY_ID_LEN], GError **error)
{
  if (key_id == NULL || !otk_hex_decode (key_id, id, KEY_ID_LEN))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT, "A key ID is 32 hexadecimal digits");
      return FALSE;
    }
  return TRUE;
}

/* Creates @n keys in one transaction; the ID of the last one is returned. */
static char *
key_create (CuUnit *unit, guint n, GError **error)
{
  CuRegs regs;
  uint8_t id[KEY_ID_LEN], key[CU_AES_KEY_LEN], wrapped[CU_WRAPPED_KEY_LEN], vp[CU_VP_LEN];
  g_autoptr (CuKeyWrap) kw = NULL;
  sqlite3_stmt *stmt = NULL;
  guint64 count = 0;
  gboolean ok = FALSE;

  if (!key_op_begin (unit, "BEGIN IMMEDIATE", &regs, error))
    return NULL;
  if (!cu_keystore_count (unit, NULL, NULL, &count, error))
    goto out;
  if (count + n > CU_MAX_KEYS)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_LIMIT, "Key storage is full (%d keys)", CU_MAX_KEYS);
      goto out;
    }
  cu_regs_vp (&regs, TRUE, vp);
  kw = cu_key_wrap_new (regs.cur_key, TRUE, error);
  stmt = kw ? cu_db_prepare (
             unit->db, "INSERT INTO keys (key_id, wrapped, mk_vp, created) VALUES (?, ?, ?, ?)",
             error)
            : NULL;
  if (stmt == NULL)
    goto out;
  for (guint i = 0; i < n; i++)
    {
      if (!cu_random (id, sizeof id, error) || !cu_random (key, sizeof key, error)
          || !cu_key_wrap_run (kw, key, sizeof key, wrapped, sizeof wrapped, error))
        goto out;
      sqlite3_bind_blob (stmt, 1, id, sizeof id, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, wrapped, sizeof wrapped, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, vp, sizeof vp, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      if (!cu_db_step_done (unit->db, stmt, error))
        goto out;
    }
  ok = TRUE;
out:
  sqlite3_finalize (stmt);
  secure_clear (key, sizeof key);
  ok = key_op_end (unit, &regs, ok, error);
  return ok ? otk_hex_encode (id, sizeof id) : NULL;
}

char *
cu_unit_key_create (CuUnit *unit, GError **error)
{
  return key_create (unit, 1, error);
}

gboolean
cu_unit_key_create_many (CuUnit *unit, guint n, GError **error)
{
  g_autofree char *last = n > 0 ? key_create (unit, n, error) : NULL;

  return n == 0 || last != NULL;
}

GPtrArray *
cu_unit_key_list (CuUnit *unit, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt
      = cu_db_prepare (unit->db, "SELECT key_id, created FROM keys ORDER BY rowid", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CuKeyInfo *k = g_new0 (CuKeyInfo, 1);
      uint8_t id[KEY_ID_LEN];
      g_autofree char *hex = NULL;

      if (cu_db_column_blob (stmt, 0, id, sizeof id))
        {
          hex = otk_hex_encode (id, sizeof id);
          g_strlcpy (k->key_id, hex, sizeof k->key_id);
        }
      k->created = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (out, k);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      cu_db_set_error (unit->db, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cu_unit_key_delete (CuUnit *unit, const char *key_id, GError **error)
{
  CuRegs regs;
  uint8_t id[KEY_ID_LEN];
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (!parse_key_id (key_id, id, error) || !key_op_begin (unit, "BEGIN IMMEDIATE", &regs, error))
    return FALSE;
  stmt = cu_db_prepare (unit->db, "DELETE FROM keys WHERE key_id = ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_blob (stmt, 1, id, sizeof id, SQLITE_STATIC);
  if (!cu_db_step_done (unit->db, stmt, error))
    goto out;
  if (sqlite3_changes (unit->db) == 0)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No key %s in key storage", key_id);
      goto out;
    }
  ok = TRUE;
out:
  sqlite3_finalize (stmt);
  return key_op_end (unit, &regs, ok, error);
}

/* Unwraps key @key_id under the current MK (caller holds the transaction). */
static gboolean
unwrap_key (CuUnit *unit, const CuRegs *regs, const uint8_t id[KEY_ID_LEN],
            uint8_t key[CU_AES_KEY_LEN], GError **error)
{
  sqlite3_stmt *stmt
      = cu_db_prepare (unit->db, "SELECT wrapped, mk_vp FROM keys WHERE key_id = ?", error);
  uint8_t wrapped[CU_WRAPPED_KEY_LEN], vp[CU_VP_LEN], cur_vp[CU_VP_LEN];
  g_autoptr (CuKeyWrap) kw = NULL;
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, id, KEY_ID_LEN, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW && cu_db_column_blob (stmt, 0, wrapped, sizeof wrapped)
          && cu_db_column_blob (stmt, 1, vp, sizeof vp);
  sqlite3_finalize (stmt);
  if (!found)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No such key in key storage");
      return FALSE;
    }
  cu_regs_vp (regs, TRUE, cur_vp);
  if (memcmp (vp, cur_vp, CU_VP_LEN) != 0)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED,
                   "WK not initialized: the key is wrapped under another master key than the "
                   "current one");
      return FALSE;
    }
  kw = cu_key_wrap_new (regs->cur_key, FALSE, error);
  return kw != NULL && cu_key_wrap_run (kw, wrapped, sizeof wrapped, key, CU_AES_KEY_LEN, error);
}

/* Encrypts or decrypts with a stored key: AES-256-GCM, AAD = key ID. */
static GBytes *
key_crypt (CuUnit *unit, const char *key_id, GBytes *input, gboolean encrypt, GError **error)
{
  CuRegs regs;
  uint8_t id[KEY_ID_LEN], key[CU_AES_KEY_LEN];
  size_t len = 0;
  const uint8_t *in = g_bytes_get_data (input, &len);
  g_autofree uint8_t *out = NULL;
  size_t out_len = 0;
  gboolean ok = FALSE;

  if (!parse_key_id (key_id, id, error) || !key_op_begin (unit, "BEGIN", &regs, error))
    return NULL;
  if (!unwrap_key (unit, &regs, id, key, error))
    goto out;
  if (encrypt)
    {
      out_len = CU_GCM_NONCE_LEN + len + CU_GCM_TAG_LEN;
      out = g_malloc (out_len);
      ok = cu_random (out, CU_GCM_NONCE_LEN, error)
           && cu_gcm_encrypt (key, out, id, sizeof id, in, len, out + CU_GCM_NONCE_LEN,
                              out + CU_GCM_NONCE_LEN + len, error);
    }
  else if (len < CU_GCM_NONCE_LEN + CU_GCM_TAG_LEN)
    g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT, "The ciphertext is too short");
  else
    {
      out_len = len - CU_GCM_NONCE_LEN - CU_GCM_TAG_LEN;
      out = g_malloc (out_len + 1);
      ok = cu_gcm_decrypt (key, in, id, sizeof id, in + CU_GCM_NONCE_LEN, out_len,
                           in + len - CU_GCM_TAG_LEN, out, CU_ERROR_INVALID_ARGUMENT, error);
    }
out:
  secure_clear (key, sizeof key);
  ok = key_op_end (unit, &regs, ok, error);
  return ok ? g_bytes_new (out, out_len) : NULL;
}

GBytes *
cu_unit_key_encrypt (CuUnit *unit, const char *key_id, GBytes *plaintext, GError **error)
{
  return key_crypt (unit, key_id, plaintext, TRUE, error);
}

GBytes *
cu_unit_key_decrypt (CuUnit *unit, const char *key_id, GBytes *ciphertext, GError **error)
{
  return key_crypt (unit, key_id, ciphertext, FALSE, error);
}

/* Re-enciphers up to CU_ROTATION_BATCH keys from the current to the new MK
 * in the caller's transaction, walking the table in rowid order from
 * *next_rowid (no index on the VP: an update then touches the row only);
 * *done is TRUE when none was left. */
static gboolean
rotate_batch (CuUnit *unit, const CuRegs *regs, sqlite3_int64 *next_rowid, gboolean *done,
              GError **error)
{
  uint8_t cur_vp[CU_VP_LEN], new_vp[CU_VP_LEN];
  uint8_t key[CU_AES_KEY_LEN], wrapped[CU_WRAPPED_KEY_LEN];
  g_autoptr (CuKeyWrap) unwrap = NULL;
  g_autoptr (CuKeyWrap) wrap = NULL;
  sqlite3_stmt *sel = NULL, *upd = NULL;
  guint n = 0;
  int rc;
  gboolean ok = FALSE;

  cu_regs_vp (regs, TRUE, cur_vp);
  cu_regs_vp (regs, FALSE, new_vp);
  *done = TRUE;
  if (regs->cur_state != CU_CURRENT_VALID)
    return TRUE; /* nothing is readable under an empty register */
  if ((unwrap = cu_key_wrap_new (regs->cur_key, FALSE, error)) == NULL
      || (wrap = cu_key_wrap_new (regs->new_key, TRUE, error)) == NULL)
    return FALSE;
  sel = cu_db_prepare (unit->db,
                       "SELECT rowid, wrapped FROM keys WHERE rowid >= ? AND mk_vp = ? "
                       "ORDER BY rowid LIMIT " G_STRINGIFY (CU_ROTATION_BATCH),
                       error);
  upd = cu_db_prepare (unit->db, "UPDATE keys SET wrapped = ?, mk_vp = ? WHERE rowid = ?", error);
  if (sel == NULL || upd == NULL)
    goto out;
  sqlite3_bind_int64 (sel, 1, *next_rowid);
  sqlite3_bind_blob (sel, 2, cur_vp, CU_VP_LEN, SQLITE_STATIC);
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      uint8_t old[CU_WRAPPED_KEY_LEN];

      if (!cu_db_column_blob (sel, 1, old, sizeof old)
          || !cu_key_wrap_run (unwrap, old, sizeof old, key, sizeof key, error)
          || !cu_key_wrap_run (wrap, key, sizeof key, wrapped, sizeof wrapped, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "A stored key is damaged");
          goto out;
        }
      sqlite3_bind_blob (upd, 1, wrapped, sizeof wrapped, SQLITE_STATIC);
      sqlite3_bind_blob (upd, 2, new_vp, CU_VP_LEN, SQLITE_STATIC);
      *next_rowid = sqlite3_column_int64 (sel, 0) + 1;
      sqlite3_bind_int64 (upd, 3, *next_rowid - 1);
      if (!cu_db_step_done (unit->db, upd, error))
        goto out;
      n++;
    }
  if (rc != SQLITE_DONE)
    {
      cu_db_set_error (unit->db, error);
      goto out;
    }
  /* A short batch was the last one: the rotation ends in the same transaction. */
  *done = n < CU_ROTATION_BATCH;
  ok = TRUE;
out:
  secure_clear (key, sizeof key);
  sqlite3_finalize (sel);
  sqlite3_finalize (upd);
  return ok;
}

/* The last step: new becomes current, and the rotate command gets its
 * second audit entry. */
static gboolean
rotation_finish (CuUnit *unit, CuRegs *regs, GError **error)
{
  CuAuditEntry entry = { 0 };

  memcpy (regs->cur_key, regs->new_key, CU_KEY_PART_LEN);
  regs->cur_state = CU_CURRENT_VALID;
  secure_clear (regs->new_key, CU_KEY_PART_LEN);
  regs->new_state = CU_NEW_EMPTY;
  regs->rot_running = FALSE;
  entry.command = CU_CMD_ROTATE;
  entry.counter = regs->rot_counter;
  cu_sha256 ("", 0, entry.params_hash);
  regs->rot_total = 0;
  return cu_regs_save (unit, regs, error) && cu_audit_append (unit->db, &entry, error);
}

gboolean
cu_unit_rotation_resume (CuUnit *unit, GMutex *lock, GError **error)
{
  guint batches = 0;
  sqlite3_int64 next_rowid = 0; /* after a restart: from the start, cheaply */

  for (;;)
    {
      CuRegs regs;
      gboolean done = FALSE;
      gboolean running = TRUE;
      gboolean ok;

      if (cu_unit_test_stop_rotation_after != 0 && batches >= cu_unit_test_stop_rotation_after)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_INTERNAL, "Rotation stopped by the test hook");
          return FALSE;
        }
      if (lock != NULL)
        g_mutex_lock (lock);
      ok = cu_db_exec (unit->db, "BEGIN IMMEDIATE", error);
      if (ok)
        {
          ok = cu_regs_load (unit, &regs, error);
          running = ok && regs.rot_running;
          ok = ok && (!running || rotate_batch (unit, &regs, &next_rowid, &done, error));
          if (ok && running && done)
            ok = rotation_finish (unit, &regs, error);
          secure_clear (&regs, sizeof regs);
          if (ok)
            ok = cu_db_exec (unit->db, "COMMIT", error);
          else
            cu_db_exec (unit->db, "ROLLBACK", NULL);
        }
      if (lock != NULL)
        g_mutex_unlock (lock);
      if (!ok)
        return FALSE;
      if (!running)
        return TRUE;
      batches++;
      g_debug ("unit %.16s: rotation batch %u%s", unit->id_hex, batches, done ? ", done" : "");
      if (done)
        return TRUE;
      if (cu_unit_test_between_batches != NULL)
        cu_unit_test_between_batches (cu_unit_test_between_batches_data);
    }
}
