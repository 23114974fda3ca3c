/* otk-host-pin.c: PIN entry on this computer's keyboard, for readers without a PIN pad,
 * when the user allowed it (allow-host-pin-entry).  libcard asks on the card queue's
 * thread; the dialog lives on the main thread, so the request is handed over and waited
 * for. */
#include "opentke-common.h"
#include "otk-widgets.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done;
  const char *reader_name;
  const char *prompt;
  OtkSecretStr *pin; /* NULL when cancelled */
} HostPinRequest;

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

static void
finish (HostPinRequest *request)
{
  g_mutex_lock (&request->lock);
  request->done = TRUE;
  g_cond_signal (&request->cond);
  g_mutex_unlock (&request->lock);
}

static void
on_response (GtkDialog *dialog, int response, gpointer user_data)
{
  HostPinRequest *request = user_data;
  GtkEntry *entry = g_object_get_data (G_OBJECT (dialog), "otk-pin-entry");

  if (response == GTK_RESPONSE_OK)
    request->pin = g_strdup (gtk_entry_get_text (entry));
  /* GtkEntryBuffer wipes the characters it deletes. */
  gtk_editable_delete_text (GTK_EDITABLE (entry), 0, -1);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_destroy (GtkWidget *dialog, gpointer user_data)
{
  finish (user_data);
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
  GtkWidget *dialog = gtk_dialog_new_with_buttons (
      title, active_window (), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, _ ("_Cancel"),
      GTK_RESPONSE_CANCEL, _ ("_OK"), GTK_RESPONSE_OK, NULL);
  GtkWidget *box = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  GtkWidget *warning = gtk_label_new (
      _ ("Warning: this reader has no PIN pad. The PIN is typed on this computer's keyboard, "
         "not on a PIN pad, and passes through this computer."));
  GtkWidget *label = gtk_label_new (describe_prompt (request->prompt));
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_line_wrap (GTK_LABEL (warning), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (warning), 50);
  otk_widget_set_accessible_name (warning, _ ("Host PIN entry warning"));
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PIN);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  otk_widget_set_accessible_name (entry, _ ("PIN"));
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  gtk_container_set_border_width (GTK_CONTAINER (box), 12);
  gtk_box_set_spacing (GTK_BOX (box), 12);
  gtk_container_add (GTK_CONTAINER (box), warning);
  gtk_container_add (GTK_CONTAINER (box), label);
  gtk_container_add (GTK_CONTAINER (box), entry);
  g_object_set_data (G_OBJECT (dialog), "otk-pin-entry", entry);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), request);
  g_signal_connect (dialog, "destroy", G_CALLBACK (on_destroy), request);
  gtk_widget_show_all (dialog);
  gtk_widget_grab_focus (entry);
  return G_SOURCE_REMOVE;
}

char *
otk_host_pin_ask (const char *reader_name, const char *prompt, gpointer user_data)
{
  HostPinRequest request = { .reader_name = reader_name, .prompt = prompt };

  /* The main loop must stay free to run the dialog. */
  g_return_val_if_fail (!g_main_context_is_owner (g_main_context_default ()), NULL);
  g_mutex_init (&request.lock);
  g_cond_init (&request.cond);
  g_main_context_invoke (NULL, show_dialog, &request);
  g_mutex_lock (&request.lock);
  while (!request.done)
    g_cond_wait (&request.cond, &request.lock);
  g_mutex_unlock (&request.lock);
  g_mutex_clear (&request.lock);
  g_cond_clear (&request.cond);
  return request.pin;
}
