/* scup-window.c: the main window of scup: menus, reader status, the outcome line and the
 * results of Display.  The reader status is re-read every two seconds on the card queue. */
#include "scup.h"

#include <glib/gi18n.h>

struct _ScupWindow
{
  GtkApplicationWindow parent_instance;

  OtkReaderStatus *reader_status;
  GtkLabel *status_label;
  GtkLabel *results_title;
  GtkTextView *results_view;
  GtkWidget *menu_box;
  GMenuModel *menubar;
  GtkWidget *menu_bar;

  guint refresh_id;
  gboolean busy;
};

G_DEFINE_TYPE (ScupWindow, scup_window, GTK_TYPE_APPLICATION_WINDOW)

static CardContext *
get_context (gpointer app, GError **error)
{
  return scup_application_get_context (app, error);
}

static void
on_status_refreshed (OtkReaderStatus *status, const char *error_message, ScupWindow *self)
{
  if (error_message != NULL)
    scup_window_show_status (self, error_message);
}

void
scup_window_refresh_readers (ScupWindow *self)
{
  ScupApplication *app = SCUP_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app != NULL)
    otk_reader_status_refresh (self->reader_status, scup_application_get_queue (app), get_context,
                               app);
}

static gboolean
on_refresh_tick (gpointer data)
{
  ScupWindow *self = data;

  /* A job holds the card queue; its end refreshes the status anyway. */
  if (!self->busy)
    scup_window_refresh_readers (self);
  return G_SOURCE_CONTINUE;
}

void
scup_window_show_results (ScupWindow *self, const char *title, const char *text)
{
  gtk_label_set_text (self->results_title, title);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->results_view), text, -1);
}

void
scup_window_show_status (ScupWindow *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

OtkReaderStatus *
scup_window_get_reader_status (ScupWindow *self)
{
  return self->reader_status;
}

void
scup_window_set_busy (ScupWindow *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->menu_bar, !busy);
}

static void
on_readers (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ScupWindow *self = user_data;
  ScupApplication *app = SCUP_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  gtk_window_present (GTK_WINDOW (scup_readers_dialog_new (self, app)));
}

static void
on_refresh_readers (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  scup_window_refresh_readers (user_data);
}

static void
scup_window_dispose (GObject *object)
{
  ScupWindow *self = SCUP_WINDOW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  G_OBJECT_CLASS (scup_window_parent_class)->dispose (object);
}

static void
scup_window_class_init (ScupWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = scup_window_dispose;
  g_type_ensure (OTK_TYPE_READER_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/opentke/scup/scup-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScupWindow, reader_status);
  gtk_widget_class_bind_template_child (widget_class, ScupWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ScupWindow, results_title);
  gtk_widget_class_bind_template_child (widget_class, ScupWindow, results_view);
  gtk_widget_class_bind_template_child (widget_class, ScupWindow, menu_box);
  gtk_widget_class_bind_template_child (widget_class, ScupWindow, menubar);
}

static void
scup_window_init (ScupWindow *self)
{
  const GActionEntry entries[] = {
    { "readers", on_readers, NULL, NULL, NULL, { 0 } },
    { "refresh-readers", on_refresh_readers, NULL, NULL, NULL, { 0 } },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  /* In the window, not the desktop shell's: the tests and every desktop see it. */
  self->menu_bar = gtk_menu_bar_new_from_model (self->menubar);
  gtk_widget_set_hexpand (self->menu_bar, TRUE);
  gtk_container_add (GTK_CONTAINER (self->menu_box), self->menu_bar);
  gtk_widget_show (self->menu_bar);
  scup_window_show_results (self, _ ("Card contents"),
                            _ ("Display CA smart card and Display EP11 smart card show the "
                               "contents of the card here."));
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  scup_ca_actions_add (self);
  scup_ep11_actions_add (self);
  g_signal_connect (self->reader_status, "refreshed", G_CALLBACK (on_status_refreshed), self);
}

ScupWindow *
scup_window_new (ScupApplication *app)
{
  ScupWindow *self = g_object_new (SCUP_TYPE_WINDOW, "application", app, NULL);

  scup_window_refresh_readers (self);
  self->refresh_id = g_timeout_add_seconds (2, on_refresh_tick, self);
  return self;
}
