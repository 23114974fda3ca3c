/* tke-mk.c: the master key registers of the selected units: load, commit,
 * set immediate, clear, rotate, and zeroize (seed 002 steps 5 to 7). */
#include "tke-ceremony-private.h"

#include <string.h>

/* The key parts of one load: key files opened with their passwords. */
typedef struct
{
  GPtrArray *keys; /* CardKeyfileKey* */
} PartsToLoad;

static CuCommand *
build_load (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
            GError **error)
{
  PartsToLoad *parts = data;
  CuClient *client = tke_ceremony_get_client (c, unit);
  g_autoptr (GBytes) chain = NULL;
  g_autoptr (GBytes) root = NULL;
  g_autofree guint8 *blobs = NULL;
  gsize chain_len, root_len;
  const guint8 *chain_data, *root_data;

  root = tke_ceremony_get_pinned_root (c, unit, error);
  if (!root)
    return NULL;
  /* One fresh importer key per load: the unit destroys it after one use. */
  chain = cu_client_create_importer (client, unit->unit_id, error);
  if (!chain)
    return NULL;
  chain_data = g_bytes_get_data (chain, &chain_len);
  root_data = g_bytes_get_data (root, &root_len);
  blobs = g_malloc (parts->keys->len * CU_KEY_PART_BLOB_LEN);
  for (guint i = 0; i < parts->keys->len; i++)
    if (!card_keyfile_key_encrypt_part (g_ptr_array_index (parts->keys, i), chain_data, chain_len,
                                        root_data, root_len, blobs + i * CU_KEY_PART_BLOB_LEN,
                                        error))
      return NULL;
  return cu_command_new_load_new (unit->instance, unit->unit_id, state->transaction_counter, blobs,
                                  parts->keys->len, error);
}

/* Chooses 2 or 3 key part files and opens each with its owner's password. */
static gboolean
parts_from_keyfiles (TkeCeremony *c, PartsToLoad *parts, GError **error)
{
  g_autoptr (GPtrArray) files = tke_ceremony_list_keyfiles (c, CARD_KEYFILE_KEY_PART, error);
  g_autoptr (GArray) chosen = NULL;

  if (!files)
    return FALSE;
  chosen = tke_ceremony_choose_keyfiles (c, files, "Key parts to load (2 or 3)", 1, 3, error);
  if (!chosen)
    return FALSE;
  if (chosen->len < 2)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_WRONG_PART_COUNT,
                           "A master key is loaded from 2 or 3 key parts, not 1");
      return FALSE;
    }
  for (guint i = 0; i < chosen->len; i++)
    {
      CardKeyfile *kf = g_ptr_array_index (files, g_array_index (chosen, guint, i));
      CardKeyfileKey *key = tke_ceremony_unlock_keyfile (c, kf, error);
      if (!key)
        return FALSE;
      g_ptr_array_add (parts->keys, key);
    }
  return TRUE;
}

gboolean
tke_ceremony_mk_load (TkeCeremony *c, gboolean from_cards, GError **error)
{
  PartsToLoad parts;
  gboolean ok = FALSE;

  if (from_cards)
    return tke_ceremony_mk_load_from_cards (c, error);
  parts.keys = g_ptr_array_new_with_free_func ((GDestroyNotify)card_keyfile_key_free);
  if (parts_from_keyfiles (c, &parts, error))
    ok = tke_ceremony_run (c, "load new master key register", CU_CMD_LOAD_NEW, 0, build_load,
                           &parts, NULL, error);
  g_ptr_array_unref (parts.keys);
  return ok;
}

static CuCommand *
build_commit (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
              GError **error)
{
  /* Bound to the VP the unit shows, so a register changed in between is refused. */
  return cu_command_new_commit_new (unit->instance, unit->unit_id, state->transaction_counter,
                                    state->new_vp, error);
}

gboolean
tke_ceremony_mk_commit (TkeCeremony *c, GError **error)
{
  return tke_ceremony_run (c, "commit new master key register", CU_CMD_COMMIT_NEW, 0, build_commit,
                           NULL, NULL, error);
}

static CuCommand *
build_simple (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
              GError **error)
{
  return cu_command_new_simple (unit->instance, unit->unit_id, state->transaction_counter,
                                GPOINTER_TO_INT (data), error);
}

static gboolean
run_confirmed (TkeCeremony *c, const char *question, const char *what, CuCommandCode code,
               GError **error)
{
  if (!tke_prompter_confirm (c->prompter, question, error))
    return FALSE;
  return tke_ceremony_run (c, what, code, 0, build_simple, GINT_TO_POINTER (code), NULL, error);
}

gboolean
tke_ceremony_mk_set_immediate (TkeCeremony *c, GError **error)
{
  return run_confirmed (
      c,
      "Set immediate moves the new master key register to the current register and clears the "
      "new register.  If key storage holds keys under another master key, rotate instead "
      "(Rotate in the Master keys tab, or tkectl cryptounit-mk-rotate).  This cannot be "
      "undone.  Accept the new master key?",
      "set immediate", CU_CMD_SET_IMMEDIATE, error);
}

gboolean
tke_ceremony_mk_clear_new (TkeCeremony *c, GError **error)
{
  return run_confirmed (c, "Clear the new master key register?", "clear new master key register",
                        CU_CMD_CLEAR_NEW, error);
}

gboolean
tke_ceremony_mk_clear_current (TkeCeremony *c, GError **error)
{
  return run_confirmed (c,
                        "Clear the current master key register? Keys in key storage cannot be "
                        "used until the same master key is loaded again.",
                        "clear current master key register", CU_CMD_CLEAR_CURRENT, error);
}

/* A rotation may go on in the unit after the command returned (cryptounitd):
 * show its progress until every selected unit is done. */
static gboolean
wait_for_rotations (TkeCeremony *c, GError **error)
{
  g_autoptr (GPtrArray) units = tke_ceremony_get_selected_units (c);

  for (guint i = 0; i < units->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (units, i);
      g_autofree char *what = g_strdup_printf ("Crypto unit %u: keys re-enciphered", unit->num);

      for (;;)
        {
          g_autofree CuUnitState *st
              = cu_client_get_unit_state (tke_ceremony_get_client (c, unit), unit->unit_id, error);
          if (!st)
            return FALSE;
          if (!st->rotation_running)
            {
              tke_prompter_progress (c->prompter, what, st->n_keys, st->n_keys);
              break;
            }
          tke_prompter_progress (c->prompter, what, st->rotation_done, st->rotation_total);
          g_usleep (G_USEC_PER_SEC / 5);
        }
    }
  return TRUE;
}

gboolean
tke_ceremony_mk_rotate (TkeCeremony *c, GError **error)
{
  return run_confirmed (c,
                        "Rotate: re-encipher key storage under the new master key and make it "
                        "current.  This cannot be undone.  Continue?",
                        "rotate master key", CU_CMD_ROTATE, error)
         && wait_for_rotations (c, error);
}

gboolean
tke_ceremony_zeroize (TkeCeremony *c, GError **error)
{
  return run_confirmed (c,
                        "Zeroize: remove every administrator, both master key registers and "
                        "every key of key storage, and return the crypto units to imprint mode.  "
                        "This cannot be undone.  Continue?",
                        "zeroize", CU_CMD_ZEROIZE, error);
}
