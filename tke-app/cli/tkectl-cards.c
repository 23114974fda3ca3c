/* tkectl-cards.c: the smart card verbs: the Smart card tab of the TKE
 * application and the Smart Card Utility's functions, and what the cards and
 * readers show (card-show, ca-show, ep11-show, readers). */
#include "tkectl.h"

#include <string.h>

static const char *
state_name (CardState s, gboolean ca)
{
  switch (s)
    {
      case CARD_STATE_BLANK:
        return "blank";
      case CARD_STATE_INITIALIZED:
        return "initialized";
      case CARD_STATE_ENROLLED:
        return ca ? "PIN 1 set" : "enrolled";
      case CARD_STATE_PERSONALIZED:
        return "personalized";
      case CARD_STATE_CA_BACKUP_TARGET:
        return "backup target";
    }
  return "unknown";
}

/* Opens the card's object with what both card types show. */
static void
card_json_head (JsonBuilder *b, const char *type, const char *state, int tries,
                const guint8 *card_id, const guint8 *zone_id)
{
  json_builder_begin_object (b);
  tkectl_json_str (b, "type", type);
  tkectl_json_str (b, "state", state);
  tkectl_json_int (b, "pin_tries_left", tries);
  tkectl_json_hex (b, "card_id", card_id, CARD_ID_SIZE);
  tkectl_json_hex (b, "zone_id", zone_id, CARD_ID_SIZE);
}

static gboolean
show_ep11 (Tkectl *t, CardSession *s, GError **error)
{
  g_autoptr (CardEp11Info) info = NULL;
  g_autofree char *card_id = NULL, *zone = NULL, *ski = NULL;

  if (!card_ep11_get_info (s, &info, error))
    return FALSE;
  if (t->opts->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      card_json_head (b, "EP11", state_name (info->state, FALSE), info->tries_left, info->card_id,
                      info->zone_id);
      tkectl_json_str (b, "description", info->description);
      tkectl_json_str (b, "admin_name", info->admin_name);
      if (info->admin_name)
        tkectl_json_hex (b, "admin_ski", info->admin_ski, CARD_ID_SIZE);
      json_builder_set_member_name (b, "key_parts");
      json_builder_begin_array (b);
      for (guint i = 0; i < info->key_parts->len; i++)
        {
          const CardKeyPartInfo *kp = g_ptr_array_index (info->key_parts, i);
          json_builder_begin_object (b);
          tkectl_json_int (b, "index", kp->index);
          tkectl_json_str (b, "description", kp->description);
          tkectl_json_hex (b, "verification_pattern", kp->vp, CARD_ID_SIZE);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      tkectl_print_builder (b);
      return TRUE;
    }
  card_id = otk_hex_encode (info->card_id, CARD_ID_SIZE);
  zone = otk_hex_encode (info->zone_id, CARD_ID_SIZE);
  g_print ("CARD TYPE:        EP11\nSTATE:            %s\nPIN TRIES LEFT:   %d\n"
           "CARD ID:          %s\nZONE ID:          %s\nDESCRIPTION:      %s\n",
           state_name (info->state, FALSE), info->tries_left, card_id, zone,
           info->description ? info->description : "");
  if (info->admin_name)
    {
      ski = otk_hex_encode (info->admin_ski, CARD_ID_SIZE);
      g_print ("SIGNATURE KEY:    %s  %s\n", info->admin_name, ski);
    }
  else
    g_print ("SIGNATURE KEY:    none\n");
  g_print ("KEY PARTS:        %u\n", info->key_parts->len);
  if (info->key_parts->len)
    g_print ("%-7s%-34s%s\n", "INDEX", "DESCRIPTION", "VERIFICATION PATTERN");
  for (guint i = 0; i < info->key_parts->len; i++)
    {
      const CardKeyPartInfo *kp = g_ptr_array_index (info->key_parts, i);
      g_autofree char *vp = otk_hex_encode (kp->vp, CARD_ID_SIZE);
      g_print ("%-7u%-34s%s\n", kp->index, kp->description, vp);
    }
  return TRUE;
}

static gboolean
show_ca (Tkectl *t, CardSession *s, GError **error)
{
  g_autoptr (CardCaInfo) info = NULL;
  g_autofree char *card_id = NULL, *zone = NULL;

  if (!card_ca_get_info (s, &info, error))
    return FALSE;
  if (t->opts->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      card_json_head (b, "CA", state_name (info->state, TRUE), info->tries_left, info->card_id,
                      info->zone_id);
      tkectl_json_str (b, "zone_description", info->zone_description);
      tkectl_json_str (b, "card_description", info->card_description);
      json_builder_set_member_name (b, "trusted_roots");
      json_builder_begin_array (b);
      for (guint i = 0; i < info->n_roots; i++)
        {
          g_autofree char *hex = otk_hex_encode (info->root_skis[i], CARD_ID_SIZE);
          json_builder_add_string_value (b, hex);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      tkectl_print_builder (b);
      return TRUE;
    }
  card_id = otk_hex_encode (info->card_id, CARD_ID_SIZE);
  zone = otk_hex_encode (info->zone_id, CARD_ID_SIZE);
  g_print ("CARD TYPE:        CA\nSTATE:            %s\nPIN TRIES LEFT:   %d\n"
           "CARD ID:          %s\nZONE ID:          %s\nZONE:             %s\n"
           "DESCRIPTION:      %s\nTRUSTED ROOTS:    %u\n",
           state_name (info->state, TRUE), info->tries_left, card_id, zone,
           info->zone_description ? info->zone_description : "",
           info->card_description ? info->card_description : "", info->n_roots);
  return TRUE;
}

/* card-show (reader 2, either type), ca-show, ep11-show.  "--reader 1"
 * shows the card in reader 1 instead. */
static gboolean
show_card (Tkectl *t, int want, GError **error)
{
  TkeCeremony *c = tkectl_ceremony (t, error);
  guint role = CARD_READER_2;
  g_autoptr (CardSession) s = NULL;
  CardType type;

  if (t->opts->args && t->opts->args[0] && strcmp (t->opts->args[0], "--reader") == 0
      && t->opts->args[1] && strcmp (t->opts->args[1], "1") == 0)
    role = CARD_READER_1;
  if (!c)
    return FALSE;
  {
    g_autoptr (GError) local = NULL;
    s = tke_ceremony_read_card (c, role, want == CARD_TYPE_CA ? CARD_APPLET_CA : CARD_APPLET_EP11,
                                &local);
    /* card-show: not an EP11 card, so perhaps a CA card. */
    if (!s && want < 0 && g_error_matches (local, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE))
      {
        g_clear_error (&local);
        s = tke_ceremony_read_card (c, role, CARD_APPLET_CA, &local);
      }
    if (!s)
      {
        g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
      }
  }
  type = card_session_get_card_type (s);
  if (type == CARD_TYPE_BLANK)
    {
      g_print (t->opts->json ? "{ \"type\" : \"blank\" }\n" : "CARD TYPE:        blank\n");
      return TRUE;
    }
  if (want >= 0 && (int)type != want)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   "The card in reader %u is not a%s card", role,
                   want == CARD_TYPE_CA ? " CA" : "n EP11");
      return FALSE;
    }
  if (type == CARD_TYPE_CA)
    return show_ca (t, s, error);
  return show_ep11 (t, s, error);
}

