/* otk-pin-prompt.c: the PIN-pad prompt of a job, driven by libcard's per-entry hook
 * (card_context_set_pin_prompt_func).  The hook runs on the card queue's thread around
 * each entry on a reader's PIN pad; the prompt opens when the reader starts waiting for
 * the PIN (which reader, what to type, the reader's timeout) and closes when that entry
 * is over, so what the screen says is what the reader does. */
#include "otk-widgets.h"

struct _OtkPinPrompt
{
  /* Set on the main thread at creation, then read only. */
  GtkWindow *parent;
  GCancellable *cancellable;
  /* Main thread only. */
  OtkReaderStatus *status; /* weak: the window's status area, or NULL */
  OtkPinPadDialog *dialog;
  int dialog_reader;
  gulong status_handler;
  char *purpose[2]; /* reader 1 and 2: what the program asked the PIN for, or NULL */
};

/* What the hook asks of the main thread: open (reader 1 or 2) or close (reader 0); or,
 * with @purpose_only, what the next entries on @reader are for. */
typedef struct
{
  OtkPinPrompt *prompt;
  int reader;
  char *what;
  guint timeout_s;
  gboolean purpose_only;
} PromptChange;

static void
prompt_clear (gpointer data)
{
  OtkPinPrompt *prompt = data;

  g_clear_pointer (&prompt->purpose[0], g_free);
  g_clear_pointer (&prompt->purpose[1], g_free);
  g_clear_weak_pointer (&prompt->status);
  g_clear_object (&prompt->parent);
  g_clear_object (&prompt->cancellable);
}

static void
prompt_close (OtkPinPrompt *prompt)
{
  if (prompt->status_handler != 0 && prompt->status != NULL)
    g_signal_handler_disconnect (prompt->status, prompt->status_handler);
  prompt->status_handler = 0;
  if (prompt->dialog != NULL)
    gtk_widget_destroy (GTK_WIDGET (prompt->dialog));
  prompt->dialog = NULL;
  prompt->dialog_reader = 0;
}

/* The prompt says what the status area says about its reader, as it changes. */
static void
on_reader_changed (OtkReaderStatus *status, int reader, gpointer data)
{
  OtkPinPrompt *prompt = data;
  g_autofree char *state = NULL;

  if (reader != prompt->dialog_reader || prompt->dialog == NULL)
    return;
  state = otk_reader_status_describe (status, reader);
  otk_pin_pad_dialog_set_reader_state (prompt->dialog, state);
}

static void
prompt_open (OtkPinPrompt *prompt, int reader, const char *what, guint timeout_s)
{
  if (prompt->dialog != NULL && prompt->dialog_reader == reader)
    {
      otk_pin_pad_dialog_restart (prompt->dialog, what, timeout_s);
      otk_pin_pad_dialog_set_purpose (prompt->dialog, prompt->purpose[reader - 1]);
      return;
    }
  prompt_close (prompt);
  prompt->dialog
      = otk_pin_pad_dialog_new (prompt->parent, reader, what, timeout_s, prompt->cancellable);
  prompt->dialog_reader = reader;
  otk_pin_pad_dialog_set_purpose (prompt->dialog, prompt->purpose[reader - 1]);
  /* Not modal: the virtual deck's PIN pad is another window of this program. */
  gtk_window_set_modal (GTK_WINDOW (prompt->dialog), FALSE);
  if (prompt->status != NULL)
    {
      prompt->status_handler = g_signal_connect (prompt->status, "reader-changed",
                                                 G_CALLBACK (on_reader_changed), prompt);
      on_reader_changed (prompt->status, reader, prompt);
    }
  gtk_widget_show (GTK_WIDGET (prompt->dialog));
}

static gboolean
apply_change (gpointer data)
{
  PromptChange *change = data;
  OtkPinPrompt *prompt = change->prompt;

  if (change->purpose_only)
    {
      g_free (prompt->purpose[change->reader - 1]);
      prompt->purpose[change->reader - 1] = g_strdup (change->what);
      if (prompt->dialog != NULL && prompt->dialog_reader == change->reader)
        otk_pin_pad_dialog_set_purpose (prompt->dialog, change->what);
    }
  else if (change->reader == 0)
    prompt_close (change->prompt);
  else
    prompt_open (change->prompt, change->reader, change->what, change->timeout_s);
  return G_SOURCE_REMOVE;
}

static void
change_free (gpointer data)
{
  PromptChange *change = data;

  g_atomic_rc_box_release_full (change->prompt, prompt_clear);
  g_free (change->what);
  g_free (change);
}

static void
queue_change_full (OtkPinPrompt *prompt, int reader, char *what, guint timeout_s,
                   gboolean purpose_only)
{
  PromptChange *change = g_new0 (PromptChange, 1);

  change->prompt = g_atomic_rc_box_acquire (prompt);
  change->reader = reader;
  change->what = what;
  change->timeout_s = timeout_s;
  change->purpose_only = purpose_only;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_change, change, change_free);
}

static void
queue_change (OtkPinPrompt *prompt, int reader, char *what, guint timeout_s)
{
  queue_change_full (prompt, reader, what, timeout_s, FALSE);
}

void
otk_pin_prompt_set_purpose (OtkPinPrompt *prompt, int reader, const char *purpose)
{
  g_return_if_fail (reader == 1 || reader == 2);
  queue_change_full (prompt, reader, g_strdup (purpose), 0, TRUE);
}

/* libcard's hook, on the thread of the card call. */
static void
on_pin_entry (CardReaderRole role, const char *what, guint timeout_s, gboolean begin,
              gpointer user_data)
{
  if (begin)
    queue_change (user_data, role, otk_pin_entry_describe (what), MAX (timeout_s, 1));
  else
    queue_change (user_data, 0, NULL, 0);
}

OtkPinPrompt *
otk_pin_prompt_new (GtkWindow *parent, OtkReaderStatus *status, GCancellable *cancellable)
{
  OtkPinPrompt *prompt = g_atomic_rc_box_new0 (OtkPinPrompt);

  prompt->parent = g_object_ref (parent);
  prompt->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_set_weak_pointer (&prompt->status, status);
  return prompt;
}

static gboolean
close_and_release (gpointer data)
{
  prompt_close (data);
  g_atomic_rc_box_release_full (data, prompt_clear);
  return G_SOURCE_REMOVE;
}

void
otk_pin_prompt_free (OtkPinPrompt *prompt)
{
  if (prompt != NULL)
    g_main_context_invoke (NULL, close_and_release, prompt);
}

void
otk_pin_prompt_attach (OtkPinPrompt *prompt, CardContext *ctx)
{
  card_context_set_pin_prompt_func (ctx, on_pin_entry, prompt);
}

void
otk_pin_prompt_detach (OtkPinPrompt *prompt, CardContext *ctx)
{
  card_context_set_pin_prompt_func (ctx, NULL, NULL);
  queue_change (prompt, 0, NULL, 0);
}
