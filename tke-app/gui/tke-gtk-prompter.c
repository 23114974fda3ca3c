/* tke-gtk-prompter.c: the ceremony core's prompter as GTK dialogs (the composite
 * templates of tke-*-dialog.c).
 *
 * The core calls the prompter on the card queue's thread.  Each question is handed to
 * the main thread with g_main_context_invoke(); the worker then waits on a GCond for
 * the answer, waking every 200 ms to notice a cancelled job, to look whether a card
 * asked for has arrived, and to look whether a card came or went in reader 1 or 2: the
 * reader status of the window then shows it (the window's own refresh waits while a
 * step holds the card queue).  The main loop never blocks: the dialogs are shown without
 * gtk_dialog_run() and answer from their "response" handler.  The PIN-pad prompt is not
 * here: libcard's per-entry hook opens and closes it (OtkPinPrompt, set up by the job). */
#include "tke.h"

#include <glib/gi18n.h>
#include <string.h>

#define TKE_WAIT_TICK_US (G_USEC_PER_SEC / 5)

typedef enum
{
  ASK_TEXT,
  ASK_SECRET,
  ASK_CHOOSE,
  ASK_CONFIRM,
  ASK_CARD,
} AskKind;

/* Windows of one job that stay open between questions (main thread only). */
typedef struct
{
  TkeWindow *parent;
  char *title;
  char *warning; /* shown above the question of a confirmation, or NULL */
  TkeProgressDialog *progress_dialog;
} PrompterUi;

/* One question: shared by the worker and the main thread (atomic reference count). */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done; /* under lock */
  gboolean ok;   /* under lock: answered (not cancelled) */
  char *answer;  /* under lock: text or secret (wiped) */
  GArray *chosen;

  AskKind kind;
  PrompterUi *ui;
  char *question;
  char **items;
  guint n_items, min, max;
  guint reader;
  gboolean insert;
  gboolean watched; /* ASK_CARD: the worker watches the reader (else Continue) */

  /* main thread only */
  GtkWidget *dialog;
  gulong status_handler; /* ASK_CARD: the reader's line follows the status area */
} Ask;

typedef struct
{
  TkePrompter parent;
  PrompterUi *ui;
  CardContext *ctx;
  OtkPinPrompt *pin_prompt; /* the job's, outlives the prompter; or NULL */
  GCancellable *cancellable;
  int present[2]; /* reader 1 and 2: card present as last seen, -1 not looked yet */
} GtkPrompter;

/* ---- shared state ------------------------------------------------------------------ */

static void
prompter_ui_clear (gpointer data)
{
  PrompterUi *ui = data;

  g_clear_object (&ui->parent);
  g_free (ui->title);
  g_free (ui->warning);
}

static void
prompter_ui_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, prompter_ui_clear);
}

static void
ask_clear (gpointer data)
{
  Ask *ask = data;

  if (ask->answer != NULL)
    {
      secure_clear (ask->answer, strlen (ask->answer));
      g_free (ask->answer);
    }
  g_clear_pointer (&ask->chosen, g_array_unref);
  g_free (ask->question);
  g_strfreev (ask->items);
  prompter_ui_release (ask->ui);
  g_mutex_clear (&ask->lock);
  g_cond_clear (&ask->cond);
}

static void
ask_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, ask_clear);
}

/* ---- main thread: windows ------------------------------------------------------------ */

static gboolean
ui_close_all (gpointer data)
{
  PrompterUi *ui = data;

  if (ui->progress_dialog != NULL)
    gtk_widget_destroy (GTK_WIDGET (ui->progress_dialog));
  ui->progress_dialog = NULL;
  return G_SOURCE_REMOVE;
}

static OtkReaderStatus *
ui_reader_status (PrompterUi *ui)
{
  return tke_window_get_reader_status (ui->parent);
}

/* ---- main thread: questions ---------------------------------------------------------- */

