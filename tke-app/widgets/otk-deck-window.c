/* otk-deck-window.c: the "Virtual card deck" window, a test device.  It shows the deck's
 * cards and the two virtual readers, and re-reads the deck every second because other
 * programs (tke-vcard, the card backends) change it too. */
#include "otk-deck-private.h"

#include <glib/gi18n-lib.h>

struct _OtkDeckWindow
{
  GtkApplicationWindow parent_instance;

  GtkLabel *warning_label;
  GtkListBox *card_list;
  GtkEntry *new_card_entry;
  GtkButton *new_card_button;
  GtkTextView *contents_view;
  OtkDeckReaderPanel *reader1_panel;
  OtkDeckReaderPanel *reader2_panel;
  GtkLabel *message_label;

  char *deck_dir;
  char *shown_state; /* cards and readers as last drawn, to redraw only on change */
  GCancellable *cancellable;
  guint refresh_id;
  gboolean refreshing;
  gboolean refresh_again; /* asked for while a look was running: it may predate the change */
};

G_DEFINE_TYPE (OtkDeckWindow, otk_deck_window, GTK_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_DECK_DIR,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
show_message (OtkDeckWindow *self, const char *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
}

/* The callbacks of the window's deck operations hold a reference to the window; they
 * do nothing once the window is destroyed (its cancellable is then cancelled). */
static OtkDeckWindow *
finish_op (GObject *result_source, GAsyncResult *result, gpointer user_data,
           OtkDeckSnapshot **snapshot, char **text)
{
  OtkDeckWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!otk_deck_op_finish (result, snapshot, text, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_cancellable_is_cancelled (self->cancellable))
        show_message (self, error->message);
      g_object_unref (self);
      return NULL;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self);
      return NULL;
    }
  return self;
}

static void
run_op (OtkDeckWindow *self, OtkDeckOpKind kind, int reader, const char *name,
        GAsyncReadyCallback callback)
{
  otk_deck_op_run_async (self->deck_dir, kind, reader, name, OTK_VDECK_PINPAD_DIGITS, NULL,
                         self->cancellable, callback, g_object_ref (self));
}

static void
on_op_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OtkDeckWindow) self = finish_op (source, result, user_data, NULL, NULL);

  if (self == NULL)
    return;
  show_message (self, NULL);
  otk_deck_window_refresh (self);
}

static void
on_show_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *text = NULL;
  g_autoptr (OtkDeckWindow) self = finish_op (source, result, user_data, NULL, &text);

  if (self != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->contents_view), text, -1);
}

static void
on_insert_clicked (GtkButton *button, OtkDeckWindow *self)
{
  const char *card = g_object_get_data (G_OBJECT (button), "otk-card");
  int reader = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "otk-reader"));
  g_autofree char *message = g_strdup_printf (_ ("Inserting %s into reader %d"), card, reader);

  show_message (self, message);
  run_op (self, OTK_DECK_OP_INSERT, reader, card, on_op_done);
}

static void
on_show_clicked (GtkButton *button, OtkDeckWindow *self)
{
  run_op (self, OTK_DECK_OP_SHOW_CARD, 0, g_object_get_data (G_OBJECT (button), "otk-card"),
          on_show_done);
}

static void
on_new_card_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OtkDeckWindow) self = finish_op (source, result, user_data, NULL, NULL);

  if (self == NULL)
    return;
  show_message (self, _ ("New blank card made."));
  gtk_entry_set_text (self->new_card_entry, "");
  otk_deck_window_refresh (self);
}

static void
on_new_card_clicked (GtkButton *button, OtkDeckWindow *self)
{
  const char *name = gtk_entry_get_text (self->new_card_entry);

  if (name[0] == '\0')
    {
      show_message (self, _ ("Type a name for the new card first (letters, digits, . _ -)."));
      return;
    }
  run_op (self, OTK_DECK_OP_NEW_CARD, 0, name, on_new_card_done);
}

static void
on_panel_operation_done (OtkDeckReaderPanel *panel, const char *error_message, OtkDeckWindow *self)
{
  show_message (self, error_message);
  otk_deck_window_refresh (self);
}

