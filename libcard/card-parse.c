/* card-parse.c: reading what a card answered (GET INFO, GET KEY PART INFO).
 * A card is outside input: every length is checked, strings are made valid
 * UTF-8 before anyone shows them, and trailing bytes are refused. */
#include "card-private.h"

#include <string.h>

enum
{
  BITMAP_SIZE = 11, /* 85 key part indexes */
};

const guint8 *
card_parser_take (CardParser *parser, gsize n)
{
  const guint8 *at;

  if (parser->len - parser->pos < n)
    return NULL;
  at = parser->data + parser->pos;
  parser->pos += n;
  return at;
}

gboolean
card_parser_byte (CardParser *parser, guint8 *out)
{
  const guint8 *at = card_parser_take (parser, 1);

  if (at == NULL)
    return FALSE;
  *out = *at;
  return TRUE;
}

char *
card_parser_str (CardParser *parser, gsize max)
{
  guint8 n;
  const guint8 *at;

  if (!card_parser_byte (parser, &n) || n > max)
    return NULL;
  at = card_parser_take (parser, n);
  if (at == NULL)
    return NULL;
  return g_utf8_make_valid ((const char *)at, n);
}

gboolean
card_parser_finish (CardParser *parser, gboolean ok, const char *what, GError **error)
{
  if (ok && parser->pos == parser->len)
    return TRUE;
  g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
               "The card's %s is malformed; the card may have an applet this program does not "
               "support",
               what);
  return FALSE;
}

void
card_key_part_info_free (CardKeyPartInfo *part)
{
  if (part == NULL)
    return;
  g_free (part->description);
  g_free (part);
}

void
card_ep11_info_free (CardEp11Info *info)
{
  if (info == NULL)
    return;
  g_free (info->description);
  g_free (info->admin_name);
  g_clear_pointer (&info->key_parts, g_ptr_array_unref);
  g_free (info);
}

void
card_ca_info_free (CardCaInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->zone_description);
  g_free (info->card_description);
  g_free (info);
}

/* type || state || tries || card ID || zone ID: common to both applets.  A blank
 * card answers type 0 and nothing after the IDs: *@blank is set. */
static gboolean
parse_info_head (CardParser *parser, CardType type, CardState *state, int *tries, guint8 *card_id,
                 guint8 *zone_id, gboolean *blank)
{
  guint8 got_type, got_state, got_tries;
  const guint8 *ids;

  if (!card_parser_byte (parser, &got_type) || !card_parser_byte (parser, &got_state)
      || !card_parser_byte (parser, &got_tries))
    return FALSE;
  *blank = got_type == CARD_TYPE_BLANK && got_state == CARD_STATE_BLANK;
  if ((got_type != type && !*blank) || got_state > CARD_STATE_CA_BACKUP_TARGET)
    return FALSE;
  ids = card_parser_take (parser, 2 * CARD_ID_SIZE);
  if (ids == NULL)
    return FALSE;
  *state = got_state;
  *tries = got_tries;
  memcpy (card_id, ids, CARD_ID_SIZE);
  memcpy (zone_id, ids + CARD_ID_SIZE, CARD_ID_SIZE);
  return TRUE;
}

