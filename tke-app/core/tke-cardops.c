/* tke-cardops.c: setting up smart cards: the Smart card tab of the TKE
 * application (generate a signature key or key part, copy a card, copy key
 * files to a card) and the Smart Card Utility's CA and EP11 functions.  The
 * card being set up is in reader 2; the CA card, or the source of a copy, in
 * reader 1. */
#include "tke-ceremony-private.h"

#include <string.h>

static CardSession *
ep11_in_reader_2 (TkeCeremony *c, const char *what, gboolean pin, GError **error)
{
  g_autoptr (CardSession) s
      = tke_ceremony_open_card (c, CARD_READER_2, CARD_APPLET_EP11, what, error);
  if (!s || (pin && !tke_ceremony_ep11_pin (c, s, what, error)))
    return NULL;
  return g_steal_pointer (&s);
}

/* The CA card in reader 1 with both PINs entered. */
static CardSession *
ca_in_reader_1 (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) s = tke_ceremony_open_card (c, CARD_READER_1, CARD_APPLET_CA,
                                                      "the CA smart card of the zone", error);
  g_autoptr (GError) local = NULL;

  if (!s)
    return NULL;
  if (!card_session_is_unlocked (s, NULL, &local))
    {
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      tke_prompter_pin_pad (c->prompter, CARD_READER_1, "the CA smart card: PIN 1, then PIN 2");
      c->stats.pin_entries += 2;
      if (!card_ca_verify_pins (s, error))
        return NULL;
    }
  return g_steal_pointer (&s);
}

static char *
ask_name (TkeCeremony *c, const char *question, guint max, GError **error)
{
  g_autofree char *text = tke_prompter_ask_text (c->prompter, question, error);

  if (!text)
    return NULL;
  g_strstrip (text);
  if (!*text || strlen (text) > max)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT, "Give 1 to %u characters", max);
      return NULL;
    }
  return g_steal_pointer (&text);
}

gboolean
tke_ceremony_card_sigkey_gen (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) s = ep11_in_reader_2 (c, "an EP11 smart card", TRUE, error);
  g_autofree char *name = NULL;
  guint8 point[CU_POINT_LEN], ski[CU_SKI_LEN];
  g_autofree char *hex = NULL;

  if (!s)
    return FALSE;
  name = ask_name (c, "Administrator name (1 to 30 characters):", CARD_MAX_ADMIN_NAME, error);
  if (!name || !card_ep11_generate_signature_key (s, name, point, error))
    return FALSE;
  cu_ski_from_point (point, ski);
  hex = otk_hex_encode (ski, CU_SKI_LEN);
  tke_prompter_info (c->prompter, "Signature key of %s generated on the card (SKI %s).", name, hex);
  return TRUE;
}

gboolean
tke_ceremony_card_mk_gen (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) s = ep11_in_reader_2 (c, "an EP11 smart card", TRUE, error);
  g_autofree char *description = NULL;
  g_autofree char *hex = NULL;
  guint8 vp[CU_VP_LEN];
  guint index;

  if (!s)
    return FALSE;
  description
      = ask_name (c, "Key part description (1 to 32 characters):", CARD_MAX_DESCRIPTION, error);
  if (!description || !card_ep11_generate_key_part (s, description, &index, vp, error))
    return FALSE;
  hex = otk_hex_encode (vp, CU_VP_LEN);
  tke_prompter_info (c->prompter,
                     "Key part \"%s\" generated on the card as key part %u (verification "
                     "pattern %s).",
                     description, index, hex);
  return TRUE;
}

gboolean
tke_ceremony_card_copy (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) source = NULL;
  g_autoptr (CardSession) target = NULL;

  /* Reader 1 is the source here, not a signer: forget any unlocked signer. */
  g_clear_pointer (&c->card_signer, tke_signer_free);
  source = tke_ceremony_open_card (c, CARD_READER_1, CARD_APPLET_EP11,
                                   "the EP11 smart card to copy", error);
  if (!source || !tke_ceremony_ep11_pin (c, source, "the EP11 smart card to copy", error))
    return FALSE;
  target
      = ep11_in_reader_2 (c, "an empty personalized EP11 smart card of the same zone", TRUE, error);
  if (!target || !card_ep11_copy (source, target, error))
    return FALSE;
  tke_prompter_info (c->prompter, "The card in reader 1 was copied to the card in reader 2.");
  return TRUE;
}

