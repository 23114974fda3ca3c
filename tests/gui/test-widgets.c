/* test-widgets.c: the parts of the shared widgets that need no display: what the apps say
 * about a card, the card queue, the virtual deck operations of the deck window, and what
 * the reader status reads (unlocked or not). */
#include "opentke-common.h"
#include "otk-deck-private.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- cards in words ------------------------------------------------------------------- */

static void
test_describe_card (void)
{
  const struct
  {
    CardType type;
    CardState state;
    const char *expected;
  } cases[] = {
    { CARD_TYPE_BLANK, CARD_STATE_BLANK, "Blank card" },
    { CARD_TYPE_CA, CARD_STATE_INITIALIZED, "CA smart card, PINs not set" },
    { CARD_TYPE_CA, CARD_STATE_CA_PIN1_SET, "CA smart card, second PIN not set" },
    { CARD_TYPE_CA, CARD_STATE_PERSONALIZED, "CA smart card" },
    { CARD_TYPE_EP11, CARD_STATE_INITIALIZED, "EP11 smart card, not enrolled" },
    { CARD_TYPE_EP11, CARD_STATE_ENROLLED, "EP11 smart card, not personalized" },
    { CARD_TYPE_EP11, CARD_STATE_PERSONALIZED, "EP11 smart card" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = otk_card_describe (cases[i].type, cases[i].state);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
fill (guint8 *bytes, guint8 value)
{
  memset (bytes, value, CARD_ID_SIZE);
}

/* Each PIN entry libcard announces gets its own words; one it does not know yet is
 * still said, not dropped. */
static void
test_describe_pin_entry (void)
{
  const char *whats[] = { "PIN",
                          "PIN 1",
                          "PIN 2",
                          "new PIN twice",
                          "new PIN 1 twice",
                          "new PIN 2 twice",
                          "current PIN, then new PIN twice" };
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *unknown = otk_pin_entry_describe ("PUK");

  for (gsize i = 0; i < G_N_ELEMENTS (whats); i++)
    {
      char *text = otk_pin_entry_describe (whats[i]);

      for (guint j = 0; j < texts->len; j++)
        g_assert_cmpstr (text, !=, g_ptr_array_index (texts, j));
      g_ptr_array_add (texts, text);
    }
  g_assert_nonnull (strstr (g_ptr_array_index (texts, 1), "first CA PIN"));
  g_assert_nonnull (strstr (g_ptr_array_index (texts, 5), "second CA PIN"));
  g_assert_nonnull (strstr (unknown, "PUK"));
}

static void
test_format_ep11 (void)
{
  CardKeyPartInfo part1 = { .index = 1, .description = (char *)"Key part A" };
  CardKeyPartInfo part7 = { .index = 7, .description = (char *)"Key part B" };
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  CardEp11Info info = { .state = CARD_STATE_PERSONALIZED,
                        .tries_left = 2,
                        .description = (char *)"Alice's card",
                        .admin_name = (char *)"alice",
                        .key_parts = parts };
  g_autofree char *text = NULL;
  g_autofree char *blocked = NULL;

  fill (info.card_id, 0x11);
  fill (info.zone_id, 0x22);
  fill (info.admin_ski, 0xab);
  fill (part1.vp, 0xc1);
  fill (part7.vp, 0xc7);
  g_ptr_array_add (parts, &part1);
  g_ptr_array_add (parts, &part7);

  text = otk_card_format_ep11_info (&info);
  g_assert_nonnull (strstr (text, "Alice's card"));
  g_assert_nonnull (strstr (text, "PIN tries left:     2"));
  g_assert_nonnull (strstr (text, "administrator \"alice\""));
  /* IDs, SKI and VPs in full, 64 hex digits. */
  g_assert_nonnull (
      strstr (text, "1111111111111111111111111111111111111111111111111111111111111111"));
  g_assert_nonnull (
      strstr (text, "2222222222222222222222222222222222222222222222222222222222222222"));
  g_assert_nonnull (
      strstr (text, "abababababababababababababababababababababababababababababababab"));
  g_assert_nonnull (strstr (text, " 1. Key part A"));
  g_assert_nonnull (strstr (text, " 7. Key part B"));
  g_assert_nonnull (
      strstr (text, "c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7"));
  g_assert_nonnull (strstr (text, "Key parts:          2"));

  info.tries_left = 0;
  info.admin_name = NULL;
  g_ptr_array_set_size (parts, 0);
  blocked = otk_card_format_ep11_info (&info);
  g_assert_nonnull (strstr (blocked, "blocked"));
  g_assert_null (strstr (blocked, "PIN tries left"));
  g_assert_nonnull (strstr (blocked, "Signature key:      none"));
  g_assert_nonnull (strstr (blocked, "Key parts:          0"));
}

static void
test_format_ca (void)
{
  CardCaInfo info = { .state = CARD_STATE_PERSONALIZED,
                      .tries_left = 5,
                      .zone_description = (char *)"Demo zone",
                      .card_description = (char *)"CA card",
                      .n_roots = 2 };
  g_autofree char *text = NULL;
  g_autofree char *blocked = NULL;

  fill (info.root_skis[0], 0x01);
  fill (info.root_skis[1], 0xfe);
  text = otk_card_format_ca_info (&info);
  g_assert_nonnull (strstr (text, "Demo zone"));
  g_assert_nonnull (strstr (text, "PIN tries left:     5"));
  g_assert_nonnull (strstr (text, "Trusted crypto-unit roots: 2"));
  g_assert_nonnull (
      strstr (text, "1. 0101010101010101010101010101010101010101010101010101010101010101"));
  g_assert_nonnull (
      strstr (text, "2. fefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefe"));

  info.tries_left = 0;
  blocked = otk_card_format_ca_info (&info);
  g_assert_nonnull (strstr (blocked, "blocked for good"));
}

/* ---- the card queue ------------------------------------------------------------------- */

typedef struct
{
  gint running; /* calls running at this moment */
  gint most_at_once;
  GArray *order;
  guint done;
} QueueRecord;

static void
queued_call (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "index"));
  QueueRecord *shared = g_object_get_data (G_OBJECT (task), "record");
  gint now = g_atomic_int_add (&shared->running, 1) + 1;

  if (now > g_atomic_int_get (&shared->most_at_once))
    g_atomic_int_set (&shared->most_at_once, now);
  g_usleep (2000); /* widens the window in which a second call could overlap */
  g_array_append_val (shared->order, index);
  g_atomic_int_add (&shared->running, -1);
  g_task_return_boolean (task, TRUE);
}

static void
on_queued_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QueueRecord *record = user_data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  record->done++;
}