/* Records the answer and wakes the worker; the dialog goes. */
static void
ask_finish (Ask *ask, gboolean ok)
{
  GtkWidget *dialog = g_steal_pointer (&ask->dialog);
  OtkReaderStatus *status = ui_reader_status (ask->ui);

  g_mutex_lock (&ask->lock);
  if (!ask->done)
    {
      ask->done = TRUE;
      ask->ok = ok;
      if (ok && TKE_IS_QUESTION_DIALOG (dialog))
        ask->answer = tke_question_dialog_take_answer (TKE_QUESTION_DIALOG (dialog));
      if (ok && TKE_IS_CHOOSE_DIALOG (dialog))
        ask->chosen = tke_choose_dialog_get_chosen (TKE_CHOOSE_DIALOG (dialog));
      g_cond_signal (&ask->cond);
    }
  g_mutex_unlock (&ask->lock);
  /* Without the window, its status area and the handler went with it. */
  if (ask->status_handler != 0 && status != NULL)
    g_signal_handler_disconnect (status, ask->status_handler);
  ask->status_handler = 0;
  if (dialog == NULL)
    return;
  /* A password typed and then cancelled is wiped too. */
  if (TKE_IS_QUESTION_DIALOG (dialog))
    otk_secret_str_free (tke_question_dialog_take_answer (TKE_QUESTION_DIALOG (dialog)));
  gtk_widget_destroy (dialog);
}

static void
on_ask_response (GtkDialog *dialog, int response, gpointer data)
{
  Ask *ask = data;
  gboolean ok = response == GTK_RESPONSE_OK || response == GTK_RESPONSE_YES;

  if (ok && TKE_IS_CHOOSE_DIALOG (dialog) && !tke_choose_dialog_check (TKE_CHOOSE_DIALOG (dialog)))
    return;
  ask_finish (ask, ok);
}

/* The card request says what its reader holds now, as the status area does. */
static void
on_reader_changed (OtkReaderStatus *status, int reader, gpointer data)
{
  Ask *ask = data;
  g_autofree char *state = NULL;

  if ((guint)reader != ask->reader || ask->dialog == NULL)
    return;
  state = otk_reader_status_describe (status, reader);
  tke_card_dialog_set_reader_state (TKE_CARD_DIALOG (ask->dialog), state);
}

static GtkWidget *
ask_new_dialog (Ask *ask)
{
  GtkWindow *parent = GTK_WINDOW (ask->ui->parent);
  const char *title = ask->ui->title;

  switch (ask->kind)
    {
      case ASK_TEXT:
      case ASK_SECRET:
        return GTK_WIDGET (
            tke_question_dialog_new (parent, title, ask->question, ask->kind == ASK_SECRET));
      case ASK_CHOOSE:
        return GTK_WIDGET (tke_choose_dialog_new (parent, title, ask->question,
                                                  (const char *const *)ask->items, ask->n_items,
                                                  ask->min, ask->max));
      case ASK_CONFIRM:
        return GTK_WIDGET (tke_confirm_dialog_new (parent, title, ask->ui->warning, ask->question));
      case ASK_CARD:
      default:
        return GTK_WIDGET (tke_card_dialog_new (parent, title, ask->reader, ask->insert,
                                                ask->question, ask->watched));
    }
}

static gboolean
ask_show (gpointer data)
{
  Ask *ask = data;

  g_mutex_lock (&ask->lock);
  if (ask->done) /* given up by the worker before it could be shown */
    {
      g_mutex_unlock (&ask->lock);
      return G_SOURCE_REMOVE;
    }
  g_mutex_unlock (&ask->lock);
  ask->dialog = ask_new_dialog (ask);
  if (ask->kind == ASK_CARD && ui_reader_status (ask->ui) != NULL)
    {
      OtkReaderStatus *status = ui_reader_status (ask->ui);

      ask->status_handler
          = g_signal_connect (status, "reader-changed", G_CALLBACK (on_reader_changed), ask);
      on_reader_changed (status, (int)ask->reader, ask);
    }
  g_signal_connect (ask->dialog, "response", G_CALLBACK (on_ask_response), ask);
  gtk_widget_show (ask->dialog);
  return G_SOURCE_REMOVE;
}

static gboolean
ask_close (gpointer data)
{
  ask_finish (data, FALSE);
  return G_SOURCE_REMOVE;
}

