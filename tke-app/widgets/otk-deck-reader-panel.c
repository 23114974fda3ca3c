/* otk-deck-reader-panel.c: one virtual reader of the deck window: the card in it, Remove
 * card, and an on-screen PIN pad whose keys go into the reader's virtual PIN-pad queue (the
 * virtual reader then answers the card's next PIN prompt with them). */
#include "otk-deck-private.h"

#include "opentke-common.h"

#include <glib/gi18n-lib.h>

enum
{
  PIN_MAX_DIGITS = 16
};

struct _OtkDeckReaderPanel
{
  GtkBox parent_instance;

  GtkLabel *title_label;
  GtkLabel *card_label;
  GtkButton *remove_button;
  GtkLabel *display_label;
  GtkLabel *pending_label;
  GtkButton *digit_buttons[10];
  GtkButton *clear_button;
  GtkButton *ok_button;
  GtkButton *cancel_button;
  GtkButton *no_answer_button;
  GtkButton *empty_queue_button;

  int reader;
  char *deck_dir;
  char digits[PIN_MAX_DIGITS + 1]; /* typed, not yet queued: wiped after OK/Clear */
  gsize n_digits;
};

G_DEFINE_TYPE (OtkDeckReaderPanel, otk_deck_reader_panel, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_READER,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum
{
  SIGNAL_OPERATION_DONE,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
show_digits (OtkDeckReaderPanel *self)
{
  /* One dot per digit: the digits themselves are never put into a widget. */
  g_autoptr (GString) dots = g_string_new (NULL);

  for (gsize i = 0; i < self->n_digits; i++)
    g_string_append (dots, "\u25CF");
  gtk_label_set_text (self->display_label, self->n_digits ? dots->str : _ ("(no digits)"));
}

static void
clear_digits (OtkDeckReaderPanel *self)
{
  secure_clear (self->digits, sizeof self->digits);
  self->n_digits = 0;
  show_digits (self);
}

static void
on_op_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OtkDeckReaderPanel) self = user_data;
  g_autoptr (GError) error = NULL;

  otk_deck_op_finish (result, NULL, NULL, &error);
  g_signal_emit (self, signals[SIGNAL_OPERATION_DONE], 0, error ? error->message : NULL);
}

static void
run_op (OtkDeckReaderPanel *self, OtkDeckOpKind kind, otk_vdeck_pinpad_key key, const char *digits)
{
  otk_deck_op_run_async (self->deck_dir, kind, self->reader, NULL, key, digits, NULL, on_op_done,
                         g_object_ref (self));
}

static void
on_digit_clicked (GtkButton *button, OtkDeckReaderPanel *self)
{
  int digit = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "otk-digit"));

  if (self->n_digits >= PIN_MAX_DIGITS)
    return;
  self->digits[self->n_digits++] = (char)('0' + digit);
  show_digits (self);
}

static void
on_clear_clicked (GtkButton *button, OtkDeckReaderPanel *self)
{
  clear_digits (self);
}

static void
on_ok_clicked (GtkButton *button, OtkDeckReaderPanel *self)
{
  run_op (self, OTK_DECK_OP_PIN_PAD, OTK_VDECK_PINPAD_DIGITS, self->digits);
  clear_digits (self);
}

static void
on_cancel_clicked (GtkButton *button, OtkDeckReaderPanel *self)
{
  clear_digits (self);
  run_op (self, OTK_DECK_OP_PIN_PAD, OTK_VDECK_PINPAD_CANCEL, NULL);
}

static void
on_no_answer_clicked (GtkButton *button, OtkDeckReaderPanel *self)
{
  clear_digits (self);
  run_op (self, OTK_DECK_OP_PIN_PAD, OTK_VDECK_PINPAD_NO_ANSWER, NULL);
}

static void
on_empty_queue_clicked (GtkButton *button, OtkDeckReaderPanel *self)
{
  run_op (self, OTK_DECK_OP_PIN_PAD_CLEAR, OTK_VDECK_PINPAD_DIGITS, NULL);
}

static void
on_remove_clicked (GtkButton *button, OtkDeckReaderPanel *self)
{
  run_op (self, OTK_DECK_OP_EJECT, OTK_VDECK_PINPAD_DIGITS, NULL);
}

static void
name_control (OtkDeckReaderPanel *self, GtkButton *button, const char *what)
{
  /* "Reader 1 PIN pad 5", "Reader 2 PIN pad OK": unique in the window. */
  g_autofree char *name = g_strdup_printf (_ ("Reader %d PIN pad %s"), self->reader, what);

  otk_widget_set_accessible_name (GTK_WIDGET (button), name);
}

