/* scup-form-dialog.c: the inputs of an action (descriptions, a certificate file) before
 * anything is sent to a card. */
#include "scup.h"

#include <glib/gi18n.h>

struct _ScupFormDialog
{
  GtkDialog parent_instance;

  GtkLabel *explanation_label;
  GtkLabel *label1, *label2, *label3;
  GtkEntry *entry1, *entry2, *entry3;
  GtkWidget *file_box;
  GtkButton *browse_button;
  GtkButton *ok_button;
};

G_DEFINE_TYPE (ScupFormDialog, scup_form_dialog, GTK_TYPE_DIALOG)

static void
on_browse_clicked (GtkButton *button, ScupFormDialog *self)
{
  g_autoptr (GtkFileChooserNative) chooser = gtk_file_chooser_native_new (
      _ ("Choose a certificate file"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL);

  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));

      gtk_entry_set_text (self->entry3, path != NULL ? path : "");
    }
}

static void
scup_form_dialog_class_init (ScupFormDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/scup/scup-form-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, label1);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, label2);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, label3);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, entry1);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, entry2);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, entry3);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, file_box);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, browse_button);
  gtk_widget_class_bind_template_child (widget_class, ScupFormDialog, ok_button);
}

static void
scup_form_dialog_init (ScupFormDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->browse_button, "clicked", G_CALLBACK (on_browse_clicked), self);
}

/* Shows the field with its label (also its accessible name), or hides both. */
static void
set_field (GtkLabel *label, GtkWidget *field, GtkEntry *entry, const char *text)
{
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
  gtk_widget_set_visible (field, text != NULL);
  if (text == NULL)
    return;
  gtk_label_set_text_with_mnemonic (label, text);
  gtk_label_set_mnemonic_widget (label, GTK_WIDGET (entry));
  otk_widget_set_accessible_name (GTK_WIDGET (entry), gtk_label_get_text (label));
}

ScupFormDialog *
scup_form_dialog_new (GtkWindow *parent, const char *title, const char *explanation,
                      const char *text1_label, const char *text2_label, const char *file_label,
                      const char *ok_label)
{
  ScupFormDialog *self = g_object_new (SCUP_TYPE_FORM_DIALOG, "transient-for", parent,
                                       "use-header-bar", FALSE, "title", title, NULL);

  gtk_label_set_text (self->explanation_label, explanation);
  set_field (self->label1, GTK_WIDGET (self->entry1), self->entry1, text1_label);
  set_field (self->label2, GTK_WIDGET (self->entry2), self->entry2, text2_label);
  set_field (self->label3, self->file_box, self->entry3, file_label);
  if (file_label != NULL)
    {
      g_autofree char *name = g_strdup_printf (_ ("Choose %s"), gtk_label_get_text (self->label3));

      otk_widget_set_accessible_name (GTK_WIDGET (self->browse_button), name);
    }
  gtk_button_set_label (self->ok_button, ok_label);
  gtk_widget_grab_default (GTK_WIDGET (self->ok_button));
  return self;
}

const char *
scup_form_dialog_get_text1 (ScupFormDialog *self)
{
  return gtk_entry_get_text (self->entry1);
}

const char *
scup_form_dialog_get_text2 (ScupFormDialog *self)
{
  return gtk_entry_get_text (self->entry2);
}

char *
scup_form_dialog_get_file (ScupFormDialog *self)
{
  const char *path = gtk_entry_get_text (self->entry3);

  return path[0] != '\0' ? g_strdup (path) : NULL;
}

void
scup_form_dialog_set_max_length (ScupFormDialog *self, int max_length)
{
  gtk_entry_set_max_length (self->entry1, max_length);
  gtk_entry_set_max_length (self->entry2, max_length);
}

typedef struct
{
  ScupJob *job;
  ScupFormCollect collect;
  ScupJobFunc func;
} FormRun;

static void
show_input_error (GtkWindow *parent, const GError *error)
{
  GtkWidget *dialog
      = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                GTK_MESSAGE_WARNING, GTK_BUTTONS_CLOSE, "%s", error->message);

  otk_widget_set_accessible_name (dialog, _ ("Check the input"));
  gtk_window_set_position (GTK_WINDOW (dialog), GTK_WIN_POS_CENTER_ON_PARENT);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static void
