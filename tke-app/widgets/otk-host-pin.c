/* otk-host-pin.c: PIN entry on this computer's keyboard, for readers without a PIN pad,
 * when the user allowed it (allow-host-pin-entry).  libcard asks on the card queue's
 * thread; the dialog lives on the main thread, so the request is handed over and waited
 * for.  otk_host_pin_cancel_pending() lets a quitting app end the wait. */
#include "opentke-common.h"
#include "otk-widgets.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* ---- the dialog ----------------------------------------------------------------------- */

#define OTK_TYPE_HOST_PIN_DIALOG (otk_host_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtkHostPinDialog, otk_host_pin_dialog, OTK, HOST_PIN_DIALOG, GtkDialog)

struct _OtkHostPinDialog
{
  GtkDialog parent_instance;

  GtkLabel *prompt_label;
  GtkEntry *pin_entry;
};

G_DEFINE_TYPE (OtkHostPinDialog, otk_host_pin_dialog, GTK_TYPE_DIALOG)

static void
otk_host_pin_dialog_class_init (OtkHostPinDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/widgets/otk-host-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OtkHostPinDialog, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, OtkHostPinDialog, pin_entry);
}

static void
otk_host_pin_dialog_init (OtkHostPinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* libcard's prompts, in the user's words. */
static const char *
describe_prompt (const char *prompt)
{
  if (g_strcmp0 (prompt, "current PIN") == 0)
    return _ ("Type the current PIN of the card.");
  if (g_strcmp0 (prompt, "new PIN") == 0)
    return _ ("Type the new PIN of the card.");
  if (g_strcmp0 (prompt, "new PIN again") == 0)
    return _ ("Type the new PIN again.");
  return _ ("Type the PIN of the card.");
}

/* ---- one request, shared by the worker and the main thread ---------------------------- */

typedef struct
{
  gboolean done; /* under requests_lock */
  char *reader_name;
  char *prompt;
  OtkSecretStr *pin; /* under requests_lock; NULL when cancelled */
} HostPinRequest;

/* Every request still waiting, so that a quitting app can end them. */
static GMutex requests_lock;
static GCond requests_cond;
static GSList *pending;

static void
request_clear (gpointer data)
{
  HostPinRequest *request = data;

  otk_secret_str_free (request->pin);
  g_free (request->reader_name);
  g_free (request->prompt);
}

static void
request_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, request_clear);
}

static void
request_release_closure (gpointer data, GClosure *closure)
{
  request_release (data);
}

/* Ends @request with @pin (taken; NULL: cancelled) unless it has ended already. */
static void
request_finish (HostPinRequest *request, OtkSecretStr *pin)
{
  g_mutex_lock (&requests_lock);
  if (!request->done)
    {
      request->done = TRUE;
      request->pin = g_steal_pointer (&pin);
      pending = g_slist_remove (pending, request);
      g_cond_broadcast (&requests_cond);
    }
  g_mutex_unlock (&requests_lock);
  otk_secret_str_free (pin);
}

static void
on_response (GtkDialog *dialog, int response, gpointer user_data)
{
  OtkHostPinDialog *self = OTK_HOST_PIN_DIALOG (dialog);

  if (response == GTK_RESPONSE_OK)
    request_finish (user_data, g_strdup (gtk_entry_get_text (self->pin_entry)));
  /* GtkEntryBuffer wipes the characters it deletes. */
  gtk_editable_delete_text (GTK_EDITABLE (self->pin_entry), 0, -1);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_destroy (GtkWidget *dialog, gpointer user_data)
{
  request_finish (user_data, NULL);
}

static GtkWindow *
active_window (void)
{
  GApplication *app = g_application_get_default ();

  return GTK_IS_APPLICATION (app) ? gtk_application_get_active_window (GTK_APPLICATION (app))
                                  : NULL;
}

static gboolean
show_dialog (gpointer user_data)
{
  HostPinRequest *request = user_data;
  g_autofree char *title
      = g_strdup_printf (_ ("Enter the PIN on the keyboard (reader %s)"), request->reader_name);
  GtkWindow *parent = active_window ();
  OtkHostPinDialog *dialog;

  /* Quitting: nobody could answer, and nothing would close a dialog without parent. */
  if (parent == NULL)
    {
      request_finish (request, NULL);
      return G_SOURCE_REMOVE;
    }
  dialog = g_object_new (OTK_TYPE_HOST_PIN_DIALOG, "transient-for", parent, "title", title,
                         "use-header-bar", FALSE, NULL);
  gtk_label_set_text (dialog->prompt_label, describe_prompt (request->prompt));
  /* The dialog holds a reference: it may outlive the worker's wait. */
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response),
                         g_atomic_rc_box_acquire (request), request_release_closure, 0);
  g_signal_connect_data (dialog, "destroy", G_CALLBACK (on_destroy),
                         g_atomic_rc_box_acquire (request), request_release_closure, 0);
  gtk_widget_show (GTK_WIDGET (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (dialog->pin_entry));
  return G_SOURCE_REMOVE;
}

char *
otk_host_pin_ask (const char *reader_name, const char *prompt, gpointer user_data)
{
  HostPinRequest *request;
  char *pin;

  /* The main loop must stay free to run the dialog. */
  g_return_val_if_fail (!g_main_context_is_owner (g_main_context_default ()), NULL);
  otk_widgets_init ();
  request = g_atomic_rc_box_new0 (HostPinRequest);
  request->reader_name = g_strdup (reader_name);
  request->prompt = g_strdup (prompt);
  g_mutex_lock (&requests_lock);
  pending = g_slist_prepend (pending, request);
  g_mutex_unlock (&requests_lock);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_dialog,
                              g_atomic_rc_box_acquire (request), request_release);
  g_mutex_lock (&requests_lock);
  while (!request->done)
    g_cond_wait (&requests_cond, &requests_lock);
  pin = g_steal_pointer (&request->pin);
  g_mutex_unlock (&requests_lock);
  request_release (request);
  return pin;
}

void
otk_host_pin_cancel_pending (void)
{
  g_mutex_lock (&requests_lock);
  for (GSList *l = pending; l != NULL; l = l->next)
    ((HostPinRequest *)l->data)->done = TRUE;
  g_clear_pointer (&pending, g_slist_free);
  g_cond_broadcast (&requests_cond);
  g_mutex_unlock (&requests_lock);
}
