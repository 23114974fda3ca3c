/* tke-prompter.c: what every front end's prompter shares: the checks on
 * answers (numbers in range, passwords twice with a minimum length, --yes)
 * so that the GTK, terminal and scripted prompters behave the same. */
#include "tke-core.h"

#include <stdarg.h>
#include <string.h>

/* How often a new password or a number is asked again before giving up. */
#define TKE_PROMPT_ATTEMPTS 3

void
tke_prompter_free (TkePrompter *prompter)
{
  if (prompter)
    prompter->vtable->free (prompter);
}

char *
tke_prompter_ask_text (TkePrompter *p, const char *question, GError **error)
{
  return p->vtable->ask_text (p, question, error);
}

OtkSecretStr *
tke_prompter_ask_secret (TkePrompter *p, const char *question, GError **error)
{
  return p->vtable->ask_secret (p, question, error);
}

OtkSecretStr *
tke_prompter_ask_new_password (TkePrompter *p, const char *what, gsize min_len, GError **error)
{
  g_autofree char *q1
      = g_strdup_printf ("New password for %s (at least %zu characters):", what, min_len);
  g_autofree char *q2 = g_strdup_printf ("Enter the password for %s again:", what);
  OtkSecretStr *result = NULL;

  for (guint attempt = 0; attempt < TKE_PROMPT_ATTEMPTS && !result; attempt++)
    {
      g_autoptr (OtkSecretStr) first = NULL;
      g_autoptr (OtkSecretStr) second = NULL;
      gboolean last = attempt + 1 == TKE_PROMPT_ATTEMPTS;

      first = tke_prompter_ask_secret (p, q1, error);
      if (!first)
        return NULL;
      if (strlen (first) < min_len)
        {
          if (last)
            {
              g_set_error (error, TKE_ERROR, TKE_ERROR_PASSWORD_TOO_SHORT,
                           "The password is shorter than %zu characters", min_len);
              return NULL;
            }
          tke_prompter_warning (p, "The password is shorter than %zu characters; try again.",
                                min_len);
          continue;
        }
      second = tke_prompter_ask_secret (p, q2, error);
      if (!second)
        return NULL;
      if (strcmp (first, second) != 0)
        {
          if (last)
            {
              g_set_error_literal (error, TKE_ERROR, TKE_ERROR_PASSWORD_MISMATCH,
                                   "The two passwords are not the same");
              return NULL;
            }
          tke_prompter_warning (p, "The two passwords are not the same; try again.");
          continue;
        }
      result = g_steal_pointer (&first);
    }
  return result;
}

gboolean
tke_prompter_ask_number (TkePrompter *p, const char *question, guint min, guint max, guint *out,
                         GError **error)
{
  for (guint attempt = 0; attempt < TKE_PROMPT_ATTEMPTS; attempt++)
    {
      g_autofree char *line = tke_prompter_ask_text (p, question, error);
      guint64 value = 0;

      if (!line)
        return FALSE;
      g_strstrip (line);
      if (g_ascii_string_to_unsigned (line, 10, min, max, &value, NULL))
        {
          *out = (guint)value;
          return TRUE;
        }
      if (attempt + 1 == TKE_PROMPT_ATTEMPTS)
        break;
      tke_prompter_warning (p, "Enter a number from %u to %u.", min, max);
    }
  g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT, "Expected a number from %u to %u", min,
               max);
  return FALSE;
}

GArray *
tke_prompter_choose (TkePrompter *p, const char *question, const char *const *items, guint n,
                     guint min, guint max, GError **error)
{
  if (n < min)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_NOT_FOUND, "%s: only %u to choose from, %u needed",
                   question, n, min);
      return NULL;
    }
  return p->vtable->choose (p, question, items, n, min, MIN (max, n), error);
}

gboolean
tke_prompter_confirm (TkePrompter *p, const char *question, GError **error)
{
  if (p->assume_yes)
    {
      tke_prompter_info (p, "%s yes (--yes)", question);
      return TRUE;
    }
  if (!p->vtable->confirm (p, question, error))
    {
      if (error && !*error)
        g_set_error_literal (error, TKE_ERROR, TKE_ERROR_CANCELLED,
                             "Cancelled: nothing was changed");
      return FALSE;
    }
  return TRUE;
}

gboolean
tke_prompter_card (TkePrompter *p, guint reader, gboolean insert, const char *what, GError **error)
{
  return p->vtable->card (p, reader, insert, what, error);
}

void
tke_prompter_pin_pad (TkePrompter *p, guint reader, const char *what)
{
  p->vtable->pin_pad (p, reader, what);
}

void
tke_prompter_progress (TkePrompter *p, const char *what, guint done, guint total)
{
  p->vtable->progress (p, what, done, total);
}

static void prompter_message_va (TkePrompter *p, TkeMessageKind kind, const char *format,
                                 va_list ap) G_GNUC_PRINTF (3, 0);

static void
prompter_message_va (TkePrompter *p, TkeMessageKind kind, const char *format, va_list ap)
{
  g_autofree char *text = g_strdup_vprintf (format, ap);
  p->vtable->message (p, kind, text);
}

void
tke_prompter_info (TkePrompter *p, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  prompter_message_va (p, TKE_MESSAGE_INFO, format, ap);
  va_end (ap);
}

void
tke_prompter_warning (TkePrompter *p, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  prompter_message_va (p, TKE_MESSAGE_WARNING, format, ap);
  va_end (ap);
}
