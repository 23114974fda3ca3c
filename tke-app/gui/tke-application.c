/* tke-application.c: the TKE application as a GtkApplication.  It owns the card queue
 * and the card context, which only the card queue's thread touches. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeApplication
{
  GtkApplication parent_instance;

  char *deck_dir; /* NULL: real readers through pcscd */
  OtkCardQueue *queue;
  CardContext *ctx; /* card queue thread only */
};

G_DEFINE_TYPE (TkeApplication, tke_application, GTK_TYPE_APPLICATION)

static void
tke_application_startup (GApplication *application)
{
  TkeApplication *self = TKE_APPLICATION (application);

  G_APPLICATION_CLASS (tke_application_parent_class)->startup (application);
  otk_widgets_init ();
  self->queue = otk_card_queue_new ();
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
#ifdef OTK_HAVE_DECK_WINDOW
  if (self->deck_dir != NULL)
    {
      OtkDeckWindow *deck = otk_deck_window_new (GTK_APPLICATION (application),
                                                 self->deck_dir[0] ? self->deck_dir : NULL);
      int width = 0;

      /* Beside the main window, so that both can be used at once. */
      gtk_window_get_size (window, &width, NULL);
      gtk_window_move (GTK_WINDOW (deck), width + 16, 0);
      gtk_window_present (GTK_WINDOW (deck));
    }
#endif
}

static void
tke_application_shutdown (GApplication *application)
{
  TkeApplication *self = TKE_APPLICATION (application);

  /* Waits for the step in progress (its prompts were cancelled with the window). */
  g_clear_pointer (&self->queue, otk_card_queue_free);
  g_clear_pointer (&self->ctx, card_context_free);
  G_APPLICATION_CLASS (tke_application_parent_class)->shutdown (application);
}

static void
tke_application_finalize (GObject *object)
{
  TkeApplication *self = TKE_APPLICATION (object);

  g_free (self->deck_dir);
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
tke_application_new (const char *deck_dir)
{
  TkeApplication *self = g_object_new (TKE_TYPE_APPLICATION, "application-id", "org.opentke.Tke",
                                       "flags", G_APPLICATION_NON_UNIQUE, NULL);

  self->deck_dir = g_strdup (deck_dir);
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
  if (self->deck_dir != NULL)
    {
#ifdef OTK_HAVE_DECK_WINDOW
      self->ctx = card_context_new_virtual (self->deck_dir[0] ? self->deck_dir : NULL, error);
#else
      g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SERVICE,
                   _ ("This build of tke has no virtual card deck."));
#endif
    }
  else
    self->ctx = card_context_new_pcsc (error);
  if (self->ctx != NULL)
    card_context_set_pin_timeout (self->ctx, TKE_PIN_TIMEOUT_S);
  return self->ctx;
}
