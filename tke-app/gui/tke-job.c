/* tke-job.c: one ceremony step at a time.  The step runs on the card queue with a
 * fresh workstation, ceremony and GTK prompter, as one tkectl verb does; afterwards the
 * worker reads the tables again, and the main thread shows them and, when the step
 * failed, a dialog with the core's message. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeJob
{
  TkeWindow *window;
  TkeApplication *app;
  char *title;
  char *warning;
  TkeStepFunc step;
  gpointer data;
  GDestroyNotify data_free;
  gboolean use_cards;
  GCancellable *cancellable;
  OtkPinPrompt *pin_prompt; /* follows libcard's PIN-pad entries on the core's cards */
  char *result;             /* from the step: shown when it ends */
  char *card_text;          /* from the step: for the Smart card tab */
  TkeSnapshot *snapshot;    /* read after the step */
};

static void
job_free (gpointer data)
{
  TkeJob *job = data;

  if (job->data_free != NULL)
    job->data_free (job->data);
  g_clear_object (&job->window);
  g_clear_object (&job->app);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->pin_prompt, otk_pin_prompt_free);
  g_free (job->title);
  g_free (job->warning);
  g_free (job->result);
  g_free (job->card_text);
  tke_snapshot_free (job->snapshot);
  g_free (job);
}

void
tke_job_set_result (TkeJob *job, const char *text)
{
  g_free (job->result);
  job->result = g_strdup (text);
}

void
tke_job_set_card_text (TkeJob *job, const char *text)
{
  g_free (job->card_text);
  job->card_text = g_strdup (text);
}

gboolean
tke_job_uses_cards (TkeJob *job)
{
  return job->use_cards;
}

CardContext *
tke_job_get_context (TkeJob *job, GError **error)
{
  return tke_application_get_context (job->app, error);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TkeJob *job = task_data;
  GError *error = NULL;
  g_autoptr (TkeWorkstation) ws = NULL;
  g_autoptr (TkePrompter) prompter = NULL;
  g_autoptr (TkeCeremony) ceremony = NULL;
  /* Without a reader the key file steps still work; the card prompts then wait for
   * the user's Continue instead of watching the reader. */
  CardContext *ctx = tke_application_get_context (job->app, NULL);
  CardContext *cards = NULL;
  gboolean ok = FALSE;

  prompter = tke_gtk_prompter_new (job->window, job->title, job->warning, ctx, job->pin_prompt,
                                   job->cancellable);
  ws = tke_workstation_open (NULL, &error);
  if (ws != NULL)
    ceremony = tke_ceremony_new (ws, prompter, &error);
  if (ceremony != NULL && ctx != NULL)
    {
      /* The core opens its own card context: the same settings apply to it, and the
       * PIN-pad prompt follows each entry on its readers. */
      cards = tke_ceremony_cards (ceremony, NULL);
      if (cards != NULL)
        {
          tke_application_apply_settings (job->app, cards);
          otk_pin_prompt_attach (job->pin_prompt, cards);
          tke_gtk_prompter_use_cards (prompter, cards);
        }
    }
  if (ceremony != NULL)
    {
      tke_ceremony_set_sign_with_cards (ceremony, job->use_cards);
      ok = job->step == NULL || job->step (job, ceremony, job->data, &error);
      if (cards != NULL)
        {
          otk_pin_prompt_detach (job->pin_prompt, cards);
          tke_gtk_prompter_use_cards (prompter, ctx); /* @cards goes with the ceremony */
        }
      job->snapshot = tke_snapshot_read (ceremony);
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TkeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  g_autofree char *line = NULL;

  tke_window_end_step (job->window);
  if (job->snapshot != NULL)
    tke_window_show_snapshot (job->window, job->snapshot);
  tke_window_refresh_readers (job->window);
  if (ok)
    {
      if (job->card_text != NULL)
        tke_window_set_card_text (job->window, job->card_text);
      line = g_strdup_printf (_ ("%s: done."), job->title);
      tke_window_log (job->window, line);
      if (job->result != NULL)
        {
          tke_window_log (job->window, job->result);
          otk_outcome_dialog_show (GTK_WINDOW (job->window), job->title, FALSE, job->title,
                                   job->result);
        }
      return;
    }
  line = g_strdup_printf (_ ("%s: %s"), job->title, error->message);
  tke_window_log (job->window, line);
  /* "No" to a confirmation or Cancel in a prompt is the user's choice, not a failure. */
  if (g_error_matches (error, TKE_ERROR, TKE_ERROR_CANCELLED))
    return;
  {
    g_autofree char *primary = g_strdup_printf (_ ("%s did not complete."), job->title);

    otk_outcome_dialog_show (GTK_WINDOW (job->window), job->title, TRUE, primary, error->message);
  }
}

void
tke_job_run (TkeWindow *window, const char *title, TkeStepFunc step, gpointer data,
             GDestroyNotify data_free)
{
  tke_job_run_with_warning (window, title, NULL, step, data, data_free);
}

void
tke_job_run_with_warning (TkeWindow *window, const char *title, const char *warning,
                          TkeStepFunc step, gpointer data, GDestroyNotify data_free)
{
  TkeApplication *app = TKE_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  TkeJob *job;
  g_autoptr (GTask) task = NULL;

  if (tke_window_is_busy (window))
    {
      if (data_free != NULL)
        data_free (data);
      return;
    }
  job = g_new0 (TkeJob, 1);
  job->window = g_object_ref (window);
  job->app = g_object_ref (app);
  job->title = g_strdup (title);
  job->warning = g_strdup (warning);
  job->step = step;
  job->data = data;
  job->data_free = data_free;
  job->use_cards = tke_window_get_use_cards (window);
  job->cancellable = g_object_ref (tke_window_begin_step (window, title));
  job->pin_prompt = otk_pin_prompt_new (GTK_WINDOW (window), tke_window_get_reader_status (window),
                                        job->cancellable);
  task = g_task_new (window, NULL, on_job_done, NULL);
  g_task_set_task_data (task, job, job_free);
  otk_card_queue_run (tke_application_get_queue (app), task, job_thread);
}
