/* cu-store.c: SQLite helpers (see cu-store.h). */
#include "cu-store.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void
cu_db_set_error (sqlite3 *db, GError **error)
{
  g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "Crypto unit storage failure: %s",
               db ? sqlite3_errmsg (db) : "out of memory");
}

sqlite3 *
cu_db_open (const char *path, gboolean create, GError **error)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;

  if (create)
    {
      /* The database holds keys: create it 0600 before SQLite opens it
       * (SQLite gives the -wal and -shm files the same mode). */
      int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

      if (fd < 0)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "Cannot create %s: %s", path,
                       g_strerror (errno));
          return NULL;
        }
      close (fd);
    }
  if (sqlite3_open_v2 (path, &db, flags, NULL) != SQLITE_OK)
    {
      cu_db_set_error (db, error);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 10000);
  if (!cu_db_exec (db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                   "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
                   error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

void
cu_db_close (sqlite3 *db)
{
  if (db != NULL)
    sqlite3_close (db);
}

gboolean
cu_db_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "Crypto unit storage failure: %s",
                   msg ? msg : sqlite3_errmsg (db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
cu_db_prepare (sqlite3 *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      cu_db_set_error (db, error);
      return NULL;
    }
  return stmt;
}

gboolean
cu_db_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      cu_db_set_error (db, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cu_db_column_blob (sqlite3_stmt *stmt, int col, uint8_t *out, size_t len)
{
  const void *p = sqlite3_column_blob (stmt, col);

  if (p == NULL || (size_t)sqlite3_column_bytes (stmt, col) != len)
    return FALSE;
  memcpy (out, p, len);
  return TRUE;
}
