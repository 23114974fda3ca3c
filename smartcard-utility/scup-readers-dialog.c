/* scup-readers-dialog.c: Smart Card Readers: every reader with its role, PIN pad, card
 * and card type, and the choice of reader 1 and reader 2 (saved in GSettings). */
#include "scup.h"

#include "usb/card-usb.h"

#include <glib/gi18n.h>

/* Responses of the Refresh and Set buttons (Close is GTK_RESPONSE_CLOSE). */
enum
{
  RESPONSE_REFRESH = 1,
  RESPONSE_APPLY = 2,
};

enum
{
  COLUMN_NAME,
  COLUMN_ROLE,
  COLUMN_PIN_PAD,
  COLUMN_CARD,
  COLUMN_CARD_TYPE,
};

struct _ScupReadersDialog
{
  GtkDialog parent_instance;

  GtkLabel *message_label;
  GtkLabel *usb_label;
  GtkListStore *reader_store;
  GtkComboBoxText *reader1_combo;
  GtkComboBoxText *reader2_combo;
  GtkButton *apply_button;

  ScupWindow *window;
  ScupApplication *app;
  gboolean busy;
};

G_DEFINE_TYPE (ScupReadersDialog, scup_readers_dialog, GTK_TYPE_DIALOG)

/* One reader as probed on the card queue. */
typedef struct
{
  OtkReaderInfo info;
  CardReaderRole role;
} ReaderRow;

typedef struct
{
  char *reader1, *reader2; /* roles to set first, or NULL to only list */
  GArray *rows;            /* ReaderRow */
  char *usb_text;          /* the USB readers that pcscd does not list */
} ReadersWork;

static void
readers_work_free (gpointer data)
{
  ReadersWork *work = data;

  for (guint i = 0; work->rows != NULL && i < work->rows->len; i++)
    otk_reader_info_clear (&g_array_index (work->rows, ReaderRow, i).info);
  g_clear_pointer (&work->rows, g_array_unref);
  g_free (work->reader1);
  g_free (work->reader2);
  g_free (work->usb_text);
  g_free (work);
}

/* pcscd lists a reader only when its driver knows it: say which CCID readers are on the
 * USB bus but not in @readers, so that "No smart card readers found" is not all. */
static char *
describe_unseen_usb_readers (GPtrArray *readers)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) usb = card_usb_list_readers (&error);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GPtrArray) unseen = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  if (usb == NULL)
    return g_strdup_printf (_ ("USB readers could not be listed: %s"), error->message);
  for (guint i = 0; i < readers->len; i++)
    g_ptr_array_add (names, (gpointer)card_reader_get_name (g_ptr_array_index (readers, i)));
  g_ptr_array_add (names, NULL);
  unseen = card_usb_find_unseen (usb, (const char *const *)names->pdata);
  for (guint i = 0; i < unseen->len; i++)
    {
      const CardUsbReader *reader = g_ptr_array_index (unseen, i);

      g_string_append_printf (
          text, "\n%s %s (USB %04x:%04x, %s)", reader->manufacturer ? reader->manufacturer : "",
          reader->product ? reader->product : _ ("unnamed reader"), reader->vendor_id,
          reader->product_id,
          card_usb_reader_has_pin_pad (reader) ? _ ("PIN pad") : _ ("no PIN pad"));
    }
  if (text->len == 0)
    return g_strdup (_ ("No other smart card reader is plugged in on the USB bus."));
  return g_strdup_printf (_ ("Plugged in but not seen by pcscd (install or update its driver, "
                             "then unplug and plug it in again):%s"),
                          text->str);
}

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ScupReadersDialog *self = source;
  ReadersWork *work = task_data;
  GError *error = NULL;
  CardContext *ctx = scup_application_get_context (self->app, &error);
  g_autoptr (GPtrArray) readers = NULL;

  if (ctx != NULL && work->reader1 != NULL)
    scup_application_set_reader_roles (self->app, work->reader1, work->reader2);
  if (ctx != NULL)
    readers = card_context_list_readers (ctx, &error);
  if (readers == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  work->rows = g_array_new (FALSE, TRUE, sizeof (ReaderRow));
  for (guint i = 0; i < readers->len; i++)
    {
      ReaderRow row = { 0 };

      otk_reader_info_probe (g_ptr_array_index (readers, i), &row.info);
      row.role = card_reader_get_role (g_ptr_array_index (readers, i));
      g_array_append_val (work->rows, row);
    }
  work->usb_text = describe_unseen_usb_readers (readers);
  g_task_return_boolean (task, TRUE);
}

static void
fill_combo (GtkComboBoxText *combo, GArray *rows, CardReaderRole role)
{
  gtk_combo_box_text_remove_all (combo);
  gtk_combo_box_text_append (combo, "", _ ("Automatic (PIN-pad readers first, in name order)"));
  for (guint i = 0; i < rows->len; i++)
    {
      const ReaderRow *row = &g_array_index (rows, ReaderRow, i);

      gtk_combo_box_text_append (combo, row->info.name, row->info.name);
    }
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), "");
  for (guint i = 0; i < rows->len; i++)
    if (g_array_index (rows, ReaderRow, i).role == role)
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo),
                                   g_array_index (rows, ReaderRow, i).info.name);
}

