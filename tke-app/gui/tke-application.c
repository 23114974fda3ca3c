/* tke-application.c: the TKE application as a GtkApplication.  It owns the card queue
 * and the card context, which only the card queue's thread touches. */
#include "tke.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

struct _TkeApplication
{
  GtkApplication parent_instance;

  OtkWorkstationOptions options;
  GSettings *settings;          /* NULL when the schema is not installed; main thread */
  OtkWorkstationSettings saved; /* read at startup; the card queue thread applies them */
  OtkCardQueue *queue;
  CardContext *ctx; /* card queue thread only */
  guint sigterm_id, sigint_id;
};

G_DEFINE_TYPE (TkeApplication, tke_application, GTK_TYPE_APPLICATION)

/* SIGTERM (a session ending) and SIGINT (Ctrl+C in a terminal) quit as the main
 * window's close button does, also while a modal dialog (host PIN) holds the input: the
 * step waiting for an answer is cancelled, and the app ends. */
static gboolean
on_quit_signal (gpointer data)
{
  tke_application_quit (TKE_APPLICATION (data));
  return G_SOURCE_CONTINUE;
}

void
tke_application_quit (TkeApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (TKE_IS_WINDOW (l->data))
      tke_window_cancel_step (TKE_WINDOW (l->data));
  /* Gone from the screen at once: a card call that cannot be interrupted (a PIN pad
   * waiting for its entry) may hold the card queue until the reader's timeout. */
  for (GList *l = toplevels; l != NULL; l = l->next)
    gtk_widget_hide (GTK_WIDGET (l->data));
  g_application_quit (G_APPLICATION (self));
}

static void
tke_application_startup (GApplication *application)
{
  TkeApplication *self = TKE_APPLICATION (application);

  G_APPLICATION_CLASS (tke_application_parent_class)->startup (application);
  otk_widgets_init ();
  self->settings = otk_workstation_open_settings ();
  otk_workstation_settings_load (&self->saved, self->settings);
  self->queue = otk_card_queue_new ();
  self->sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, self);
  self->sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, self);
}

static void
tke_application_activate (GApplication *application)
{
  TkeApplication *self = TKE_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }
  window = GTK_WINDOW (tke_window_new (self));
  gtk_window_present (window);
  otk_workstation_present_deck (GTK_APPLICATION (application), window, &self->options);
}

static void
tke_application_shutdown (GApplication *application)
{
  TkeApplication *self = TKE_APPLICATION (application);

  /* Waits for the step in progress: its prompts were cancelled with the window, and a
   * PIN asked for on the keyboard is not waited for any more. */
  otk_host_pin_cancel_pending ();
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_pointer (&self->queue, otk_card_queue_free);
  g_clear_pointer (&self->ctx, card_context_free);
  g_clear_object (&self->settings);
  otk_workstation_settings_clear (&self->saved);
  G_APPLICATION_CLASS (tke_application_parent_class)->shutdown (application);
}

static void
tke_application_finalize (GObject *object)
{
  TkeApplication *self = TKE_APPLICATION (object);

  otk_workstation_options_clear (&self->options);
  G_OBJECT_CLASS (tke_application_parent_class)->finalize (object);
}

static void
tke_application_class_init (TkeApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tke_application_finalize;
  app_class->startup = tke_application_startup;
  app_class->activate = tke_application_activate;
  app_class->shutdown = tke_application_shutdown;
}

static void
tke_application_init (TkeApplication *self)
{
}

TkeApplication *
tke_application_new_for (const OtkWorkstationOptions *options)
{
  TkeApplication *self = g_object_new (TKE_TYPE_APPLICATION, "application-id", "org.opentke.Tke",
                                       "flags", G_APPLICATION_NON_UNIQUE, NULL);

  self->options = *options;
  self->options.deck_dir = g_strdup (options->deck_dir);
  return self;
}

OtkCardQueue *
tke_application_get_queue (TkeApplication *self)
{
  return self->queue;
}

CardContext *
tke_application_get_context (TkeApplication *self, GError **error)
{
  if (self->ctx != NULL)
    return self->ctx;
  self->ctx = otk_workstation_open_context (&self->options, error);
  if (self->ctx != NULL)
    tke_application_apply_settings (self, self->ctx);
  return self->ctx;
}

void
tke_application_apply_settings (TkeApplication *self, CardContext *ctx)
{
  card_context_set_pin_timeout (ctx, TKE_PIN_TIMEOUT_S);
  otk_workstation_apply_settings (ctx, &self->saved);
}
