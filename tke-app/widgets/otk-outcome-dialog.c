/* otk-outcome-dialog.c: how a step of tke or an action of scup ended, when the person
 * has to read it: the failure and its reason, or a result such as Compare's.  Not modal:
 * the main window stays usable, and the dialog goes with it. */
#include "otk-widgets.h"

#include <glib/gi18n-lib.h>

struct _OtkOutcomeDialog
{
  GtkDialog parent_instance;

  GtkImage *icon;
  GtkLabel *primary_label;
  GtkLabel *secondary_label;
};

G_DEFINE_TYPE (OtkOutcomeDialog, otk_outcome_dialog, GTK_TYPE_DIALOG)

static void
otk_outcome_dialog_response (GtkDialog *dialog, int response)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
otk_outcome_dialog_class_init (OtkOutcomeDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  GTK_DIALOG_CLASS (klass)->response = otk_outcome_dialog_response;
  /* A screen reader (and the tests) take it as a message, as a GtkMessageDialog. */
  gtk_widget_class_set_accessible_role (widget_class, ATK_ROLE_ALERT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/widgets/otk-outcome-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OtkOutcomeDialog, icon);
  gtk_widget_class_bind_template_child (widget_class, OtkOutcomeDialog, primary_label);
  gtk_widget_class_bind_template_child (widget_class, OtkOutcomeDialog, secondary_label);
}

static void
otk_outcome_dialog_init (OtkOutcomeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

OtkOutcomeDialog *
otk_outcome_dialog_show (GtkWindow *parent, const char *title, gboolean failed, const char *primary,
                         const char *secondary)
{
  OtkOutcomeDialog *self;

  otk_widgets_init ();
  self = g_object_new (OTK_TYPE_OUTCOME_DIALOG, "transient-for", parent, "use-header-bar", FALSE,
                       "title", title, NULL);
  gtk_image_set_from_icon_name (self->icon, failed ? "dialog-error" : "dialog-information",
                                GTK_ICON_SIZE_DIALOG);
  gtk_label_set_text (self->primary_label, primary);
  gtk_label_set_text (self->secondary_label, secondary != NULL ? secondary : "");
  gtk_widget_set_visible (GTK_WIDGET (self->secondary_label),
                          secondary != NULL && secondary[0] != '\0');
  /* The step's name says more than "Error". */
  otk_widget_set_accessible_name (GTK_WIDGET (self), title);
  gtk_widget_show (GTK_WIDGET (self));
  return self;
}
