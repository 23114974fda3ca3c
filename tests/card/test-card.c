/* test-card.c: libcard through its public API, on the in-process virtual backend
 * (default) or, with OPENTKE_TEST_BACKEND=pcsc, on the PC/SC backend with the deck
 * of OPENTKE_DECK (which the pcscd driver reads too).  The test drives the deck
 * itself (cards, insert/remove, PIN-pad queues) as tke-vcard does. */
#include "opentke-card.h"
#include "opentke-vdeck.h"

#include "card-test-pki.h"
#include "test-card-engine.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define EP11_PIN  "123456"
#define EP11_PIN2 "654321"
#define CA_PIN1   "111111"
#define CA_PIN2   "222222"

typedef struct
{
  char *deck_dir;
  gboolean own_deck; /* a temporary deck, removed at teardown */
  otk_vdeck *deck;
  CardContext *ctx;
  CardReader *reader[3]; /* [1], [2] */
  gboolean recording;
  GPtrArray *trace; /* GBytes of every APDU while recording */
  /* crypto-unit side: a root the zone trusts and an importer chain under it */
  EVP_PKEY *root_key, *device_key, *importer_key;
  guint8 root_cert[331];
  guint8 chain[662];
  guint8 importer_id[32];
} Fixture;

static gboolean
use_pcsc (void)
{
  return g_strcmp0 (g_getenv ("OPENTKE_TEST_BACKEND"), "pcsc") == 0;
}

static void
record_apdu (gboolean is_command, const guint8 *apdu, gsize len, gpointer user_data)
{
  Fixture *f = user_data;

  if (f->recording)
    g_ptr_array_add (f->trace, g_bytes_new (apdu, len));
}

static void
rm_rf (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir != NULL)
    {
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, entry, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR)
              && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
make_pki (Fixture *f)
{
  guint8 root_id[32], unit_id[32];
  guint8 device_cert[331], importer_cert[331];

  f->root_key = pki_key_new ();
  f->device_key = pki_key_new ();
  f->importer_key = pki_key_new ();
  pki_sha256 ("test crypto-unit root", 21, root_id);
  pki_sha256 ("unit 1", 6, unit_id);
  pki_sha256 ("instance\0unit 1\0importer", 24, f->importer_id);
  pki_cert (1, root_id, f->root_key, f->root_key, f->root_cert);
  pki_cert (2, unit_id, f->device_key, f->root_key, device_cert);
  pki_cert (3, f->importer_id, f->importer_key, f->device_key, importer_cert);
  memcpy (f->chain, importer_cert, 331);
  memcpy (f->chain + 331, device_cert, 331);
}