static GtkWidget *
make_button (OtkDeckWindow *self, const char *label, const char *accessible_name, const char *card,
             int reader, GCallback callback)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  otk_widget_set_accessible_name (button, accessible_name);
  g_object_set_data_full (G_OBJECT (button), "otk-card", g_strdup (card), g_free);
  g_object_set_data (G_OBJECT (button), "otk-reader", GINT_TO_POINTER (reader));
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
make_card_row (OtkDeckWindow *self, const char *card, const OtkDeckSnapshot *snapshot)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* The name with "in reader N" under it: a row no wider than its name and buttons, so
   * that the window fits beside the main window. */
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (card);
  g_autofree char *where = NULL;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (names, TRUE);
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);
  gtk_container_add (GTK_CONTAINER (names), label);
  gtk_container_add (GTK_CONTAINER (box), names);
  for (int reader = 1; reader <= 2; reader++)
    if (g_strcmp0 (snapshot->reader_card[reader - 1], card) == 0)
      where = g_strdup_printf (_ ("in reader %d"), reader);
  if (where != NULL)
    {
      GtkWidget *where_label = gtk_label_new (where);

      gtk_label_set_xalign (GTK_LABEL (where_label), 0);
      gtk_style_context_add_class (gtk_widget_get_style_context (where_label), "dim-label");
      gtk_container_add (GTK_CONTAINER (names), where_label);
    }
  for (int reader = 1; reader <= 2; reader++)
    {
      g_autofree char *text = g_strdup_printf (_ ("Reader %d"), reader);
      g_autofree char *name = g_strdup_printf (_ ("Insert %s into reader %d"), card, reader);
      GtkWidget *button
          = make_button (self, text, name, card, reader, G_CALLBACK (on_insert_clicked));

      gtk_widget_set_sensitive (button, where == NULL && snapshot->reader_card[reader - 1] == NULL);
      gtk_container_add (GTK_CONTAINER (box), button);
    }
  {
    g_autofree char *name = g_strdup_printf (_ ("Show %s"), card);

    gtk_container_add (GTK_CONTAINER (box),
                       make_button (self, _ ("Show"), name, card, 0, G_CALLBACK (on_show_clicked)));
  }
  gtk_widget_show_all (box);
  return box;
}

static char *
describe_state (const OtkDeckSnapshot *snapshot)
{
  g_autoptr (GString) state = g_string_new (NULL);

  for (guint i = 0; i < snapshot->cards->len; i++)
    g_string_append_printf (state, "%s\n", (const char *)g_ptr_array_index (snapshot->cards, i));
  g_string_append_printf (state, "1:%s\n2:%s\n",
                          snapshot->reader_card[0] ? snapshot->reader_card[0] : "",
                          snapshot->reader_card[1] ? snapshot->reader_card[1] : "");
  return g_string_free (g_steal_pointer (&state), FALSE);
}

static void
destroy_child (GtkWidget *child, gpointer unused)
{
  gtk_widget_destroy (child);
}

static void
show_snapshot (OtkDeckWindow *self, const OtkDeckSnapshot *snapshot)
{
  g_autofree char *state = describe_state (snapshot);

  otk_deck_reader_panel_show (self->reader1_panel, snapshot->reader_card[0], snapshot->pending[0]);
  otk_deck_reader_panel_show (self->reader2_panel, snapshot->reader_card[1], snapshot->pending[1]);
  if (g_strcmp0 (state, self->shown_state) == 0)
    return;
  g_free (self->shown_state);
  self->shown_state = g_steal_pointer (&state);

  gtk_container_foreach (GTK_CONTAINER (self->card_list), destroy_child, NULL);
  for (guint i = 0; i < snapshot->cards->len; i++)
    gtk_container_add (GTK_CONTAINER (self->card_list),
                       make_card_row (self, g_ptr_array_index (snapshot->cards, i), snapshot));
  if (snapshot->cards->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_ ("The deck has no cards yet: make one below."));

      gtk_widget_show (empty);
      gtk_container_add (GTK_CONTAINER (self->card_list), empty);
    }
}

static void
on_snapshot_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OtkDeckSnapshot) snapshot = NULL;
  OtkDeckWindow *window = user_data;
  g_autoptr (OtkDeckWindow) self = NULL;

  window->refreshing = FALSE;
  self = finish_op (source, result, user_data, &snapshot, NULL);
  if (self == NULL)
    return;
  show_snapshot (self, snapshot);
  if (self->refresh_again)
    otk_deck_window_refresh (self);
}

