/* tke-question-dialog.c: a question of a step answered with a text (a name) or a
 * password (a key file's), with Cancel and OK. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeQuestionDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading_label;
  GtkLabel *question_label;
  GtkEntry *answer_entry;
};

G_DEFINE_TYPE (TkeQuestionDialog, tke_question_dialog, GTK_TYPE_DIALOG)

static void
tke_question_dialog_class_init (TkeQuestionDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/tke/tke-question-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TkeQuestionDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TkeQuestionDialog, question_label);
  gtk_widget_class_bind_template_child (widget_class, TkeQuestionDialog, answer_entry);
}

static void
tke_question_dialog_init (TkeQuestionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TkeQuestionDialog *
tke_question_dialog_new (GtkWindow *parent, const char *title, const char *question,
                         gboolean secret)
{
  TkeQuestionDialog *self = g_object_new (TKE_TYPE_QUESTION_DIALOG, "use-header-bar", FALSE, NULL);

  tke_dialog_set_step (GTK_WINDOW (self), self->heading_label, parent, title);
  gtk_label_set_text (self->question_label, question);
  gtk_entry_set_visibility (self->answer_entry, !secret);
  if (secret)
    gtk_entry_set_input_purpose (self->answer_entry, GTK_INPUT_PURPOSE_PASSWORD);
  otk_widget_set_accessible_name (GTK_WIDGET (self->answer_entry),
                                  secret ? _ ("Password") : _ ("Answer"));
  gtk_widget_grab_focus (GTK_WIDGET (self->answer_entry));
  return self;
}

char *
tke_question_dialog_take_answer (TkeQuestionDialog *self)
{
  char *answer = g_strdup (gtk_entry_get_text (self->answer_entry));

  /* GtkEntryBuffer wipes the characters it deletes: GTK's copy of a secret goes now. */
  gtk_editable_delete_text (GTK_EDITABLE (self->answer_entry), 0, -1);
  return answer;
}