static void
on_list_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ScupReadersDialog *self = SCUP_READERS_DIALOG (source);
  ReadersWork *work = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  self->busy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), TRUE);
  gtk_list_store_clear (self->reader_store);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      gtk_label_set_text (self->message_label, error->message);
      return;
    }
  gtk_label_set_text (self->usb_label, work->usb_text);
  if (work->rows->len == 0)
    {
      gtk_label_set_text (self->message_label, _ ("No smart card readers found"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
    }
  else
    gtk_label_set_text (self->message_label,
                        _ ("Reader 1 holds the card whose signature key signs and the CA smart "
                           "card; reader 2 holds the cards whose key parts are loaded and the "
                           "card being set up."));
  for (guint i = 0; i < work->rows->len; i++)
    {
      const ReaderRow *row = &g_array_index (work->rows, ReaderRow, i);
      g_autofree char *role
          = row->role ? g_strdup_printf (_ ("Reader %d"), row->role) : g_strdup (_ ("None"));

      gtk_list_store_insert_with_values (
          self->reader_store, NULL, -1, COLUMN_NAME, row->info.name, COLUMN_ROLE, role,
          COLUMN_PIN_PAD, row->info.pin_pad ? _ ("Yes") : _ ("No"), COLUMN_CARD,
          row->info.card_present ? _ ("Inserted") : _ ("No smart card inserted"), COLUMN_CARD_TYPE,
          row->info.card_type ? row->info.card_type : "", -1);
    }
  fill_combo (self->reader1_combo, work->rows, CARD_READER_1);
  fill_combo (self->reader2_combo, work->rows, CARD_READER_2);
  scup_window_refresh_readers (self->window);
}

static void
run_list (ScupReadersDialog *self, const char *reader1, const char *reader2)
{
  g_autoptr (GTask) task = NULL;
  ReadersWork *work;

  if (self->busy)
    return;
  self->busy = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
  work = g_new0 (ReadersWork, 1);
  work->reader1 = g_strdup (reader1);
  work->reader2 = g_strdup (reader2);
  task = g_task_new (self, NULL, on_list_done, NULL);
  g_task_set_task_data (task, work, readers_work_free);
  otk_card_queue_run (scup_application_get_queue (self->app), task, list_thread);
}

static void
apply_roles (ScupReadersDialog *self)
{
  const char *reader1 = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->reader1_combo));
  const char *reader2 = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->reader2_combo));

  if (reader1 != NULL && reader1[0] != '\0' && g_strcmp0 (reader1, reader2) == 0)
    {
      gtk_label_set_text (self->message_label,
                          _ ("Reader 1 and reader 2 must be two different readers."));
      return;
    }
  scup_application_save_reader_roles (self->app, reader1 ? reader1 : "", reader2 ? reader2 : "");
  run_list (self, reader1 ? reader1 : "", reader2 ? reader2 : "");
}

static void
on_response (GtkDialog *dialog, int response, gpointer user_data)
{
  ScupReadersDialog *self = SCUP_READERS_DIALOG (dialog);

  if (response == RESPONSE_REFRESH)
    run_list (self, NULL, NULL);
  else if (response == RESPONSE_APPLY)
    apply_roles (self);
  else
    gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
scup_readers_dialog_dispose (GObject *object)
{
  ScupReadersDialog *self = SCUP_READERS_DIALOG (object);

  g_clear_object (&self->window);
  g_clear_object (&self->app);
  G_OBJECT_CLASS (scup_readers_dialog_parent_class)->dispose (object);
}

static void
scup_readers_dialog_class_init (ScupReadersDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = scup_readers_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/scup/scup-readers-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScupReadersDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, ScupReadersDialog, usb_label);
  gtk_widget_class_bind_template_child (widget_class, ScupReadersDialog, reader_store);
  gtk_widget_class_bind_template_child (widget_class, ScupReadersDialog, reader1_combo);
  gtk_widget_class_bind_template_child (widget_class, ScupReadersDialog, reader2_combo);
  gtk_widget_class_bind_template_child (widget_class, ScupReadersDialog, apply_button);
}

static void
scup_readers_dialog_init (ScupReadersDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
}

ScupReadersDialog *
scup_readers_dialog_new (ScupWindow *window, ScupApplication *app)
{
  ScupReadersDialog *self = g_object_new (SCUP_TYPE_READERS_DIALOG, "transient-for", window,
                                          "use-header-bar", FALSE, NULL);

  self->window = g_object_ref (window);
  self->app = g_object_ref (app);
  gtk_label_set_text (self->message_label, _ ("Looking for smart card readers…"));
  run_list (self, NULL, NULL);
  return self;
}
