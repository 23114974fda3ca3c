/* scup-job.c: one menu action at a time.  The action's worker function runs on the card
 * queue; around each libcard call that waits for PIN-pad entries it asks the main
 * thread to show the PIN-pad prompt.  The outcome comes back to the main thread. */
#include "scup.h"

#include <glib/gi18n.h>

ScupJob *
scup_job_new (ScupWindow *window, const char *title)
{
  ScupJob *job = g_new0 (ScupJob, 1);

  job->window = g_object_ref (window);
  job->title = g_strdup (title);
  job->cancellable = g_cancellable_new ();
  job->pin_timeout_s = 60;
  return job;
}

void
scup_job_free (ScupJob *job)
{
  if (job == NULL)
    return;
  if (job->pin_dialog != NULL)
    gtk_widget_destroy (GTK_WIDGET (job->pin_dialog));
  g_clear_object (&job->window);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->file, g_bytes_unref);
  g_free (job->title);
  g_free (job->text1);
  g_free (job->text2);
  g_free (job->results);
  g_free (job->done_message);
  g_free (job);
}

/* ---- PIN-pad prompt, asked for by the worker ---------------------------------------- */

typedef struct
{
  ScupJob *job;
  int reader; /* 0: hide the prompt */
  char *what;
  guint restart_timeout_s; /* not 0: the PIN pad starts the next entry: count again */
} PromptRequest;

static void
prompt_request_free (gpointer data)
{
  PromptRequest *request = data;

  g_free (request->what);
  g_free (request);
}

static gboolean
apply_prompt_request (gpointer data)
{
  PromptRequest *request = data;
  ScupJob *job = request->job;

  if (request->restart_timeout_s != 0)
    {
      if (job->pin_dialog != NULL)
        otk_pin_pad_dialog_restart (job->pin_dialog, request->what, request->restart_timeout_s);
      return G_SOURCE_REMOVE;
    }
  /* The job outlives its prompts: it is freed after the worker returned, and this
   * source was queued before the worker's result. */
  if (job->pin_dialog != NULL)
    {
      gtk_widget_destroy (GTK_WIDGET (job->pin_dialog));
      job->pin_dialog = NULL;
    }
  if (request->reader != 0)
    {
      job->pin_dialog
          = otk_pin_pad_dialog_new (GTK_WINDOW (job->window), request->reader, request->what,
                                    job->pin_timeout_s, job->cancellable);
      /* Not modal: the virtual deck's PIN pad is another window of this program. */
      gtk_window_set_modal (GTK_WINDOW (job->pin_dialog), FALSE);
      gtk_widget_show (GTK_WIDGET (job->pin_dialog));
    }
  return G_SOURCE_REMOVE;
}

static void
queue_prompt_request (PromptRequest *request)
{
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_prompt_request, request,
                              prompt_request_free);
}

void
scup_job_pin_prompt_begin (ScupJob *job, CardReaderRole reader, const char *what)
{
  PromptRequest *request;
  CardReader *card_reader
      = job->ctx != NULL ? card_context_get_reader (job->ctx, reader, NULL) : NULL;

  /* A reader without PIN pad: the PIN is asked for on the keyboard (when allowed),
   * a PIN-pad prompt would mislead. */
  if (card_reader != NULL && !card_reader_has_pin_pad (card_reader))
    return;
  request = g_new0 (PromptRequest, 1);
  request->job = job;
  request->reader = reader;
  request->what = g_strdup (what);
  queue_prompt_request (request);
}

void
scup_job_pin_prompt_end (ScupJob *job)
{
  PromptRequest *request = g_new0 (PromptRequest, 1);

  request->job = job;
  queue_prompt_request (request);
}

/* libcard's hook: each PIN-pad entry restarts the prompt's countdown and says what to
 * type now (CA PIN 1, then PIN 2, ...). */
static void
on_pin_entry (CardReaderRole role, const char *what, guint timeout_s, gboolean begin,
              gpointer user_data)
{
  PromptRequest *request;

  if (!begin)
    return;
  request = g_new0 (PromptRequest, 1);
  request->job = user_data;
  request->reader = role;
  request->what = otk_pin_entry_describe (what);
  request->restart_timeout_s = MAX (timeout_s, 1);
  queue_prompt_request (request);
}

