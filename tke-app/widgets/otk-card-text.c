/* otk-card-text.c: what both apps say about a card: its type and state in words, and
 * its public contents for Display.  Only public values: IDs, SKIs, verification
 * patterns, descriptions, tries left. */
#include "otk-widgets.h"

#include "opentke-common.h"

#include <glib/gi18n-lib.h>

char *
otk_card_describe (CardType type, CardState state)
{
  /* A blank card answers either applet's SELECT, with state blank. */
  if (state == CARD_STATE_BLANK)
    type = CARD_TYPE_BLANK;
  switch (type)
    {
      case CARD_TYPE_BLANK:
        return g_strdup (_ ("Blank card"));
      case CARD_TYPE_CA:
        switch (state)
          {
            case CARD_STATE_INITIALIZED:
              return g_strdup (_ ("CA smart card, PINs not set"));
            case CARD_STATE_CA_PIN1_SET:
              return g_strdup (_ ("CA smart card, second PIN not set"));
            case CARD_STATE_PERSONALIZED:
              return g_strdup (_ ("CA smart card"));
            case CARD_STATE_CA_BACKUP_TARGET:
              return g_strdup (_ ("CA smart card, backup not finished"));
            default:
              break;
          }
        break;
      case CARD_TYPE_EP11:
        switch (state)
          {
            case CARD_STATE_INITIALIZED:
              return g_strdup (_ ("EP11 smart card, not enrolled"));
            case CARD_STATE_ENROLLED:
              return g_strdup (_ ("EP11 smart card, not personalized"));
            case CARD_STATE_PERSONALIZED:
              return g_strdup (_ ("EP11 smart card"));
            default:
              break;
          }
        break;
    }
  return g_strdup (_ ("Unknown card"));
}

char *
otk_card_format_ca_info (const CardCaInfo *info)
{
  GString *text = g_string_new (NULL);
  g_autofree char *card_id = otk_hex_encode (info->card_id, sizeof info->card_id);
  g_autofree char *zone_id = otk_hex_encode (info->zone_id, sizeof info->zone_id);
  g_autofree char *state = otk_card_describe (CARD_TYPE_CA, info->state);

  g_string_append_printf (text, _ ("Card type:          %s\n"), state);
  g_string_append_printf (text, _ ("Card description:   %s\n"), info->card_description);
  g_string_append_printf (text, _ ("Zone description:   %s\n"), info->zone_description);
  g_string_append_printf (text, _ ("Zone ID:            %s\n"), zone_id);
  g_string_append_printf (text, _ ("Card ID:            %s\n"), card_id);
  if (info->tries_left == 0)
    g_string_append (text, _ ("PINs:               blocked for good (use the backup CA smart "
                              "card)\n"));
  else
    g_string_append_printf (text, _ ("PIN tries left:     %d\n"), info->tries_left);
  g_string_append_printf (text, _ ("Trusted crypto-unit roots: %u\n"), info->n_roots);
  for (guint i = 0; i < info->n_roots && i < CARD_MAX_ROOTS; i++)
    {
      g_autofree char *ski = otk_hex_encode (info->root_skis[i], CARD_ID_SIZE);

      g_string_append_printf (text, "  %u. %s\n", i + 1, ski);
    }
  return g_string_free (text, FALSE);
}

char *
otk_card_format_ep11_info (const CardEp11Info *info)
{
  GString *text = g_string_new (NULL);
  g_autofree char *card_id = otk_hex_encode (info->card_id, sizeof info->card_id);
  g_autofree char *zone_id = otk_hex_encode (info->zone_id, sizeof info->zone_id);
  g_autofree char *state = otk_card_describe (CARD_TYPE_EP11, info->state);

  g_string_append_printf (text, _ ("Card type:          %s\n"), state);
  g_string_append_printf (text, _ ("Card description:   %s\n"),
                          info->description ? info->description : "");
  g_string_append_printf (text, _ ("Zone ID:            %s\n"), zone_id);
  g_string_append_printf (text, _ ("Card ID:            %s\n"), card_id);
  if (info->tries_left == 0)
    g_string_append (text, _ ("PIN:                blocked (unblock it with the CA smart card)\n"));
  else
    g_string_append_printf (text, _ ("PIN tries left:     %d\n"), info->tries_left);
  if (info->admin_name != NULL)
    {
      g_autofree char *ski = otk_hex_encode (info->admin_ski, sizeof info->admin_ski);

      g_string_append_printf (text, _ ("Signature key:      administrator \"%s\"\n"),
                              info->admin_name);
      g_string_append_printf (text, _ ("  SKI:              %s\n"), ski);
    }
  else
    g_string_append (text, _ ("Signature key:      none\n"));
  g_string_append_printf (text, _ ("Key parts:          %u\n"),
                          info->key_parts ? info->key_parts->len : 0);
  for (guint i = 0; info->key_parts != NULL && i < info->key_parts->len; i++)
    {
      const CardKeyPartInfo *part = g_ptr_array_index (info->key_parts, i);
      g_autofree char *vp = otk_hex_encode (part->vp, sizeof part->vp);

      g_string_append_printf (text, _ ("  %2u. %s\n      verification pattern %s\n"), part->index,
                              part->description, vp);
    }
  return g_string_free (text, FALSE);
}

char *
otk_pin_entry_describe (const char *what)
{
  static const struct
  {
    const char *what;
    const char *words;
  } entries[] = {
    { "PIN", N_ ("Enter the PIN of the card: six digits, then the Enter key.") },
    { "PIN 1", N_ ("Enter the first CA PIN: six digits, then the Enter key.") },
    { "PIN 2", N_ ("Enter the second CA PIN: six digits, then the Enter key.") },
    { "new PIN twice", N_ ("Enter the new PIN: six digits, then the same six digits again.") },
    { "new PIN 1 twice", N_ ("Set the first CA PIN: six digits, then the same six digits again.") },
    { "new PIN 2 twice",
      N_ ("Set the second CA PIN: six digits, then the same six digits again.") },
    { "current PIN, then new PIN twice",
      N_ ("Enter the current PIN, then the new PIN, then the new PIN again.") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    if (g_strcmp0 (what, entries[i].what) == 0)
      return g_strdup (_ (entries[i].words));
  /* A request this table does not know yet: say it as libcard does. */
  return g_strdup_printf (_ ("Enter: %s."), what);
}