static void
otk_deck_reader_panel_constructed (GObject *object)
{
  OtkDeckReaderPanel *self = OTK_DECK_READER_PANEL (object);
  g_autofree char *title = NULL;
  g_autofree char *remove_name = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *card_name = NULL;
  g_autofree char *pending_name = NULL;

  G_OBJECT_CLASS (otk_deck_reader_panel_parent_class)->constructed (object);

  title = g_strdup_printf (_ ("Reader %d"), self->reader);
  gtk_label_set_text (self->title_label, title);
  remove_name = g_strdup_printf (_ ("Remove card from reader %d"), self->reader);
  otk_widget_set_accessible_name (GTK_WIDGET (self->remove_button), remove_name);
  display_name = g_strdup_printf (_ ("Reader %d PIN pad display"), self->reader);
  otk_widget_set_accessible_name (GTK_WIDGET (self->display_label), display_name);
  card_name = g_strdup_printf (_ ("Virtual reader %d card"), self->reader);
  otk_widget_set_accessible_name (GTK_WIDGET (self->card_label), card_name);
  pending_name = g_strdup_printf (_ ("Reader %d PIN pad queue"), self->reader);
  otk_widget_set_accessible_name (GTK_WIDGET (self->pending_label), pending_name);
  for (int digit = 0; digit < 10; digit++)
    {
      char what[2] = { (char)('0' + digit), 0 };

      name_control (self, self->digit_buttons[digit], what);
    }
  name_control (self, self->clear_button, _ ("Clear"));
  name_control (self, self->ok_button, _ ("OK"));
  name_control (self, self->cancel_button, _ ("Cancel"));
  name_control (self, self->no_answer_button, _ ("No answer"));
  name_control (self, self->empty_queue_button, _ ("empty queue"));
  otk_deck_reader_panel_show (self, NULL, 0);
}

static void
otk_deck_reader_panel_set_property (GObject *object, guint prop_id, const GValue *value,
                                    GParamSpec *pspec)
{
  OtkDeckReaderPanel *self = OTK_DECK_READER_PANEL (object);

  switch (prop_id)
    {
      case PROP_READER:
        self->reader = g_value_get_int (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
otk_deck_reader_panel_get_property (GObject *object, guint prop_id, GValue *value,
                                    GParamSpec *pspec)
{
  OtkDeckReaderPanel *self = OTK_DECK_READER_PANEL (object);

  switch (prop_id)
    {
      case PROP_READER:
        g_value_set_int (value, self->reader);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
otk_deck_reader_panel_finalize (GObject *object)
{
  OtkDeckReaderPanel *self = OTK_DECK_READER_PANEL (object);

  secure_clear (self->digits, sizeof self->digits);
  g_free (self->deck_dir);
  G_OBJECT_CLASS (otk_deck_reader_panel_parent_class)->finalize (object);
}

static void
otk_deck_reader_panel_class_init (OtkDeckReaderPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = otk_deck_reader_panel_constructed;
  object_class->set_property = otk_deck_reader_panel_set_property;
  object_class->get_property = otk_deck_reader_panel_get_property;
  object_class->finalize = otk_deck_reader_panel_finalize;

  props[PROP_READER]
      = g_param_spec_int ("reader", NULL, NULL, 1, 2, 1,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* Emitted when a deck operation of this panel finished; the string is the error
   * message, or NULL on success. */
  signals[SIGNAL_OPERATION_DONE]
      = g_signal_new ("operation-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/widgets/otk-deck-reader-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, card_label);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, remove_button);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, display_label);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, pending_label);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, clear_button);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, ok_button);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, no_answer_button);
  gtk_widget_class_bind_template_child (widget_class, OtkDeckReaderPanel, empty_queue_button);
  for (int digit = 0; digit < 10; digit++)
    {
      g_autofree char *id = g_strdup_printf ("digit%d", digit);

      gtk_widget_class_bind_template_child_full (
          widget_class, id, FALSE,
          G_STRUCT_OFFSET (OtkDeckReaderPanel, digit_buttons)
              + (gssize)((gsize)digit * sizeof (GtkButton *)));
    }
}

static void
otk_deck_reader_panel_init (OtkDeckReaderPanel *self)
{
  self->reader = 1;
  gtk_widget_init_template (GTK_WIDGET (self));
  for (int digit = 0; digit < 10; digit++)
    {
      g_object_set_data (G_OBJECT (self->digit_buttons[digit]), "otk-digit",
                         GINT_TO_POINTER (digit));
      g_signal_connect (self->digit_buttons[digit], "clicked", G_CALLBACK (on_digit_clicked), self);
    }
  g_signal_connect (self->clear_button, "clicked", G_CALLBACK (on_clear_clicked), self);
  g_signal_connect (self->ok_button, "clicked", G_CALLBACK (on_ok_clicked), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
  g_signal_connect (self->no_answer_button, "clicked", G_CALLBACK (on_no_answer_clicked), self);
  g_signal_connect (self->remove_button, "clicked", G_CALLBACK (on_remove_clicked), self);
  g_signal_connect (self->empty_queue_button, "clicked", G_CALLBACK (on_empty_queue_clicked), self);
}

void
otk_deck_reader_panel_set_deck_dir (OtkDeckReaderPanel *self, const char *deck_dir)
{
  g_free (self->deck_dir);
  self->deck_dir = g_strdup (deck_dir);
}

void
otk_deck_reader_panel_show (OtkDeckReaderPanel *self, const char *card, guint pending)
{
  g_autofree char *card_text = NULL;
  g_autofree char *pending_text = NULL;

  card_text = card != NULL ? g_strdup_printf (_ ("Card: %s"), card) : g_strdup (_ ("No card"));
  gtk_label_set_text (self->card_label, card_text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_button), card != NULL);
  pending_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry waiting on the PIN pad",
                                               "%u entries waiting on the PIN pad", pending),
                                  pending);
  gtk_label_set_text (self->pending_label, pending_text);
  if (self->n_digits == 0)
    show_digits (self);
}
