/* tls-pin.c: SHA-256 certificate fingerprints and the pin store. */
#include "tls-pin.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "opentke-common.h"

char *
cu_tls_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

char *
cu_tls_fingerprint_normalize (const char *text)
{
  GString *hex = g_string_new (NULL);
  uint8_t raw[CU_TLS_FINGERPRINT_HEX_LEN / 2];

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (*p != ':')
      g_string_append_c (hex, g_ascii_tolower (*p));
  if (hex->len != CU_TLS_FINGERPRINT_HEX_LEN || !otk_hex_decode (hex->str, raw, sizeof raw))
    {
      g_string_free (hex, TRUE);
      return NULL;
    }
  return g_string_free (hex, FALSE);
}

char *
cu_pin_store_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "opentke", "pinned-units", NULL);
}

char *
cu_pin_store_lookup (const char *path, const char *endpoint)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  char *found = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (size_t i = 0; lines[i] != NULL && found == NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (g_strstrip (lines[i]), " ", 2);

      if (fields[0] != NULL && fields[1] != NULL && strcmp (fields[0], endpoint) == 0)
        found = cu_tls_fingerprint_normalize (fields[1]);
    }
  return found;
}

gboolean
cu_pin_store_add (const char *path, const char *endpoint, const char *fingerprint, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *existing = cu_pin_store_lookup (path, endpoint);
  g_autofree char *line = NULL;
  gboolean ok = FALSE;
  int fd = -1;
  size_t len;

  if (existing != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "A certificate is already pinned for %s in %s", endpoint, path);
      goto out;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    goto fail;
  fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;
  line = g_strdup_printf ("%s %s\n", endpoint, fingerprint);
  len = strlen (line);
  if (write (fd, line, len) != (ssize_t)len || fsync (fd) != 0)
    goto fail;
  ok = TRUE;
  goto out;

fail:
  {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot pin %s in %s: %s",
                 endpoint, path, g_strerror (saved));
  }
out:
  if (fd >= 0)
    close (fd);
  return ok;
}
