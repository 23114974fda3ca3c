/* server-dir.h: where cryptounitd keeps its own files inside the state
 * directory (TLS identity, hashed credentials), apart from the units' state. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns "<state_dir>/.cryptounitd/<name>" (or the folder itself when @name
 * is NULL) after creating the folder with mode 0700 if needed.  NULL with
 * @error set when the folder cannot be created. */
char *cud_server_path (const char *state_dir, const char *name, GError **error);

/* Writes @len bytes to @path atomically (temporary file, fsync, rename) with
 * permission @mode set by the open call. */
gboolean cud_write_file_atomic (const char *path, const void *data, size_t len, int mode,
                                GError **error);

G_END_DECLS
