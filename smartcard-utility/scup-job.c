/* scup-job.c: one menu action at a time.  The action's worker function runs on the card
 * queue; the shared PIN-pad prompt (OtkPinPrompt) opens and closes with each entry on a
 * reader's PIN pad, as libcard's hook reports them.  The outcome comes back to the main
 * thread. */
#include "scup.h"

#include <glib/gi18n.h>

ScupJob *
scup_job_new (ScupWindow *window, const char *title)
{
  ScupJob *job = g_new0 (ScupJob, 1);

  job->window = g_object_ref (window);
  job->title = g_strdup (title);
  job->cancellable = g_cancellable_new ();
  job->pin_prompt = otk_pin_prompt_new (GTK_WINDOW (window), scup_window_get_reader_status (window),
                                        job->cancellable);
  return job;
}

void
scup_job_free (ScupJob *job)
{
  if (job == NULL)
    return;
  g_clear_pointer (&job->pin_prompt, otk_pin_prompt_free);
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

/* ---- the reader status, updated by the worker -------------------------------------- */

typedef struct
{
  ScupWindow *window;
  int reader;
  OtkReaderInfo info;
} ReaderNote;

static gboolean
show_reader_note (gpointer data)
{
  ReaderNote *note = data;

  otk_reader_status_set (scup_window_get_reader_status (note->window), note->reader, &note->info);
  return G_SOURCE_REMOVE;
}

static void
reader_note_free (gpointer data)
{
  ReaderNote *note = data;

  g_object_unref (note->window);
  otk_reader_info_clear (&note->info);
  g_free (note);
}

void
scup_job_show_reader (ScupJob *job, CardReader *reader)
{
  ReaderNote *note;

  /* No window: the flows run without a display in test-scup-flows. */
  if (job->window == NULL || card_reader_get_role (reader) == 0)
    return;
  note = g_new0 (ReaderNote, 1);
  /* The job holds the window until its end, which comes after this note. */
  note->window = g_object_ref (job->window);
  note->reader = card_reader_get_role (reader);
  otk_reader_info_read (reader, &note->info);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_reader_note, note, reader_note_free);
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
      /* The status (and so the PIN-pad prompt's reader line) starts from what the readers
       * hold now: it is not re-read while the job holds the card queue. */
      for (int role = CARD_READER_1; role <= CARD_READER_2; role++)
        {
          CardReader *reader = card_context_get_reader (ctx, role, NULL);

          if (reader != NULL)
            scup_job_show_reader (job, reader);
        }
      otk_pin_prompt_attach (job->pin_prompt, ctx);
      ok = func (job, ctx, &error);
      otk_pin_prompt_detach (job->pin_prompt, ctx);
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
  /* The PIN-pad prompt follows libcard's hook (OtkPinPrompt, attached by the job). */
  ok = card_session_is_unlocked (session, NULL, NULL)
       || (is_ca ? card_ca_verify_pins (session, error) : card_ep11_verify_pin (session, error));
  /* The status area shows the card unlocked while the action goes on with it (read
   * through this session: only a card known unlocked, a probe would select it anew). */
  if (ok && card_reader_is_unlocked (reader, NULL, NULL))
    scup_job_show_reader (job, reader);
  return ok;
}