/* ---- worker thread ------------------------------------------------------------------- */

static gboolean
card_arrived (GtkPrompter *self, const Ask *ask)
{
  CardReader *reader;

  if (self->ctx == NULL)
    return FALSE;
  reader = card_context_get_reader (self->ctx, ask->reader, NULL);
  return reader != NULL && card_reader_is_card_present (reader, NULL) == ask->insert;
}

/* What the worker tells the main thread without waiting for an answer. */
typedef struct
{
  PrompterUi *ui;
  char *text;
  guint reader;
  guint done, total;
  TkeMessageKind kind;
  OtkReaderInfo info; /* show_reader */
} Note;

static Note *
note_new (GtkPrompter *self, guint reader, const char *text)
{
  Note *note = g_new0 (Note, 1);

  note->ui = g_atomic_rc_box_acquire (self->ui);
  note->text = g_strdup (text);
  note->reader = reader;
  return note;
}

static void
note_free (gpointer data)
{
  Note *note = data;

  prompter_ui_release (note->ui);
  otk_reader_info_clear (&note->info);
  g_free (note->text);
  g_free (note);
}

static gboolean
show_reader (gpointer data)
{
  Note *note = data;
  OtkReaderStatus *status = ui_reader_status (note->ui);

  if (status != NULL)
    otk_reader_status_set (status, (int)note->reader, &note->info);
  return G_SOURCE_REMOVE;
}

/* Whether a card is in reader @role now, or -1 when the reader cannot be found. */
static int
card_present (GtkPrompter *self, int role, CardReader **reader)
{
  *reader = self->ctx != NULL ? card_context_get_reader (self->ctx, role, NULL) : NULL;
  return *reader != NULL ? card_reader_is_card_present (*reader, NULL) : -1;
}

/* Reads reader @role (a card in it for its type, never re-selecting a card this program
 * unlocked) and shows it in the status area. */
static void
post_reader (GtkPrompter *self, int role, CardReader *reader)
{
  Note *note = note_new (self, (guint)role, NULL);

  otk_reader_info_read (reader, &note->info);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_reader, note, note_free);
}

/* A card came into or went from reader 1 or 2 since the last look: the status area
 * shows it.  A card that has just come is read for its type: the core has no session
 * on it yet (cards the core works with are not touched). */
static void
watch_readers (GtkPrompter *self)
{
  for (int role = CARD_READER_1; role <= CARD_READER_2; role++)
    {
      CardReader *reader;
      int present = card_present (self, role, &reader);

      if (present < 0 || present == self->present[role - 1])
        continue;
      self->present[role - 1] = present;
      post_reader (self, role, reader);
    }
}

/* A card the step has unlocked is shown unlocked while the step holds it.  Asked through
 * the session that unlocked it (card_reader_is_unlocked), so looking never locks a card;
 * readers whose card is not unlocked are left as they were last shown. */
static void
post_unlocked_readers (GtkPrompter *self)
{
  for (int role = CARD_READER_1; role <= CARD_READER_2; role++)
    {
      CardReader *reader
          = self->ctx != NULL ? card_context_get_reader (self->ctx, role, NULL) : NULL;

      if (reader != NULL && card_reader_is_unlocked (reader, NULL, NULL))
        post_reader (self, role, reader);
    }
}

/* Shows @ask and waits for its answer: TRUE when answered, FALSE with
 * TKE_ERROR_CANCELLED when the user or the job gave up. */
static gboolean
ask_wait (GtkPrompter *self, Ask *ask, GError **error)
{
  gboolean ok, arrived;

  post_unlocked_readers (self);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, ask_show, g_atomic_rc_box_acquire (ask),
                              ask_release);
  g_mutex_lock (&ask->lock);
  while (!ask->done)
    {
      g_cond_wait_until (&ask->cond, &ask->lock, g_get_monotonic_time () + TKE_WAIT_TICK_US);
      if (ask->done)
        break;
      if (g_cancellable_is_cancelled (self->cancellable))
        {
          ask->done = TRUE;
          break;
        }
      g_mutex_unlock (&ask->lock);
      watch_readers (self);
      arrived = ask->kind == ASK_CARD && card_arrived (self, ask);
      g_mutex_lock (&ask->lock);
      if (arrived && !ask->done)
        ask->done = ask->ok = TRUE;
    }
  ok = ask->ok;
  g_mutex_unlock (&ask->lock);
  /* Closes the dialog if the answer did not come from it. */
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, ask_close, g_atomic_rc_box_acquire (ask),
                              ask_release);
  if (!ok)
    g_set_error_literal (error, TKE_ERROR, TKE_ERROR_CANCELLED, _ ("Cancelled."));
  return ok;
}

