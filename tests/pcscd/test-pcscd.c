/* Tests of the PC/SC path against a real pcscd that runs our virtual PIN-pad
 * driver (started by with-pcscd.sh, which exports OPENTKE_DECK): readers and
 * roles, card presence and waiting (timeout, cancel, insertion from another
 * thread), the part-10 features of the driver and every PIN-pad outcome,
 * removal and swap in the middle of a session.  With OPENTKE_PCSCD=none (the
 * fixture's --no-daemon) only the "pcscd is not running" test runs. */
#include "opentke-card.h"
#include "opentke-vdeck.h"
#include "pcsc-private.h"

#include <PCSC/pcsclite.h>
#include <PCSC/reader.h>
#include <string.h>

#define READER_NAME "OpenTKE Virtual PIN Pad"
static const uint8_t select_ep11[]
    = { 0x00, 0xA4, 0x04, 0x00, 0x09, 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };
/* VERIFY of the EP11 PIN with a placeholder block (docs/card-protocol.md §4). */
static const uint8_t verify_apdu[]
    = { 0x00, 0x20, 0x00, 0x81, 0x08, 0x26, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

typedef struct
{
  otk_vdeck *deck;
  CardContext *ctx;
  CardBackend *backend; /* the PC/SC backend itself, for the byte-level tests */
  char *name[3];        /* PC/SC names of deck readers 1 and 2 */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) readers = NULL;

  g_assert_cmpint (otk_vdeck_open (g_getenv ("OPENTKE_DECK"), &f->deck), ==, OTK_VDECK_OK);
  for (int r = 1; r <= 2; r++)
    {
      g_assert_cmpint (otk_vdeck_eject (f->deck, r), ==, OTK_VDECK_OK);
      g_assert_cmpint (otk_vdeck_pinpad_clear (f->deck, r), ==, OTK_VDECK_OK);
    }
  for (const char *const *n = (const char *const[]){ "alpha", "beta", NULL }; *n; n++)
    {
      int st = otk_vdeck_card_new (f->deck, *n);

      g_assert_true (st == OTK_VDECK_OK || st == OTK_VDECK_ERR_EXISTS);
    }
  f->ctx = card_context_new_pcsc (&error);
  g_assert_no_error (error);
  f->backend = card_backend_pcsc_new (&error);
  g_assert_no_error (error);
  readers = f->backend->klass->list_readers (f->backend, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < readers->len; i++)
    {
      CardBackendReader *r = readers->pdata[i];

      if (strstr (r->name, READER_NAME " 1 ") != NULL)
        f->name[1] = g_strdup (r->name);
      if (strstr (r->name, READER_NAME " 2 ") != NULL)
        f->name[2] = g_strdup (r->name);
    }
  g_assert_nonnull (f->name[1]);
  g_assert_nonnull (f->name[2]);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  for (int r = 1; r <= 2; r++)
    {
      otk_vdeck_eject (f->deck, r);
      otk_vdeck_pinpad_clear (f->deck, r);
      /* The next test starts once pcscd has seen the reader empty. */
      g_assert_true (
          f->backend->klass->wait_card (f->backend, f->name[r], FALSE, 10000, NULL, NULL));
      g_free (f->name[r]);
    }
  f->backend->klass->free (f->backend);
  card_context_free (f->ctx);
  otk_vdeck_close (f->deck);
}

static void
wait_card (Fixture *f, int reader, gboolean present)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      f->backend->klass->wait_card (f->backend, f->name[reader], present, 10000, NULL, &error));
  g_assert_no_error (error);
}

static void
insert (Fixture *f, int reader, const char *card)
{
  g_assert_cmpint (otk_vdeck_insert (f->deck, reader, card), ==, OTK_VDECK_OK);
  wait_card (f, reader, TRUE);
}

