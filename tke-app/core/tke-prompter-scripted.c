/* tke-prompter-scripted.c: answers from a list, for tests; keeps a transcript
 * of everything asked and said so that a test can assert what a user saw. */
#include "tke-prompter-lines.h"

#include <string.h>

typedef struct
{
  TkeLinePrompter parent;
  GPtrArray *answers; /* OtkSecretStr*, wiped on free */
  guint next;
  GString *transcript;
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
