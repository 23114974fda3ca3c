#include "opentke-common.h"

#include <glib/gstdio.h>
#include <string.h>

void
otk_secret_str_free (OtkSecretStr *s)
{
  if (s == NULL)
    return;
  secure_clear (s, strlen (s));
  g_free (s);
}

OtkSecretBuf *
otk_secret_buf_new (size_t len)
{
  OtkSecretBuf *buf = g_new0 (OtkSecretBuf, 1);

  buf->data = g_malloc0 (len > 0 ? len : 1);
  buf->len = len;
  return buf;
}

void
otk_secret_buf_free (OtkSecretBuf *buf)
{
  if (buf == NULL)
    return;
  secure_clear (buf->data, buf->len);
  g_free (buf->data);
  g_free (buf);
}

char *
otk_hex_encode (const uint8_t *data, size_t len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);

  for (size_t i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0x0f];
    }
  out[len * 2] = '\0';
  return out;
}

gboolean
otk_hex_decode (const char *hex, uint8_t *out, size_t len)
{
  if (hex == NULL || strlen (hex) != len * 2)
    return FALSE;
  for (size_t i = 0; i < len; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (uint8_t)(hi << 4 | lo);
    }
  return TRUE;
}

void
otk_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        otk_remove_tree (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

void
otk_log_apdu (const char *domain, const char *direction, const uint8_t *apdu, size_t len,
              gboolean secret)
{
  g_autofree char *hex = NULL;
  size_t shown = len;

  /* Only the 4-byte header of a secret command APDU is shown. */
  if (secret && shown > 4)
    shown = 4;
  hex = otk_hex_encode (apdu, shown);
  g_log (domain, G_LOG_LEVEL_DEBUG, "%s %s%s (%zu bytes)", direction, hex,
         shown < len ? " [data withheld]" : "", len);
}
