/* tke-window.c: the main window of tke: the five tabs of seed 003 with their tables,
 * the menu, the status of reader 1 and 2 and the activity log.  The tables are filled
 * from a TkeSnapshot read on the card queue; the shared reader status probes there too,
 * every two seconds while no step runs. */
#include "tke.h"

#include <glib/gi18n.h>

struct _TkeWindow
{
  GtkApplicationWindow parent_instance;

  GtkWidget *menu_box;
  GMenuModel *menubar;
  GtkWidget *menu_bar;
  GtkNotebook *notebook;
  GtkListStore *units_store;
  GtkListStore *admins_store;
  GtkListStore *thresholds_store;
  GtkListStore *mk_store;
  GtkCellRendererToggle *selected_renderer;
  GtkTreeView *units_view;
  GtkTextView *card_view;
  OtkReaderStatus *reader_status;
  GtkLabel *status_label;
  GtkTextView *log_view;

  GCancellable *cancellable; /* cancels the prompts of a step when the window goes */
  guint refresh_id;
  gboolean busy;
};

G_DEFINE_TYPE (TkeWindow, tke_window, GTK_TYPE_APPLICATION_WINDOW)

enum
{
  UNITS_COL_INSTANCE,
  UNITS_COL_NUM,
  UNITS_COL_SELECTED,
  UNITS_COL_TYPE,
  UNITS_COL_LOCATION,
};

/* ---- tables ------------------------------------------------------------------------ */

static void
fill_units (TkeWindow *self, const TkeSnapshot *snapshot)
{
  gtk_list_store_clear (self->units_store);
  for (guint i = 0; i < snapshot->units->len; i++)
    {
      const TkeUnitRow *row = g_ptr_array_index (snapshot->units, i);

      gtk_list_store_insert_with_values (
          self->units_store, NULL, -1, UNITS_COL_INSTANCE, row->instance, UNITS_COL_NUM, row->num,
          UNITS_COL_SELECTED, row->selected, UNITS_COL_TYPE, tke_unit_kind_to_string (row->kind),
          UNITS_COL_LOCATION, row->location, -1);
    }
}

static char *
hex (const guint8 *data, gsize len)
{
  return otk_hex_encode (data, len);
}

static void
fill_states (TkeWindow *self, const TkeSnapshot *snapshot)
{
  gtk_list_store_clear (self->admins_store);
  gtk_list_store_clear (self->thresholds_store);
  gtk_list_store_clear (self->mk_store);
  for (guint i = 0; i < snapshot->states->len; i++)
    {
      const TkeUnitStateRow *row = g_ptr_array_index (snapshot->states, i);
      const CuUnitState *st = row->state;
      g_autofree char *new_vp = NULL;
      g_autofree char *current_vp = NULL;

      for (guint a = 0; a < st->n_admins; a++)
        {
          g_autofree char *ski = hex (st->admins[a].ski, CU_SKI_LEN);

          gtk_list_store_insert_with_values (self->admins_store, NULL, -1, 0, row->num, 1,
                                             st->admins[a].name, 2, ski, -1);
        }
      gtk_list_store_insert_with_values (
          self->thresholds_store, NULL, -1, 0, row->num, 1, st->signature_threshold, 2,
          st->revocation_threshold, 3,
          cu_unit_state_is_imprint_mode (st) ? _ ("Imprint mode") : _ ("Not in imprint mode"), -1);
      new_vp = st->new_state == CU_NEW_EMPTY ? g_strdup ("") : hex (st->new_vp, CU_VP_LEN);
      current_vp
          = st->current_state == CU_CURRENT_EMPTY ? g_strdup ("") : hex (st->current_vp, CU_VP_LEN);
      gtk_list_store_insert_with_values (self->mk_store, NULL, -1, 0, row->num, 1, _ ("New"), 2,
                                         tke_new_register_state_label (st->new_state), 3, new_vp,
                                         -1);
      gtk_list_store_insert_with_values (self->mk_store, NULL, -1, 0, row->num, 1, _ ("Current"), 2,
                                         tke_current_register_state_label (st->current_state), 3,
                                         current_vp, -1);
    }
}

void
tke_window_show_snapshot (TkeWindow *self, const TkeSnapshot *snapshot)
{
  fill_units (self, snapshot);
  fill_states (self, snapshot);
}

/* Selects or deselects the unit in row @toggled, as Add/Remove crypto units do. */
static void
toggle_unit (TkeWindow *self, GtkTreePath *toggled)
{
  GtkTreeModel *model = GTK_TREE_MODEL (self->units_store);
  GArray *nums;
  GtkTreeIter iter;
  gboolean more;

  if (self->busy)
    return;
  nums = g_array_new (FALSE, FALSE, sizeof (guint));
  for (more = gtk_tree_model_get_iter_first (model, &iter); more;
       more = gtk_tree_model_iter_next (model, &iter))
    {
      g_autoptr (GtkTreePath) here = gtk_tree_model_get_path (model, &iter);
      gboolean selected;
      guint num;

      gtk_tree_model_get (model, &iter, UNITS_COL_NUM, &num, UNITS_COL_SELECTED, &selected, -1);
      if (gtk_tree_path_compare (here, toggled) == 0)
        selected = !selected;
      if (selected)
        g_array_append_val (nums, num);
    }
  tke_window_set_selection (self, nums);
}

/* A tick in the SELECTED column, for the mouse. */
static void
on_selected_toggled (GtkCellRendererToggle *renderer, char *path, gpointer data)
{
  g_autoptr (GtkTreePath) toggled = gtk_tree_path_new_from_string (path);

  toggle_unit (data, toggled);
}

