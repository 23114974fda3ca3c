/* tke-cards.c: the smart card steps of seed 003.  Reader 1 holds the EP11
 * card whose signature key signs; reader 2 the cards whose key parts are
 * loaded.  PINs are typed on the readers' PIN pads: the host only says when. */
#include "tke-ceremony-private.h"

#include <string.h>

/* How long a person has to insert or remove a card after saying it is done. */
#define CARD_WAIT_MS 60000
/* Cards that cannot sign shown in a row before a step gives up. */
#define MAX_USELESS_CARDS 3

static void
count_apdus (gboolean is_command, const guint8 *apdu, gsize len, gpointer user_data)
{
  TkeCeremony *c = user_data;
  if (is_command)
    c->stats.apdus++;
}

/* OPENTKE_CARD_BACKEND=virtual: the virtual deck ($OPENTKE_DECK, else
 * $XDG_DATA_HOME/opentke/deck) in process; otherwise the PC/SC readers. */
CardContext *
tke_ceremony_cards (TkeCeremony *c, GError **error)
{
  if (!c->cards)
    {
      if (g_strcmp0 (g_getenv ("OPENTKE_CARD_BACKEND"), "virtual") == 0)
        {
          g_autofree char *deck
              = g_getenv ("OPENTKE_DECK")
                    ? g_strdup (g_getenv ("OPENTKE_DECK"))
                    : g_build_filename (tke_workstation_get_data_dir (c->ws), "deck", NULL);
          c->cards = card_context_new_virtual (deck, error);
        }
      else
        c->cards = card_context_new_pcsc (error);
      if (c->cards)
        card_context_set_trace_func (c->cards, count_apdus, c);
    }
  return c->cards;
}

CardSession *
tke_ceremony_open_card (TkeCeremony *c, guint role, CardApplet applet, const char *what,
                        GError **error)
{
  CardContext *ctx = tke_ceremony_cards (c, error);
  CardReader *reader = ctx ? card_context_get_reader (ctx, role, error) : NULL;
  g_autoptr (GError) local = NULL;

  if (!reader)
    return NULL;
  if (!card_reader_is_card_present (reader, &local))
    {
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (!tke_prompter_card (c->prompter, role, TRUE, what, error)
          || !card_reader_wait (reader, TRUE, CARD_WAIT_MS, NULL, error))
        return NULL;
    }
  return card_session_open (reader, applet, error);
}

gboolean
tke_ceremony_remove_card (TkeCeremony *c, guint role, const char *what, GError **error)
{
  CardContext *ctx = tke_ceremony_cards (c, error);
  CardReader *reader = ctx ? card_context_get_reader (ctx, role, error) : NULL;
  g_autofree char *label = g_strdup (what); /* @what may be the signer's own label */
  g_autoptr (GError) local = NULL;

  if (!reader)
    return FALSE;
  if (role == CARD_READER_1)
    g_clear_pointer (&c->card_signer, tke_signer_free);
  if (!card_reader_is_card_present (reader, &local) && !local)
    return TRUE;
  return tke_prompter_card (c->prompter, role, FALSE, label, error)
         && card_reader_wait (reader, FALSE, CARD_WAIT_MS, NULL, error);
}

gboolean
tke_ceremony_ep11_pin (TkeCeremony *c, CardSession *s, const char *what, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (card_session_is_unlocked (s, NULL, &local))
    return TRUE;
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  tke_prompter_pin_pad (c->prompter, card_reader_get_role (card_session_get_reader (s)), what);
  c->stats.pin_entries++;
  return card_ep11_verify_pin (s, error);
}

/* The card in reader 1 as a signer: its admin name and key, PIN entered. */
static TkeSigner *
card_signer_open (TkeCeremony *c, const char *what, GError **error)
{
  g_autoptr (CardSession) s = NULL;
  g_autofree char *name = NULL;
  guint8 point[CU_POINT_LEN];
  TkeSigner *signer;

  if (c->card_signer)
    return c->card_signer;
  s = tke_ceremony_open_card (c, CARD_READER_1, CARD_APPLET_EP11, what, error);
  if (!s || !card_ep11_read_signature_key (s, &name, point, error))
    return NULL;
  signer = g_new0 (TkeSigner, 1);
  signer->label = g_strdup_printf ("the EP11 smart card of %s", name);
  cu_ski_from_point (point, signer->ski);
  signer->card = g_steal_pointer (&s);
  c->card_signer = signer;
  return signer;
}

