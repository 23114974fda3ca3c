/* tke-gtk-prompter.c: the ceremony core's prompter as GTK dialogs.
 *
 * The core calls the prompter on the card queue's thread.  Each question is handed to
 * the main thread with g_main_context_invoke(); the worker then waits on a GCond for
 * the answer, waking every 200 ms to notice a cancelled job and, for "insert a card",
 * to look whether the card has arrived.  The main loop never blocks: the dialogs are
 * shown without gtk_dialog_run() and answer from their "response" handler. */
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
  GtkWidget *progress_dialog;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkWidget *pin_dialog;
  GCancellable *cancellable;
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

  /* main thread only */
  GtkWidget *dialog;
  GtkEntry *entry;
  GtkLabel *hint;
  GArray *order;     /* indexes in the order they were ticked */
  GPtrArray *checks; /* the check buttons of ASK_CHOOSE, by index */
} Ask;

typedef struct
{
  TkePrompter parent;
  PrompterUi *ui;
  CardContext *ctx;
  GCancellable *cancellable;
} GtkPrompter;

/* ---- shared state ------------------------------------------------------------------ */

static void
prompter_ui_clear (gpointer data)
{
  PrompterUi *ui = data;

  g_clear_object (&ui->parent);
  g_clear_object (&ui->cancellable);
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
  g_clear_pointer (&ask->order, g_array_unref);
  g_clear_pointer (&ask->checks, g_ptr_array_unref);
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

static void
ui_close_pin_dialog (PrompterUi *ui)
{
  if (ui->pin_dialog != NULL)
    {
      gtk_widget_destroy (ui->pin_dialog);
      ui->pin_dialog = NULL;
    }
}

static gboolean
ui_close_all (gpointer data)
{
  PrompterUi *ui = data;

  ui_close_pin_dialog (ui);
  if (ui->progress_dialog != NULL)
    {
      gtk_widget_destroy (ui->progress_dialog);
      ui->progress_dialog = NULL;
    }
  return G_SOURCE_REMOVE;
}

static void
label_set_wrapped (GtkLabel *label)
{
  gtk_label_set_line_wrap (label, TRUE);
  /* A wrapped label asks for its height at its narrowest: without a width it makes
   * the dialog tall and empty. */
  gtk_label_set_width_chars (label, 50);
  gtk_label_set_max_width_chars (label, 60);
  gtk_label_set_xalign (label, 0);
}

/* A dialog of this job: titled with the step, over the main window, not modal so that
 * the Virtual card deck window (another window of this program) stays usable. */
static GtkWidget *
ui_new_dialog (PrompterUi *ui, const char *title)
{
  GtkWidget *dialog = gtk_dialog_new ();

  gtk_window_set_title (GTK_WINDOW (dialog), title);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (ui->parent));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_container_set_border_width (GTK_CONTAINER (dialog), 12);
  gtk_box_set_spacing (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), 12);
  return dialog;
}

/* The step's name in bold at the top: the title bar alone is easy to overlook. */
static void
dialog_add_heading (GtkWidget *dialog, const char *title)
{
  GtkWidget *heading = gtk_label_new (NULL);
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", title);

  gtk_label_set_markup (GTK_LABEL (heading), markup);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  otk_widget_set_accessible_name (heading, _ ("Step"));
  gtk_container_add (GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), heading);
}

/* @label has a mnemonic; @name is the same words without it. */
static GtkWidget *
dialog_add_button (GtkWidget *dialog, const char *label, const char *name, int response)
{
  GtkWidget *button = gtk_dialog_add_button (GTK_DIALOG (dialog), label, response);

  otk_widget_set_accessible_name (button, name);
  return button;
}

static GtkLabel *
dialog_add_label (GtkWidget *dialog, const char *text, const char *accessible_name)
{
  GtkWidget *label = gtk_label_new (text);

  label_set_wrapped (GTK_LABEL (label));
  otk_widget_set_accessible_name (label, accessible_name);
  gtk_container_add (GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), label);
  return GTK_LABEL (label);
}

/* ---- main thread: questions ---------------------------------------------------------- */