gboolean
card_ep11_info_parse (const guint8 *data, gsize len, CardEp11Info **out, guint8 *bitmap,
                      GError **error)
{
  CardParser parser = { data, len, 0 };
  CardEp11Info *info = g_new0 (CardEp11Info, 1);
  const guint8 *at;
  guint8 count = 0;
  guint bits = 0;
  gboolean ok = FALSE, blank = FALSE;

  info->key_parts = g_ptr_array_new_with_free_func ((GDestroyNotify)card_key_part_info_free);
  memset (bitmap, 0, BITMAP_SIZE);
  if (!parse_info_head (&parser, CARD_TYPE_EP11, &info->state, &info->tries_left, info->card_id,
                        info->zone_id, &blank))
    goto out;
  if (blank)
    {
      info->description = g_strdup ("");
      ok = TRUE;
      goto out;
    }
  info->description = card_parser_str (&parser, CARD_MAX_DESCRIPTION);
  info->admin_name = card_parser_str (&parser, CARD_MAX_ADMIN_NAME);
  if (info->description == NULL || info->admin_name == NULL)
    goto out;
  if (*info->admin_name == '\0')
    g_clear_pointer (&info->admin_name, g_free);
  else
    {
      at = card_parser_take (&parser, CARD_ID_SIZE);
      if (at == NULL)
        goto out;
      memcpy (info->admin_ski, at, CARD_ID_SIZE);
    }
  if (!card_parser_byte (&parser, &count) || count > CARD_MAX_KEY_PARTS)
    goto out;
  at = card_parser_take (&parser, BITMAP_SIZE);
  if (at == NULL)
    goto out;
  /* The count must agree with the bitmap, and no bit beyond index 85. */
  for (guint i = 0; i < BITMAP_SIZE * 8; i++)
    if (at[i / 8] & (1u << (i % 8)))
      {
        if (i >= CARD_MAX_KEY_PARTS)
          goto out;
        bits++;
      }
  if (bits != count)
    goto out;
  memcpy (bitmap, at, BITMAP_SIZE);
  ok = TRUE;

out:
  if (!card_parser_finish (&parser, ok, "information (GET INFO)", error))
    {
      card_ep11_info_free (info);
      return FALSE;
    }
  *out = info;
  return TRUE;
}

gboolean
card_key_part_info_parse (const guint8 *data, gsize len, CardKeyPartInfo **out, GError **error)
{
  CardParser parser = { data, len, 0 };
  CardKeyPartInfo *part = g_new0 (CardKeyPartInfo, 1);
  guint8 index = 0;
  const guint8 *vp = NULL;
  gboolean ok;

  ok = card_parser_byte (&parser, &index) && index >= 1 && index <= CARD_MAX_KEY_PARTS
       && (part->description = card_parser_str (&parser, CARD_MAX_DESCRIPTION)) != NULL
       && (vp = card_parser_take (&parser, CARD_ID_SIZE)) != NULL;
  if (!card_parser_finish (&parser, ok, "key part information", error))
    {
      card_key_part_info_free (part);
      return FALSE;
    }
  part->index = index;
  memcpy (part->vp, vp, CARD_ID_SIZE);
  *out = part;
  return TRUE;
}

gboolean
card_ca_info_parse (const guint8 *data, gsize len, CardCaInfo **out, GError **error)
{
  CardParser parser = { data, len, 0 };
  CardCaInfo *info = g_new0 (CardCaInfo, 1);
  guint8 count = 0;
  gboolean ok = FALSE, blank = FALSE;

  if (!parse_info_head (&parser, CARD_TYPE_CA, &info->state, &info->tries_left, info->card_id,
                        info->zone_id, &blank))
    goto out;
  if (blank)
    {
      info->zone_description = g_strdup ("");
      info->card_description = g_strdup ("");
      ok = TRUE;
      goto out;
    }
  info->zone_description = card_parser_str (&parser, CARD_MAX_DESCRIPTION);
  info->card_description = card_parser_str (&parser, CARD_MAX_DESCRIPTION);
  if (info->zone_description == NULL || info->card_description == NULL)
    goto out;
  if (!card_parser_byte (&parser, &count) || count > CARD_MAX_ROOTS)
    goto out;
  for (guint i = 0; i < count; i++)
    {
      const guint8 *ski = card_parser_take (&parser, CARD_ID_SIZE);

      if (ski == NULL)
        goto out;
      memcpy (info->root_skis[i], ski, CARD_ID_SIZE);
    }
  info->n_roots = count;
  ok = TRUE;

out:
  if (!card_parser_finish (&parser, ok, "information (GET INFO)", error))
    {
      card_ca_info_free (info);
      return FALSE;
    }
  *out = info;
  return TRUE;
}

gboolean
card_append_str (GByteArray *out, const char *s, GError **error)
{
  gsize n = s != NULL ? strlen (s) : 0;

  /* The card checks the protocol's own limits (and answers 6A80). */
  if (n == 0 || n > 255)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "A name or description must have 1 to %d characters", CARD_MAX_DESCRIPTION);
      return FALSE;
    }
  g_byte_array_append (out, (const guint8[]){ (guint8)n }, 1);
  g_byte_array_append (out, (const guint8 *)s, (guint)n);
  return TRUE;
}
