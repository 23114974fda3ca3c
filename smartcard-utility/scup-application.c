/* scup-application.c: the Smart Card Utility Program as a GtkApplication.  It owns the
 * card context, which only the card queue's thread touches. */
#include "scup.h"

#include <glib/gi18n.h>

/* Seconds the PIN pad waits for each entry; the prompt counts them down. */
#define SCUP_PIN_TIMEOUT_S 60

struct _ScupApplication
{
  GtkApplication parent_instance;

  OtkWorkstationOptions options;
  OtkCardQueue *queue;
  CardContext *ctx;             /* card queue thread only */
  GSettings *settings;          /* NULL when the schema is not installed; main thread only */
  OtkWorkstationSettings saved; /* read at start-up, applied to the context */
};

G_DEFINE_TYPE (ScupApplication, scup_application, GTK_TYPE_APPLICATION)

static void
scup_application_startup (GApplication *application)
{
  ScupApplication *self = SCUP_APPLICATION (application);

  G_APPLICATION_CLASS (scup_application_parent_class)->startup (application);
  otk_widgets_init ();
  self->settings = otk_workstation_open_settings ();
  otk_workstation_settings_load (&self->saved, self->settings);
  self->queue = otk_card_queue_new ();
}

static void
scup_application_activate (GApplication *application)
{
  ScupApplication *self = SCUP_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }
  window = GTK_WINDOW (scup_window_new (self));
  gtk_window_present (window);
  otk_workstation_present_deck (GTK_APPLICATION (application), window, &self->options);
}

static void
scup_application_shutdown (GApplication *application)
{
  ScupApplication *self = SCUP_APPLICATION (application);

  /* Waits for the card call in progress: the card is left before or after it.  A PIN
   * asked for on the keyboard is not waited for any more. */
  otk_host_pin_cancel_pending ();
  g_clear_pointer (&self->queue, otk_card_queue_free);
  g_clear_pointer (&self->ctx, card_context_free);
  G_APPLICATION_CLASS (scup_application_parent_class)->shutdown (application);
}

static void
scup_application_finalize (GObject *object)
{
  ScupApplication *self = SCUP_APPLICATION (object);

  g_clear_object (&self->settings);
  otk_workstation_settings_clear (&self->saved);
  otk_workstation_options_clear (&self->options);
  G_OBJECT_CLASS (scup_application_parent_class)->finalize (object);
}

static void
scup_application_class_init (ScupApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = scup_application_finalize;
  app_class->startup = scup_application_startup;
  app_class->activate = scup_application_activate;
  app_class->shutdown = scup_application_shutdown;
}

static void
scup_application_init (ScupApplication *self)
{
}

ScupApplication *
scup_application_new (const OtkWorkstationOptions *options)
{
  ScupApplication *self = g_object_new (SCUP_TYPE_APPLICATION, "application-id", "org.opentke.Scup",
                                        "flags", G_APPLICATION_NON_UNIQUE, NULL);

  self->options = *options;
  self->options.deck_dir = g_strdup (options->deck_dir);
  return self;
}

OtkCardQueue *
scup_application_get_queue (ScupApplication *self)
{
  return self->queue;
}

CardContext *
scup_application_get_context (ScupApplication *self, GError **error)
{
  if (self->ctx != NULL)
    return self->ctx;
  self->ctx = otk_workstation_open_context (&self->options, error);
  if (self->ctx != NULL)
    {
      card_context_set_pin_timeout (self->ctx, SCUP_PIN_TIMEOUT_S);
      otk_workstation_apply_settings (self->ctx, &self->saved);
    }
  return self->ctx;
}

void
scup_application_set_reader_roles (ScupApplication *self, const char *reader1, const char *reader2)
{
  card_context_set_reader_match (self->ctx, CARD_READER_1, reader1);
  card_context_set_reader_match (self->ctx, CARD_READER_2, reader2);
}

void
scup_application_save_reader_roles (ScupApplication *self, const char *reader1, const char *reader2)
{
  if (self->settings == NULL)
    return;
  g_settings_set_string (self->settings, "reader1", reader1);
  g_settings_set_string (self->settings, "reader2", reader2);
}