static void
setup (Fixture *f, gconstpointer data)
{
  GError *error = NULL;

  if (use_pcsc ())
    {
      f->deck_dir = g_strdup (g_getenv ("OPENTKE_DECK"));
      g_assert_nonnull (f->deck_dir);
      f->ctx = card_context_new_pcsc (&error);
    }
  else
    {
      f->deck_dir = g_dir_make_tmp ("opentke-card-test-XXXXXX", &error);
      g_assert_no_error (error);
      f->own_deck = TRUE;
      f->ctx = card_context_new_virtual (f->deck_dir, &error);
    }
  g_assert_no_error (error);
  g_assert_cmpint (otk_vdeck_open (f->deck_dir, &f->deck), ==, OTK_VDECK_OK);
  for (int r = 1; r <= 2; r++)
    {
      g_assert_cmpint (otk_vdeck_eject (f->deck, r), ==, OTK_VDECK_OK);
      g_assert_cmpint (otk_vdeck_pinpad_clear (f->deck, r), ==, OTK_VDECK_OK);
    }
  f->trace = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  card_context_set_trace_func (f->ctx, record_apdu, f);
  for (int r = 1; r <= 2; r++)
    {
      f->reader[r] = card_context_get_reader (f->ctx, r, &error);
      g_assert_no_error (error);
    }
  make_pki (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  for (int r = 1; r <= 2; r++)
    {
      otk_vdeck_eject (f->deck, r);
      otk_vdeck_pinpad_clear (f->deck, r);
    }
  card_context_free (f->ctx);
  otk_vdeck_close (f->deck);
  if (f->own_deck)
    rm_rf (f->deck_dir);
  g_free (f->deck_dir);
  g_ptr_array_unref (f->trace);
  EVP_PKEY_free (f->root_key);
  EVP_PKEY_free (f->device_key);
  EVP_PKEY_free (f->importer_key);
}

/* ---- deck helpers ---------------------------------------------------------- */

/* The call that returned @ok failed with CARD_ERROR @code. */
static void
assert_refused (gboolean ok, GError **error, int code)
{
  g_assert_false (ok);
  g_assert_error (*error, CARD_ERROR, code);
  g_clear_error (error);
}

/* Card names are unique over the whole run: with PC/SC all tests share one deck. */
static guint card_serial;

static char *
new_card (Fixture *f, const char *label)
{
  char *name = g_strdup_printf ("t%d-%u-%s", (int)getpid (), ++card_serial, label);

  g_assert_cmpint (otk_vdeck_card_new (f->deck, name), ==, OTK_VDECK_OK);
  return name;
}

/* Deck changes reach pcscd a little later: wait until the reader sees them. */
static void
eject (Fixture *f, int reader)
{
  GError *error = NULL;

  g_assert_cmpint (otk_vdeck_eject (f->deck, reader), ==, OTK_VDECK_OK);
  card_reader_wait (f->reader[reader], FALSE, 10000, NULL, &error);
  g_assert_no_error (error);
}

static void
insert (Fixture *f, const char *name, int reader)
{
  GError *error = NULL;

  eject (f, reader);
  g_assert_cmpint (otk_vdeck_insert (f->deck, reader, name), ==, OTK_VDECK_OK);
  card_reader_wait (f->reader[reader], TRUE, 10000, NULL, &error);
  g_assert_no_error (error);
}

static void
pin (Fixture *f, int reader, const char *digits)
{
  g_assert_cmpint (otk_vdeck_pinpad_queue (f->deck, reader, OTK_VDECK_PINPAD_DIGITS, digits), ==,
                   OTK_VDECK_OK);
}

static CardSession *
open_session (Fixture *f, int reader, CardApplet applet)
{
  GError *error = NULL;
  CardSession *session = card_session_open (f->reader[reader], applet, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

/* A personalized CA card of a new zone in @reader that trusts @roots. */
static CardSession *
make_ca (Fixture *f, int reader, const char *zone, const guint8 *roots, gsize roots_len)
{
  g_autofree char *name = new_card (f, "ca");
  GError *error = NULL;
  CardSession *ca;

  insert (f, name, reader);
  ca = open_session (f, reader, CARD_APPLET_CA);
  g_assert_cmpint (card_session_get_card_type (ca), ==, CARD_TYPE_BLANK);
  card_ca_initialize (ca, zone, "CA card 1", roots, roots_len, &error);
  g_assert_no_error (error);
  pin (f, reader, CA_PIN1);
  pin (f, reader, CA_PIN1);
  pin (f, reader, CA_PIN2);
  pin (f, reader, CA_PIN2);
  card_ca_personalize (ca, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card_session_get_card_state (ca), ==, CARD_STATE_PERSONALIZED);
  return ca;
}

static void
unlock_ca (Fixture *f, CardSession *ca)
{
  GError *error = NULL;
  int reader = card_reader_get_role (card_session_get_reader (ca));

  if (card_session_is_unlocked (ca, NULL, &error))
    return;
  g_assert_no_error (error);
  pin (f, reader, CA_PIN1);
  pin (f, reader, CA_PIN2);
  card_ca_verify_pins (ca, &error);
  g_assert_no_error (error);
}

/* A personalized EP11 card enrolled by @ca, in @reader; its deck name in @name. */
static CardSession *
make_ep11 (Fixture *f, CardSession *ca, int reader, char **name)
{
  g_autofree char *card = new_card (f, "ep11");
  GError *error = NULL;
  CardSession *ep11;

  insert (f, card, reader);
  ep11 = open_session (f, reader, CARD_APPLET_EP11);
  unlock_ca (f, ca);
  card_ca_enrol_ep11 (ca, ep11, &error);
  g_assert_no_error (error);
  pin (f, reader, EP11_PIN);
  pin (f, reader, EP11_PIN);
  card_ep11_personalize (ep11, "Key part card", &error);
  g_assert_no_error (error);
  if (name != NULL)
    *name = g_steal_pointer (&card);
  return ep11;
}

static void
unlock_ep11 (Fixture *f, CardSession *ep11, const char *digits)
{
  GError *error = NULL;

  pin (f, card_reader_get_role (card_session_get_reader (ep11)), digits);
  card_ep11_verify_pin (ep11, &error);
  g_assert_no_error (error);
}

/* Pulls the card of *@session and puts it back (a reset: PIN states are lost);
 * returns a new session in the same reader. */
static CardSession *
reinsert (Fixture *f, CardSession **session, CardApplet applet)
{
  int reader = card_reader_get_role (card_session_get_reader (*session));
  char name[OTK_VDECK_NAME_MAX + 1];

  g_clear_pointer (session, card_session_close);
  g_assert_cmpint (otk_vdeck_reader_card (f->deck, reader, name, NULL), ==, OTK_VDECK_OK);
  insert (f, name, reader);
  return open_session (f, reader, applet);
}

/* ---- readers ----------------------------------------------------------------- */

static void
test_reader_roles (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) readers = card_context_list_readers (f->ctx, &error);
  CardReader *one;

  g_assert_no_error (error);
  g_assert_cmpuint (readers->len, >=, 2);
  /* Default: the first two readers in name order (all are PIN-pad readers here). */
  g_assert_true (f->reader[1] == g_ptr_array_index (readers, 0));
  g_assert_true (f->reader[2] == g_ptr_array_index (readers, 1));
  g_assert_true (card_reader_has_pin_pad (f->reader[1]));
  g_assert_cmpint (card_reader_get_role (f->reader[2]), ==, CARD_READER_2);

  /* OPENTKE_READER1 picks reader 1 by a substring of its name. */
  g_setenv ("OPENTKE_READER1", card_reader_get_name (f->reader[2]), TRUE);
  one = card_context_get_reader (f->ctx, CARD_READER_1, &error);
  g_assert_no_error (error);
  g_assert_true (one == f->reader[2]);
  g_setenv ("OPENTKE_READER1", "no such reader", TRUE);
  g_assert_null (card_context_get_reader (f->ctx, CARD_READER_1, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND);
  g_clear_error (&error);
  g_unsetenv ("OPENTKE_READER1");
  one = card_context_get_reader (f->ctx, CARD_READER_1, &error);
  g_assert_true (one == f->reader[1]);
}

/* The app's saved choice (card_context_set_reader_match) picks the readers; the
 * environment still wins over it; an empty match goes back to the default order. */
static void
test_reader_match (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  CardReader *one, *two;

  card_context_set_reader_match (f->ctx, CARD_READER_1, card_reader_get_name (f->reader[2]));
  card_context_set_reader_match (f->ctx, CARD_READER_2, card_reader_get_name (f->reader[1]));
  one = card_context_get_reader (f->ctx, CARD_READER_1, &error);
  g_assert_no_error (error);
  two = card_context_get_reader (f->ctx, CARD_READER_2, &error);
  g_assert_no_error (error);
  g_assert_true (one == f->reader[2]);
  g_assert_true (two == f->reader[1]);

  g_setenv ("OPENTKE_READER1", card_reader_get_name (f->reader[1]), TRUE);
  one = card_context_get_reader (f->ctx, CARD_READER_1, &error);
  g_assert_no_error (error);
  g_assert_true (one == f->reader[1]);
  g_unsetenv ("OPENTKE_READER1");

  card_context_set_reader_match (f->ctx, CARD_READER_1, "no such reader");
  g_assert_null (card_context_get_reader (f->ctx, CARD_READER_1, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no such reader"));
  g_clear_error (&error);

  card_context_set_reader_match (f->ctx, CARD_READER_1, "");
  card_context_set_reader_match (f->ctx, CARD_READER_2, NULL);
  one = card_context_get_reader (f->ctx, CARD_READER_1, &error);
  g_assert_no_error (error);
  g_assert_true (one == f->reader[1]);
}

static void
test_reader_no_card (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *name = new_card (f, "blank");

  g_assert_false (card_reader_is_card_present (f->reader[1], &error));
  g_assert_no_error (error);
  g_assert_null (card_session_open (f->reader[1], CARD_APPLET_EP11, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_NO_CARD);
  g_clear_error (&error);

  /* Waiting for a card that is already there returns at once; for its removal
   * with a timeout, a timeout error. */
  insert (f, name, 1);
  g_assert_true (card_reader_is_card_present (f->reader[1], &error));
  g_assert_true (card_reader_wait (f->reader[1], TRUE, 1000, NULL, &error));
  g_assert_no_error (error);
  assert_refused (card_reader_wait (f->reader[1], FALSE, 100, NULL, &error), &error,
                  CARD_ERROR_TIMEOUT);
}

/* ---- CA card ----------------------------------------------------------------- */

static void
test_ca_initialize_display (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", f->root_cert, 331);
  g_autoptr (CardCaInfo) info = NULL;
  GError *error = NULL;
  guint8 zeros[32] = { 0 }, ski[32], point[133];

  card_ca_get_info (ca, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->state, ==, CARD_STATE_PERSONALIZED);
  g_assert_cmpint (info->tries_left, ==, 5);
  g_assert_cmpstr (info->zone_description, ==, "Zone A");
  g_assert_cmpstr (info->card_description, ==, "CA card 1");
  g_assert_true (memcmp (info->zone_id, zeros, 32) != 0);
  g_assert_true (memcmp (info->card_id, zeros, 32) != 0);
  g_assert_cmpuint (info->n_roots, ==, 1);
  pki_key_point (f->root_key, point);
  pki_sha256 (point, 133, ski);
  g_assert_cmpmem (info->root_skis[0], 32, ski, 32);

  /* A second root needs both PINs; then the card trusts two. */
  {
    g_autoptr (CardCaInfo) after = NULL;
    EVP_PKEY *other = pki_key_new ();
    guint8 id[32] = { 7 }, cert[331];

    pki_cert (1, id, other, other, cert);
    assert_refused (card_ca_add_trusted_root (ca, cert, &error), &error,
                    CARD_ERROR_SECURITY_STATUS);
    unlock_ca (f, ca);
    card_ca_add_trusted_root (ca, cert, &error);
    g_assert_no_error (error);
    card_ca_get_info (ca, &after, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (after->n_roots, ==, 2);
    EVP_PKEY_free (other);
  }
}

static void
test_ca_pin_entries_differ (Fixture *f, gconstpointer data)
{
  g_autofree char *name = new_card (f, "ca");
  g_autoptr (CardSession) ca = NULL;
  GError *error = NULL;

  insert (f, name, 1);
  ca = open_session (f, 1, CARD_APPLET_CA);
  card_ca_initialize (ca, "Zone A", "CA", NULL, 0, &error);
  g_assert_no_error (error);
  pin (f, 1, CA_PIN1);
  pin (f, 1, "111112");
  assert_refused (card_ca_personalize (ca, &error), &error, CARD_ERROR_PIN_MISMATCH);
  g_assert_cmpint (card_session_get_card_state (ca), ==, CARD_STATE_INITIALIZED);

  /* A PIN that is not six digits: the PIN pad stops at the first entry. */
  pin (f, 1, "12345");
  assert_refused (card_ca_personalize (ca, &error), &error, CARD_ERROR_PIN_LENGTH);

  /* PIN 1 set, PIN 2 fails; a second call continues with PIN 2. */
  pin (f, 1, CA_PIN1);
  pin (f, 1, CA_PIN1);
  pin (f, 1, CA_PIN2);
  pin (f, 1, "000000");
  assert_refused (card_ca_personalize (ca, &error), &error, CARD_ERROR_PIN_MISMATCH);
  g_assert_cmpint (card_session_get_card_state (ca), ==, CARD_STATE_CA_PIN1_SET);
  pin (f, 1, CA_PIN2);
  pin (f, 1, CA_PIN2);
  card_ca_personalize (ca, &error);
  g_assert_no_error (error);
  unlock_ca (f, ca);
}

static void
test_ca_wrong_pin_blocks (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  GError *error = NULL;

  ca = reinsert (f, &ca, CARD_APPLET_CA);
  /* Five wrong PINs block a CA card for good. */
  for (int left = 4; left >= 1; left--)
    {
      pin (f, 1, "999999");
      g_assert_false (card_ca_verify_pins (ca, &error));
      g_assert_error (error, CARD_ERROR, CARD_ERROR_WRONG_PIN);
      g_assert_cmpint (card_error_get_retries (error), ==, left);
      g_clear_error (&error);
    }
  pin (f, 1, "999999");
  assert_refused (card_ca_verify_pins (ca, &error), &error, CARD_ERROR_BLOCKED);
  pin (f, 1, CA_PIN1);
  assert_refused (card_ca_verify_pins (ca, &error), &error, CARD_ERROR_BLOCKED);
}

static void
test_ca_backup (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", f->root_cert, 331);
  g_autoptr (CardSession) target = NULL;
  g_autoptr (CardSession) ep11 = NULL;
  g_autoptr (CardCaInfo) info = NULL;
  g_autoptr (CardCaInfo) copy = NULL;
  g_autoptr (CardEp11Info) ep11_info = NULL;
  g_autofree char *name = new_card (f, "backup");
  GError *error = NULL;

  insert (f, name, 2);
  target = open_session (f, 2, CARD_APPLET_CA);
  assert_refused (card_ca_backup (ca, target, &error), &error, CARD_ERROR_SECURITY_STATUS);
  card_session_close (g_steal_pointer (&target));
  eject (f, 2);
  g_free (name);
  name = new_card (f, "backup2");
  insert (f, name, 2);
  target = open_session (f, 2, CARD_APPLET_CA);

  unlock_ca (f, ca);
  card_ca_backup (ca, target, &error);
  g_assert_no_error (error);
  card_ca_get_info (ca, &info, &error);
  g_assert_no_error (error);
  card_ca_get_info (target, &copy, &error);
  g_assert_no_error (error);
  g_assert_cmpint (copy->state, ==, CARD_STATE_PERSONALIZED);
  g_assert_cmpmem (copy->zone_id, 32, info->zone_id, 32);
  g_assert_true (memcmp (copy->card_id, info->card_id, 32) != 0);
  g_assert_cmpstr (copy->zone_description, ==, info->zone_description);
  g_assert_cmpuint (copy->n_roots, ==, 1);

  /* The backup has the same PINs and enrols EP11 cards of the same zone. */
  card_session_close (g_steal_pointer (&ca));
  eject (f, 1);
  card_session_close (g_steal_pointer (&target));
  eject (f, 2);
  insert (f, name, 1);
  target = open_session (f, 1, CARD_APPLET_CA);
  ep11 = make_ep11 (f, target, 2, NULL);
  card_ep11_get_info (ep11, &ep11_info, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (ep11_info->zone_id, 32, info->zone_id, 32);
}

/* ---- EP11 card --------------------------------------------------------------- */

static void
test_ep11_enrol_display (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", f->root_cert, 331);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  g_autoptr (CardCaInfo) ca_info = NULL;
  g_autoptr (CardEp11Info) info = NULL;
  GError *error = NULL;

  card_ca_get_info (ca, &ca_info, &error);
  g_assert_no_error (error);
  card_ep11_get_info (ep11, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->state, ==, CARD_STATE_PERSONALIZED);
  g_assert_cmpint (info->tries_left, ==, 3);
  g_assert_cmpmem (info->zone_id, 32, ca_info->zone_id, 32);
  g_assert_cmpstr (info->description, ==, "Key part card");
  g_assert_null (info->admin_name);
  g_assert_cmpuint (info->key_parts->len, ==, 0);

  /* An enrolled EP11 card is not a CA card, nor the CA card an EP11 card. */
  {
    g_autoptr (CardSession) wrong = card_session_open (f->reader[2], CARD_APPLET_CA, &error);

    g_assert_null (wrong);
    g_assert_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE);
    g_clear_error (&error);
    wrong = card_session_open (f->reader[1], CARD_APPLET_EP11, &error);
    g_assert_null (wrong);
    g_assert_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE);
    g_clear_error (&error);
  }

  /* Enrolment needs both CA PINs (a re-inserted CA card has none verified). */
  {
    g_autoptr (CardSession) blank = NULL;
    g_autofree char *blank_name = new_card (f, "blank");

    card_session_close (g_steal_pointer (&ep11));
    ca = reinsert (f, &ca, CARD_APPLET_CA);
    insert (f, blank_name, 2);
    blank = open_session (f, 2, CARD_APPLET_EP11);
    assert_refused (card_ca_enrol_ep11 (ca, blank, &error), &error, CARD_ERROR_SECURITY_STATUS);
  }
}

static void
test_ep11_wrong_pin_block_unblock (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  g_autoptr (CardEp11Info) info = NULL;
  GError *error = NULL;
  int tries = 0;

  for (int left = 2; left >= 1; left--)
    {
      pin (f, 2, "000000");
      g_assert_false (card_ep11_verify_pin (ep11, &error));
      g_assert_error (error, CARD_ERROR, CARD_ERROR_WRONG_PIN);
      g_assert_cmpint (card_error_get_retries (error), ==, left);
      g_assert_nonnull (strstr (error->message, left == 1 ? "1 try left" : "2 tries left"));
      g_clear_error (&error);
    }
  g_assert_false (card_session_is_unlocked (ep11, &tries, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tries, ==, 1);
  pin (f, 2, "000000");
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_BLOCKED);
  /* Blocked: even the right PIN is refused. */
  pin (f, 2, EP11_PIN);
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_BLOCKED);
  otk_vdeck_pinpad_clear (f->deck, 2);

  /* Unblock with the CA card of the zone: new PIN entered twice. */
  unlock_ca (f, ca);
  pin (f, 2, EP11_PIN2);
  pin (f, 2, EP11_PIN2);
  card_ep11_unblock (ep11, ca, &error);
  g_assert_no_error (error);
  card_ep11_get_info (ep11, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->tries_left, ==, 3);
  unlock_ep11 (f, ep11, EP11_PIN2);
}

static void
test_ep11_unblock_other_zone (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  g_autoptr (CardSession) other = NULL;
  GError *error = NULL;

  card_session_close (g_steal_pointer (&ca));
  other = make_ca (f, 1, "Zone B", NULL, 0);
  unlock_ca (f, other);
  pin (f, 2, EP11_PIN2);
  pin (f, 2, EP11_PIN2);
  assert_refused (card_ep11_unblock (ep11, other, &error), &error, CARD_ERROR_WRONG_ZONE);
  otk_vdeck_pinpad_clear (f->deck, 2);
  /* The old PIN still works. */
  unlock_ep11 (f, ep11, EP11_PIN);
}

static void
test_ep11_change_pin (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  GError *error = NULL;

  /* The two entries of the new PIN differ: nothing changes. */
  pin (f, 2, EP11_PIN);
  pin (f, 2, EP11_PIN2);
  pin (f, 2, "111111");
  assert_refused (card_ep11_change_pin (ep11, &error), &error, CARD_ERROR_PIN_MISMATCH);

  pin (f, 2, EP11_PIN);
  pin (f, 2, EP11_PIN2);
  pin (f, 2, EP11_PIN2);
  card_ep11_change_pin (ep11, &error);
  g_assert_no_error (error);
  g_assert_true (card_session_is_unlocked (ep11, NULL, &error));

  /* After a reset (re-insertion) the old PIN is wrong, the new one right. */
  ep11 = reinsert (f, &ep11, CARD_APPLET_EP11);
  g_assert_false (card_session_is_unlocked (ep11, NULL, &error));
  g_assert_no_error (error);
  pin (f, 2, EP11_PIN);
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_WRONG_PIN);
  unlock_ep11 (f, ep11, EP11_PIN2);
}

static void
test_ep11_pin_pad_outcomes (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  GError *error = NULL;
  int tries = 0;

  g_assert_cmpint (otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_CANCEL, NULL), ==, 0);
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_PIN_PAD_CANCELLED);
  g_assert_cmpint (otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_NO_ANSWER, NULL), ==, 0);
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_PIN_PAD_TIMEOUT);
  pin (f, 2, "1234567");
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_PIN_LENGTH);
  /* None of these reached the card: no try was used. */
  g_assert_false (card_session_is_unlocked (ep11, &tries, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tries, ==, 3);
}

