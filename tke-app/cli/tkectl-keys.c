/* tkectl-keys.c: key storage of one crypto unit, as the service's key
 * management uses it (not a TKE verb of the vendor): so that a ceremony can
 * show that data encrypted before a master key rotation still decrypts
 * after it.  key-create UNIT, key-encrypt UNIT KEY (data on stdin),
 * key-decrypt UNIT KEY HEX. */
#include "tkectl.h"

#include <stdio.h>
#include <string.h>

/* The unit with CRYPTO UNIT NUM @arg. */
static TkeUnit *
unit_from_arg (Tkectl *t, const char *arg, GError **error)
{
  TkeCeremony *c = tkectl_ceremony (t, error);
  GPtrArray *units;
  guint64 num;

  if (!c)
    return NULL;
  units = tke_ceremony_get_units (c);
  if (!arg || !g_ascii_string_to_unsigned (arg, 10, 1, units->len, &num, NULL))
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                   "Give a crypto unit number from 1 to %u", units->len);
      return NULL;
    }
  return g_ptr_array_index (units, num - 1);
}

static gboolean
need_args (Tkectl *t, guint n, const char *usage, GError **error)
{
  if (!t->opts->args || g_strv_length (t->opts->args) != n)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT, "Usage: tkectl %s", usage);
      return FALSE;
    }
  return TRUE;
}

gboolean
tkectl_key_create (Tkectl *t, GError **error)
{
  TkeUnit *unit;
  g_autofree char *key_id = NULL;

  if (!need_args (t, 1, "key-create UNIT", error)
      || !(unit = unit_from_arg (t, t->opts->args[0], error)))
    return FALSE;
  key_id = cu_client_key_create (tke_ceremony_get_client (t->ceremony, unit), unit->unit_id, error);
  if (!key_id)
    return FALSE;
  g_print ("%s\n", key_id);
  return TRUE;
}

gboolean
tkectl_key_encrypt (Tkectl *t, GError **error)
{
  TkeUnit *unit;
  g_autofree char *line = NULL;
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (GBytes) cipher = NULL;
  g_autofree char *hex = NULL;
  gsize len;
  const guint8 *data;

  if (!need_args (t, 2, "key-encrypt UNIT KEY_ID (data on stdin)", error)
      || !(unit = unit_from_arg (t, t->opts->args[0], error)))
    return FALSE;
  line = tke_prompter_ask_text (t->prompter, "Data to encrypt:", error);
  if (!line)
    return FALSE;
  plain = g_bytes_new (line, strlen (line));
  cipher = cu_client_key_encrypt (tke_ceremony_get_client (t->ceremony, unit), unit->unit_id,
                                  t->opts->args[1], plain, error);
  if (!cipher)
    return FALSE;
  data = g_bytes_get_data (cipher, &len);
  hex = otk_hex_encode (data, len);
  g_print ("%s\n", hex);
  return TRUE;
}

gboolean
tkectl_key_decrypt (Tkectl *t, GError **error)
{
  TkeUnit *unit;
  const char *hex;
  gsize len;
  g_autofree guint8 *raw = NULL;
  g_autoptr (GBytes) cipher = NULL;
  g_autoptr (GBytes) plain = NULL;
  const char *data;

  if (!need_args (t, 3, "key-decrypt UNIT KEY_ID HEX", error)
      || !(unit = unit_from_arg (t, t->opts->args[0], error)))
    return FALSE;
  hex = t->opts->args[2];
  len = strlen (hex) / 2;
  raw = g_malloc (len + 1);
  if (strlen (hex) % 2 != 0 || !otk_hex_decode (hex, raw, len))
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT, "The ciphertext is hex");
      return FALSE;
    }
  cipher = g_bytes_new_take (g_steal_pointer (&raw), len);
  plain = cu_client_key_decrypt (tke_ceremony_get_client (t->ceremony, unit), unit->unit_id,
                                 t->opts->args[1], cipher, error);
  if (!plain)
    return FALSE;
  data = g_bytes_get_data (plain, &len);
  g_print ("%.*s\n", (int)len, data);
  return TRUE;
}
