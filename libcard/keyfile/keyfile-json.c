/* keyfile-json.c: reads the one JSON shape of a TKE CLI key file, a flat object whose
 * members are all strings (the vendor's tool reads it into a map of strings, so it
 * writes nothing else).  Strict RFC 8259 strings; anything else is refused. */
#include "keyfile-private.h"

#include <string.h>

typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
expect (Cursor *c, char ch)
{
  skip_space (c);
  if (c->p >= c->end || *c->p != ch)
    return FALSE;
  c->p++;
  return TRUE;
}

/* Four hex digits of a \u escape. */
static gboolean
read_hex4 (Cursor *c, gunichar *out)
{
  *out = 0;
  if (c->end - c->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int v = g_ascii_xdigit_value (c->p[i]);

      if (v < 0)
        return FALSE;
      *out = (*out << 4) | (gunichar)v;
    }
  c->p += 4;
  return TRUE;
}

static gboolean
read_escape (Cursor *c, GString *out)
{
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *hit;
  gunichar u, low;

  if (c->p >= c->end)
    return FALSE;
  if (*c->p != 'u')
    {
      if (*c->p == '\0' || (hit = strchr (from, *c->p)) == NULL)
        return FALSE;
      g_string_append_c (out, to[hit - from]);
      c->p++;
      return TRUE;
    }
  c->p++;
  if (!read_hex4 (c, &u))
    return FALSE;
  if (u >= 0xd800 && u < 0xdc00) /* high surrogate: a low one must follow */
    {
      if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
        return FALSE;
      c->p += 2;
      if (!read_hex4 (c, &low) || low < 0xdc00 || low >= 0xe000)
        return FALSE;
      u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
    }
  else if (u >= 0xdc00 && u < 0xe000)
    return FALSE;
  if (u == 0) /* a NUL would cut the C string */
    return FALSE;
  g_string_append_unichar (out, u);
  return TRUE;
}

static char *
read_string (Cursor *c)
{
  GString *out;

  if (!expect (c, '"'))
    return NULL;
  out = g_string_new (NULL);
  while (c->p < c->end && *c->p != '"')
    {
      unsigned char ch = (unsigned char)*c->p;

      if (ch < 0x20)
        goto fail;
      c->p++;
      if (ch != '\\')
        g_string_append_c (out, (char)ch);
      else if (!read_escape (c, out))
        goto fail;
    }
  if (c->p >= c->end || !g_utf8_validate (out->str, (gssize)out->len, NULL))
    goto fail;
  c->p++; /* closing quote */
  return g_string_free (out, FALSE);
fail:
  g_string_free (out, TRUE);
  return NULL;
}

GHashTable *
keyfile_json_parse_flat_object (const char *text, gsize len, GError **error)
{
  GHashTable *members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Cursor c = { text, text + len };

  if (!expect (&c, '{'))
    goto fail;
  skip_space (&c);
  if (c.p < c.end && *c.p == '}')
    c.p++;
  else
    for (;;)
      {
        char *name = read_string (&c), *value = NULL;

        if (name == NULL || !expect (&c, ':') || (value = read_string (&c)) == NULL
            || g_hash_table_contains (members, name))
          {
            g_free (name);
            g_free (value);
            goto fail;
          }
        g_hash_table_insert (members, name, value);
        if (expect (&c, '}'))
          break;
        if (!expect (&c, ','))
          goto fail;
      }
  skip_space (&c);
  if (c.p == c.end)
    return members;
fail:
  g_hash_table_unref (members);
  g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
               "This is not a TKE CLI key file: it is not a JSON object of strings.");
  return NULL;
}