static Ask *
ask_new (GtkPrompter *self, AskKind kind, const char *question)
{
  Ask *ask = g_atomic_rc_box_new0 (Ask);

  g_mutex_init (&ask->lock);
  g_cond_init (&ask->cond);
  ask->kind = kind;
  ask->ui = g_atomic_rc_box_acquire (self->ui);
  ask->question = g_strdup (question);
  return ask;
}

static char *
gtk_ask_text (TkePrompter *p, const char *question, GError **error)
{
  GtkPrompter *self = (GtkPrompter *)p;
  Ask *ask = ask_new (self, ASK_TEXT, question);
  char *answer = NULL;

  if (ask_wait (self, ask, error))
    answer = g_strdup (ask->answer);
  ask_release (ask);
  return answer;
}

static OtkSecretStr *
gtk_ask_secret (TkePrompter *p, const char *question, GError **error)
{
  GtkPrompter *self = (GtkPrompter *)p;
  Ask *ask = ask_new (self, ASK_SECRET, question);
  OtkSecretStr *answer = NULL;

  if (ask_wait (self, ask, error))
    answer = g_steal_pointer (&ask->answer);
  ask_release (ask);
  return answer;
}

static GArray *
gtk_choose (TkePrompter *p, const char *question, const char *const *items, guint n, guint min,
            guint max, GError **error)
{
  GtkPrompter *self = (GtkPrompter *)p;
  Ask *ask = ask_new (self, ASK_CHOOSE, question);
  GArray *chosen = NULL;

  ask->items = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    ask->items[i] = g_strdup (items[i]);
  ask->n_items = n;
  ask->min = min;
  ask->max = max;
  if (ask_wait (self, ask, error))
    chosen = g_array_ref (ask->chosen);
  ask_release (ask);
  return chosen;
}

static gboolean
gtk_confirm (TkePrompter *p, const char *question, GError **error)
{
  GtkPrompter *self = (GtkPrompter *)p;
  Ask *ask = ask_new (self, ASK_CONFIRM, question);
  g_autoptr (GError) local_error = NULL;
  gboolean yes = ask_wait (self, ask, &local_error);

  ask_release (ask);
  /* "No" is an answer, not an error; a cancelled job is. */
  if (!yes && g_cancellable_is_cancelled (self->cancellable))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return yes;
}

static gboolean
gtk_card (TkePrompter *p, guint reader, gboolean insert, const char *what, GError **error)
{
  GtkPrompter *self = (GtkPrompter *)p;
  Ask *ask = ask_new (self, ASK_CARD, what);
  gboolean ok;

  ask->reader = reader;
  ask->insert = insert;
  ask->watched = self->ctx != NULL && card_context_get_reader (self->ctx, reader, NULL) != NULL;
  ok = card_arrived (self, ask) || ask_wait (self, ask, error);
  ask_release (ask);
  return ok;
}

/* ---- notifications (no answer) ------------------------------------------------------- */

static void
post_note (GtkPrompter *self, GSourceFunc show, guint reader, const char *text, guint done,
           guint total, TkeMessageKind kind)
{
  Note *note = note_new (self, reader, text);

  note->done = done;
  note->total = total;
  note->kind = kind;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show, note, note_free);
}

/* The core says a PIN is about to be asked for on a PIN pad: a line in the log (which
 * card, and when).  The prompt itself follows the reader (libcard's hook, in the job). */