static void
test_card_queue_one_at_a_time_in_order (void)
{
  g_autoptr (OtkCardQueue) queue = otk_card_queue_new ();
  QueueRecord record = { 0 };
  const guint n = 24;

  record.order = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GTask) task = g_task_new (NULL, NULL, on_queued_done, &record);

      g_object_set_data (G_OBJECT (task), "index", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (task), "record", &record);
      otk_card_queue_run (queue, task, queued_call);
    }
  while (record.done < n)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (record.most_at_once, ==, 1);
  g_assert_cmpuint (record.order->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (record.order, guint, i), ==, i);
  g_array_unref (record.order);
}

/* ---- deck operations ------------------------------------------------------------------ */

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
  OtkDeckSnapshot *snapshot;
  char *text;
} OpResult;

static void
on_op (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpResult *op = user_data;

  op->ok = otk_deck_op_finish (result, &op->snapshot, &op->text, &op->error);
  op->done = TRUE;
}

/* Runs one deck operation to its end; the result is the caller's to clear. */
static OpResult
run_op (const char *deck, OtkDeckOpKind kind, int reader, const char *name,
        otk_vdeck_pinpad_key key, const char *digits)
{
  OpResult op = { 0 };

  otk_deck_op_run_async (deck, kind, reader, name, key, digits, NULL, on_op, &op);
  while (!op.done)
    g_main_context_iteration (NULL, TRUE);
  return op;
}

