/* tke-card-dialog.c: "Insert the smart card into reader N" (or remove it).  The step
 * goes on by itself when the reader sees the change; meanwhile the dialog shows what
 * the reader holds now, as the prompter reads it. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeCardDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading_label;
  GtkLabel *request_label;
  GtkLabel *which_label;
  GtkLabel *reader_state_label;
};

G_DEFINE_TYPE (TkeCardDialog, tke_card_dialog, GTK_TYPE_DIALOG)

static void
tke_card_dialog_class_init (TkeCardDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/opentke/tke/tke-card-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, request_label);
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, which_label);
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, reader_state_label);
}

static void
tke_card_dialog_init (TkeCardDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TkeCardDialog *
tke_card_dialog_new (GtkWindow *parent, const char *title, guint reader, gboolean insert,
                     const char *what)
{
  TkeCardDialog *self = g_object_new (TKE_TYPE_CARD_DIALOG, "use-header-bar", FALSE, NULL);
  g_autofree char *request
      = insert ? g_strdup_printf (_ ("Insert the smart card into reader %u."), reader)
               : g_strdup_printf (_ ("Remove the smart card from reader %u."), reader);

  tke_dialog_set_step (GTK_WINDOW (self), self->heading_label, parent, title);
  gtk_label_set_text (self->request_label, request);
  gtk_label_set_text (self->which_label, what != NULL ? what : "");
  gtk_widget_set_visible (GTK_WIDGET (self->which_label), what != NULL && what[0] != '\0');
  return self;
}

void
tke_card_dialog_set_reader_state (TkeCardDialog *self, const char *state)
{
  gtk_label_set_text (self->reader_state_label, state);
}
