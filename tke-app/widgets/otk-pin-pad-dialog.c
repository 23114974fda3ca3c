/* otk-pin-pad-dialog.c: "Enter the PIN on the PIN pad of reader N".  The card call waits
 * on a worker thread while this dialog counts the PIN pad's timeout down; Cancel cancels
 * the call's GCancellable. */
#include "otk-widgets.h"

#include <glib/gi18n-lib.h>

struct _OtkPinPadDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading_label;
  GtkLabel *purpose_label;
  GtkLabel *what_label;
  GtkLabel *timeout_label;
  GtkLabel *reader_state_label;
  GtkProgressBar *time_bar;

  GCancellable *cancellable;
  gint64 deadline_us;
  guint timeout_s;
  guint tick_id;
};

G_DEFINE_TYPE (OtkPinPadDialog, otk_pin_pad_dialog, GTK_TYPE_DIALOG)

static void
show_time_left (OtkPinPadDialog *self)
{
  gint64 left_us = MAX (self->deadline_us - g_get_monotonic_time (), 0);
  guint left_s = (guint)((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  g_autofree char *text = NULL;

  text = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u second left", "%u seconds left", left_s), left_s);
  gtk_progress_bar_set_text (self->time_bar, text);
  gtk_progress_bar_set_fraction (
      self->time_bar,
      self->timeout_s ? (double)left_us / ((double)self->timeout_s * G_USEC_PER_SEC) : 0.0);
}

static gboolean
on_tick (gpointer data)
{
  show_time_left (OTK_PIN_PAD_DIALOG (data));
  return G_SOURCE_CONTINUE;
}

static void
otk_pin_pad_dialog_response (GtkDialog *dialog, int response)
{
  OtkPinPadDialog *self = OTK_PIN_PAD_DIALOG (dialog);

  if (response != GTK_RESPONSE_CANCEL)
    return;
  /* The PIN pad itself waits until its Cancel key or its timeout: say so. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_label_set_text (self->what_label,
                      _ ("Stopping after this entry: press Cancel on the PIN pad, or wait for "
                         "its timeout."));
  gtk_widget_set_sensitive (gtk_dialog_get_widget_for_response (dialog, GTK_RESPONSE_CANCEL),
                            FALSE);
}

static void
otk_pin_pad_dialog_dispose (GObject *object)
{
  OtkPinPadDialog *self = OTK_PIN_PAD_DIALOG (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (otk_pin_pad_dialog_parent_class)->dispose (object);
}

static void
otk_pin_pad_dialog_class_init (OtkPinPadDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = otk_pin_pad_dialog_dispose;
  GTK_DIALOG_CLASS (klass)->response = otk_pin_pad_dialog_response;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/widgets/otk-pin-pad-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OtkPinPadDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, OtkPinPadDialog, purpose_label);
  gtk_widget_class_bind_template_child (widget_class, OtkPinPadDialog, what_label);
  gtk_widget_class_bind_template_child (widget_class, OtkPinPadDialog, timeout_label);
  gtk_widget_class_bind_template_child (widget_class, OtkPinPadDialog, reader_state_label);
  gtk_widget_class_bind_template_child (widget_class, OtkPinPadDialog, time_bar);
}

static void
otk_pin_pad_dialog_init (OtkPinPadDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
otk_pin_pad_dialog_restart (OtkPinPadDialog *self, const char *what, guint timeout_s)
{
  g_autofree char *timeout = NULL;

  g_return_if_fail (OTK_IS_PIN_PAD_DIALOG (self));

  timeout = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "The PIN pad waits %u second for this entry.",
                   "The PIN pad waits %u seconds for this entry.", timeout_s),
      timeout_s);
  gtk_label_set_text (self->what_label, what != NULL ? what : "");
  gtk_label_set_text (self->timeout_label, timeout);
  self->timeout_s = timeout_s;
  self->deadline_us = g_get_monotonic_time () + (gint64)timeout_s * G_USEC_PER_SEC;
  show_time_left (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (250, on_tick, self);
}

OtkPinPadDialog *
otk_pin_pad_dialog_new (GtkWindow *parent, int reader, const char *what, guint timeout_s,
                        GCancellable *cancellable)
{
  OtkPinPadDialog *self;
  g_autofree char *heading = NULL;

  otk_widgets_init ();
  self = g_object_new (OTK_TYPE_PIN_PAD_DIALOG, "transient-for", parent, "use-header-bar", FALSE,
                       NULL);
  heading = g_strdup_printf (_ ("Enter the PIN on the PIN pad of reader %d"), reader);
  gtk_label_set_text (self->heading_label, heading);
  otk_widget_set_accessible_name (GTK_WIDGET (self->heading_label), heading);
  gtk_window_set_title (GTK_WINDOW (self), heading);
  if (cancellable != NULL)
    self->cancellable = g_object_ref (cancellable);
  otk_pin_pad_dialog_restart (self, what, timeout_s);
  return self;
}

void
otk_pin_pad_dialog_set_reader_state (OtkPinPadDialog *self, const char *state)
{
  g_return_if_fail (OTK_IS_PIN_PAD_DIALOG (self));

  gtk_label_set_text (self->reader_state_label, state != NULL ? state : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reader_state_label), state != NULL);
}

void
otk_pin_pad_dialog_set_purpose (OtkPinPadDialog *self, const char *purpose)
{
  g_return_if_fail (OTK_IS_PIN_PAD_DIALOG (self));

  gtk_label_set_text (self->purpose_label, purpose != NULL ? purpose : "");
  gtk_widget_set_visible (GTK_WIDGET (self->purpose_label), purpose != NULL && purpose[0] != '\0');
}