/* Records the answer and wakes the worker; the dialog goes. */
static void
ask_finish (Ask *ask, gboolean ok)
{
  g_mutex_lock (&ask->lock);
  if (!ask->done)
    {
      ask->done = TRUE;
      ask->ok = ok;
      if (ok && ask->entry != NULL)
        ask->answer = g_strdup (gtk_entry_get_text (ask->entry));
      if (ok && ask->order != NULL)
        ask->chosen = g_array_ref (ask->order);
      g_cond_signal (&ask->cond);
    }
  g_mutex_unlock (&ask->lock);
  if (ask->entry != NULL)
    gtk_entry_set_text (ask->entry, ""); /* GTK's copy of a secret goes now */
  if (ask->dialog != NULL)
    {
      GtkWidget *dialog = ask->dialog;

      ask->dialog = NULL;
      ask->entry = NULL;
      gtk_widget_destroy (dialog);
    }
}

static void
on_choice_toggled (GtkToggleButton *check, gpointer data)
{
  Ask *ask = data;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "tke-index"));

  for (guint i = 0; i < ask->order->len; i++)
    if (g_array_index (ask->order, guint, i) == index)
      g_array_remove_index (ask->order, i--);
  if (gtk_toggle_button_get_active (check))
    g_array_append_val (ask->order, index);
}

static void
on_ask_response (GtkDialog *dialog, int response, gpointer data)
{
  Ask *ask = data;
  gboolean ok = response == GTK_RESPONSE_OK || response == GTK_RESPONSE_YES;

  if (ok && ask->kind == ASK_CHOOSE && (ask->order->len < ask->min || ask->order->len > ask->max))
    {
      g_autofree char *text
          = ask->min == ask->max
                ? g_strdup_printf (ngettext ("Choose %u item.", "Choose %u items.", ask->min),
                                   ask->min)
                : g_strdup_printf (_ ("Choose from %u to %u items."), ask->min, ask->max);

      gtk_label_set_text (ask->hint, text);
      return;
    }
  ask_finish (ask, ok);
}

static void
build_entry_dialog (Ask *ask)
{
  GtkWidget *entry = gtk_entry_new ();
  gboolean secret = ask->kind == ASK_SECRET;

  dialog_add_label (ask->dialog, ask->question, _ ("Question"));
  gtk_entry_set_visibility (GTK_ENTRY (entry), !secret);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  if (secret)
    gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  otk_widget_set_accessible_name (entry, secret ? _ ("Password") : _ ("Answer"));
  gtk_container_add (GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (ask->dialog))), entry);
  ask->entry = GTK_ENTRY (entry);
  dialog_add_button (ask->dialog, _ ("_Cancel"), _ ("Cancel"), GTK_RESPONSE_CANCEL);
  dialog_add_button (ask->dialog, _ ("_OK"), _ ("OK"), GTK_RESPONSE_OK);
  gtk_dialog_set_default_response (GTK_DIALOG (ask->dialog), GTK_RESPONSE_OK);
  gtk_widget_grab_focus (entry);
}

/* The numbers typed (separated by spaces, as in seed 003) tick the same boxes. */
static void
on_numbers_changed (GtkEntry *entry, gpointer data)
{
  Ask *ask = data;
  g_auto (GStrv) words = g_strsplit_set (gtk_entry_get_text (entry), " ,", -1);

  g_array_set_size (ask->order, 0);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint64 num = 0;
      guint index;
      gboolean seen = FALSE;

      if (words[i][0] == '\0'
          || !g_ascii_string_to_unsigned (words[i], 10, 1, ask->n_items, &num, NULL))
        continue;
      index = (guint)num - 1;
      for (guint j = 0; j < ask->order->len; j++)
        seen = seen || g_array_index (ask->order, guint, j) == index;
      if (!seen)
        g_array_append_val (ask->order, index);
    }
  for (guint i = 0; i < ask->checks->len; i++)
    {
      GtkToggleButton *check = g_ptr_array_index (ask->checks, i);
      gboolean ticked = FALSE;

      for (guint j = 0; j < ask->order->len; j++)
        ticked = ticked || g_array_index (ask->order, guint, j) == i;
      g_signal_handlers_block_by_func (check, on_choice_toggled, ask);
      gtk_toggle_button_set_active (check, ticked);
      g_signal_handlers_unblock_by_func (check, on_choice_toggled, ask);
    }
}

