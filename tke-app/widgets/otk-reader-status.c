/* otk-reader-status.c: the status area for reader 1 and reader 2 (present, PIN pad, card
 * present, card type, unlocked or not).  It shows what it is given, or what its own refresh
 * reads on the app's card queue. */
#include "otk-widgets.h"

#include <glib/gi18n-lib.h>

/* The columns after "Reader N", in template order. */
enum
{
  COLUMN_NAME,
  COLUMN_PIN_PAD,
  COLUMN_CARD,
  COLUMN_CARD_TYPE,
  COLUMN_UNLOCKED,
  N_COLUMNS
};

struct _OtkReaderStatus
{
  GtkBox parent_instance;

  GtkLabel *labels[2][N_COLUMNS]; /* [reader - 1][column] */
  gboolean unlocked[2];           /* what the unlocked column shows */
  gboolean refreshing;
};

G_DEFINE_TYPE (OtkReaderStatus, otk_reader_status, GTK_TYPE_BOX)

enum
{
  SIGNAL_REFRESHED,
  SIGNAL_READER_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* Template ids are reader1_name ... reader2_unlocked. */
static const char *const column_ids[N_COLUMNS]
    = { "name", "pin_pad", "card", "card_type", "unlocked" };

static void
otk_reader_status_class_init (OtkReaderStatusClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* After otk_reader_status_refresh(): NULL, or why the readers could not be read. */
  signals[SIGNAL_REFRESHED]
      = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* After otk_reader_status_set(): what reader 1 or 2 shows has been set again. */
  signals[SIGNAL_READER_CHANGED]
      = g_signal_new ("reader-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/opentke/widgets/otk-reader-status.ui");
  for (int reader = 0; reader < 2; reader++)
    for (int column = 0; column < N_COLUMNS; column++)
      {
        g_autofree char *id = g_strdup_printf ("reader%d_%s", reader + 1, column_ids[column]);

        gtk_widget_class_bind_template_child_full (
            widget_class, id, FALSE,
            G_STRUCT_OFFSET (OtkReaderStatus, labels)
                + (gssize)((reader * N_COLUMNS + column) * sizeof (GtkLabel *)));
      }
}

/* Fixed accessible names, so a test reads "Reader 2 card" whatever it shows. */
static char *
column_accessible_name (int reader, int column)
{
  switch (column)
    {
      case COLUMN_NAME:
        return g_strdup_printf (_ ("Reader %d name"), reader);
      case COLUMN_PIN_PAD:
        return g_strdup_printf (_ ("Reader %d PIN pad"), reader);
      case COLUMN_CARD:
        return g_strdup_printf (_ ("Reader %d card"), reader);
      case COLUMN_UNLOCKED:
        return g_strdup_printf (_ ("Reader %d unlocked"), reader);
      default:
        return g_strdup_printf (_ ("Reader %d card type"), reader);
    }
}

static void
otk_reader_status_init (OtkReaderStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (int reader = 1; reader <= 2; reader++)
    {
      for (int column = 0; column < N_COLUMNS; column++)
        {
          g_autofree char *name = column_accessible_name (reader, column);

          otk_widget_set_accessible_name (GTK_WIDGET (self->labels[reader - 1][column]), name);
        }
      otk_reader_status_set (self, reader, NULL);
    }
}

OtkReaderStatus *
otk_reader_status_new (void)
{
  otk_widgets_init ();
  return g_object_new (OTK_TYPE_READER_STATUS, NULL);
}

void
otk_reader_status_set (OtkReaderStatus *self, int reader, const OtkReaderInfo *info)
{
  GtkLabel **labels;

  g_return_if_fail (OTK_IS_READER_STATUS (self));
  g_return_if_fail (reader == 1 || reader == 2);

  labels = self->labels[reader - 1];
  self->unlocked[reader - 1] = info != NULL && info->found && info->card_present && info->unlocked;
  if (info == NULL)
    {
      for (int column = 0; column < N_COLUMNS; column++)
        gtk_label_set_text (labels[column], column == COLUMN_NAME ? _ ("Not checked yet") : "");
    }
  else if (!info->found)
    {
      gtk_label_set_text (labels[COLUMN_NAME], _ ("No reader"));
      for (int column = COLUMN_PIN_PAD; column < N_COLUMNS; column++)
        gtk_label_set_text (labels[column], "");
    }
  else
    {
      gtk_label_set_text (labels[COLUMN_NAME], info->name != NULL ? info->name : "");
      gtk_label_set_text (labels[COLUMN_PIN_PAD], info->pin_pad ? _ ("PIN pad") : _ ("No PIN pad"));
      gtk_label_set_text (labels[COLUMN_CARD],
                          info->card_present ? _ ("Card inserted") : _ ("No smart card inserted"));
      gtk_label_set_text (labels[COLUMN_CARD_TYPE],
                          info->card_present && info->card_type != NULL ? info->card_type : "");
      gtk_label_set_text (labels[COLUMN_UNLOCKED], !info->card_present ? ""
                                                   : info->unlocked    ? _ ("Unlocked")
                                                                       : _ ("Not unlocked"));
    }
  g_signal_emit (self, signals[SIGNAL_READER_CHANGED], 0, reader);
}

char *
otk_reader_status_describe (OtkReaderStatus *self, int reader)
{
  GtkLabel **labels;
  const char *card, *type;

  g_return_val_if_fail (OTK_IS_READER_STATUS (self), NULL);
  g_return_val_if_fail (reader == 1 || reader == 2, NULL);

  labels = self->labels[reader - 1];
  card = gtk_label_get_text (labels[COLUMN_CARD]);
  type = gtk_label_get_text (labels[COLUMN_CARD_TYPE]);
  if (card[0] == '\0')
    return g_strdup_printf (_ ("Reader %d: %s"), reader, gtk_label_get_text (labels[COLUMN_NAME]));
  if (type[0] == '\0')
    return g_strdup_printf (_ ("Reader %d: %s"), reader, card);
  if (self->unlocked[reader - 1])
    return g_strdup_printf (_ ("Reader %d: %s (%s), unlocked"), reader, card, type);
  return g_strdup_printf (_ ("Reader %d: %s (%s)"), reader, card, type);
}

/* ---- refresh on the card queue -------------------------------------------------------- */

typedef struct
{
  OtkContextFunc get_context;
  gpointer user_data;
  OtkReaderInfo info[2];
} StatusProbe;

static void
status_probe_free (gpointer data)
{
  StatusProbe *probe = data;

  otk_reader_info_clear (&probe->info[0]);
  otk_reader_info_clear (&probe->info[1]);
  g_free (probe);
}

/* A card this program unlocked is read through the session that unlocked it: a new
 * session would select its applet, and the card forgets its PIN then. */
void
otk_reader_info_read (CardReader *reader, OtkReaderInfo *info)
{
  CardType type;
  CardState state;

  if (!card_reader_is_unlocked (reader, &type, &state))
    {
      otk_reader_info_probe (reader, info);
      return;
    }
  info->found = TRUE;
  info->name = g_strdup (card_reader_get_name (reader));
  info->pin_pad = card_reader_has_pin_pad (reader);
  info->card_present = TRUE;
  info->card_type = otk_card_describe (type, state);
  info->unlocked = TRUE;
}

static void
probe_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  StatusProbe *probe = task_data;
  GError *error = NULL;
  CardContext *ctx = probe->get_context (probe->user_data, &error);
  /* Listing the readers also assigns reader 1 and 2 again. */
  GPtrArray *readers = ctx != NULL ? card_context_list_readers (ctx, &error) : NULL;