/* Enter, a double click, or a cell's "activate" action of assistive technology (GTK 3
 * does not turn the AT-SPI toggle of a cell into "toggled"). */
static void
on_unit_activated (GtkTreeView *view, GtkTreePath *path, GtkTreeViewColumn *column, gpointer data)
{
  toggle_unit (data, path);
}

/* ---- status ------------------------------------------------------------------------ */

void
tke_window_log (TkeWindow *self, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", -1);
  gtk_text_view_scroll_to_mark (self->log_view, gtk_text_buffer_get_insert (buffer), 0, FALSE, 0,
                                0);
  gtk_text_buffer_place_cursor (buffer, &end);
  gtk_text_view_scroll_mark_onscreen (self->log_view, gtk_text_buffer_get_insert (buffer));
}

void
tke_window_set_card_text (TkeWindow *self, const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->card_view), text, -1);
}

GCancellable *
tke_window_begin_step (TkeWindow *self, const char *title)
{
  g_autofree char *status = g_strdup_printf (_ ("Working: %s"), title);

  self->busy = TRUE;
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_sensitive (GTK_WIDGET (self->notebook), FALSE);
  gtk_widget_set_sensitive (self->menu_bar, FALSE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  return self->cancellable;
}

void
tke_window_end_step (TkeWindow *self)
{
  self->busy = FALSE;
  gtk_label_set_text (self->status_label, _ ("Ready"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->notebook), TRUE);
  gtk_widget_set_sensitive (self->menu_bar, TRUE);
  g_clear_object (&self->cancellable);
  /* Without a compositor, the place of a prompt that closed is repainted only when
   * asked (seen as a black box on the tables under Xvfb). */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tke_window_cancel_step (TkeWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
tke_window_is_busy (TkeWindow *self)
{
  return self->busy;
}

gboolean
tke_window_get_use_cards (TkeWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "source");
  g_autoptr (GVariant) state = g_action_get_state (action);

  return g_strcmp0 (g_variant_get_string (state, NULL), "cards") == 0;
}

/* ---- reader status ----------------------------------------------------------------- */

/* The reader status probes on the card queue with the application's card context. */
static CardContext *
get_app_context (gpointer app, GError **error)
{
  return tke_application_get_context (TKE_APPLICATION (app), error);
}

static void
on_status_refreshed (OtkReaderStatus *status, const char *message, gpointer data)
{
  if (message != NULL)
    g_debug ("reader status: %s", message);
}

void
tke_window_refresh_readers (TkeWindow *self)
{
  TkeApplication *app = TKE_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app == NULL)
    return;
  otk_reader_status_refresh (self->reader_status, tke_application_get_queue (app), get_app_context,
                             app);
}

OtkReaderStatus *
tke_window_get_reader_status (TkeWindow *self)
{
  return self->reader_status;
}

static gboolean
on_refresh_tick (gpointer data)
{
  TkeWindow *self = data;

  /* A step holds the card queue; its end refreshes the status anyway. */
  if (!self->busy)
    tke_window_refresh_readers (self);
  return G_SOURCE_CONTINUE;
}

/* ---- life -------------------------------------------------------------------------- */

/* Closing the main window quits tke, the deck window with it.  A step waiting for an
 * answer is cancelled first, so that the card queue ends and the app does not hang. */
static gboolean
on_delete_event (GtkWidget *widget, GdkEvent *event, gpointer data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (widget));

  if (app == NULL)
    {
      tke_window_cancel_step (TKE_WINDOW (widget));
      return FALSE;
    }
  tke_application_quit (TKE_APPLICATION (app));
  return TRUE;
}

static void
tke_window_dispose (GObject *object)
{
  TkeWindow *self = TKE_WINDOW (object);

  /* A step waiting for an answer gives up instead of waiting for ever. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* Destroyed with the window's children; prompts still open ask for it. */
  self->reader_status = NULL;
  G_OBJECT_CLASS (tke_window_parent_class)->dispose (object);
}

static void
tke_window_class_init (TkeWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tke_window_dispose;
  g_type_ensure (OTK_TYPE_READER_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/opentke/tke/tke-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, menu_box);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, menubar);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, notebook);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, units_store);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, admins_store);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, thresholds_store);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, mk_store);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, selected_renderer);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, units_view);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, card_view);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, reader_status);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TkeWindow, log_view);
}

static void
tke_window_init (TkeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* In the window, not the desktop shell's: the tests and every desktop see it. */
  self->menu_bar = gtk_menu_bar_new_from_model (self->menubar);
  gtk_widget_set_hexpand (self->menu_bar, TRUE);
  gtk_container_add (GTK_CONTAINER (self->menu_box), self->menu_bar);
  gtk_widget_show (self->menu_bar);
  g_signal_connect (self->selected_renderer, "toggled", G_CALLBACK (on_selected_toggled), self);
  g_signal_connect (self->units_view, "row-activated", G_CALLBACK (on_unit_activated), self);
  g_signal_connect (self->reader_status, "refreshed", G_CALLBACK (on_status_refreshed), NULL);
  g_signal_connect (self, "delete-event", G_CALLBACK (on_delete_event), NULL);
  tke_window_add_step_actions (self);
}

TkeWindow *
tke_window_new (TkeApplication *app)
{
  TkeWindow *self = g_object_new (TKE_TYPE_WINDOW, "application", app, NULL);

  tke_window_refresh_readers (self);
  self->refresh_id = g_timeout_add_seconds (2, on_refresh_tick, self);
  /* The units of the service, and the states of those already selected. */
  tke_job_run (self, _ ("Refresh Panel"), NULL, NULL, NULL);
  return self;
}