gboolean
tke_ceremony_card_import_file (TkeCeremony *c, const char *path, GError **error)
{
  g_autoptr (CardKeyfile) kf = card_keyfile_load (path, error);
  g_autoptr (CardKeyfileKey) key = NULL;
  g_autoptr (CardSession) s = NULL;
  g_autoptr (OtkSecretBuf) secret = NULL;
  gsize written = 0;
  gboolean ok = FALSE;
  gboolean sigkey;

  if (!kf)
    return FALSE;
  sigkey = card_keyfile_get_kind (kf) == CARD_KEYFILE_SIGNATURE_KEY;
  key = tke_ceremony_unlock_keyfile (c, kf, error);
  if (!key)
    return FALSE;
  secret = otk_secret_buf_new (CARD_PRIVATE_KEY_SIZE);
  if (!card_keyfile_key_export_secret (key, secret->data, secret->len, &written, error))
    return FALSE;
  s = ep11_in_reader_2 (c, "the EP11 smart card to copy the key to", TRUE, error);
  if (!s)
    return FALSE;
  if (sigkey)
    ok = card_ep11_import_signature_key (s, card_keyfile_get_name (kf), secret->data, NULL, error);
  else
    {
      guint index;
      guint8 vp[CU_VP_LEN];
      ok = card_ep11_import_key_part (s, card_keyfile_get_name (kf), secret->data, &index, vp,
                                      error);
    }
  if (ok)
    tke_prompter_info (c->prompter, "%s \"%s\" copied to the card in reader 2.",
                       sigkey ? "Signature key of" : "Key part", card_keyfile_get_name (kf));
  return ok;
}

/* The crypto-unit roots the new zone trusts: those of the instances this
 * workstation works with, as pinned. */
static GByteArray *
trusted_roots (TkeCeremony *c, GError **error)
{
  g_autoptr (GByteArray) roots = g_byte_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < c->units->len && roots->len < CARD_MAX_ROOTS * CARD_CERT_SIZE; i++)
    {
      const TkeUnit *unit = g_ptr_array_index (c->units, i);
      g_autoptr (GBytes) root = NULL;

      if (!g_hash_table_add (seen, unit->instance))
        continue;
      root = tke_ceremony_get_pinned_root (c, unit, error);
      if (!root)
        return NULL;
      g_byte_array_append (roots, g_bytes_get_data (root, NULL), g_bytes_get_size (root));
    }
  return g_steal_pointer (&roots);
}

gboolean
tke_ceremony_ca_init (TkeCeremony *c, GError **error)
{
  g_autoptr (GByteArray) roots = trusted_roots (c, error);
  g_autoptr (CardSession) s = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *desc = NULL;

  if (!roots)
    return FALSE;
  s = tke_ceremony_open_card (c, CARD_READER_2, CARD_APPLET_CA,
                              "a blank smart card to become the CA card", error);
  if (!s)
    return FALSE;
  zone = ask_name (c, "Zone description:", CARD_MAX_DESCRIPTION, error);
  if (!zone)
    return FALSE;
  desc = ask_name (c, "CA card description:", CARD_MAX_DESCRIPTION, error);
  if (!desc || !card_ca_initialize (s, zone, desc, roots->data, roots->len, error))
    return FALSE;
  tke_prompter_pin_pad (c->prompter, CARD_READER_2,
                        "the new CA card: PIN 1 twice, then PIN 2 twice");
  c->stats.pin_entries += 4;
  if (!card_ca_personalize (s, error))
    return FALSE;
  tke_prompter_info (c->prompter, "CA smart card of zone \"%s\" initialized and personalized.",
                     zone);
  return TRUE;
}