on_form_response (GtkDialog *dialog, int response, gpointer user_data)
{
  ScupFormDialog *self = SCUP_FORM_DIALOG (dialog);
  FormRun *run = user_data;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_OK)
    {
      g_free (run->job->text1);
      g_free (run->job->text2);
      run->job->text1 = g_strstrip (g_strdup (scup_form_dialog_get_text1 (self)));
      run->job->text2 = g_strstrip (g_strdup (scup_form_dialog_get_text2 (self)));
      if (run->collect != NULL && !run->collect (self, run->job, &error))
        {
          /* The form stays open so that the input can be corrected. */
          show_input_error (GTK_WINDOW (self), error);
          return;
        }
      scup_job_run (g_steal_pointer (&run->job), run->func);
    }
  g_clear_pointer (&run->job, scup_job_free);
  g_free (run);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

void
scup_form_dialog_run_job (ScupFormDialog *form, ScupJob *job, ScupFormCollect collect,
                          ScupJobFunc func)
{
  FormRun *run = g_new0 (FormRun, 1);

  run->job = job;
  run->collect = collect;
  run->func = func;
  g_signal_connect (form, "response", G_CALLBACK (on_form_response), run);
  gtk_widget_show (GTK_WIDGET (form));
}

static void
on_confirm_response (GtkDialog *dialog, int response, gpointer user_data)
{
  FormRun *run = user_data;

  if (response == GTK_RESPONSE_YES)
    scup_job_run (g_steal_pointer (&run->job), run->func);
  g_clear_pointer (&run->job, scup_job_free);
  g_free (run);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

void
scup_confirm_job (ScupJob *job, const char *question, const char *detail, const char *yes_label,
                  ScupJobFunc func)
{
  FormRun *run = g_new0 (FormRun, 1);
  GtkWidget *dialog = gtk_message_dialog_new (
      GTK_WINDOW (job->window), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
      GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE, "%s", question);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  gtk_window_set_title (GTK_WINDOW (dialog), job->title);
  /* GTK names a message dialog "Error" or "Warning"; the action names it better. */
  otk_widget_set_accessible_name (dialog, job->title);
  gtk_window_set_position (GTK_WINDOW (dialog), GTK_WIN_POS_CENTER_ON_PARENT);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _ ("_No"), GTK_RESPONSE_NO, yes_label,
                          GTK_RESPONSE_YES, NULL);
  /* What cannot be undone is never the default. */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_NO);
  run->job = job;
  run->func = func;
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), run);
  gtk_widget_show (dialog);
}

static void
on_action_activate (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ScupWindow *window = user_data;
  const ScupAction *entry = g_object_get_data (G_OBJECT (action), "scup-action");
  ScupJob *job = scup_job_new (window, _ (entry->title));
  ScupJobFunc func = entry->func != NULL ? entry->func : scup_card_flow_run;
  ScupFormDialog *form;

  job->on_success = entry->on_success;
  job->action = entry;
  if (entry->explanation == NULL)
    {
      scup_job_run (job, func);
      return;
    }
#define TRANSLATED(text) ((text) != NULL ? _ (text) : NULL)
  form = scup_form_dialog_new (GTK_WINDOW (window), _ (entry->title), _ (entry->explanation),
                               TRANSLATED (entry->text1_label), TRANSLATED (entry->text2_label),
                               TRANSLATED (entry->file_label), _ (entry->ok_label));
#undef TRANSLATED
  if (entry->descriptions)
    scup_form_dialog_set_max_length (form, CARD_MAX_DESCRIPTION);
  scup_form_dialog_run_job (form, job, entry->collect, func);
}

void
scup_actions_add (ScupWindow *window, const ScupAction *actions, gsize n_actions)
{
  for (gsize i = 0; i < n_actions; i++)
    {
      g_autoptr (GSimpleAction) action = g_simple_action_new (actions[i].name, NULL);

      g_object_set_data (G_OBJECT (action), "scup-action", (gpointer)&actions[i]);
      g_signal_connect (action, "activate", G_CALLBACK (on_action_activate), window);
      g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (action));
    }
}