static gboolean
show_pin_pad (gpointer data)
{
  Note *note = data;
  g_autofree char *line
      = g_strdup_printf (_ ("PIN pad of reader %u: %s"), note->reader, note->text);

  tke_window_log (note->ui->parent, line);
  return G_SOURCE_REMOVE;
}

static gboolean
show_progress (gpointer data)
{
  Note *note = data;
  PrompterUi *ui = note->ui;

  if (ui->progress_dialog == NULL)
    {
      ui->progress_dialog = tke_progress_dialog_new (GTK_WINDOW (ui->parent), ui->title);
      gtk_widget_show (GTK_WIDGET (ui->progress_dialog));
    }
  tke_progress_dialog_set (ui->progress_dialog, note->text, note->done, note->total);
  return G_SOURCE_REMOVE;
}

static gboolean
show_message (gpointer data)
{
  Note *note = data;
  g_autofree char *line = note->kind == TKE_MESSAGE_WARNING
                              ? g_strdup_printf (_ ("Warning: %s"), note->text)
                              : g_strdup (note->text);

  tke_window_log (note->ui->parent, line);
  return G_SOURCE_REMOVE;
}

static void
gtk_pin_pad (TkePrompter *p, guint reader, const char *what)
{
  GtkPrompter *self = (GtkPrompter *)p;

  /* The prompt that opens for the entry says whose card, and for which step. */
  if (self->pin_prompt != NULL && (reader == 1 || reader == 2))
    {
      g_autofree char *purpose
          = g_strdup_printf (_ ("%s asks for the PIN of %s."), self->ui->title, what);

      otk_pin_prompt_set_purpose (self->pin_prompt, (int)reader, purpose);
    }
  post_note (self, show_pin_pad, reader, what, 0, 0, TKE_MESSAGE_INFO);
}

static void
gtk_progress (TkePrompter *p, const char *what, guint done, guint total)
{
  post_note ((GtkPrompter *)p, show_progress, 0, what, done, total, TKE_MESSAGE_INFO);
}

static void
gtk_message (TkePrompter *p, TkeMessageKind kind, const char *text)
{
  post_unlocked_readers ((GtkPrompter *)p);
  post_note ((GtkPrompter *)p, show_message, 0, text, 0, 0, kind);
}

static void
gtk_prompter_free (TkePrompter *p)
{
  GtkPrompter *self = (GtkPrompter *)p;

  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, ui_close_all, self->ui,
                              prompter_ui_release);
  g_clear_object (&self->cancellable);
  g_free (self);
}

static const TkePrompterVTable gtk_prompter_vtable = {
  .ask_text = gtk_ask_text,
  .ask_secret = gtk_ask_secret,
  .choose = gtk_choose,
  .confirm = gtk_confirm,
  .card = gtk_card,
  .pin_pad = gtk_pin_pad,
  .progress = gtk_progress,
  .message = gtk_message,
  .free = gtk_prompter_free,
};

TkePrompter *
tke_gtk_prompter_new (TkeWindow *parent, const char *title, const char *warning, CardContext *ctx,
                      OtkPinPrompt *pin_prompt, GCancellable *cancellable)
{
  GtkPrompter *self = g_new0 (GtkPrompter, 1);

  self->parent.vtable = &gtk_prompter_vtable;
  self->ui = g_atomic_rc_box_new0 (PrompterUi);
  self->ui->parent = g_object_ref (parent);
  self->ui->title = g_strdup (title);
  self->ui->warning = g_strdup (warning);
  self->ctx = ctx;
  self->pin_prompt = pin_prompt;
  self->cancellable = g_object_ref (cancellable);
  /* What the readers hold at the start, read again: the status area looks only every
   * few seconds, and a card may have gone or come just before the step. */
  for (int role = CARD_READER_1; role <= CARD_READER_2; role++)
    {
      CardReader *reader;

      self->present[role - 1] = card_present (self, role, &reader);
      if (self->present[role - 1] >= 0)
        post_reader (self, role, reader);
    }
  return &self->parent;
}

void
tke_gtk_prompter_use_cards (TkePrompter *p, CardContext *cards)
{
  ((GtkPrompter *)p)->ctx = cards;
}
