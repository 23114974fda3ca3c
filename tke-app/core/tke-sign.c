/* tke-sign.c: collecting the signatures a command needs (DESIGN.md §2).
 * Signature keys are opened once per ceremony and reused for every unit, as
 * a card unlocked in reader 1 signs any number of commands. */
#include "tke-ceremony-private.h"

#include <string.h>

static gboolean
signer_sign (TkeCeremony *c, TkeSigner *s, CuCommand *cmd, GError **error)
{
  guint8 digest[CU_DIGEST_LEN];
  guint8 signature[CU_SIGNATURE_LEN];
  gboolean ok;

  cu_command_get_digest (cmd, digest);
  if (s->file_key)
    ok = card_keyfile_key_sign_digest (s->file_key, digest, signature, error);
  else
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_UNSUPPORTED,
                           "Signing with smart cards is not available in this build");
      ok = FALSE;
    }
  ok = ok && cu_command_add_signature (cmd, s->ski, signature, error);
  if (ok)
    c->stats.signatures++;
  secure_clear (digest, sizeof digest);
  return ok;
}

/* Signature key files: the ones selected with sigkey-sel, in that order,
 * skipping those that are not administrators of this unit. */
static gboolean
sign_with_files (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, CuCommand *cmd,
                 guint needed, GError **error)
{
  g_auto (GStrv) selected = tke_workstation_get_signing_keys (c->ws);
  g_autoptr (GPtrArray) files = NULL;
  guint done = 0;

  if (!selected[0])
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NO_SIGNATURE_KEYS,
                           "No signature key is selected to sign commands: select them with "
                           "sigkey-sel");
      return FALSE;
    }
  files = tke_ceremony_list_keyfiles (c, CARD_KEYFILE_SIGNATURE_KEY, error);
  if (!files)
    return FALSE;

  for (guint i = 0; selected[i] && done < needed; i++)
    {
      const CardKeyfile *kf = NULL;
      TkeSigner *signer;

      for (guint j = 0; j < files->len && !kf; j++)
        if (g_strcmp0 (card_keyfile_get_file_name (g_ptr_array_index (files, j)), selected[i]) == 0)
          kf = g_ptr_array_index (files, j);
      if (!kf)
        {
          tke_prompter_warning (c->prompter, "The selected signature key file %s is missing.",
                                selected[i]);
          continue;
        }
      if (!tke_unit_state_has_admin (state, card_keyfile_get_id (kf)))
        continue;
      if (!tke_ceremony_open_signature_keyfile (c, kf, error))
        return FALSE;
      signer = tke_ceremony_find_signer (c, card_keyfile_get_id (kf));
      if (!signer_sign (c, signer, cmd, error))
        return FALSE;
      done++;
    }
  if (done < needed)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_NO_SIGNATURE_KEYS,
                   "The command needs %u signature%s of administrators of crypto unit %u, but "
                   "only %u of the selected signature keys belong to its administrators: select "
                   "more with sigkey-sel",
                   needed, needed == 1 ? "" : "s", unit->num, done);
      return FALSE;
    }
  return TRUE;
}

gboolean
tke_ceremony_sign (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, CuCommand *cmd,
                   guint needed, GError **error)
{
  if (needed == 0)
    return TRUE;
  if (c->sign_with_cards)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_UNSUPPORTED,
                           "Signing with smart cards is not available in this build");
      return FALSE;
    }
  return sign_with_files (c, unit, state, cmd, needed, error);
}