static void
test_readers_and_roles (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) readers = card_context_list_readers (f->ctx, &error);
  CardReader *one, *two;

  g_assert_no_error (error);
  g_assert_cmpuint (readers->len, ==, 2);
  for (guint i = 0; i < readers->len; i++)
    {
      g_assert_nonnull (strstr (card_reader_get_name (readers->pdata[i]), READER_NAME));
      g_assert_true (card_reader_has_pin_pad (readers->pdata[i]));
      g_assert_false (card_reader_is_card_present (readers->pdata[i], NULL));
    }
  one = card_context_get_reader (f->ctx, CARD_READER_1, &error);
  g_assert_no_error (error);
  two = card_context_get_reader (f->ctx, CARD_READER_2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card_reader_get_name (one), ==, f->name[1]);
  g_assert_cmpstr (card_reader_get_name (two), ==, f->name[2]);
  g_assert_cmpint (card_reader_get_role (one), ==, CARD_READER_1);
}

static void
test_card_presence (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CardReader *two = card_context_get_reader (f->ctx, CARD_READER_2, &error);

  g_assert_no_error (error);
  g_assert_cmpint (otk_vdeck_insert (f->deck, 2, "alpha"), ==, OTK_VDECK_OK);
  g_assert_true (card_reader_wait (two, TRUE, 10000, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (card_reader_is_card_present (two, &error));
  g_assert_cmpint (otk_vdeck_eject (f->deck, 2), ==, OTK_VDECK_OK);
  g_assert_true (card_reader_wait (two, FALSE, 10000, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (card_reader_is_card_present (two, &error));
}

static void
test_wait_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (f->backend->klass->wait_card (f->backend, f->name[1], TRUE, 300, NULL, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_TIMEOUT);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_wait_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GThread *thread = g_thread_new ("cancel", cancel_soon, cancellable);

  /* No timeout: only the cancel can end this wait. */
  g_assert_false (
      f->backend->klass->wait_card (f->backend, f->name[1], TRUE, 0, cancellable, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_CANCELLED);
  g_thread_join (thread);
  /* Already cancelled: refused at once. */
  g_clear_error (&error);
  g_assert_false (
      f->backend->klass->wait_card (f->backend, f->name[1], TRUE, 0, cancellable, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_CANCELLED);
}

/* What a person does at the workstation a moment later, from another
 * thread with a deck handle of its own: insert a card or type on the pad. */
typedef struct
{
  int reader;
  const char *card;   /* inserted when set */
  const char *digits; /* typed on the PIN pad when set */
} LaterAction;

static gpointer
act_later (gpointer data)
{
  const LaterAction *a = data;
  otk_vdeck *deck = NULL;
  int st;

  g_usleep (250 * 1000);
  g_assert_cmpint (otk_vdeck_open (g_getenv ("OPENTKE_DECK"), &deck), ==, OTK_VDECK_OK);
  st = a->card ? otk_vdeck_insert (deck, a->reader, a->card)
               : otk_vdeck_pinpad_queue (deck, a->reader, OTK_VDECK_PINPAD_DIGITS, a->digits);
  otk_vdeck_close (deck);
  return GINT_TO_POINTER (st);
}

static void
test_wait_insertion (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const LaterAction insert_beta = { .reader = 1, .card = "beta" };
  GThread *thread = g_thread_new ("insert", act_later, (gpointer)&insert_beta);

  g_assert_true (f->backend->klass->wait_card (f->backend, f->name[1], TRUE, 10000, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, OTK_VDECK_OK);
}

static void
test_wait_unknown_reader (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (
      f->backend->klass->wait_card (f->backend, "No Such Reader 00 00", TRUE, 1000, NULL, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND);
}

/* The features, as any part-10 client (OpenSC, pyscard) reads them. */
static void
test_part10_features (Fixture *f, gconstpointer data)
{
  SCARDCONTEXT context;
  SCARDHANDLE handle;
  DWORD protocol, len = 0;
  guint8 buf[256];
  Part10Features features;
  Part10Properties props;

  g_assert_cmphex (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context), ==,
                   SCARD_S_SUCCESS);
  /* Without a card, as a reader is examined before use. */
  g_assert_cmphex (SCardConnect (context, f->name[1], SCARD_SHARE_DIRECT, 0, &handle, &protocol),
                   ==, SCARD_S_SUCCESS);
  g_assert_cmphex (
      SCardControl (handle, CM_IOCTL_GET_FEATURE_REQUEST, NULL, 0, buf, sizeof buf, &len), ==,
      SCARD_S_SUCCESS);
  g_assert_cmpint (part10_parse_features (buf, len, &features), ==, PART10_OK);
  g_assert_cmphex (features.verify_pin_direct, !=, 0);
  g_assert_cmphex (features.modify_pin_direct, !=, 0);
  g_assert_cmphex (features.ifd_pin_properties, !=, 0);
  g_assert_cmphex (features.get_tlv_properties, !=, 0);
  g_assert_cmphex (
      SCardControl (handle, features.get_tlv_properties, NULL, 0, buf, sizeof buf, &len), ==,
      SCARD_S_SUCCESS);
  g_assert_cmpint (part10_parse_properties (buf, len, &props), ==, PART10_OK);
  /* Six-digit PINs fit, and extended APDUs pass. */
  g_assert_cmpuint (props.min_pin_len, <=, 6);
  g_assert_cmpuint (props.max_pin_len, >=, 6);
  g_assert_cmpuint (props.max_apdu_data_size, >=, 256);
  g_assert_cmphex (
      SCardControl (handle, features.ifd_pin_properties, NULL, 0, buf, sizeof buf, &len), ==,
      SCARD_S_SUCCESS);
  g_assert_cmpuint (len, ==, PART10_PIN_PROPERTIES_LEN);
  g_assert_cmphex (buf[2] & 0x02, ==, 0x02); /* validation by the OK key */
  /* An unknown control code is refused, not answered. */
  g_assert_cmphex (SCardControl (handle, SCARD_CTL_CODE (1), NULL, 0, buf, sizeof buf, &len), !=,
                   SCARD_S_SUCCESS);
  SCardDisconnect (handle, SCARD_LEAVE_CARD);
  SCardReleaseContext (context);
}

static CardBackendConn *
connect_selected (Fixture *f, int reader)
{
  g_autoptr (GError) error = NULL;
  CardBackendConn *conn = f->backend->klass->connect (f->backend, f->name[reader], &error);
  guint8 rsp[OTK_VDECK_RESPONSE_MAX];
  gsize len = 0;

  g_assert_no_error (error);
  g_assert_true (f->backend->klass->transmit (f->backend, conn, select_ep11, sizeof select_ep11,
                                              rsp, sizeof rsp, &len, &error));
  g_assert_no_error (error);
  g_assert_cmphex (rsp[len - 2] << 8 | rsp[len - 1], ==, 0x9000);
  return conn;
}

static guint16
pin_entry (Fixture *f, CardBackendConn *conn, CardPinOp op)
{
  g_autoptr (GError) error = NULL;
  const CardPinEntry entry = { .op = op,
                               .apdu = verify_apdu,
                               .apdu_len = sizeof verify_apdu,
                               .block_len = 8,
                               .min_len = 6,
                               .max_len = 6,
                               .timeout_s = 30 };
  guint16 sw = 0;

  g_assert_true (f->backend->klass->pin_pad_entry (f->backend, conn, &entry, &sw, &error));
  g_assert_no_error (error);
  return sw;
}

/* What the same card answers to the same entry without pcscd, typed on the
 * deck's pad by this process (its own card RAM state, as a second host). */
static guint16
pin_entry_in_process (Fixture *f, int reader, const char *digits)
{
  const otk_vdeck_pin_entry entry
      = { .entries = 1, .block_len = 8, .min_digits = 6, .max_digits = 6, .timeout_s = 0 };
  uint8_t rsp[OTK_VDECK_RESPONSE_MAX], atr[OTK_VDECK_ATR_MAX];
  size_t len = sizeof rsp, atr_len;

  g_assert_cmpint (otk_vdeck_power_up (f->deck, reader, atr, &atr_len), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_transmit (f->deck, reader, select_ep11, sizeof select_ep11, rsp, &len),
                   ==, OTK_VDECK_OK);
  len = sizeof rsp;
  g_assert_cmpint (otk_vdeck_pinpad_queue (f->deck, reader, OTK_VDECK_PINPAD_DIGITS, digits), ==,
                   OTK_VDECK_OK);
  g_assert_cmpint (
      otk_vdeck_pinpad_entry (f->deck, reader, &entry, verify_apdu, sizeof verify_apdu, rsp, &len),
      ==, OTK_VDECK_OK);
  return (guint16)(rsp[len - 2] << 8 | rsp[len - 1]);
}

static void
test_pin_pad_outcomes (Fixture *f, gconstpointer data)
{
  CardBackendConn *conn;
  guint16 sw;
  CardPinPadCaps caps;
  g_autoptr (GError) error = NULL;

  insert (f, 2, "alpha");
  conn = connect_selected (f, 2);
  g_assert_true (f->backend->klass->get_pin_pad_caps (f->backend, conn, &caps, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (caps.min_pin, <=, 6);
  g_assert_cmpuint (caps.max_pin, >=, 6);

  otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_CANCEL, NULL);
  g_assert_cmphex (pin_entry (f, conn, CARD_PIN_OP_VERIFY), ==, PART10_SW_CANCELLED);
  otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_NO_ANSWER, NULL);
  g_assert_cmphex (pin_entry (f, conn, CARD_PIN_OP_VERIFY), ==, PART10_SW_TIMEOUT);
  otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_DIGITS, "12345");
  g_assert_cmphex (pin_entry (f, conn, CARD_PIN_OP_VERIFY), ==, PART10_SW_PIN_LENGTH);
  /* "Enter the PIN twice": the two entries differ. */
  otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_DIGITS, "123456");
  otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_DIGITS, "654321");
  g_assert_cmphex (pin_entry (f, conn, CARD_PIN_OP_MODIFY), ==, PART10_SW_PIN_MISMATCH);
  /* Six digits reach the card: its own answer, the same as without pcscd. */
  otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_DIGITS, "123456");
  sw = pin_entry (f, conn, CARD_PIN_OP_VERIFY);
  g_assert_cmphex (sw, ==, pin_entry_in_process (f, 2, "123456"));
  g_assert_cmphex (sw >> 8, !=, 0x64);
  f->backend->klass->disconnect (f->backend, conn);
}

/* Structures the driver must refuse with 6B80, and bTimerOut honoured: an
 * empty queue answers 6400 after bTimerOut seconds (1 here). */
static void
test_pin_pad_raw_structures (Fixture *f, gconstpointer data)
{
  const Part10Iso9564Entry e = { .entries = 1, .min_digits = 6, .max_digits = 6, .timeout_s = 1 };
  Part10Features features;
  CardBackendConn *conn;
  guint8 structure[64], rsp[64];
  size_t len = 0;
  DWORD rsp_len = 0;
  g_autoptr (GError) error = NULL;

  insert (f, 2, "alpha");
  conn = connect_selected (f, 2);
  g_assert_true (card_pcsc_read_features (conn->handle, &features, &error));
  g_assert_cmpint (
      part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, structure, sizeof structure, &len),
      ==, PART10_OK);
  g_assert_cmphex (SCardControl (conn->handle, features.verify_pin_direct, structure, (DWORD)len,
                                 rsp, sizeof rsp, &rsp_len),
                   ==, SCARD_S_SUCCESS);
  g_assert_cmpuint (rsp_len, ==, 2);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, PART10_SW_TIMEOUT);

  structure[2] = 0x82; /* ASCII PIN: not what our pad types */
  g_assert_cmphex (SCardControl (conn->handle, features.verify_pin_direct, structure, (DWORD)len,
                                 rsp, sizeof rsp, &rsp_len),
                   ==, SCARD_S_SUCCESS);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, PART10_SW_INVALID_PARAMETER);
  /* A truncated structure, and a verify structure sent as a modify. */
  g_assert_cmphex (SCardControl (conn->handle, features.verify_pin_direct, structure, 10, rsp,
                                 sizeof rsp, &rsp_len),
                   ==, SCARD_S_SUCCESS);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, PART10_SW_INVALID_PARAMETER);
  structure[2] = 0x89;
  g_assert_cmphex (SCardControl (conn->handle, features.modify_pin_direct, structure, (DWORD)len,
                                 rsp, sizeof rsp, &rsp_len),
                   ==, SCARD_S_SUCCESS);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, PART10_SW_INVALID_PARAMETER);
  f->backend->klass->disconnect (f->backend, conn);
}