static void
record_pin_prompt (CardReaderRole role, const char *what, guint timeout_s, gboolean begin,
                   gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("%s reader %d: %s (%u s)", begin ? "begin" : "end",
                                               role, what, timeout_s));
}

static void
assert_prompts (GPtrArray *seen, const char *const *expected)
{
  g_assert_cmpuint (seen->len, ==, g_strv_length ((char **)expected));
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpstr (g_ptr_array_index (seen, i), ==, expected[i]);
  g_ptr_array_set_size (seen, 0);
}

/* The prompt hook brackets each PIN-pad entry, with what is typed and the timeout, also
 * when the entry fails. */
static void
test_pin_prompt_hook (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (CardSession) ca = NULL;
  g_autoptr (CardSession) ep11 = NULL;
  GError *error = NULL;
  const char *const ca_setup[]
      = { "begin reader 1: new PIN 1 twice (45 s)", "end reader 1: new PIN 1 twice (45 s)",
          "begin reader 1: new PIN 2 twice (45 s)", "end reader 1: new PIN 2 twice (45 s)", NULL };
  const char *const change[] = { "begin reader 2: current PIN, then new PIN twice (45 s)",
                                 "end reader 2: current PIN, then new PIN twice (45 s)", NULL };
  const char *const verify[] = { "begin reader 2: PIN (45 s)", "end reader 2: PIN (45 s)", NULL };

  card_context_set_pin_timeout (f->ctx, 45);
  card_context_set_pin_prompt_func (f->ctx, record_pin_prompt, seen);
  ca = make_ca (f, 1, "Zone A", NULL, 0);
  assert_prompts (seen, ca_setup);
  ep11 = make_ep11 (f, ca, 2, NULL);
  g_ptr_array_set_size (seen, 0);

  pin (f, 2, EP11_PIN);
  pin (f, 2, EP11_PIN2);
  pin (f, 2, EP11_PIN2);
  card_ep11_change_pin (ep11, &error);
  g_assert_no_error (error);
  assert_prompts (seen, change);

  ep11 = reinsert (f, &ep11, CARD_APPLET_EP11);
  g_assert_cmpint (otk_vdeck_pinpad_queue (f->deck, 2, OTK_VDECK_PINPAD_CANCEL, NULL), ==, 0);
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_PIN_PAD_CANCELLED);
  assert_prompts (seen, verify);

  /* No hook: entries go on as before. */
  card_context_set_pin_prompt_func (f->ctx, NULL, NULL);
  unlock_ep11 (f, ep11, EP11_PIN2);
  g_assert_cmpuint (seen->len, ==, 0);
}

