/* cu-store.h: the few SQLite helpers every table of a unit uses.
 * Errors are CU_ERROR_STORAGE with SQLite's message. */
#pragma once

#include "opentke-crypto-unit.h"

#include <sqlite3.h>

/* Opens @path (created mode 0600 when @create), WAL, synchronous=FULL. */
sqlite3 *cu_db_open (const char *path, gboolean create, GError **error);
void cu_db_close (sqlite3 *db);
gboolean cu_db_exec (sqlite3 *db, const char *sql, GError **error);
sqlite3_stmt *cu_db_prepare (sqlite3 *db, const char *sql, GError **error);
/* Steps a statement to completion (no rows expected). */
gboolean cu_db_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error);
void cu_db_set_error (sqlite3 *db, GError **error);
/* The blob of column @col when it has exactly @len bytes. */
gboolean cu_db_column_blob (sqlite3_stmt *stmt, int col, uint8_t *out, size_t len);

/* Removes a state directory and everything below it (failed instance
 * creation; tests and bench clean up with it too). */