/* The pad waits for the person: digits typed while the reader is already
 * asking for them complete the entry (the deck is not locked meanwhile). */
static void
test_pin_pad_typed_while_waiting (Fixture *f, gconstpointer data)
{
  const LaterAction type_five = { .reader = 2, .digits = "12345" };
  CardBackendConn *conn;
  GThread *thread;
  guint16 sw;

  insert (f, 2, "alpha");
  conn = connect_selected (f, 2);
  thread = g_thread_new ("type", act_later, (gpointer)&type_five);
  sw = pin_entry (f, conn, CARD_PIN_OP_VERIFY); /* 30 s pad timeout */
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, OTK_VDECK_OK);
  /* Five digits: the pad's own refusal, so the digits did arrive. */
  g_assert_cmphex (sw, ==, PART10_SW_PIN_LENGTH);
  f->backend->klass->disconnect (f->backend, conn);
}

/* An extended APDU crosses pcscd and the driver whole. */
static void
test_extended_apdu (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CardBackendConn *conn;
  guint8 *cmd = g_malloc0 (7 + 1000);
  guint8 rsp[OTK_VDECK_RESPONSE_MAX];
  gsize len = 0;

  insert (f, 2, "alpha");
  conn = connect_selected (f, 2);
  /* A SELECT with 1000 bytes of AID: the card must see it (and refuse it
   * with a status word) rather than pcscd cutting it at 261 bytes. */
  memcpy (cmd, "\x00\xA4\x04\x00\x00\x03\xE8", 7);
  g_assert_true (
      f->backend->klass->transmit (f->backend, conn, cmd, 7 + 1000, rsp, sizeof rsp, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, 2);
  g_assert_cmphex (rsp[len - 2], !=, 0x90);
  f->backend->klass->disconnect (f->backend, conn);
  g_free (cmd);
}

static void
test_removal_and_swap (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL, after = NULL;
  SCARD_READERSTATE state = { .szReader = f->name[2], .dwCurrentState = SCARD_STATE_UNAWARE };
  SCARDCONTEXT context;
  CardBackendConn *conn;
  guint8 rsp[OTK_VDECK_RESPONSE_MAX];
  gsize len = 0;

  insert (f, 2, "alpha");
  conn = connect_selected (f, 2);
  before = f->backend->klass->get_identity (f->backend, conn, &error);
  g_assert_no_error (error);

  /* Removed in the middle of a session. */
  g_assert_cmpint (otk_vdeck_eject (f->deck, 2), ==, OTK_VDECK_OK);
  wait_card (f, 2, FALSE);
  g_assert_false (f->backend->klass->transmit (f->backend, conn, select_ep11, sizeof select_ep11,
                                               rsp, sizeof rsp, &len, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_CARD_REMOVED);
  g_clear_error (&error);

  /* Another card: the connection comes back, with another identity. */
  insert (f, 2, "beta");
  g_assert_true (f->backend->klass->reconnect (f->backend, conn, FALSE, &error));
  g_assert_no_error (error);
  after = f->backend->klass->get_identity (f->backend, conn, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (before, after));
  g_clear_pointer (&before, g_bytes_unref);
  before = g_steal_pointer (&after);

  /* Swapped faster than pcscd polls: the driver still reports a removal. */
  g_assert_cmphex (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context), ==,
                   SCARD_S_SUCCESS);
  g_assert_cmphex (SCardGetStatusChange (context, 0, &state, 1), ==, SCARD_S_SUCCESS);
  state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
  g_assert_cmpint (otk_vdeck_eject (f->deck, 2), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_insert (f->deck, 2, "alpha"), ==, OTK_VDECK_OK);
  g_assert_cmphex (SCardGetStatusChange (context, 10000, &state, 1), ==, SCARD_S_SUCCESS);
  SCardReleaseContext (context);
  wait_card (f, 2, TRUE);
  g_assert_false (f->backend->klass->transmit (f->backend, conn, select_ep11, sizeof select_ep11,
                                               rsp, sizeof rsp, &len, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_CARD_REMOVED);
  g_clear_error (&error);
  g_assert_true (f->backend->klass->reconnect (f->backend, conn, FALSE, &error));
  after = f->backend->klass->get_identity (f->backend, conn, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (before, after));
  f->backend->klass->disconnect (f->backend, conn);
}

/* Another program resets the card: the next command says so, the connection
 * comes back, and the identity is unchanged (same card: no swap reported). */
static void
test_reset_by_another_program (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL, after = NULL;
  CardBackendConn *conn, *other;
  guint8 rsp[OTK_VDECK_RESPONSE_MAX];
  gsize len = 0;

  insert (f, 2, "alpha");
  conn = connect_selected (f, 2);
  before = f->backend->klass->get_identity (f->backend, conn, &error);
  g_assert_no_error (error);
  other = connect_selected (f, 2);
  g_assert_true (f->backend->klass->reconnect (f->backend, other, TRUE, &error));
  g_assert_no_error (error);

  g_assert_false (f->backend->klass->transmit (f->backend, conn, select_ep11, sizeof select_ep11,
                                               rsp, sizeof rsp, &len, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_CARD_RESET);
  g_clear_error (&error);
  g_assert_true (f->backend->klass->reconnect (f->backend, conn, FALSE, &error));
  g_assert_no_error (error);
  after = f->backend->klass->get_identity (f->backend, conn, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_true (f->backend->klass->transmit (f->backend, conn, select_ep11, sizeof select_ep11,
                                              rsp, sizeof rsp, &len, &error));
  g_assert_no_error (error);
  f->backend->klass->disconnect (f->backend, other);
  f->backend->klass->disconnect (f->backend, conn);
}

/* Transactions nest: the PC/SC lock is taken once and given back once. */
static void
test_transaction_count (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CardBackendConn *conn, *other;
  guint8 rsp[OTK_VDECK_RESPONSE_MAX];
  gsize len = 0;

  insert (f, 2, "alpha");
  conn = connect_selected (f, 2);
  other = connect_selected (f, 2); /* shared: a second program on the card */
  g_assert_true (f->backend->klass->begin_transaction (f->backend, conn, &error));
  g_assert_true (f->backend->klass->begin_transaction (f->backend, conn, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (conn->transaction_depth, ==, 2);
  f->backend->klass->end_transaction (f->backend, conn);
  g_assert_cmpuint (conn->transaction_depth, ==, 1);
  f->backend->klass->end_transaction (f->backend, conn);
  g_assert_cmpuint (conn->transaction_depth, ==, 0);
  /* The lock is free again: the other connection gets through at once. */
  g_assert_true (f->backend->klass->begin_transaction (f->backend, other, &error));
  g_assert_true (f->backend->klass->transmit (f->backend, other, select_ep11, sizeof select_ep11,
                                              rsp, sizeof rsp, &len, &error));
  g_assert_no_error (error);
  f->backend->klass->end_transaction (f->backend, other);
  f->backend->klass->disconnect (f->backend, other);
  f->backend->klass->disconnect (f->backend, conn);
}

/* A reader held exclusively by another program (scdaemon, say) cannot be
 * asked for its features; one seen before keeps its PIN pad, and so its role. */
static void
test_pin_pad_known_while_held (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) before = NULL, after = NULL, fresh = NULL;
  CardBackend *other = NULL;
  SCARDCONTEXT context;
  SCARDHANDLE handle;
  DWORD protocol;

  insert (f, 2, "alpha");
  before = f->backend->klass->list_readers (f->backend, &error);
  g_assert_no_error (error);
  g_assert_cmphex (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context), ==,
                   SCARD_S_SUCCESS);
  g_assert_cmphex (SCardConnect (context, f->name[2], SCARD_SHARE_EXCLUSIVE,
                                 SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &handle, &protocol),
                   ==, SCARD_S_SUCCESS);
  after = f->backend->klass->list_readers (f->backend, &error);
  g_assert_no_error (error);
  other = card_backend_pcsc_new (&error);
  g_assert_no_error (error);
  fresh = other->klass->list_readers (other, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < after->len; i++)
    {
      CardBackendReader *r = after->pdata[i], *n = fresh->pdata[i];

      g_assert_cmpstr (r->name, ==, n->name);
      g_assert_true (r->has_pin_pad);
      /* Never asked before: unknown, so not claimed. */
      if (g_strcmp0 (n->name, f->name[2]) == 0)
        g_assert_false (n->has_pin_pad);
    }
  /* And the connection of a program that shares the card is refused plainly. */
  g_assert_null (f->backend->klass->connect (f->backend, f->name[2], &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_SHARING_VIOLATION);
  SCardDisconnect (handle, SCARD_LEAVE_CARD);
  SCardReleaseContext (context);
  other->klass->free (other);
}

static void
test_no_service (void)
{
  g_autoptr (GError) error = NULL;
  CardContext *ctx = card_context_new_pcsc (&error);

  g_assert_null (ctx);
  g_assert_error (error, CARD_ERROR, CARD_ERROR_NO_SERVICE);
  g_assert_nonnull (strstr (error->message, "pcscd is not running"));
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_strcmp0 (g_getenv ("OPENTKE_PCSCD"), "none") == 0)
    {
      g_test_add_func ("/pcscd/no-service", test_no_service);
      return g_test_run ();
    }
  ADD ("/pcscd/readers-and-roles", test_readers_and_roles);
  ADD ("/pcscd/card-presence", test_card_presence);
  ADD ("/pcscd/wait-timeout", test_wait_timeout);
  ADD ("/pcscd/wait-cancel", test_wait_cancel);
  ADD ("/pcscd/wait-insertion", test_wait_insertion);
  ADD ("/pcscd/wait-unknown-reader", test_wait_unknown_reader);
  ADD ("/pcscd/part10-features", test_part10_features);
  ADD ("/pcscd/pin-pad-outcomes", test_pin_pad_outcomes);
  ADD ("/pcscd/pin-pad-raw-structures", test_pin_pad_raw_structures);
  ADD ("/pcscd/pin-pad-typed-while-waiting", test_pin_pad_typed_while_waiting);
  ADD ("/pcscd/extended-apdu", test_extended_apdu);
  ADD ("/pcscd/removal-and-swap", test_removal_and_swap);
  ADD ("/pcscd/reset-by-another-program", test_reset_by_another_program);
  ADD ("/pcscd/transaction-count", test_transaction_count);
  ADD ("/pcscd/pin-pad-known-while-held", test_pin_pad_known_while_held);
  return g_test_run ();
}
