/* tke-choose-dialog.c: choose from a list (key parts on a card, crypto units): tick the
 * boxes, or type the numbers separated by spaces as in seed 003; both tick the same
 * boxes.  The order in which they were chosen is kept. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeChooseDialog
{
  GtkDialog parent_instance;

  GtkLabel *heading_label;
  GtkLabel *question_label;
  GtkBox *choice_box;
  GtkEntry *numbers_entry;
  GtkLabel *hint_label;

  GPtrArray *checks; /* GtkToggleButton*, by index */
  GArray *order;     /* guint indexes, in the order they were chosen */
  guint min, max;
};

G_DEFINE_TYPE (TkeChooseDialog, tke_choose_dialog, GTK_TYPE_DIALOG)

static void
on_choice_toggled (GtkToggleButton *check, gpointer data)
{
  TkeChooseDialog *self = data;
  guint index = 0;

  while (g_ptr_array_index (self->checks, index) != check)
    index++;
  for (guint i = 0; i < self->order->len; i++)
    if (g_array_index (self->order, guint, i) == index)
      g_array_remove_index (self->order, i--);
  if (gtk_toggle_button_get_active (check))
    g_array_append_val (self->order, index);
}

static gboolean
is_chosen (TkeChooseDialog *self, guint index)
{
  for (guint i = 0; i < self->order->len; i++)
    if (g_array_index (self->order, guint, i) == index)
      return TRUE;
  return FALSE;
}

static void
on_numbers_changed (GtkEntry *entry, gpointer data)
{
  TkeChooseDialog *self = data;
  g_auto (GStrv) words = g_strsplit_set (gtk_entry_get_text (entry), " ,", -1);

  g_array_set_size (self->order, 0);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint64 num = 0;
      guint index;

      if (words[i][0] == '\0'
          || !g_ascii_string_to_unsigned (words[i], 10, 1, self->checks->len, &num, NULL))
        continue;
      index = (guint)num - 1;
      if (!is_chosen (self, index))
        g_array_append_val (self->order, index);
    }
  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkToggleButton *check = g_ptr_array_index (self->checks, i);

      g_signal_handlers_block_by_func (check, on_choice_toggled, self);
      gtk_toggle_button_set_active (check, is_chosen (self, i));
      g_signal_handlers_unblock_by_func (check, on_choice_toggled, self);
    }
}

static void
tke_choose_dialog_finalize (GObject *object)
{
  TkeChooseDialog *self = TKE_CHOOSE_DIALOG (object);

  g_ptr_array_unref (self->checks);
  g_array_unref (self->order);
  G_OBJECT_CLASS (tke_choose_dialog_parent_class)->finalize (object);
}

static void
tke_choose_dialog_class_init (TkeChooseDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tke_choose_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/tke/tke-choose-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TkeChooseDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TkeChooseDialog, question_label);
  gtk_widget_class_bind_template_child (widget_class, TkeChooseDialog, choice_box);
  gtk_widget_class_bind_template_child (widget_class, TkeChooseDialog, numbers_entry);
  gtk_widget_class_bind_template_child (widget_class, TkeChooseDialog, hint_label);
}

static void
tke_choose_dialog_init (TkeChooseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->checks = g_ptr_array_new ();
  self->order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (self->numbers_entry, "changed", G_CALLBACK (on_numbers_changed), self);
}

TkeChooseDialog *
tke_choose_dialog_new (GtkWindow *parent, const char *title, const char *question,
                       const char *const *items, guint n_items, guint min, guint max)
{
  TkeChooseDialog *self = g_object_new (TKE_TYPE_CHOOSE_DIALOG, "use-header-bar", FALSE, NULL);

  tke_dialog_set_step (GTK_WINDOW (self), self->heading_label, parent, title);
  gtk_label_set_text (self->question_label, question);
  self->min = min;
  self->max = max;
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u.  %s", i + 1, items[i]);
      GtkWidget *check = gtk_check_button_new_with_label (text);

      otk_widget_set_accessible_name (check, text);
      g_signal_connect (check, "toggled", G_CALLBACK (on_choice_toggled), self);
      gtk_container_add (GTK_CONTAINER (self->choice_box), check);
      gtk_widget_show (check);
      g_ptr_array_add (self->checks, check);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->numbers_entry));
  return self;
}

gboolean
tke_choose_dialog_check (TkeChooseDialog *self)
{
  g_autofree char *text = NULL;

  if (self->order->len >= self->min && self->order->len <= self->max)
    return TRUE;
  text = self->min == self->max
             ? g_strdup_printf (ngettext ("Choose %u item.", "Choose %u items.", self->min),
                                self->min)
             : g_strdup_printf (_ ("Choose from %u to %u items."), self->min, self->max);
  gtk_label_set_text (self->hint_label, text);
  return FALSE;
}

GArray *
tke_choose_dialog_get_chosen (TkeChooseDialog *self)
{
  return g_array_ref (self->order);
}
