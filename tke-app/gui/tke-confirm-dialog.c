/* tke-confirm-dialog.c: a confirmation of a step, Yes or No with No the default (Set
 * immediate: the seed's warning above the question). */
#include "tke.h"

struct _TkeConfirmDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading_label;
  GtkLabel *warning_label;
  GtkLabel *question_label;
  GtkWidget *no_button;
};

G_DEFINE_TYPE (TkeConfirmDialog, tke_confirm_dialog, GTK_TYPE_DIALOG)

static void
tke_confirm_dialog_class_init (TkeConfirmDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/tke/tke-confirm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TkeConfirmDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TkeConfirmDialog, warning_label);
  gtk_widget_class_bind_template_child (widget_class, TkeConfirmDialog, question_label);
  gtk_widget_class_bind_template_child (widget_class, TkeConfirmDialog, no_button);
}

static void
tke_confirm_dialog_init (TkeConfirmDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TkeConfirmDialog *
tke_confirm_dialog_new (GtkWindow *parent, const char *title, const char *warning,
                        const char *question)
{
  TkeConfirmDialog *self = g_object_new (TKE_TYPE_CONFIRM_DIALOG, "use-header-bar", FALSE, NULL);

  tke_dialog_set_step (GTK_WINDOW (self), self->heading_label, parent, title);
  gtk_label_set_text (self->warning_label, warning != NULL ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), warning != NULL);
  gtk_label_set_text (self->question_label, question);
  /* Enter alone never confirms what cannot be undone. */
  gtk_widget_grab_focus (self->no_button);
  return self;
}