static void
op_clear (OpResult *op)
{
  g_clear_error (&op->error);
  g_clear_pointer (&op->snapshot, otk_deck_snapshot_free);
  g_clear_pointer (&op->text, g_free);
}

static gboolean
op_ok (const char *deck, OtkDeckOpKind kind, int reader, const char *name, otk_vdeck_pinpad_key key,
       const char *digits)
{
  OpResult op = run_op (deck, kind, reader, name, key, digits);
  gboolean ok = op.ok;

  g_assert_no_error (op.error);
  op_clear (&op);
  return ok;
}

static OtkDeckSnapshot *
snapshot (const char *deck)
{
  OpResult op = run_op (deck, OTK_DECK_OP_SNAPSHOT, 0, NULL, 0, NULL);
  OtkDeckSnapshot *result = g_steal_pointer (&op.snapshot);

  g_assert_true (op.ok);
  op_clear (&op);
  return result;
}

static void
test_deck_operations (void)
{
  g_autofree char *dir = g_dir_make_tmp ("opentke-widgets-XXXXXX", NULL);
  g_autofree char *deck = g_build_filename (dir, "deck", NULL);
  g_autoptr (OtkDeckSnapshot) empty = NULL;
  g_autoptr (OtkDeckSnapshot) after = NULL;
  g_autoptr (OtkDeckSnapshot) cleared = NULL;
  OpResult refused;
  OpResult shown;

  empty = snapshot (deck);
  g_assert_cmpuint (empty->cards->len, ==, 0);
  g_assert_null (empty->reader_card[0]);

  g_assert_true (op_ok (deck, OTK_DECK_OP_NEW_CARD, 0, "ca", 0, NULL));
  g_assert_true (op_ok (deck, OTK_DECK_OP_NEW_CARD, 0, "ep11", 0, NULL));
  g_assert_true (op_ok (deck, OTK_DECK_OP_INSERT, 2, "ep11", 0, NULL));
  g_assert_true (op_ok (deck, OTK_DECK_OP_PIN_PAD, 1, NULL, OTK_VDECK_PINPAD_DIGITS, "123456"));
  g_assert_true (op_ok (deck, OTK_DECK_OP_PIN_PAD, 1, NULL, OTK_VDECK_PINPAD_CANCEL, NULL));
  after = snapshot (deck);
  g_assert_cmpuint (after->cards->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (after->cards, 0), ==, "ca");
  g_assert_cmpstr (g_ptr_array_index (after->cards, 1), ==, "ep11");
  g_assert_null (after->reader_card[0]);
  g_assert_cmpstr (after->reader_card[1], ==, "ep11");
  g_assert_cmpuint (after->pending[0], ==, 2);
  g_assert_cmpuint (after->pending[1], ==, 0);

  /* The deck's refusals come back as errors with the deck's words. */
  refused = run_op (deck, OTK_DECK_OP_NEW_CARD, 0, "ca", 0, NULL);
  g_assert_false (refused.ok);
  g_assert_error (refused.error, OTK_DECK_ERROR, -OTK_VDECK_ERR_EXISTS);
  op_clear (&refused);
  refused = run_op (deck, OTK_DECK_OP_INSERT, 1, "ep11", 0, NULL);
  g_assert_error (refused.error, OTK_DECK_ERROR, -OTK_VDECK_ERR_IN_USE);
  op_clear (&refused);
  refused = run_op (deck, OTK_DECK_OP_NEW_CARD, 0, "../escape", 0, NULL);
  g_assert_error (refused.error, OTK_DECK_ERROR, -OTK_VDECK_ERR_INVALID);
  op_clear (&refused);

  shown = run_op (deck, OTK_DECK_OP_SHOW_CARD, 0, "ca", 0, NULL);
  g_assert_true (shown.ok);
  g_assert_nonnull (strstr (shown.text, "blank"));
  op_clear (&shown);

  g_assert_true (op_ok (deck, OTK_DECK_OP_PIN_PAD_CLEAR, 1, NULL, 0, NULL));
  g_assert_true (op_ok (deck, OTK_DECK_OP_EJECT, 2, NULL, 0, NULL));
  cleared = snapshot (deck);
  g_assert_cmpuint (cleared->pending[0], ==, 0);
  g_assert_null (cleared->reader_card[1]);

  otk_remove_tree (dir);
}

