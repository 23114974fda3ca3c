/* tke-card-dialog.c: "Insert an EP11 smart card into reader N." (or remove it).  The
 * step goes on by itself when the reader sees the change; meanwhile the dialog shows
 * what the reader holds now, as the prompter reads it. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeCardDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading_label;
  GtkLabel *request_label;
  GtkLabel *reader_state_label;
  GtkLabel *hint_label;
  GtkWidget *continue_button;
};

G_DEFINE_TYPE (TkeCardDialog, tke_card_dialog, GTK_TYPE_DIALOG)

static void
tke_card_dialog_class_init (TkeCardDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/opentke/tke/tke-card-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, request_label);
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, reader_state_label);
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, TkeCardDialog, continue_button);
}

static void
tke_card_dialog_init (TkeCardDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* One sentence: "Insert an EP11 smart card into reader 2." (the core names the card). */
static char *
describe_request (guint reader, gboolean insert, const char *what)
{
  if (what == NULL || what[0] == '\0')
    return insert ? g_strdup_printf (_ ("Insert the smart card into reader %u."), reader)
                  : g_strdup_printf (_ ("Remove the smart card from reader %u."), reader);
  return insert ? g_strdup_printf (_ ("Insert %s into reader %u."), what, reader)
                : g_strdup_printf (_ ("Remove %s from reader %u."), what, reader);
}

TkeCardDialog *
tke_card_dialog_new (GtkWindow *parent, const char *title, guint reader, gboolean insert,
                     const char *what, gboolean watched)
{
  TkeCardDialog *self = g_object_new (TKE_TYPE_CARD_DIALOG, "use-header-bar", FALSE, NULL);
  g_autofree char *request = describe_request (reader, insert, what);
  g_autofree char *hint = NULL;

  tke_dialog_set_step (GTK_WINDOW (self), self->heading_label, parent, title);
  gtk_label_set_text (self->request_label, request);
  /* Continue is for a reader tke cannot watch (no card context): the person says when
   * the card is in.  A watched reader makes the step go on by itself. */
  if (watched)
    hint = insert ? g_strdup_printf (_ ("The step goes on by itself when the card is in reader "
                                        "%u."),
                                     reader)
                  : g_strdup_printf (_ ("The step goes on by itself when reader %u is empty."),
                                     reader);
  else
    hint = g_strdup (
        _ ("The reader cannot be watched from here: press Continue when you have done so."));
  gtk_label_set_text (self->hint_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->continue_button), !watched);
  return self;
}

void
tke_card_dialog_set_reader_state (TkeCardDialog *self, const char *state)
{
  gtk_label_set_text (self->reader_state_label, state);
}