  if (readers != NULL && readers->len == 0)
    g_set_error (&error, CARD_ERROR, CARD_ERROR_NO_READERS, _ ("No smart card readers found"));
  g_clear_pointer (&readers, g_ptr_array_unref);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (int role = CARD_READER_1; role <= CARD_READER_2; role++)
    {
      CardReader *reader = card_context_get_reader (ctx, role, NULL);

      if (reader != NULL)
        otk_reader_info_read (reader, &probe->info[role - 1]);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_probe_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OtkReaderStatus *self = OTK_READER_STATUS (source);
  StatusProbe *probe = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  OtkReaderInfo none = { 0 };
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->refreshing = FALSE;
  otk_reader_status_set (self, 1, ok ? &probe->info[0] : &none);
  otk_reader_status_set (self, 2, ok ? &probe->info[1] : &none);
  g_signal_emit (self, signals[SIGNAL_REFRESHED], 0, ok ? NULL : error->message);
}

void
otk_reader_status_refresh (OtkReaderStatus *self, OtkCardQueue *queue, OtkContextFunc get_context,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  StatusProbe *probe;

  g_return_if_fail (OTK_IS_READER_STATUS (self));

  if (self->refreshing)
    return;
  self->refreshing = TRUE;
  probe = g_new0 (StatusProbe, 1);
  probe->get_context = get_context;
  probe->user_data = user_data;
  task = g_task_new (self, NULL, on_probe_done, NULL);
  g_task_set_task_data (task, probe, status_probe_free);
  otk_card_queue_run (queue, task, probe_thread);
}