static void
build_choose_dialog (Ask *ask)
{
  GtkWidget *area = gtk_dialog_get_content_area (GTK_DIALOG (ask->dialog));
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *numbers = gtk_entry_new ();

  dialog_add_label (ask->dialog, ask->question, _ ("Question"));
  ask->order = g_array_new (FALSE, FALSE, sizeof (guint));
  ask->checks = g_ptr_array_new ();
  for (guint i = 0; i < ask->n_items; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u.  %s", i + 1, ask->items[i]);
      GtkWidget *check = gtk_check_button_new_with_label (text);

      otk_widget_set_accessible_name (check, text);
      g_object_set_data (G_OBJECT (check), "tke-index", GUINT_TO_POINTER (i));
      g_signal_connect (check, "toggled", G_CALLBACK (on_choice_toggled), ask);
      gtk_container_add (GTK_CONTAINER (list), check);
      g_ptr_array_add (ask->checks, check);
    }
  gtk_container_add (GTK_CONTAINER (area), list);
  dialog_add_label (ask->dialog, _ ("Or type the numbers, separated by spaces:"),
                    _ ("Numbers hint"));
  otk_widget_set_accessible_name (numbers, _ ("Numbers"));
  gtk_entry_set_activates_default (GTK_ENTRY (numbers), TRUE);
  g_signal_connect (numbers, "changed", G_CALLBACK (on_numbers_changed), ask);
  gtk_container_add (GTK_CONTAINER (area), numbers);
  ask->hint = dialog_add_label (ask->dialog, "", _ ("Hint"));
  dialog_add_button (ask->dialog, _ ("_Cancel"), _ ("Cancel"), GTK_RESPONSE_CANCEL);
  dialog_add_button (ask->dialog, _ ("_OK"), _ ("OK"), GTK_RESPONSE_OK);
  gtk_dialog_set_default_response (GTK_DIALOG (ask->dialog), GTK_RESPONSE_OK);
  gtk_widget_grab_focus (numbers);
}

/* Yes/No with No the default: Enter alone never confirms what cannot be undone. */
static void
build_confirm_dialog (Ask *ask)
{
  GtkWidget *no;

  if (ask->ui->warning != NULL)
    dialog_add_label (ask->dialog, ask->ui->warning, _ ("Warning"));
  dialog_add_label (ask->dialog, ask->question, _ ("Question"));
  no = dialog_add_button (ask->dialog, _ ("_No"), _ ("No"), GTK_RESPONSE_NO);
  dialog_add_button (ask->dialog, _ ("_Yes"), _ ("Yes"), GTK_RESPONSE_YES);
  gtk_dialog_set_default_response (GTK_DIALOG (ask->dialog), GTK_RESPONSE_NO);
  gtk_widget_grab_focus (no);
}

static void
build_card_dialog (Ask *ask)
{
  g_autofree char *head
      = ask->insert ? g_strdup_printf (_ ("Insert the smart card into reader %u."), ask->reader)
                    : g_strdup_printf (_ ("Remove the smart card from reader %u."), ask->reader);

  dialog_add_label (ask->dialog, head, _ ("Card request"));
  if (ask->question != NULL && ask->question[0] != '\0')
    dialog_add_label (ask->dialog, ask->question, _ ("Which card"));
  dialog_add_label (ask->dialog,
                    _ ("This window goes on by itself when the reader sees the change."),
                    _ ("Hint"));
  dialog_add_button (ask->dialog, _ ("_Cancel"), _ ("Cancel"), GTK_RESPONSE_CANCEL);
  dialog_add_button (ask->dialog, _ ("C_ontinue"), _ ("Continue"), GTK_RESPONSE_OK);
}

static gboolean
ask_show (gpointer data)
{
  Ask *ask = data;

  ui_close_pin_dialog (ask->ui);
  g_mutex_lock (&ask->lock);
  if (ask->done) /* given up by the worker before it could be shown */
    {
      g_mutex_unlock (&ask->lock);
      return G_SOURCE_REMOVE;
    }
  g_mutex_unlock (&ask->lock);
  ask->dialog = ui_new_dialog (ask->ui, ask->ui->title);
  dialog_add_heading (ask->dialog, ask->ui->title);
  switch (ask->kind)
    {
      case ASK_TEXT:
      case ASK_SECRET:
        build_entry_dialog (ask);
        break;
      case ASK_CHOOSE:
        build_choose_dialog (ask);
        break;
      case ASK_CONFIRM:
        build_confirm_dialog (ask);
        break;
      case ASK_CARD:
        build_card_dialog (ask);
        break;
    }
  g_signal_connect (ask->dialog, "response", G_CALLBACK (on_ask_response), ask);
  gtk_widget_show_all (ask->dialog);
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

/* Shows @ask and waits for its answer: TRUE when answered, FALSE with
 * TKE_ERROR_CANCELLED when the user or the job gave up. */
static gboolean
ask_wait (GtkPrompter *self, Ask *ask, GError **error)
{
  gboolean ok;

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
      if (ask->kind == ASK_CARD)
        {
          gboolean arrived;

          g_mutex_unlock (&ask->lock);
          arrived = card_arrived (self, ask);
          g_mutex_lock (&ask->lock);
          if (arrived && !ask->done)
            ask->done = ask->ok = TRUE;
        }
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
  ok = card_arrived (self, ask) || ask_wait (self, ask, error);
  ask_release (ask);
  return ok;
}

/* ---- notifications (no answer) ------------------------------------------------------- */

typedef struct
{
  PrompterUi *ui;
  char *text;
  guint reader;
  guint done, total;
  TkeMessageKind kind;
} Note;

static void
note_free (gpointer data)
{
  Note *note = data;

  prompter_ui_release (note->ui);
  g_free (note->text);
  g_free (note);
}

static void
post_note (GtkPrompter *self, GSourceFunc show, guint reader, const char *text, guint done,
           guint total, TkeMessageKind kind)
{
  Note *note = g_new0 (Note, 1);

  note->ui = g_atomic_rc_box_acquire (self->ui);
  note->text = g_strdup (text);
  note->reader = reader;
  note->done = done;
  note->total = total;
  note->kind = kind;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show, note, note_free);
}