gboolean
tkectl_card_show (Tkectl *t, GError **error)
{
  return show_card (t, -1, error);
}

gboolean
tkectl_ca_show (Tkectl *t, GError **error)
{
  return show_card (t, CARD_TYPE_CA, error);
}

gboolean
tkectl_ep11_show (Tkectl *t, GError **error)
{
  return show_card (t, CARD_TYPE_EP11, error);
}

gboolean
tkectl_readers (Tkectl *t, GError **error)
{
  TkeCeremony *c = tkectl_ceremony (t, error);
  CardContext *ctx = c ? tke_ceremony_cards (c, error) : NULL;
  g_autoptr (GPtrArray) readers = ctx ? card_context_list_readers (ctx, error) : NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!readers)
    return FALSE;
  if (t->opts->json)
    json_builder_begin_array (b);
  else
    g_print ("%-6s%-9s%-10s%s\n", "ROLE", "PIN PAD", "CARD", "READER");
  for (guint i = 0; i < readers->len; i++)
    {
      CardReader *r = g_ptr_array_index (readers, i);
      gboolean present = card_reader_is_card_present (r, NULL);
      guint role = card_reader_get_role (r);

      if (t->opts->json)
        {
          json_builder_begin_object (b);
          tkectl_json_str (b, "name", card_reader_get_name (r));
          tkectl_json_int (b, "role", role);
          tkectl_json_bool (b, "pin_pad", card_reader_has_pin_pad (r));
          tkectl_json_bool (b, "card_present", present);
          json_builder_end_object (b);
        }
      else
        g_print ("%-6s%-9s%-10s%s\n", role ? (role == 1 ? "1" : "2") : "-",
                 card_reader_has_pin_pad (r) ? "yes" : "no", present ? "present" : "empty",
                 card_reader_get_name (r));
    }
  if (t->opts->json)
    {
      json_builder_end_array (b);
      tkectl_print_builder (b);
    }
  return TRUE;
}

gboolean
tkectl_card_import (Tkectl *t, GError **error)
{
  TkeCeremony *c;

  if (!t->opts->args || !t->opts->args[0] || t->opts->args[1])
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                           "Give the key file to copy to the card");
      return FALSE;
    }
  c = tkectl_ceremony (t, error);
  return c && tke_ceremony_card_import_file (c, t->opts->args[0], error);
}
