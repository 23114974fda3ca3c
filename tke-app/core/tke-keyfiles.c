/* tke-keyfiles.c: the workstation's key files (seed 002): listing, opening
 * with a password. */
#include "tke-ceremony-private.h"

#include <string.h>

/* Oldest first; files made in the same second by name, so that a list reads
 * the same on every run. */
static gint
compare_keyfiles (gconstpointer a, gconstpointer b)
{
  const CardKeyfile *ka = *(CardKeyfile *const *)a;
  const CardKeyfile *kb = *(CardKeyfile *const *)b;
  gint64 ta = card_keyfile_get_created (ka), tb = card_keyfile_get_created (kb);
  int by_name;

  if (ta != tb)
    return ta < tb ? -1 : 1;
  by_name = g_utf8_collate (card_keyfile_get_name (ka), card_keyfile_get_name (kb));
  if (by_name != 0)
    return by_name;
  return g_strcmp0 (card_keyfile_get_file_name (ka), card_keyfile_get_file_name (kb));
}

GPtrArray *
tke_ceremony_list_keyfiles (TkeCeremony *c, CardKeyfileKind kind, GError **error)
{
  g_autoptr (GPtrArray) all = card_keyfile_list (tke_workstation_get_keyfile_dir (c->ws), error);
  GPtrArray *out;

  if (!all)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify)card_keyfile_free);
  for (guint i = 0; i < all->len; i++)
    if (card_keyfile_get_kind (g_ptr_array_index (all, i)) == kind)
      g_ptr_array_add (out, g_ptr_array_steal_index (all, i--));
  g_ptr_array_sort (out, compare_keyfiles);
  return out;
}

CardKeyfileKey *
tke_ceremony_unlock_keyfile (TkeCeremony *c, const CardKeyfile *kf, GError **error)
{
  gboolean is_sigkey = card_keyfile_get_kind (kf) == CARD_KEYFILE_SIGNATURE_KEY;
  g_autofree char *question = g_strdup_printf (
      "Password for the %s file \"%s\" (%s):", is_sigkey ? "signature key" : "key part",
      card_keyfile_get_name (kf), card_keyfile_get_file_name (kf));
  g_autoptr (OtkSecretStr) password = tke_prompter_ask_secret (c->prompter, question, error);
  CardKeyfileKey *key;

  if (!password)
    return NULL;
  key = card_keyfile_unlock (kf, password, error);
  if (!key)
    g_prefix_error (error, "%s \"%s\": ", is_sigkey ? "Signature key" : "Key part",
                    card_keyfile_get_name (kf));
  return key;
}

TkeSigner *
tke_ceremony_find_signer (TkeCeremony *c, const guint8 ski[CU_SKI_LEN])
{
  for (guint i = 0; i < c->signers->len; i++)
    {
      TkeSigner *s = g_ptr_array_index (c->signers, i);
      if (memcmp (s->ski, ski, CU_SKI_LEN) == 0)
        return s;
    }
  return NULL;
}

const CardKeyfileKey *
tke_ceremony_open_signature_keyfile (TkeCeremony *c, const CardKeyfile *kf, GError **error)
{
  TkeSigner *signer = tke_ceremony_find_signer (c, card_keyfile_get_id (kf));
  CardKeyfileKey *key;

  if (signer && signer->file_key)
    return signer->file_key;
  key = tke_ceremony_unlock_keyfile (c, kf, error);
  if (!key)
    return NULL;
  signer = g_new0 (TkeSigner, 1);
  signer->label = g_strdup_printf ("%s (file %s)", card_keyfile_get_name (kf),
                                   card_keyfile_get_file_name (kf));
  memcpy (signer->ski, card_keyfile_key_get_id (key), CU_SKI_LEN);
  signer->file_key = key;
  g_ptr_array_add (c->signers, signer);
  return key;
}

gboolean
tke_unit_state_has_admin (const CuUnitState *state, const guint8 ski[CU_SKI_LEN])
{
  for (guint i = 0; i < state->n_admins; i++)
    if (memcmp (state->admins[i].ski, ski, CU_SKI_LEN) == 0)
      return TRUE;
  return FALSE;
}

