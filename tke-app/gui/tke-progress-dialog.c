/* tke-progress-dialog.c: the progress of a long step (Rotate): what it does now, and
 * "N of M" when it knows how far it is.  It cannot be closed: the step ends it. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeProgressDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading_label;
  GtkLabel *step_label;
  GtkProgressBar *progress_bar;
};

G_DEFINE_TYPE (TkeProgressDialog, tke_progress_dialog, GTK_TYPE_DIALOG)

static void
tke_progress_dialog_class_init (TkeProgressDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/tke/tke-progress-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TkeProgressDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TkeProgressDialog, step_label);
  gtk_widget_class_bind_template_child (widget_class, TkeProgressDialog, progress_bar);
}

static void
tke_progress_dialog_init (TkeProgressDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TkeProgressDialog *
tke_progress_dialog_new (GtkWindow *parent, const char *title)
{
  TkeProgressDialog *self = g_object_new (TKE_TYPE_PROGRESS_DIALOG, "use-header-bar", FALSE, NULL);

  tke_dialog_set_step (GTK_WINDOW (self), self->heading_label, parent, title);
  return self;
}

void
tke_progress_dialog_set (TkeProgressDialog *self, const char *what, guint done, guint total)
{
  g_autofree char *count = NULL;

  gtk_label_set_text (self->step_label, what);
  if (total == 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      gtk_progress_bar_set_text (self->progress_bar, NULL);
      return;
    }
  gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double)done / total));
  count = g_strdup_printf (_ ("%u of %u"), done, total);
  gtk_progress_bar_set_text (self->progress_bar, count);
}