gboolean
tke_ceremony_ca_backup (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) ca = ca_in_reader_1 (c, error);
  g_autoptr (CardSession) target = NULL;

  if (!ca)
    return FALSE;
  target = tke_ceremony_open_card (c, CARD_READER_2, CARD_APPLET_CA,
                                   "a blank smart card for the CA backup", error);
  if (!target || !card_ca_backup (ca, target, error))
    return FALSE;
  tke_prompter_info (c->prompter, "The CA card was backed up to the card in reader 2.");
  return TRUE;
}

gboolean
tke_ceremony_ep11_init (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) ca = ca_in_reader_1 (c, error);
  g_autoptr (CardSession) ep11 = NULL;

  if (!ca)
    return FALSE;
  ep11 = tke_ceremony_open_card (c, CARD_READER_2, CARD_APPLET_EP11,
                                 "a blank smart card to become an EP11 card", error);
  if (!ep11 || !card_ca_enrol_ep11 (ca, ep11, error))
    return FALSE;
  tke_prompter_info (c->prompter, "EP11 smart card initialized and enrolled in the CA's zone.");
  return TRUE;
}

gboolean
tke_ceremony_ep11_personalize (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) s = ep11_in_reader_2 (c, "the enrolled EP11 smart card", FALSE, error);
  g_autofree char *desc = NULL;

  if (!s)
    return FALSE;
  desc = ask_name (c, "EP11 card description:", CARD_MAX_DESCRIPTION, error);
  if (!desc)
    return FALSE;
  tke_prompter_pin_pad (c->prompter, CARD_READER_2, "the EP11 card: the new PIN twice");
  c->stats.pin_entries += 2;
  if (!card_ep11_personalize (s, desc, error))
    return FALSE;
  tke_prompter_info (c->prompter, "EP11 smart card \"%s\" personalized.", desc);
  return TRUE;
}

gboolean
tke_ceremony_ep11_unblock (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) ca = ca_in_reader_1 (c, error);
  g_autoptr (CardSession) ep11 = NULL;

  if (!ca)
    return FALSE;
  ep11 = ep11_in_reader_2 (c, "the blocked EP11 smart card", FALSE, error);
  if (!ep11)
    return FALSE;
  tke_prompter_pin_pad (c->prompter, CARD_READER_2, "the EP11 card: the new PIN twice");
  c->stats.pin_entries += 2;
  if (!card_ep11_unblock (ep11, ca, error))
    return FALSE;
  tke_prompter_info (c->prompter, "EP11 smart card unblocked with a new PIN.");
  return TRUE;
}

gboolean
tke_ceremony_ep11_pin_change (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) s = ep11_in_reader_2 (c, "the EP11 smart card", FALSE, error);

  if (!s)
    return FALSE;
  tke_prompter_pin_pad (c->prompter, CARD_READER_2,
                        "the EP11 card: the current PIN, then the new PIN twice");
  c->stats.pin_entries += 3;
  if (!card_ep11_change_pin (s, error))
    return FALSE;
  tke_prompter_info (c->prompter, "PIN changed.");
  return TRUE;
}

gboolean
tke_ceremony_card_zeroize (TkeCeremony *c, GError **error)
{
  g_autoptr (CardSession) s = ep11_in_reader_2 (c, "the EP11 smart card to zeroize", FALSE, error);

  if (!s
      || !tke_prompter_confirm (c->prompter,
                                "Zeroize the EP11 card in reader 2? Its signature key and key "
                                "parts are erased for good.",
                                error)
      || !card_ep11_zeroize (s, error))
    return FALSE;
  tke_prompter_info (c->prompter, "The card in reader 2 is blank.");
  return TRUE;
}

CardSession *
tke_ceremony_read_card (TkeCeremony *c, guint role, CardApplet applet, GError **error)
{
  return tke_ceremony_open_card (
      c, role, applet, applet == CARD_APPLET_CA ? "the CA smart card" : "the EP11 smart card",
      error);
}