/* card_reader_is_unlocked() says what the card says, for the card this program unlocked. */
static void
assert_unlocked (Fixture *f, int reader, gboolean unlocked, CardType expected_type)
{
  CardType type = CARD_TYPE_BLANK;
  CardState state = CARD_STATE_BLANK;

  g_assert_cmpint (card_reader_is_unlocked (f->reader[reader], &type, &state), ==, unlocked);
  if (unlocked)
    {
      g_assert_cmpint (type, ==, expected_type);
      g_assert_cmpint (state, ==, CARD_STATE_PERSONALIZED);
    }
}

/* A reader's card is unlocked after its PIN, and no longer after a wrong PIN, a removal, a
 * reset, another session's SELECT, or once the session that unlocked it is closed. */
static void
test_reader_unlocked (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;

  /* Personalizing sets the PIN; it does not count as entering it. */
  ep11 = make_ep11 (f, ca, 2, &name);
  assert_unlocked (f, 2, FALSE, 0);
  unlock_ep11 (f, ep11, EP11_PIN);
  assert_unlocked (f, 2, TRUE, CARD_TYPE_EP11);
  /* Asking does not lock it: the session still works with the PIN. */
  assert_unlocked (f, 2, TRUE, CARD_TYPE_EP11);
  g_assert_true (card_session_is_unlocked (ep11, NULL, &error));
  g_assert_no_error (error);

  /* Removed and put back under the open session. */
  insert (f, name, 2);
  assert_unlocked (f, 2, FALSE, 0);
  ep11 = reinsert (f, &ep11, CARD_APPLET_EP11);
  assert_unlocked (f, 2, FALSE, 0);
  unlock_ep11 (f, ep11, EP11_PIN);
  assert_unlocked (f, 2, TRUE, CARD_TYPE_EP11);

  /* Reset: the session goes on, the card is locked. */
  card_session_reset (ep11, &error);
  g_assert_no_error (error);
  assert_unlocked (f, 2, FALSE, 0);
  g_assert_false (card_session_is_unlocked (ep11, NULL, &error));
  g_assert_no_error (error);
  /* A wrong PIN does not unlock it. */
  pin (f, 2, "000000");
  assert_refused (card_ep11_verify_pin (ep11, &error), &error, CARD_ERROR_WRONG_PIN);
  assert_unlocked (f, 2, FALSE, 0);
  unlock_ep11 (f, ep11, EP11_PIN);
  assert_unlocked (f, 2, TRUE, CARD_TYPE_EP11);

  /* Another session selects the applet: the card forgets the PIN. */
  card_session_close (open_session (f, 2, CARD_APPLET_EP11));
  assert_unlocked (f, 2, FALSE, 0);
  g_assert_false (card_session_is_unlocked (ep11, NULL, &error));
  g_assert_no_error (error);
  unlock_ep11 (f, ep11, EP11_PIN);
  assert_unlocked (f, 2, TRUE, CARD_TYPE_EP11);

  /* Reset by another program (PC/SC: another context on the same reader). */
  if (use_pcsc ())
    {
      g_autoptr (CardContext) other_ctx = card_context_new_pcsc (&error);
      CardReader *other_reader = NULL;
      g_autoptr (CardSession) other = NULL;

      g_assert_no_error (error);
      other_reader = card_context_get_reader (other_ctx, CARD_READER_2, &error);
      g_assert_no_error (error);
      other = card_session_open (other_reader, CARD_APPLET_EP11, &error);
      g_assert_no_error (error);
      unlock_ep11 (f, ep11, EP11_PIN);
      assert_unlocked (f, 2, TRUE, CARD_TYPE_EP11);
      card_session_reset (other, &error);
      g_assert_no_error (error);
      assert_unlocked (f, 2, FALSE, 0);
      unlock_ep11 (f, ep11, EP11_PIN);
      assert_unlocked (f, 2, TRUE, CARD_TYPE_EP11);
    }

  /* The session that unlocked it is closed: nothing here can use the PIN any more. */
  card_session_close (g_steal_pointer (&ep11));
  assert_unlocked (f, 2, FALSE, 0);

  /* CA card: unlocked with both PINs for the enrolment; PIN 1 alone is not enough. */
  assert_unlocked (f, 1, TRUE, CARD_TYPE_CA);
  ca = reinsert (f, &ca, CARD_APPLET_CA);
  pin (f, 1, CA_PIN1);
  pin (f, 1, "000000");
  assert_refused (card_ca_verify_pins (ca, &error), &error, CARD_ERROR_WRONG_PIN);
  assert_unlocked (f, 1, FALSE, 0);
  /* PIN 1 stays verified: only PIN 2 is asked again. */
  pin (f, 1, CA_PIN2);
  card_ca_verify_pins (ca, &error);
  g_assert_no_error (error);
  assert_unlocked (f, 1, TRUE, CARD_TYPE_CA);
  eject (f, 1);
  assert_unlocked (f, 1, FALSE, 0);
}

