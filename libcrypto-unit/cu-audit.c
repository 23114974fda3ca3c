/* cu-audit.c: the hash-chained audit log of a unit
 * (docs/crypto-unit-protocol.md, "Audit log"). */
#include "cu-unit.h"

#include <string.h>

#define AUDIT_LABEL "OpenTKE-audit-v1"

static void
audit_hash (const CuAuditEntry *e, uint8_t out[32])
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  uint8_t num[8];

  g_byte_array_append (buf, (const guint8 *)AUDIT_LABEL, sizeof AUDIT_LABEL - 1);
  g_byte_array_append (buf, e->prev_hash, 32);
  cu_put_be (num, e->seq, 8);
  g_byte_array_append (buf, num, 8);
  cu_put_be (num, (guint64)e->time, 8);
  g_byte_array_append (buf, num, 8);
  cu_put_be (num, e->command, 2);
  g_byte_array_append (buf, num, 2);
  cu_put_be (num, e->counter, 8);
  g_byte_array_append (buf, num, 8);
  cu_put_be (num, e->n_signers, 1);
  g_byte_array_append (buf, num, 1);
  for (guint i = 0; i < e->n_signers && i < CU_MAX_SIGNATURES; i++)
    g_byte_array_append (buf, e->signers[i], CU_SKI_LEN);
  cu_put_be (num, e->result, 4);
  g_byte_array_append (buf, num, 4);
  g_byte_array_append (buf, e->params_hash, 32);
  cu_sha256 (buf->data, buf->len, out);
}

gboolean
cu_audit_head (sqlite3 *db, guint64 *length, uint8_t hash[32], GError **error)
{
  sqlite3_stmt *stmt
      = cu_db_prepare (db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  *length = 0;
  memset (hash, 0, 32);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *length = (guint64)sqlite3_column_int64 (stmt, 0);
      cu_db_column_blob (stmt, 1, hash, 32);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cu_db_set_error (db, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cu_audit_append (sqlite3 *db, CuAuditEntry *e, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  guint64 last = 0;
  gboolean ok = FALSE;

  if (!cu_audit_head (db, &last, e->prev_hash, error))
    return FALSE;
  e->seq = last + 1;
  e->time = g_get_real_time () / G_USEC_PER_SEC;
  audit_hash (e, e->hash);
  stmt = cu_db_prepare (db,
                        "INSERT INTO audit (seq, time, command, counter, signers, result, "
                        "params_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64)e->seq);
  sqlite3_bind_int64 (stmt, 2, e->time);
  sqlite3_bind_int (stmt, 3, e->command);
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64)e->counter);
  sqlite3_bind_blob (stmt, 5, e->signers, (int)(e->n_signers * CU_SKI_LEN), SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, e->result);
  sqlite3_bind_blob (stmt, 7, e->params_hash, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 8, e->prev_hash, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 9, e->hash, 32, SQLITE_STATIC);
  ok = cu_db_step_done (db, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

GPtrArray *
cu_audit_read (sqlite3 *db, guint64 from, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = cu_db_prepare (db,
                                      "SELECT seq, time, command, counter, signers, result, "
                                      "params_hash, prev_hash, hash FROM audit WHERE seq >= ? "
                                      "ORDER BY seq",
                                      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64)MAX (from, 1));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CuAuditEntry *e = g_new0 (CuAuditEntry, 1);
      int signers_len = sqlite3_column_bytes (stmt, 4);

      e->seq = (guint64)sqlite3_column_int64 (stmt, 0);
      e->time = sqlite3_column_int64 (stmt, 1);
      e->command = sqlite3_column_int (stmt, 2);
      e->counter = (guint64)sqlite3_column_int64 (stmt, 3);
      e->n_signers = MIN ((guint)signers_len / CU_SKI_LEN, CU_MAX_SIGNATURES);
      if (e->n_signers > 0)
        memcpy (e->signers, sqlite3_column_blob (stmt, 4), e->n_signers * CU_SKI_LEN);
      e->result = (guint32)sqlite3_column_int64 (stmt, 5);
      cu_db_column_blob (stmt, 6, e->params_hash, 32);
      cu_db_column_blob (stmt, 7, e->prev_hash, 32);
      cu_db_column_blob (stmt, 8, e->hash, 32);
      g_ptr_array_add (out, e);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      cu_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cu_audit_log_verify (GPtrArray *entries, GError **error)
{
  uint8_t prev[32] = { 0 };

  for (guint i = 0; i < entries->len; i++)
    {
      const CuAuditEntry *e = g_ptr_array_index (entries, i);
      uint8_t hash[32];

      audit_hash (e, hash);
      if (e->seq != i + 1 || memcmp (e->prev_hash, prev, 32) != 0
          || memcmp (hash, e->hash, 32) != 0)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL,
                       "The audit log is broken at entry %u: it was altered", i + 1);
          return FALSE;
        }
      memcpy (prev, e->hash, 32);
    }
  return TRUE;
}