gboolean
tke_ceremony_admin_from_card (TkeCeremony *c, char *name, gsize name_size,
                              guint8 point[CU_POINT_LEN], GError **error)
{
  g_autofree char *card_name = NULL;
  TkeSigner *signer = card_signer_open (
      c, "the EP11 smart card that holds the signature key of the administrator to add", error);

  if (!signer || !tke_ceremony_ep11_pin (c, signer->card, signer->label, error)
      || !card_ep11_read_signature_key (signer->card, &card_name, point, error))
    return FALSE;
  g_strlcpy (name, card_name, name_size);
  tke_prompter_info (c->prompter, "Administrator %s read from the card in reader 1.", card_name);
  return TRUE;
}

static gboolean
job_signed_by (const TkeJob *job, const guint8 ski[CU_SKI_LEN])
{
  for (guint i = 0; i < job->done; i++)
    if (memcmp (job->signed_by[i], ski, CU_SKI_LEN) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
job_can_use (const TkeJob *job, const guint8 ski[CU_SKI_LEN])
{
  return !job->error && job->done < job->needed && job->done < CU_MAX_SIGNATURES
         && tke_unit_state_has_admin (job->state, ski) && !job_signed_by (job, ski);
}

gboolean
tke_ceremony_sign_jobs_with_cards (TkeCeremony *c, GPtrArray *jobs, GError **error)
{
  guint useless = 0;

  for (;;)
    {
      guint remaining = 0, usable = 0;
      TkeSigner *signer;
      guint8 digest[CU_DIGEST_LEN];

      for (guint i = 0; i < jobs->len; i++)
        {
          TkeJob *job = g_ptr_array_index (jobs, i);
          remaining += !job->error && job->done < job->needed;
        }
      if (remaining == 0)
        return TRUE;

      signer = card_signer_open (c,
                                 "an EP11 smart card with the signature key of an administrator "
                                 "of the selected crypto units (one that has not signed yet)",
                                 error);
      if (!signer)
        return FALSE;
      for (guint i = 0; i < jobs->len; i++)
        usable += job_can_use (g_ptr_array_index (jobs, i), signer->ski);
      if (usable == 0)
        {
          if (++useless >= MAX_USELESS_CARDS)
            {
              g_set_error (error, TKE_ERROR, TKE_ERROR_NO_SIGNATURE_KEYS,
                           "%s cannot sign: it is not an administrator of the crypto units that "
                           "still need signatures, or it has signed already",
                           signer->label);
              return FALSE;
            }
          tke_prompter_warning (c->prompter,
                                "%s is not an administrator of the crypto units that still need "
                                "signatures, or it has signed already.",
                                signer->label);
          if (!tke_ceremony_remove_card (c, CARD_READER_1, signer->label, error))
            return FALSE;
          continue;
        }
      useless = 0;
      if (!tke_ceremony_ep11_pin (c, signer->card, signer->label, error))
        return FALSE;
      for (guint i = 0; i < jobs->len; i++)
        {
          TkeJob *job = g_ptr_array_index (jobs, i);
          guint8 signature[CU_SIGNATURE_LEN];

          if (!job_can_use (job, signer->ski))
            continue;
          cu_command_get_digest (job->cmd, digest);
          if (!card_ep11_sign (signer->card, digest, signature, error)
              || !cu_command_add_signature (job->cmd, signer->ski, signature, error))
            return FALSE;
          c->stats.signatures++;
          memcpy (job->signed_by[job->done++], signer->ski, CU_SKI_LEN);
        }
      remaining = 0;
      for (guint i = 0; i < jobs->len; i++)
        {
          TkeJob *job = g_ptr_array_index (jobs, i);
          remaining += !job->error && job->done < job->needed;
        }
      tke_prompter_info (c->prompter, "Signed by %s.", signer->label);
      /* The card stays in reader 1 (and unlocked) when nothing else is needed. */
      if (remaining > 0 && !tke_ceremony_remove_card (c, CARD_READER_1, signer->label, error))
        return FALSE;
    }
}

/* ---- key parts from cards in reader 2 ----------------------------------- */

typedef struct
{
  GHashTable *blobs; /* unit_id -> guint8[3 * CU_KEY_PART_BLOB_LEN] */
  guint n_parts;
} CardParts;

static CuCommand *
build_load_from_cards (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state, gpointer data,
                       GError **error)
{
  CardParts *parts = data;
  const guint8 *blobs = g_hash_table_lookup (parts->blobs, unit->unit_id);

  return cu_command_new_load_new (unit->instance, unit->unit_id, state->transaction_counter, blobs,
                                  parts->n_parts, error);
}

/* One key part: the card in reader 2, its PIN, the part chosen from its list,
 * exported to each unit's importer key.  @vps holds the parts chosen so far. */
static gboolean
part_from_card (TkeCeremony *c, guint k, GPtrArray *units, GPtrArray *chains, CardParts *parts,
                GArray *vps, GError **error)
{
  g_autofree char *what = g_strdup_printf ("the EP11 smart card with key part %u", k + 1);
  g_autoptr (CardSession) s
      = tke_ceremony_open_card (c, CARD_READER_2, CARD_APPLET_EP11, what, error);
  g_autoptr (CardEp11Info) info = NULL;
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) chosen = NULL;
  g_autofree char *question = NULL;
  const CardKeyPartInfo *part;

  if (!s || !tke_ceremony_ep11_pin (c, s, what, error) || !card_ep11_get_info (s, &info, error))
    return FALSE;
  for (guint i = 0; i < info->key_parts->len; i++)
    {
      const CardKeyPartInfo *kp = g_ptr_array_index (info->key_parts, i);
      g_autofree char *vp = otk_hex_encode (kp->vp, CARD_ID_SIZE);
      g_ptr_array_add (labels, g_strdup_printf ("%-32s %s", kp->description, vp));
    }
  if (labels->len == 0)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_NOT_FOUND, "The card in reader 2 holds no key part");
      return FALSE;
    }
  question = g_strdup_printf ("Key part %u to load", k + 1);
  chosen = tke_prompter_choose (c->prompter, question, (const char *const *)labels->pdata,
                                labels->len, 1, 1, error);
  if (!chosen)
    return FALSE;
  part = g_ptr_array_index (info->key_parts, g_array_index (chosen, guint, 0));
  for (guint i = 0; i < vps->len; i += CARD_ID_SIZE)
    if (memcmp (&g_array_index (vps, guint8, i), part->vp, CARD_ID_SIZE) == 0)
      {
        g_set_error_literal (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                             "This key part was chosen already: each part is loaded once");
        return FALSE;
      }
  g_array_append_vals (vps, part->vp, CARD_ID_SIZE);
  for (guint u = 0; u < units->len; u++)
    {
      const TkeUnit *unit = g_ptr_array_index (units, u);
      GBytes *chain = g_ptr_array_index (chains, u);
      guint8 *blobs = g_hash_table_lookup (parts->blobs, unit->unit_id);
      gsize chain_len;
      const guint8 *chain_data = g_bytes_get_data (chain, &chain_len);

      if (!card_ep11_export_key_part (s, part->index, chain_data, chain_len,
                                      blobs + k * CU_KEY_PART_BLOB_LEN, error))
        return FALSE;
    }
  g_clear_pointer (&s, card_session_close);
  return tke_ceremony_remove_card (c, CARD_READER_2, what, error);
}

