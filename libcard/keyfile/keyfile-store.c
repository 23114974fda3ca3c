/* keyfile-store.c: key files on disk: the directory, listing, reading, writing a new
 * file so that nothing half-written is ever seen (temporary file created 0600 with
 * O_EXCL, fsync, rename that never replaces), and deleting (overwrite, then unlink). */
#include "keyfile-private.h"

#include "opentke-common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_ATTEMPTS 16

static gboolean
io_fail (GError **error, const char *what, const char *path, int err)
{
  g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_IO, "Cannot %s %s: %s.", what, path,
               g_strerror (err));
  return FALSE;
}

char *
card_keyfile_default_dir (void)
{
  const char *env = g_getenv ("CLOUDTKEFILES");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "opentke", "keyfiles", NULL);
}

/* fsync of a directory, so that a rename or unlink in it is durable. */
static gboolean
sync_dir (const char *dir, GError **error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int err;

  if (fd < 0 || fsync (fd) != 0)
    {
      err = errno;
      if (fd >= 0)
        close (fd);
      return io_fail (error, "sync the directory", dir, err);
    }
  close (fd);
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize)n;
    }
  return TRUE;
}

/* A path in @dir named @prefix-<8 random hex digits>@suffix. */
static char *
random_path (const char *dir, const char *prefix, const char *suffix)
{
  g_autofree char *base = g_strdup_printf ("%s-%08x%s", prefix, g_random_int (), suffix);

  return g_build_filename (dir, base, NULL);
}

char *
keyfile_store_write_new (const char *dir, const char *prefix, GBytes *contents, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (contents, &len);
  g_autofree char *tmp = random_path (dir, ".tmp", "");
  char *path = NULL;
  int fd = -1, err;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      io_fail (error, "create the key file directory", dir, errno);
      return NULL;
    }
  /* the mode is set by the open call itself: the file is never readable by others */
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || !write_all (fd, data, len) || fsync (fd) != 0)
    {
      err = errno;
      io_fail (error, "write the key file", tmp, err ? err : EIO);
      goto out;
    }
  close (fd);
  fd = -1;
  for (int attempt = 0; attempt < NAME_ATTEMPTS && path == NULL; attempt++)
    {
      char *candidate = random_path (dir, prefix, ".otk");

      /* never replace a file of the same name (files may come from other workstations);
       * link() where the file system has no RENAME_NOREPLACE */
      if (renameat2 (AT_FDCWD, tmp, AT_FDCWD, candidate, RENAME_NOREPLACE) == 0)
        path = candidate;
      else if ((errno == EINVAL || errno == ENOSYS) && link (tmp, candidate) == 0)
        path = candidate;
      else
        {
          err = errno;
          g_free (candidate);
          if (err != EEXIST)
            {
              io_fail (error, "name the key file in", dir, err);
              goto out;
            }
        }
    }
  if (path == NULL)
    {
      io_fail (error, "find a free file name in", dir, EEXIST);
      goto out;
    }
  if (!sync_dir (dir, error))
    {
      unlink (path);
      g_clear_pointer (&path, g_free);
    }
out:
  if (fd >= 0)
    close (fd);
  unlink (tmp); /* gone after a rename; after link() the new name remains */
  return path;
}

/* Reads a regular file of at most KEYFILE_MAX_SIZE bytes (no symlinks). */
static GBytes *
read_small_file (const char *path, gint64 *mtime, GError **error)
{
  int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  guint8 *buf = NULL;
  gsize done = 0;

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      io_fail (error, "open", path, errno);
      goto fail;
    }
  if (!S_ISREG (st.st_mode) || st.st_size > KEYFILE_MAX_SIZE)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
                   "%s is not a key file (not a regular file, or too large).", path);
      goto fail;
    }
  buf = g_malloc ((gsize)st.st_size + 1);
  while (done < (gsize)st.st_size)
    {
      ssize_t n = read (fd, buf + done, (gsize)st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          io_fail (error, "read", path, n < 0 ? errno : EIO);
          goto fail;
        }
      done += (gsize)n;
    }
  close (fd);
  *mtime = st.st_mtime;
  return g_bytes_new_take (buf, done);
fail:
  if (fd >= 0)
    close (fd);
  g_free (buf);
  return NULL;
}

CardKeyfile *
card_keyfile_load (const char *path, GError **error)
{
  gint64 mtime = 0;
  g_autoptr (GBytes) bytes = read_small_file (path, &mtime, error);
  CardKeyfile *keyfile;
  gsize len;
  const guint8 *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  keyfile = card_keyfile_parse (data, len, error);
  if (keyfile == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  keyfile->path = g_strdup (path);
  keyfile->file_name = g_path_get_basename (path);
  if (keyfile->format == CARD_KEYFILE_FORMAT_TKE_CLI)
    {
      keyfile->created = mtime;
      if (keyfile->name == NULL || *keyfile->name == '\0')
        {
          g_free (keyfile->name);
          keyfile->name = g_strdup (keyfile->file_name); /* no admin name in the file */
        }
    }
  return keyfile;
}

static gint
compare_age (gconstpointer a, gconstpointer b)
{
  const CardKeyfile *x = *(CardKeyfile *const *)a, *y = *(CardKeyfile *const *)b;

  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;
  return strcmp (x->file_name, y->file_name);
}

GPtrArray *
card_keyfile_list (const char *dir, GError **error)
{
  g_autofree char *default_dir = dir ? NULL : card_keyfile_default_dir ();
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify)card_keyfile_free);
  DIR *d;
  struct dirent *entry;

  if (dir == NULL)
    dir = default_dir;
  d = opendir (dir);
  if (d == NULL)
    {
      if (errno == ENOENT)
        return files; /* nothing created yet */
      io_fail (error, "open the key file directory", dir, errno);
      g_ptr_array_unref (files);
      return NULL;
    }
  while ((entry = readdir (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr (GError) skip = NULL;
      CardKeyfile *keyfile;

      if (entry->d_name[0] == '.') /* includes our temporary files */
        continue;
      path = g_build_filename (dir, entry->d_name, NULL);
      keyfile = card_keyfile_load (path, &skip);
      if (keyfile != NULL)
        g_ptr_array_add (files, keyfile);
      else
        g_debug ("not listed: %s", skip->message);
    }
  closedir (d);
  g_ptr_array_sort (files, compare_age);
  return files;
}

gboolean
card_keyfile_delete (const CardKeyfile *keyfile, GError **error)
{
  g_autofree char *dir = NULL;
  struct stat st;
  guint8 zeros[4096] = { 0 };
  int fd;

  if (keyfile->path == NULL)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_IO, "This key file has no path.");
      return FALSE;
    }
  fd = open (keyfile->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) != 0)
    goto fail;
  for (off_t done = 0; done < st.st_size;)
    {
      gsize chunk = (gsize)MIN ((off_t)sizeof zeros, st.st_size - done);

      if (!write_all (fd, zeros, chunk))
        goto fail;
      done += (off_t)chunk;
    }
  if (fsync (fd) != 0)
    goto fail;
  close (fd);
  fd = -1;
  if (unlink (keyfile->path) != 0)
    goto fail;
  dir = g_path_get_dirname (keyfile->path);
  return sync_dir (dir, error);
fail:
  io_fail (error, "delete", keyfile->path, errno);
  if (fd >= 0)
    close (fd);
  return FALSE;
}