void
otk_deck_window_refresh (OtkDeckWindow *self)
{
  g_return_if_fail (OTK_IS_DECK_WINDOW (self));

  /* One look at a time; a look asked for meanwhile follows it, so that what an
   * operation of this window changed shows at once, not a second later. */
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;
  self->refresh_again = FALSE;
  run_op (self, OTK_DECK_OP_SNAPSHOT, 0, NULL, on_snapshot_done);
}

static gboolean
on_refresh_tick (gpointer data)
{
  otk_deck_window_refresh (OTK_DECK_WINDOW (data));
  return G_SOURCE_CONTINUE;
}

static char *
default_deck_dir (void)
{
  const char *env = g_getenv ("OPENTKE_DECK");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "opentke", "deck", NULL);
}

static void
otk_deck_window_constructed (GObject *object)
{
  OtkDeckWindow *self = OTK_DECK_WINDOW (object);
  g_autofree char *warning = NULL;

  G_OBJECT_CLASS (otk_deck_window_parent_class)->constructed (object);

  if (self->deck_dir == NULL)
    self->deck_dir = default_deck_dir ();
  warning = g_strdup_printf (_ ("TEST DEVICE. These are virtual smart cards: they keep their keys "
                                "in files in %s. Use them for tests and demonstrations, never "
                                "for a production key ceremony."),
                             self->deck_dir);
  gtk_label_set_text (self->warning_label, warning);
  otk_widget_set_accessible_name (GTK_WIDGET (self->warning_label), _ ("Test device warning"));
  otk_deck_reader_panel_set_deck_dir (self->reader1_panel, self->deck_dir);
  otk_deck_reader_panel_set_deck_dir (self->reader2_panel, self->deck_dir);
  otk_deck_window_refresh (self);
  self->refresh_id = g_timeout_add_seconds (1, on_refresh_tick, self);
}

static void
otk_deck_window_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  OtkDeckWindow *self = OTK_DECK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_DECK_DIR:
        g_free (self->deck_dir);
        self->deck_dir = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
otk_deck_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  OtkDeckWindow *self = OTK_DECK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_DECK_DIR:
        g_value_set_string (value, self->deck_dir);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
otk_deck_window_dispose (GObject *object)
{
  OtkDeckWindow *self = OTK_DECK_WINDOW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (otk_deck_window_parent_class)->dispose (object);
}

static void
otk_deck_window_finalize (GObject *object)
{
  OtkDeckWindow *self = OTK_DECK_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->deck_dir);
  g_free (self->shown_state);
  G_OBJECT_CLASS (otk_deck_window_parent_class)->finalize (object);
}

static void
otk_deck_window_class_init (OtkDeckWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = otk_deck_window_constructed;
  object_class->set_property = otk_deck_window_set_property;
  object_class->get_property = otk_deck_window_get_property;
  object_class->dispose = otk_deck_window_dispose;
  object_class->finalize = otk_deck_window_finalize;

  props[PROP_DECK_DIR]
      = g_param_spec_string ("deck-dir", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  g_type_ensure (OTK_TYPE_DECK_READER_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/widgets/otk-deck-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, warning_label);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, card_list);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, new_card_entry);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, new_card_button);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, contents_view);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, reader1_panel);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, reader2_panel);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckWindow, message_label);
}

static void
otk_deck_window_init (OtkDeckWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->new_card_button, "clicked", G_CALLBACK (on_new_card_clicked), self);
  g_signal_connect (self->new_card_entry, "activate", G_CALLBACK (on_new_card_clicked), self);
  g_signal_connect (self->reader1_panel, "operation-done", G_CALLBACK (on_panel_operation_done),
                    self);
  g_signal_connect (self->reader2_panel, "operation-done", G_CALLBACK (on_panel_operation_done),
                    self);
}

OtkDeckWindow *
otk_deck_window_new (GtkApplication *app, const char *deck_dir)
{
  otk_widgets_init ();
  return g_object_new (OTK_TYPE_DECK_WINDOW, "application", app, "deck-dir", deck_dir, NULL);
}

const char *
otk_deck_window_get_deck_dir (OtkDeckWindow *self)
{
  g_return_val_if_fail (OTK_IS_DECK_WINDOW (self), NULL);
  return self->deck_dir;
}