gboolean
scup_job_check_cancelled (ScupJob *job, GError **error)
{
  if (!g_cancellable_is_cancelled (job->cancellable))
    return TRUE;
  g_set_error (error, CARD_ERROR, CARD_ERROR_CANCELLED, _ ("Cancelled: %s was stopped."),
               job->title);
  return FALSE;
}

/* ---- running ------------------------------------------------------------------------ */

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ScupJob *job = task_data;
  ScupJobFunc func = g_object_get_data (G_OBJECT (task), "scup-job-func");
  ScupApplication *app = SCUP_APPLICATION (gtk_window_get_application (GTK_WINDOW (job->window)));
  GError *error = NULL;
  CardContext *ctx = scup_application_get_context (app, &error);

  gboolean ok = FALSE;

  if (ctx != NULL)
    {
      job->ctx = ctx;
      card_context_set_pin_prompt_func (ctx, on_pin_entry, job);
      ok = func (job, ctx, &error);
      card_context_set_pin_prompt_func (ctx, NULL, NULL);
      job->ctx = NULL;
    }
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = G_TASK (result);
  ScupJob *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (job->pin_dialog != NULL)
    {
      gtk_widget_destroy (GTK_WIDGET (job->pin_dialog));
      job->pin_dialog = NULL;
    }
  scup_window_set_busy (job->window, FALSE);
  if (!g_task_propagate_boolean (task, &error))
    {
      g_autofree char *line = g_strdup_printf (_ ("%s: failed. %s"), job->title, error->message);

      scup_window_show_status (job->window, line);
      otk_outcome_dialog_show (GTK_WINDOW (job->window), job->title, TRUE, job->title,
                               error->message);
    }
  else
    {
      if (job->results != NULL)
        scup_window_show_results (job->window, job->title, job->results);
      g_autofree char *line = g_strdup_printf (_ ("%s: done. %s"), job->title,
                                               job->done_message != NULL ? job->done_message : "");

      scup_window_show_status (job->window, line);
      if (job->on_success != NULL)
        job->on_success (job);
    }
  scup_window_refresh_readers (job->window);
  scup_job_free (job);
}

void
scup_job_run (ScupJob *job, ScupJobFunc func)
{
  ScupApplication *app = SCUP_APPLICATION (gtk_window_get_application (GTK_WINDOW (job->window)));
  g_autoptr (GTask) task = g_task_new (NULL, NULL, on_job_done, NULL);
  g_autofree char *line = g_strdup_printf (_ ("%s: working…"), job->title);

  /* Freed by on_job_done, on the main thread: it holds the window and the prompt. */
  g_task_set_task_data (task, job, NULL);
  g_object_set_data (G_OBJECT (task), "scup-job-func", func);
  scup_window_set_busy (job->window, TRUE);
  scup_window_show_status (job->window, line);
  otk_card_queue_run (scup_application_get_queue (app), task, job_thread);
}

/* ---- worker helpers shared by the actions ------------------------------------------- */

CardSession *
scup_open_card (CardContext *ctx, CardReaderRole role, CardApplet applet, GError **error)
{
  CardReader *reader = card_context_get_reader (ctx, role, error);
  GError *local = NULL;

  if (reader == NULL)
    return NULL;
  if (!card_reader_is_card_present (reader, &local))
    {
      if (local == NULL)
        g_set_error (&local, CARD_ERROR, CARD_ERROR_NO_CARD,
                     _ ("No smart card inserted in reader %d. Insert the card and try again."),
                     role);
      g_propagate_error (error, local);
      return NULL;
    }
  return card_session_open (reader, applet, error);
}

gboolean
scup_unlock_card (ScupJob *job, CardSession *session, GError **error)
{
  CardReader *reader = card_session_get_reader (session);
  gboolean is_ca = card_session_get_card_type (session) == CARD_TYPE_CA;
  gboolean ok;

  if (!scup_job_check_cancelled (job, error))
    return FALSE;
  if (card_session_is_unlocked (session, NULL, NULL))
    return TRUE;
  scup_job_pin_prompt_begin (job, card_reader_get_role (reader),
                             is_ca ? _ ("The first CA PIN, then the second CA PIN of the CA "
                                        "smart card.")
                                   : _ ("The PIN of the EP11 smart card."));
  ok = is_ca ? card_ca_verify_pins (session, error) : card_ep11_verify_pin (session, error);
  scup_job_pin_prompt_end (job);
  return ok;
}
