/* tke-prompter-lines.c: questions as text, answers one line each. */
#include "tke-prompter-lines.h"

#include <string.h>

static void
line_write (TkeLinePrompter *self, const char *text)
{
  self->write (self, text);
}

static char *
line_answer (TkeLinePrompter *self, const char *question, gboolean secret, GError **error)
{
  g_autofree char *q = g_strdup_printf ("%s ", question);
  char *line;

  line_write (self, q);
  line = self->read_line (self, secret);
  if (!line)
    {
      line_write (self, "\n");
      g_set_error (error, TKE_ERROR, TKE_ERROR_CANCELLED, "No answer to \"%s\" (end of input)",
                   question);
      return NULL;
    }
  return line;
}

static char *
line_ask_text (TkePrompter *p, const char *question, GError **error)
{
  return line_answer ((TkeLinePrompter *)p, question, FALSE, error);
}

static OtkSecretStr *
line_ask_secret (TkePrompter *p, const char *question, GError **error)
{
  return line_answer ((TkeLinePrompter *)p, question, TRUE, error);
}

/* Parses "1 3 2" (spaces or commas) into 0-based indexes, each in 1..@n and
 * given once; FALSE on anything else. */
static gboolean
parse_choices (const char *line, guint n, guint min, guint max, GArray *out)
{
  g_auto (GStrv) words = g_strsplit_set (line, " ,\t", -1);

  for (guint i = 0; words[i]; i++)
    {
      guint64 v;
      guint idx;

      if (!*words[i])
        continue;
      if (!g_ascii_string_to_unsigned (words[i], 10, 1, n, &v, NULL))
        return FALSE;
      idx = (guint)v - 1;
      for (guint j = 0; j < out->len; j++)
        if (g_array_index (out, guint, j) == idx)
          return FALSE;
      g_array_append_val (out, idx);
    }
  return out->len >= min && out->len <= max;
}

static GArray *
line_choose (TkePrompter *p, const char *question, const char *const *items, guint n, guint min,
             guint max, GError **error)
{
  TkeLinePrompter *self = (TkeLinePrompter *)p;
  g_autofree char *hint = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *row = g_strdup_printf ("%4u  %s\n", i + 1, items[i]);
      line_write (self, row);
    }
  if (max == 1)
    hint = g_strdup_printf ("%s (a number from 1 to %u):", question, n);
  else if (min == max)
    hint = g_strdup_printf ("%s (%u numbers separated by spaces):", question, min);
  else
    hint = g_strdup_printf ("%s (%u to %u numbers separated by spaces):", question, min, max);

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr (GArray) chosen = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree char *line = line_answer (self, hint, FALSE, error);

      if (!line)
        return NULL;
      if (parse_choices (line, n, min, max, chosen))
        return g_steal_pointer (&chosen);
      tke_prompter_warning (p, "\"%s\" is not a valid choice.", line);
    }
  g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT, "No valid choice for \"%s\"", question);
  return NULL;
}

static gboolean
line_confirm (TkePrompter *p, const char *question, GError **error)
{
  g_autofree char *q = g_strdup_printf ("%s [y/N]:", question);
  g_autofree char *line = line_answer ((TkeLinePrompter *)p, q, FALSE, error);

  if (!line)
    return FALSE;
  g_strstrip (line);
  return g_ascii_strcasecmp (line, "y") == 0 || g_ascii_strcasecmp (line, "yes") == 0;
}

static gboolean
line_card (TkePrompter *p, guint reader, gboolean insert, const char *what, GError **error)
{
  g_autofree char *q
      = insert
            ? g_strdup_printf ("Insert %s in smart card reader %u, then press Enter.", what, reader)
            : g_strdup_printf ("Remove %s from smart card reader %u, then press Enter.", what,
                               reader);
  g_autofree char *line = line_answer ((TkeLinePrompter *)p, q, FALSE, error);

  return line != NULL;
}

static void
line_pin_pad (TkePrompter *p, guint reader, const char *what)
{
  g_autofree char *text = g_strdup_printf (
      "Enter the PIN of %s on the PIN pad of smart card reader %u.\n", what, reader);
  line_write ((TkeLinePrompter *)p, text);
}

static void
line_progress (TkePrompter *p, const char *what, guint done, guint total)
{
  g_autofree char *text = total ? g_strdup_printf ("%s: %u of %u\n", what, done, total)
                                : g_strdup_printf ("%s: %u\n", what, done);
  line_write ((TkeLinePrompter *)p, text);
}

static void
line_message (TkePrompter *p, TkeMessageKind kind, const char *text)
{
  g_autofree char *line
      = g_strdup_printf ("%s%s\n", kind == TKE_MESSAGE_WARNING ? "WARNING: " : "", text);
  line_write ((TkeLinePrompter *)p, line);
}

static void
line_free (TkePrompter *p)
{
  TkeLinePrompter *self = (TkeLinePrompter *)p;
  if (self->finalize)
    self->finalize (self);
}

static const TkePrompterVTable line_vtable = {
  .ask_text = line_ask_text,
  .ask_secret = line_ask_secret,
  .choose = line_choose,
  .confirm = line_confirm,
  .card = line_card,
  .pin_pad = line_pin_pad,
  .progress = line_progress,
  .message = line_message,
  .free = line_free,
};

void
tke_line_prompter_init (TkeLinePrompter *self)
{
  self->parent.vtable = &line_vtable;
}