static void
test_ep11_signature_key (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = NULL;
  g_autoptr (CardEp11Info) info = NULL;
  g_autofree char *name = NULL, *read_name = NULL;
  const char *name30 = "Administrator Name Of 30 Chars";
  const char *name31 = "Administrator Name Of 31 Chars!";
  guint8 point[133], read_point[133], ski[32], digest[64], sig[132];
  GError *error = NULL;

  g_assert_cmpuint (strlen (name30), ==, 30);
  g_assert_cmpuint (strlen (name31), ==, 31);
  card_session_close (g_steal_pointer (&ca));
  ca = make_ca (f, 2, "Zone A", NULL, 0);
  ep11 = make_ep11 (f, ca, 1, &name);

  /* Without the PIN: refused. */
  assert_refused (card_ep11_generate_signature_key (ep11, name30, point, &error), &error,
                  CARD_ERROR_SECURITY_STATUS);
  unlock_ep11 (f, ep11, EP11_PIN);
  assert_refused (card_ep11_generate_signature_key (ep11, name31, point, &error), &error,
                  CARD_ERROR_INVALID_DATA);
  card_ep11_generate_signature_key (ep11, name30, point, &error);
  g_assert_no_error (error);
  assert_refused (card_ep11_generate_signature_key (ep11, "Second", NULL, &error), &error,
                  CARD_ERROR_HAS_SIGNATURE_KEY);

  card_ep11_read_signature_key (ep11, &read_name, read_point, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read_name, ==, name30);
  g_assert_cmpmem (read_point, 133, point, 133);
  card_ep11_get_info (ep11, &info, &error);
  g_assert_no_error (error);
  pki_sha256 (point, 133, ski);
  g_assert_cmpstr (info->admin_name, ==, name30);
  g_assert_cmpmem (info->admin_ski, 32, ski, 32);

  /* Sign in reader 1: the signature verifies under the card's public key. */
  for (int i = 0; i < 64; i++)
    digest[i] = (guint8)(i * 7 + 1);
  card_ep11_sign (ep11, digest, sig, &error);
  g_assert_no_error (error);
  g_assert_true (pki_verify (point, digest, sig));
  digest[0] ^= 1;
  g_assert_false (pki_verify (point, digest, sig));

  /* Removed and inserted again: the PIN session has ended. */
  ep11 = reinsert (f, &ep11, CARD_APPLET_EP11);
  assert_refused (card_ep11_sign (ep11, digest, sig, &error), &error, CARD_ERROR_SECURITY_STATUS);

  /* The signing card must be in reader 1. */
  card_session_close (g_steal_pointer (&ep11));
  card_session_close (g_steal_pointer (&ca));
  eject (f, 2);
  eject (f, 1);
  insert (f, name, 2);
  ep11 = open_session (f, 2, CARD_APPLET_EP11);
  unlock_ep11 (f, ep11, EP11_PIN);
  assert_refused (card_ep11_sign (ep11, digest, sig, &error), &error, CARD_ERROR_NOT_READER_1);
}