/* The scrypt cost of new key files: the library default, or a cheaper one
 * named in OPENTKE_KEYFILE_KDF_LOG2N for tests and demos (never below the
 * library's minimum). */
static const CardKeyfileCost *
keyfile_cost (CardKeyfileCost *cost)
{
  const char *env = g_getenv ("OPENTKE_KEYFILE_KDF_LOG2N");
  guint64 log2n;

  if (!env
      || !g_ascii_string_to_unsigned (env, 10, CARD_KEYFILE_COST_MIN_LOG2_N,
                                      CARD_KEYFILE_COST_DEFAULT_LOG2_N, &log2n, NULL))
    return NULL;
  cost->log2_n = (guint8)log2n;
  cost->r = 8;
  cost->p = 1;
  return cost;
}

gboolean
tke_ceremony_sigkey_add (TkeCeremony *c, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr (OtkSecretStr) password = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  CardKeyfileCost cost;

  name = tke_prompter_ask_text (c->prompter, "Administrator name (1 to 30 characters):", error);
  if (!name)
    return FALSE;
  g_strstrip (name);
  if (!*name || g_utf8_strlen (name, -1) > CARD_KEYFILE_ADMIN_NAME_MAX)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                   "An administrator name has 1 to %d characters", CARD_KEYFILE_ADMIN_NAME_MAX);
      return FALSE;
    }
  password = tke_prompter_ask_new_password (c->prompter, "the signature key file",
                                            CARD_KEYFILE_PASSWORD_MIN, error);
  if (!password)
    return FALSE;
  kf = card_keyfile_create_signature_key (tke_workstation_get_keyfile_dir (c->ws), name, password,
                                          keyfile_cost (&cost), error);
  if (!kf)
    return FALSE;
  tke_prompter_info (c->prompter, "Created the signature key of %s in %s (SKI %s).",
                     card_keyfile_get_name (kf), card_keyfile_get_path (kf),
                     card_keyfile_get_id_hex (kf));
  return TRUE;
}

gboolean
tke_ceremony_mk_add (TkeCeremony *c, gboolean value, GError **error)
{
  g_autoptr (OtkSecretBuf) part = NULL;
  g_autofree char *description = NULL;
  g_autoptr (OtkSecretStr) password = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  CardKeyfileCost cost;

  if (value)
    {
      g_autoptr (OtkSecretStr) hex = tke_prompter_ask_secret (
          c->prompter, "Key part value (64 hexadecimal digits, 32 bytes):", error);
      if (!hex)
        return FALSE;
      g_strstrip (hex);
      part = otk_secret_buf_new (CU_KEY_PART_LEN);
      if (!otk_hex_decode (hex, part->data, part->len))
        {
          g_set_error_literal (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                               "A key part is 64 hexadecimal digits (32 bytes)");
          return FALSE;
        }
    }
  description = tke_prompter_ask_text (c->prompter, "Key part description:", error);
  if (!description)
    return FALSE;
  g_strstrip (description);
  if (!*description || g_utf8_strlen (description, -1) > CARD_KEYFILE_DESCRIPTION_MAX)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                   "A key part description has 1 to %d characters", CARD_KEYFILE_DESCRIPTION_MAX);
      return FALSE;
    }
  password = tke_prompter_ask_new_password (c->prompter, "the key part file",
                                            CARD_KEYFILE_PASSWORD_MIN, error);
  if (!password)
    return FALSE;
  kf = card_keyfile_create_key_part (tke_workstation_get_keyfile_dir (c->ws), description,
                                     part ? part->data : NULL, password, keyfile_cost (&cost),
                                     error);
  if (!kf)
    return FALSE;
  tke_prompter_info (c->prompter, "Created the key part \"%s\" in %s (verification pattern %s).",
                     card_keyfile_get_name (kf), card_keyfile_get_path (kf),
                     card_keyfile_get_id_hex (kf));
  return TRUE;
}

