/* tke-prompter-scripted.c: answers from a list, for tests; keeps a transcript
 * of everything asked and said so that a test can assert what a user saw. */
#include "tke-prompter-lines.h"

#include <string.h>

typedef struct
{
  TkeLinePrompter parent;
  TkePrompterVTable vtable; /* the line prompter's, with card and PIN pad hooks */
  GPtrArray *answers;       /* OtkSecretStr*, wiped on free */
  guint next;
  GString *transcript;
  TkeScriptedCardFunc card_hook;
  TkeScriptedPinFunc pin_hook;
  gpointer hook_data;
} ScriptedPrompter;

static char *
scripted_read_line (TkeLinePrompter *lp, gboolean secret)
{
  ScriptedPrompter *self = (ScriptedPrompter *)lp;
  const char *answer;

  if (self->next >= self->answers->len)
    return NULL;
  answer = g_ptr_array_index (self->answers, self->next++);
  g_string_append (self->transcript, secret ? "********\n" : answer);
  if (!secret)
    g_string_append_c (self->transcript, '\n');
  return g_strdup (answer);
}

static void
scripted_write (TkeLinePrompter *lp, const char *text)
{
  ScriptedPrompter *self = (ScriptedPrompter *)lp;
  g_string_append (self->transcript, text);
}

static void
scripted_finalize (TkeLinePrompter *lp)
{
  ScriptedPrompter *self = (ScriptedPrompter *)lp;
  g_ptr_array_unref (self->answers);
  g_string_free (self->transcript, TRUE);
  g_free (self);
}

/* A card request takes the next answer, given to the hook (the test inserts
 * or removes that card). */
static gboolean
scripted_card (TkePrompter *p, guint reader, gboolean insert, const char *what, GError **error)
{
  ScriptedPrompter *self = (ScriptedPrompter *)p;
  g_autofree char *answer = NULL;

  g_string_append_printf (self->transcript, "%s %s %s reader %u: ", insert ? "Insert" : "Remove",
                          what, insert ? "in" : "from", reader);
  answer = scripted_read_line (&self->parent, FALSE);
  if (!answer)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_CANCELLED,
                   "No answer to a card request (end of input)");
      return FALSE;
    }
  if (self->card_hook)
    self->card_hook (reader, insert, answer, self->hook_data);
  return TRUE;
}

static void
scripted_pin_pad (TkePrompter *p, guint reader, const char *what)
{
  ScriptedPrompter *self = (ScriptedPrompter *)p;

  g_string_append_printf (self->transcript, "PIN pad of reader %u: %s\n", reader, what);
  if (self->pin_hook)
    self->pin_hook (reader, what, self->hook_data);
}

void
tke_prompter_scripted_set_hooks (TkePrompter *p, TkeScriptedCardFunc card, TkeScriptedPinFunc pin,
                                 gpointer data)
{
  ScriptedPrompter *self = (ScriptedPrompter *)p;
  self->card_hook = card;
  self->pin_hook = pin;
  self->hook_data = data;
}

TkePrompter *
tke_prompter_new_scripted (const char *const *answers)
{
  ScriptedPrompter *self = g_new0 (ScriptedPrompter, 1);

  tke_line_prompter_init (&self->parent);
  self->parent.read_line = scripted_read_line;
  self->parent.write = scripted_write;
  self->parent.finalize = scripted_finalize;
  self->answers = g_ptr_array_new_with_free_func ((GDestroyNotify)otk_secret_str_free);
  for (guint i = 0; answers && answers[i]; i++)
    g_ptr_array_add (self->answers, g_strdup (answers[i]));
  self->transcript = g_string_new (NULL);
  self->vtable = *self->parent.parent.vtable;
  self->vtable.card = scripted_card;
  self->vtable.pin_pad = scripted_pin_pad;
  self->parent.parent.vtable = &self->vtable;
  return &self->parent.parent;
}

const char *
tke_prompter_scripted_get_transcript (TkePrompter *p)
{
  return ((ScriptedPrompter *)p)->transcript->str;
}

guint
tke_prompter_scripted_get_unused (TkePrompter *p)
{
  ScriptedPrompter *self = (ScriptedPrompter *)p;
  return self->answers->len - self->next;
}