static gboolean
show_pin_pad (gpointer data)
{
  Note *note = data;
  PrompterUi *ui = note->ui;
  g_autofree char *line
      = g_strdup_printf (_ ("PIN pad of reader %u: %s"), note->reader, note->text);

  /* In the log too: which card asked for its PIN, and when. */
  tke_window_log (ui->parent, line);
  ui_close_pin_dialog (ui);
  ui->pin_dialog = GTK_WIDGET (otk_pin_pad_dialog_new (
      GTK_WINDOW (ui->parent), note->reader, note->text, TKE_PIN_TIMEOUT_S, ui->cancellable));
  /* Not modal: the virtual deck's PIN pad is another window of this program. */
  gtk_window_set_modal (GTK_WINDOW (ui->pin_dialog), FALSE);
  gtk_widget_show (ui->pin_dialog);
  return G_SOURCE_REMOVE;
}

static gboolean
show_progress (gpointer data)
{
  Note *note = data;
  PrompterUi *ui = note->ui;
  g_autofree char *count = NULL;

  ui_close_pin_dialog (ui);
  if (ui->progress_dialog == NULL)
    {
      GtkWidget *bar = gtk_progress_bar_new ();

      ui->progress_dialog = ui_new_dialog (ui, ui->title);
      gtk_window_set_deletable (GTK_WINDOW (ui->progress_dialog), FALSE);
      ui->progress_label = dialog_add_label (ui->progress_dialog, "", _ ("Progress step"));
      gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
      otk_widget_set_accessible_name (bar, _ ("Progress"));
      gtk_container_add (
          GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (ui->progress_dialog))), bar);
      ui->progress_bar = GTK_PROGRESS_BAR (bar);
      gtk_window_set_default_size (GTK_WINDOW (ui->progress_dialog), 420, -1);
      gtk_widget_show_all (ui->progress_dialog);
    }
  gtk_label_set_text (ui->progress_label, note->text);
  if (note->total == 0)
    {
      gtk_progress_bar_pulse (ui->progress_bar);
      gtk_progress_bar_set_text (ui->progress_bar, NULL);
      return G_SOURCE_REMOVE;
    }
  gtk_progress_bar_set_fraction (ui->progress_bar, MIN (1.0, (double)note->done / note->total));
  count = g_strdup_printf (_ ("%u of %u"), note->done, note->total);
  gtk_progress_bar_set_text (ui->progress_bar, count);
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
  post_note ((GtkPrompter *)p, show_pin_pad, reader, what, 0, 0, TKE_MESSAGE_INFO);
}

static void
gtk_progress (TkePrompter *p, const char *what, guint done, guint total)
{
  post_note ((GtkPrompter *)p, show_progress, 0, what, done, total, TKE_MESSAGE_INFO);
}

static void
gtk_message (TkePrompter *p, TkeMessageKind kind, const char *text)
{
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
                      GCancellable *cancellable)
{
  GtkPrompter *self = g_new0 (GtkPrompter, 1);

  self->parent.vtable = &gtk_prompter_vtable;
  self->ui = g_atomic_rc_box_new0 (PrompterUi);
  self->ui->parent = g_object_ref (parent);
  self->ui->title = g_strdup (title);
  self->ui->warning = g_strdup (warning);
  self->ui->cancellable = g_object_ref (cancellable);
  self->ctx = ctx;
  self->cancellable = g_object_ref (cancellable);
  return &self->parent;
}
