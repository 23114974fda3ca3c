/* server-dir.c: cryptounitd's own folder in the state directory. */
#include "server-dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <unistd.h>

#define SERVER_SUBDIR ".cryptounitd"

char *
cud_server_path (const char *state_dir, const char *name, GError **error)
{
  g_autofree char *dir = g_build_filename (state_dir, SERVER_SUBDIR, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the service folder %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  if (name == NULL)
    return g_steal_pointer (&dir);
  return g_build_filename (dir, name, NULL);
}

gboolean
cud_write_file_atomic (const char *path, const void *data, size_t len, int mode, GError **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp", path);
  const uint8_t *p = data;
  gboolean ok = FALSE;
  int fd;

  (void)g_unlink (tmp);
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    goto fail;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      p += n;
      len -= (size_t)n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  if (rename (tmp, path) != 0)
    goto fail;
  ok = TRUE;
  goto out;

fail:
  {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot write %s: %s", path,
                 g_strerror (saved));
  }
  if (fd >= 0)
    close (fd);
  (void)g_unlink (tmp);
out:
  return ok;
}