/* The numbered list a person chooses key files from. */
static GPtrArray *
keyfile_labels (GPtrArray *files)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < files->len; i++)
    {
      CardKeyfile *kf = g_ptr_array_index (files, i);
      g_ptr_array_add (labels, g_strdup_printf ("%-30s %s  %s", card_keyfile_get_name (kf),
                                                card_keyfile_get_id_hex (kf),
                                                card_keyfile_get_file_name (kf)));
    }
  g_ptr_array_add (labels, NULL);
  return labels;
}

GArray *
tke_ceremony_choose_keyfiles (TkeCeremony *c, GPtrArray *files, const char *question, guint min,
                              guint max, GError **error)
{
  g_autoptr (GPtrArray) labels = keyfile_labels (files);

  if (files->len == 0)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_NOT_FOUND, "There are no such key files in %s",
                   tke_workstation_get_keyfile_dir (c->ws));
      return NULL;
    }
  return tke_prompter_choose (c->prompter, question, (const char *const *)labels->pdata, files->len,
                              min, max, error);
}

gboolean
tke_ceremony_sigkey_select (TkeCeremony *c, GError **error)
{
  g_autoptr (GPtrArray) files = tke_ceremony_list_keyfiles (c, CARD_KEYFILE_SIGNATURE_KEY, error);
  g_autoptr (GArray) chosen = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  if (!files)
    return FALSE;
  chosen = tke_ceremony_choose_keyfiles (c, files, "Signature keys to sign commands with", 1,
                                         files->len, error);
  if (!chosen)
    return FALSE;
  for (guint i = 0; i < chosen->len; i++)
    {
      CardKeyfile *kf = g_ptr_array_index (files, g_array_index (chosen, guint, i));

      if (!tke_ceremony_open_signature_keyfile (c, kf, error))
        return FALSE;
      g_ptr_array_add (names, (gpointer)card_keyfile_get_file_name (kf));
    }
  g_ptr_array_add (names, NULL);
  tke_workstation_set_signing_keys (c->ws, (const char *const *)names->pdata);
  if (!tke_workstation_save (c->ws, error))
    return FALSE;
  tke_prompter_info (c->prompter, "%u signature key%s selected to sign commands.", chosen->len,
                     chosen->len == 1 ? "" : "s");
  return TRUE;
}

gboolean
tke_ceremony_keyfile_remove (TkeCeremony *c, gboolean key_part, GError **error)
{
  g_autoptr (GPtrArray) files = tke_ceremony_list_keyfiles (
      c, key_part ? CARD_KEYFILE_KEY_PART : CARD_KEYFILE_SIGNATURE_KEY, error);
  g_autoptr (GArray) chosen = NULL;
  g_autofree char *question = NULL;
  CardKeyfile *kf;

  if (!files)
    return FALSE;
  chosen = tke_ceremony_choose_keyfiles (
      c, files, key_part ? "Key part file to delete" : "Signature key file to delete", 1, 1, error);
  if (!chosen)
    return FALSE;
  kf = g_ptr_array_index (files, g_array_index (chosen, guint, 0));
  question = g_strdup_printf ("Delete %s \"%s\" (%s)? It cannot be recovered.",
                              key_part ? "the key part" : "the signature key of",
                              card_keyfile_get_name (kf), card_keyfile_get_file_name (kf));
  if (!tke_prompter_confirm (c->prompter, question, error))
    return FALSE;
  if (!card_keyfile_delete (kf, error))
    return FALSE;
  if (!key_part)
    {
      g_auto (GStrv) selected = tke_workstation_get_signing_keys (c->ws);
      g_autoptr (GPtrArray) keep = g_ptr_array_new ();

      for (guint i = 0; selected[i]; i++)
        if (g_strcmp0 (selected[i], card_keyfile_get_file_name (kf)) != 0)
          g_ptr_array_add (keep, selected[i]);
      g_ptr_array_add (keep, NULL);
      tke_workstation_set_signing_keys (c->ws, (const char *const *)keep->pdata);
      if (!tke_workstation_save (c->ws, error))
        return FALSE;
    }
  tke_prompter_info (c->prompter, "Deleted %s.", card_keyfile_get_file_name (kf));
  return TRUE;
}