gboolean
tke_ceremony_mk_load_from_cards (TkeCeremony *c, GError **error)
{
  g_autoptr (GPtrArray) units = tke_ceremony_get_selected_units (c);
  g_autoptr (GPtrArray) chains = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr (GArray) vps = g_array_new (FALSE, FALSE, 1);
  CardParts parts = { 0 };
  gboolean ok = FALSE;

  if (units->len == 0)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NO_UNITS_SELECTED,
                           "No crypto unit is selected: select them with cryptounit-add");
      return FALSE;
    }
  if (!tke_prompter_ask_number (c->prompter, "Number of master key parts to load (2 or 3):", 2, 3,
                                &parts.n_parts, error))
    return FALSE;
  parts.blobs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  /* Importer keys first: every part is exported to every unit before any
   * unit is changed, so a card pulled out leaves nothing half done. */
  for (guint u = 0; u < units->len; u++)
    {
      const TkeUnit *unit = g_ptr_array_index (units, u);
      g_autoptr (GBytes) root = tke_ceremony_get_pinned_root (c, unit, error);
      GBytes *chain = root ? cu_client_create_importer (tke_ceremony_get_client (c, unit),
                                                        unit->unit_id, error)
                           : NULL;
      if (!chain)
        goto out;
      g_ptr_array_add (chains, chain);
      g_hash_table_insert (parts.blobs, (gpointer)unit->unit_id,
                           g_malloc0 (3 * CU_KEY_PART_BLOB_LEN));
    }
  for (guint k = 0; k < parts.n_parts; k++)
    if (!part_from_card (c, k, units, chains, &parts, vps, error))
      goto out;
  ok = tke_ceremony_run (c, "load new master key register", CU_CMD_LOAD_NEW, 0,
                         build_load_from_cards, &parts, NULL, error);
out:
  if (parts.blobs)
    g_hash_table_unref (parts.blobs);
  return ok;
}