/* ---- the reader status read -------------------------------------------------------- */

static void
queue_pins (otk_vdeck *deck, const char *const *pins)
{
  for (; *pins != NULL; pins++)
    g_assert_cmpint (otk_vdeck_pinpad_queue (deck, 1, OTK_VDECK_PINPAD_DIGITS, *pins), ==,
                     OTK_VDECK_OK);
}

/* What the status area reads for a reader says whether its card is unlocked, and reading
 * it does not lock the card (a new session would: SELECT drops the PINs). */
static void
test_reader_info_read_unlocked (void)
{
  static const char *const personalize_pins[] = { "111111", "111111", "222222", "222222", NULL };
  static const char *const unlock_pins[] = { "111111", "222222", NULL };
  g_autofree char *dir = g_dir_make_tmp ("opentke-widgets-XXXXXX", NULL);
  g_autoptr (CardContext) ctx = NULL;
  g_autoptr (CardSession) ca = NULL;
  otk_vdeck *deck = NULL;
  CardReader *reader;
  OtkReaderInfo info = { 0 };
  GError *error = NULL;

  ctx = card_context_new_virtual (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (otk_vdeck_open (dir, &deck), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_card_new (deck, "ca"), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_insert (deck, 1, "ca"), ==, OTK_VDECK_OK);
  reader = card_context_get_reader (ctx, CARD_READER_1, &error);
  g_assert_no_error (error);
  ca = card_session_open (reader, CARD_APPLET_CA, &error);
  g_assert_no_error (error);
  card_ca_initialize (ca, "Zone", "CA card", NULL, 0, &error);
  g_assert_no_error (error);
  queue_pins (deck, personalize_pins);
  card_ca_personalize (ca, &error);
  g_assert_no_error (error);

  otk_reader_info_read (reader, &info);
  g_assert_true (info.card_present);
  g_assert_cmpstr (info.card_type, ==, "CA smart card");
  g_assert_false (info.unlocked);
  otk_reader_info_clear (&info);

  queue_pins (deck, unlock_pins);
  card_ca_verify_pins (ca, &error);
  g_assert_no_error (error);
  for (int look = 0; look < 2; look++)
    {
      otk_reader_info_read (reader, &info);
      g_assert_true (info.unlocked);
      g_assert_cmpstr (info.card_type, ==, "CA smart card");
      otk_reader_info_clear (&info);
    }
  g_assert_true (card_session_is_unlocked (ca, NULL, &error));
  g_assert_no_error (error);

  /* Removed under the session: nothing to show as unlocked. */
  g_assert_cmpint (otk_vdeck_eject (deck, 1), ==, OTK_VDECK_OK);
  otk_reader_info_read (reader, &info);
  g_assert_false (info.card_present);
  g_assert_false (info.unlocked);
  otk_reader_info_clear (&info);

  g_clear_pointer (&ca, card_session_close);
  g_clear_pointer (&ctx, card_context_free);
  otk_vdeck_close (deck);
  otk_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/widgets/card/describe", test_describe_card);
  g_test_add_func ("/widgets/card/describe-pin-entry", test_describe_pin_entry);
  g_test_add_func ("/widgets/card/format-ep11", test_format_ep11);
  g_test_add_func ("/widgets/card/format-ca", test_format_ca);
  g_test_add_func ("/widgets/card-queue/one-at-a-time-in-order",
                   test_card_queue_one_at_a_time_in_order);
  g_test_add_func ("/widgets/deck/operations", test_deck_operations);
  g_test_add_func ("/widgets/reader-status/read-unlocked", test_reader_info_read_unlocked);
  return g_test_run ();
}