static void
test_ep11_key_parts (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autofree char *name = NULL, *target_name = NULL;
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, &name);
  g_autoptr (CardSession) target = NULL;
  g_autoptr (CardEp11Info) info = NULL;
  g_autoptr (CardEp11Info) full = NULL;
  g_autoptr (CardEp11Info) copy = NULL;
  guint8 vp[3][32];
  guint index = 0;
  GError *error = NULL;

  assert_refused (card_ep11_generate_key_part (ep11, "part", &index, vp[0], &error), &error,
                  CARD_ERROR_SECURITY_STATUS);
  unlock_ep11 (f, ep11, EP11_PIN);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *desc = g_strdup_printf ("MK part %u", i + 1);

      card_ep11_generate_key_part (ep11, desc, &index, vp[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (index, ==, i + 1);
    }
  g_assert_true (memcmp (vp[0], vp[1], 32) != 0);
  card_ep11_get_info (ep11, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->key_parts->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      CardKeyPartInfo *part = g_ptr_array_index (info->key_parts, i);
      g_autofree char *desc = g_strdup_printf ("MK part %u", i + 1);

      g_assert_cmpuint (part->index, ==, i + 1);
      g_assert_cmpstr (part->description, ==, desc);
      g_assert_cmpmem (part->vp, 32, vp[i], 32);
    }

  /* Delete index 2: it is gone, and the next part takes the free index. */
  card_ep11_delete_key_part (ep11, 2, &error);
  g_assert_no_error (error);
  assert_refused (card_ep11_delete_key_part (ep11, 2, &error), &error, CARD_ERROR_NO_SUCH_KEY);
  card_ep11_generate_key_part (ep11, "again", &index, vp[1], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 2);

  /* Up to 85 parts; the 86th is refused. */
  for (guint i = 4; i <= 85; i++)
    {
      card_ep11_generate_key_part (ep11, "fill", &index, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (index, ==, i);
    }
  assert_refused (card_ep11_generate_key_part (ep11, "86th", &index, NULL, &error), &error,
                  CARD_ERROR_FULL);

  /* A full card copies whole: the largest APDUs of the protocol. */
  card_ep11_get_info (ep11, &full, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (full->key_parts->len, ==, 85);
  card_session_close (g_steal_pointer (&ep11));
  target = make_ep11 (f, ca, 2, &target_name);
  card_session_close (g_steal_pointer (&ca));
  insert (f, name, 1);
  ep11 = open_session (f, 1, CARD_APPLET_EP11);
  unlock_ep11 (f, ep11, EP11_PIN);
  unlock_ep11 (f, target, EP11_PIN);
  card_ep11_copy (ep11, target, &error);
  g_assert_no_error (error);
  card_ep11_get_info (target, &copy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copy->key_parts->len, ==, 85);
  for (guint i = 0; i < 85; i++)
    g_assert_cmpmem (((CardKeyPartInfo *)g_ptr_array_index (copy->key_parts, i))->vp, 32,
                     ((CardKeyPartInfo *)g_ptr_array_index (full->key_parts, i))->vp, 32);
}

static void
test_ep11_export (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", f->root_cert, 331);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  guint8 vp[32], blob[226], part[32], part_vp[32], bad_chain[662];
  EVP_PKEY *rogue = pki_key_new ();
  guint8 unit_id[32] = { 1 };
  guint index = 0;
  GError *error = NULL;

  unlock_ep11 (f, ep11, EP11_PIN);
  card_ep11_generate_key_part (ep11, "MK part", &index, vp, &error);
  g_assert_no_error (error);
  card_ep11_export_key_part (ep11, index, f->chain, sizeof f->chain, blob, &error);
  g_assert_no_error (error);
  /* The crypto unit opens it, and it is the part whose VP the card shows. */
  g_assert_true (pki_open_key_part (f->importer_key, f->importer_id, blob, part));
  pki_vp (part, part_vp);
  g_assert_cmpmem (part_vp, 32, vp, 32);

  /* A unit device key signed by a root the zone does not trust: refused. */
  memcpy (bad_chain, f->chain, 662);
  pki_cert (2, unit_id, f->device_key, rogue, bad_chain + 331);
  assert_refused (
      card_ep11_export_key_part (ep11, index, bad_chain, sizeof bad_chain, blob, &error), &error,
      CARD_ERROR_UNTRUSTED_IMPORTER);
  assert_refused (card_ep11_export_key_part (ep11, 9, f->chain, sizeof f->chain, blob, &error),
                  &error, CARD_ERROR_NO_SUCH_KEY);
  EVP_PKEY_free (rogue);
}

/* Copies @source (reader 1) to a new card of @ca's zone; the CA is in reader 1
 * until the copy, the target in reader 2. */
static void
test_ep11_copy (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) source = NULL;
  g_autoptr (CardSession) target = NULL;
  g_autoptr (CardSession) foreign = NULL;
  g_autoptr (CardEp11Info) a = NULL;
  g_autoptr (CardEp11Info) b = NULL;
  g_autofree char *source_name = NULL, *target_name = NULL;
  guint index = 0;
  GError *error = NULL;

  source = make_ep11 (f, ca, 2, &source_name);
  unlock_ep11 (f, source, EP11_PIN);
  card_ep11_generate_signature_key (source, "Alice", NULL, &error);
  g_assert_no_error (error);
  card_ep11_generate_key_part (source, "part one", &index, NULL, &error);
  card_ep11_generate_key_part (source, "part two", &index, NULL, &error);
  g_assert_no_error (error);
  card_session_close (g_steal_pointer (&source));
  target = make_ep11 (f, ca, 2, &target_name);
  card_session_close (g_steal_pointer (&target));

  /* source in reader 1, target in reader 2 */
  card_session_close (g_steal_pointer (&ca));
  insert (f, source_name, 1);
  insert (f, target_name, 2);
  source = open_session (f, 1, CARD_APPLET_EP11);
  target = open_session (f, 2, CARD_APPLET_EP11);
  unlock_ep11 (f, source, EP11_PIN);
  unlock_ep11 (f, target, EP11_PIN);
  card_ep11_copy (source, target, &error);
  g_assert_no_error (error);
  card_ep11_get_info (source, &a, &error);
  g_assert_no_error (error);
  card_ep11_get_info (target, &b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->admin_name, ==, "Alice");
  g_assert_cmpmem (b->admin_ski, 32, a->admin_ski, 32);
  g_assert_cmpuint (b->key_parts->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      CardKeyPartInfo *pa = g_ptr_array_index (a->key_parts, i);
      CardKeyPartInfo *pb = g_ptr_array_index (b->key_parts, i);

      g_assert_cmpuint (pb->index, ==, pa->index);
      g_assert_cmpstr (pb->description, ==, pa->description);
      g_assert_cmpmem (pb->vp, 32, pa->vp, 32);
    }

  /* A second copy to the now non-empty target is refused. */
  assert_refused (card_ep11_copy (source, target, &error), &error, CARD_ERROR_NOT_BLANK);

  /* A card of another zone is refused as a target. */
  card_session_close (g_steal_pointer (&target));
  card_session_close (g_steal_pointer (&source));
  {
    g_autoptr (CardSession) other_ca = make_ca (f, 1, "Zone B", NULL, 0);

    foreign = make_ep11 (f, other_ca, 2, NULL);
  }
  insert (f, source_name, 1);
  source = open_session (f, 1, CARD_APPLET_EP11);
  unlock_ep11 (f, source, EP11_PIN);
  unlock_ep11 (f, foreign, EP11_PIN);
  assert_refused (card_ep11_copy (source, foreign, &error), &error, CARD_ERROR_WRONG_ZONE);
}

static void
test_ep11_import (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  g_autoptr (CardEp11Info) info = NULL;
  EVP_PKEY *key = pki_key_new ();
  guint8 scalar[66], point[133], got[133], part[32], vp[32], want_vp[32];
  guint index = 0;
  GError *error = NULL;

  pki_key_private (key, scalar);
  pki_key_point (key, point);
  for (int i = 0; i < 32; i++)
    part[i] = (guint8)(0xA0 + i);
  pki_vp (part, want_vp);

  assert_refused (card_ep11_import_key_part (ep11, "from file", part, &index, vp, &error), &error,
                  CARD_ERROR_SECURITY_STATUS);
  unlock_ep11 (f, ep11, EP11_PIN);
  card_ep11_import_signature_key (ep11, "Bob", scalar, got, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (got, 133, point, 133);
  card_ep11_import_key_part (ep11, "from file", part, &index, vp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 1);
  g_assert_cmpmem (vp, 32, want_vp, 32);
  assert_refused (card_ep11_import_signature_key (ep11, "Bob", scalar, got, &error), &error,
                  CARD_ERROR_HAS_SIGNATURE_KEY);
  card_ep11_get_info (ep11, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->admin_name, ==, "Bob");
  EVP_PKEY_free (key);
}

static void
test_ep11_zeroize (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  g_autoptr (CardEp11Info) info = NULL;
  GError *error = NULL;

  unlock_ep11 (f, ep11, EP11_PIN);
  card_ep11_generate_key_part (ep11, "part", NULL, NULL, &error);
  g_assert_no_error (error);
  card_ep11_zeroize (ep11, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card_session_get_card_type (ep11), ==, CARD_TYPE_BLANK);
  card_ep11_get_info (ep11, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->state, ==, CARD_STATE_BLANK);
  g_assert_cmpuint (info->key_parts->len, ==, 0);
  /* Blank again: it can be enrolled anew. */
  unlock_ca (f, ca);
  card_ca_enrol_ep11 (ca, ep11, &error);
  g_assert_no_error (error);
}

static void
test_session_card_removed (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  g_autofree char *other = new_card (f, "other");
  g_autoptr (CardEp11Info) info = NULL;
  GError *error = NULL;

  /* Another card put in the reader under a session: refused, not used. */
  insert (f, other, 2);
  g_assert_false (card_ep11_get_info (ep11, &info, &error));
  g_assert_true (g_error_matches (error, CARD_ERROR, CARD_ERROR_CARD_REMOVED)
                 || g_error_matches (error, CARD_ERROR, CARD_ERROR_CARD_SWAPPED));
  g_clear_error (&error);
  eject (f, 2);
  g_assert_false (card_ep11_get_info (ep11, &info, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == CARD_ERROR);
  g_clear_error (&error);
}

/* ---- host PIN entry policy ------------------------------------------------------ */

typedef struct
{
  const char *answers[4];
  guint next;
  guint asked;
} HostPins;

static char *
host_pin (const char *reader_name, const char *prompt, gpointer user_data)
{
  HostPins *pins = user_data;

  pins->asked++;
  if (pins->next >= G_N_ELEMENTS (pins->answers) || pins->answers[pins->next] == NULL)
    return NULL;
  return g_strdup (pins->answers[pins->next++]);
}

static void
test_host_pin_entry (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = make_ca (f, 1, "Zone A", NULL, 0);
  g_autoptr (CardSession) ep11 = make_ep11 (f, ca, 2, NULL);
  g_autoptr (CardContext) ctx = NULL;
  g_autoptr (CardSession) plain = NULL;
  CardReader *reader;
  HostPins pins = { { NULL } };
  GError *error = NULL;
  int tries = 0;

  card_session_close (g_steal_pointer (&ep11));
  g_setenv ("OPENTKE_VIRTUAL_NO_PIN_PAD", "2", TRUE);
  ctx = card_context_new_virtual (f->deck_dir, &error);
  g_unsetenv ("OPENTKE_VIRTUAL_NO_PIN_PAD");
  g_assert_no_error (error);
  reader = card_context_get_reader (ctx, CARD_READER_2, &error);
  g_assert_no_error (error);
  g_assert_false (card_reader_has_pin_pad (reader));
  plain = card_session_open (reader, CARD_APPLET_EP11, &error);
  g_assert_no_error (error);

  /* Refused unless host PIN entry was allowed. */
  assert_refused (card_ep11_verify_pin (plain, &error), &error, CARD_ERROR_NO_PIN_PAD);

  card_context_set_host_pin_entry (ctx, host_pin, &pins);
  pins.answers[0] = "12345";
  assert_refused (card_ep11_verify_pin (plain, &error), &error, CARD_ERROR_PIN_LENGTH);
  pins = (HostPins){ { "000000" } };
  g_assert_false (card_ep11_verify_pin (plain, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_WRONG_PIN);
  g_assert_cmpint (card_error_get_retries (error), ==, 2);
  g_clear_error (&error);
  pins = (HostPins){ { EP11_PIN, EP11_PIN2, "111111" } };
  assert_refused (card_ep11_change_pin (plain, &error), &error, CARD_ERROR_PIN_MISMATCH);
  g_assert_cmpuint (pins.asked, ==, 3);
  pins = (HostPins){ { NULL } };
  assert_refused (card_ep11_verify_pin (plain, &error), &error, CARD_ERROR_PIN_PAD_CANCELLED);
  pins = (HostPins){ { EP11_PIN } };
  card_ep11_verify_pin (plain, &error);
  g_assert_no_error (error);
  g_assert_true (card_session_is_unlocked (plain, &tries, &error));
  g_assert_no_error (error);
}

/* ---- no secret on the wire ------------------------------------------------------ */

static gboolean
trace_contains (Fixture *f, const guint8 *secret, gsize len)
{
  for (guint i = 0; i < f->trace->len; i++)
    {
      gsize n = 0;
      const guint8 *apdu = g_bytes_get_data (g_ptr_array_index (f->trace, i), &n);

      for (gsize at = 0; n >= len && at <= n - len; at++)
        if (memcmp (apdu + at, secret, len) == 0)
          return TRUE;
    }
  return FALSE;
}

static void
test_wire_no_secret (Fixture *f, gconstpointer data)
{
  g_autoptr (CardSession) ca = NULL;
  g_autoptr (CardSession) source = NULL;
  g_autoptr (CardSession) target = NULL;
  g_autofree char *source_name = NULL, *target_name = NULL;
  EVP_PKEY *imported = pki_key_new ();
  guint8 scalar[66], file_part[32], blob[226];
  guint8 parts[3][32];
  guint index = 0;
  GError *error = NULL;
  /* PINs as ASCII and as the BCD of a format-2 block */
  const guint8 pins[][4] = { { '1', '2', '3', '4' },
                             { 0x26, 0x12, 0x34, 0x56 },
                             { 0x26, 0x11, 0x11, 0x11 },
                             { 0x26, 0x22, 0x22, 0x22 } };

  pki_key_private (imported, scalar);
  for (int i = 0; i < 32; i++)
    file_part[i] = (guint8)(0x5A ^ (i * 3));

  f->recording = TRUE;
  ca = make_ca (f, 1, "Zone A", f->root_cert, 331);
  source = make_ep11 (f, ca, 2, &source_name);
  unlock_ep11 (f, source, EP11_PIN);
  card_ep11_generate_signature_key (source, "Alice", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      card_ep11_generate_key_part (source, "part", &index, NULL, &error);
      g_assert_no_error (error);
      card_ep11_export_key_part (source, index, f->chain, sizeof f->chain, blob, &error);
      g_assert_no_error (error);
      g_assert_true (pki_open_key_part (f->importer_key, f->importer_id, blob, parts[i]));
    }
  card_ep11_import_key_part (source, "file part", file_part, &index, NULL, &error);
  g_assert_no_error (error);
  memcpy (parts[2], file_part, 32);
  card_session_close (g_steal_pointer (&source));

  /* A key file's signature key on a second card, then copy card 1 -> card 3. */
  target = make_ep11 (f, ca, 2, NULL);
  unlock_ep11 (f, target, EP11_PIN);
  card_ep11_import_signature_key (target, "Bob", scalar, NULL, &error);
  g_assert_no_error (error);
  card_session_close (g_steal_pointer (&target));
  target = make_ep11 (f, ca, 2, &target_name);
  card_session_close (g_steal_pointer (&ca));
  insert (f, source_name, 1);
  source = open_session (f, 1, CARD_APPLET_EP11);
  unlock_ep11 (f, source, EP11_PIN);
  unlock_ep11 (f, target, EP11_PIN);
  card_ep11_copy (source, target, &error);
  g_assert_no_error (error);
  f->recording = FALSE;

  g_assert_cmpuint (f->trace->len, >, 50);
  for (guint i = 0; i < 3; i++)
    g_assert_false (trace_contains (f, parts[i], 32));
  /* a part in any 16-byte window (a partial leak) */
  g_assert_false (trace_contains (f, parts[0] + 8, 16));
  g_assert_false (trace_contains (f, scalar, 66));
  g_assert_false (trace_contains (f, scalar + 20, 16));
  for (gsize i = 0; i < G_N_ELEMENTS (pins); i++)
    g_assert_false (trace_contains (f, pins[i], 4));
  /* The test can fail: the trace does hold the public importer certificate. */
  g_assert_true (trace_contains (f, f->chain, 331));
  EVP_PKEY_free (imported);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/card/readers/roles", test_reader_roles);
  ADD ("/card/readers/match", test_reader_match);
  ADD ("/card/readers/no-card", test_reader_no_card);
  ADD ("/card/ca/initialize-display-add-root", test_ca_initialize_display);
  ADD ("/card/ca/new-pin-entries-differ", test_ca_pin_entries_differ);
  ADD ("/card/ca/wrong-pins-block", test_ca_wrong_pin_blocks);
  ADD ("/card/ca/backup", test_ca_backup);
  ADD ("/card/ep11/enrol-display", test_ep11_enrol_display);
  ADD ("/card/ep11/wrong-pin-block-unblock", test_ep11_wrong_pin_block_unblock);
  ADD ("/card/ep11/unblock-other-zone", test_ep11_unblock_other_zone);
  ADD ("/card/ep11/change-pin", test_ep11_change_pin);
  ADD ("/card/session/pin-prompt-hook", test_pin_prompt_hook);
  ADD ("/card/ep11/pin-pad-outcomes", test_ep11_pin_pad_outcomes);
  ADD ("/card/session/reader-unlocked", test_reader_unlocked);
  ADD ("/card/ep11/signature-key-sign", test_ep11_signature_key);
  ADD ("/card/ep11/key-parts", test_ep11_key_parts);
  ADD ("/card/ep11/export", test_ep11_export);
  ADD ("/card/ep11/copy", test_ep11_copy);
  ADD ("/card/ep11/import", test_ep11_import);
  ADD ("/card/ep11/zeroize", test_ep11_zeroize);
  ADD ("/card/session/card-removed", test_session_card_removed);
  /* Only the virtual backend can emulate a reader without PIN pad (the pcscd run's
   * driver gives both readers one): registered there alone, never skipped. */
  if (!use_pcsc ())
    ADD ("/card/session/host-pin-entry", test_host_pin_entry);
  ADD ("/card/wire/no-secret", test_wire_no_secret);
#undef ADD
  card_engine_tests_add ();
  return g_test_run ();
}
