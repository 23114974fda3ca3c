/* otk-deck-ops.c: the virtual card deck's file operations, each on a worker thread with
 * its own deck handle. */
#include "otk-deck-private.h"

#include "opentke-common.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (otk - deck - error - quark, otk_deck_error)

typedef struct
{
  char *deck_dir;
  OtkDeckOpKind kind;
  int reader;
  char *name;
  otk_vdeck_pinpad_key key;
  char digits[17]; /* a PIN typed on the on-screen PIN pad: wiped in op_free */
} DeckOp;

typedef struct
{
  OtkDeckSnapshot *snapshot;
  char *text;
} DeckOpResult;

static void
op_free (gpointer data)
{
  DeckOp *op = data;

  secure_clear (op->digits, sizeof op->digits);
  g_free (op->deck_dir);
  g_free (op->name);
  g_free (op);
}

static void
op_result_free (gpointer data)
{
  DeckOpResult *result = data;

  g_clear_pointer (&result->snapshot, otk_deck_snapshot_free);
  g_free (result->text);
  g_free (result);
}

void
otk_deck_snapshot_free (OtkDeckSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_ptr_array_unref (snapshot->cards);
  g_free (snapshot->reader_card[0]);
  g_free (snapshot->reader_card[1]);
  g_free (snapshot);
}

static int
add_card_name (const char *name, void *user)
{
  g_ptr_array_add (user, g_strdup (name));
  return 0;
}

static int
read_snapshot (otk_vdeck *deck, OtkDeckSnapshot *snapshot)
{
  int status = otk_vdeck_card_list (deck, add_card_name, snapshot->cards);

  for (int i = 0; i < 2 && status == OTK_VDECK_OK; i++)
    {
      char name[OTK_VDECK_NAME_MAX + 1];
      unsigned pending = 0;

      status = otk_vdeck_reader_card (deck, i + 1, name, NULL);
      if (status == OTK_VDECK_OK)
        snapshot->reader_card[i] = g_strdup (name);
      else if (status == OTK_VDECK_ERR_NO_CARD)
        status = OTK_VDECK_OK;
      if (status == OTK_VDECK_OK)
        status = otk_vdeck_pinpad_pending (deck, i + 1, &pending);
      snapshot->pending[i] = pending;
    }
  return status;
}

static int
show_card (otk_vdeck *deck, const char *name, DeckOpResult *result)
{
  /* Grows the buffer while the deck says it is too small. */
  for (size_t len = 4096; len <= 1024 * 1024; len *= 4)
    {
      g_autofree char *buf = g_malloc0 (len);
      int status = otk_vdeck_card_show (deck, name, buf, len);

      if (status != OTK_VDECK_ERR_BUFFER)
        {
          if (status == OTK_VDECK_OK)
            result->text = g_steal_pointer (&buf);
          return status;
        }
    }
  return OTK_VDECK_ERR_BUFFER;
}

static int
run_op (otk_vdeck *deck, DeckOp *op, DeckOpResult *result)
{
  switch (op->kind)
    {
      case OTK_DECK_OP_SNAPSHOT:
        result->snapshot = g_new0 (OtkDeckSnapshot, 1);
        result->snapshot->cards = g_ptr_array_new_with_free_func (g_free);
        return read_snapshot (deck, result->snapshot);
      case OTK_DECK_OP_NEW_CARD:
        return otk_vdeck_card_new (deck, op->name);
      case OTK_DECK_OP_SHOW_CARD:
        return show_card (deck, op->name, result);
      case OTK_DECK_OP_INSERT:
        return otk_vdeck_insert (deck, op->reader, op->name);
      case OTK_DECK_OP_EJECT:
        return otk_vdeck_eject (deck, op->reader);
      case OTK_DECK_OP_PIN_PAD:
        return otk_vdeck_pinpad_queue (deck, op->reader, op->key,
                                       op->key == OTK_VDECK_PINPAD_DIGITS ? op->digits : NULL);
      case OTK_DECK_OP_PIN_PAD_CLEAR:
        return otk_vdeck_pinpad_clear (deck, op->reader);
    }
  return OTK_VDECK_ERR_INVALID;
}

static void
op_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DeckOp *op = task_data;
  DeckOpResult *result = g_new0 (DeckOpResult, 1);
  otk_vdeck *deck = NULL;
  int status = otk_vdeck_open (op->deck_dir, &deck);

  if (status == OTK_VDECK_OK)
    status = run_op (deck, op, result);
  otk_vdeck_close (deck);
  if (status != OTK_VDECK_OK)
    {
      op_result_free (result);
      g_task_return_new_error (task, OTK_DECK_ERROR, -status, _ ("Virtual card deck: %s"),
                               otk_vdeck_strerror (status));
      return;
    }
  g_task_return_pointer (task, result, op_result_free);
}

void
otk_deck_op_run_async (const char *deck_dir, OtkDeckOpKind kind, int reader, const char *name,
                       otk_vdeck_pinpad_key key, const char *digits, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  DeckOp *op = g_new0 (DeckOp, 1);

  op->deck_dir = g_strdup (deck_dir);
  op->kind = kind;
  op->reader = reader;
  op->name = g_strdup (name);
  op->key = key;
  if (digits != NULL)
    g_strlcpy (op->digits, digits, sizeof op->digits);
  g_task_set_task_data (task, op, op_free);
  g_task_set_source_tag (task, otk_deck_op_run_async);
  g_task_run_in_thread (task, op_thread);
}

gboolean
otk_deck_op_finish (GAsyncResult *res, OtkDeckSnapshot **out_snapshot, char **out_text,
                    GError **error)
{
  DeckOpResult *result = g_task_propagate_pointer (G_TASK (res), error);

  if (result == NULL)
    return FALSE;
  if (out_snapshot != NULL)
    *out_snapshot = g_steal_pointer (&result->snapshot);
  if (out_text != NULL)
    *out_text = g_steal_pointer (&result->text);
  op_result_free (result);
  return TRUE;
}
