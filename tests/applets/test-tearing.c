/* test-tearing.c: pull the card after every write that a command makes and show that the
 * card is left exactly before or after the command (docs/card-protocol.md §9). */
#include <string.h>

#include "applet-harness.h"

typedef struct
{
  const char *card;            /* the card that the command writes */
  int reader;                  /* where it sits */
  GBytes *image;               /* its image before the command */
  void (*prepare) (void *ctx); /* from the restored image to just before the command */
  guint16 (*command) (void *ctx);
  gboolean (*is_after) (const otk_card_nv *nv, void *ctx);
  void *ctx;
} Tear;

/* Runs the command with the card pulled after write 1, 2, ... until it completes. */
static void
tear_each_write (const Tear *t)
{
  otk_card_nv *before = g_new0 (otk_card_nv, 1), *now = g_new0 (otk_card_nv, 1);
  unsigned n, befores = 0;

  for (n = 1;; n++)
    {
      g_assert_cmpuint (n, <, 200);
      g_assert_cmpint (otk_vdeck_eject (H.deck, t->reader), ==, 0);
      image_restore (t->card, t->image);
      insert_card (t->card, t->reader);
      t->prepare (t->ctx);
      read_nv (t->card, before);
      g_assert_false (t->is_after (before, t->ctx));
      H.allow_torn = TRUE;
      H.torn = FALSE;
      otk_vdeck_test_tear_after (H.deck, n);
      guint16 sw = t->command (t->ctx);
      otk_vdeck_test_tear_after (H.deck, 0);
      H.allow_torn = FALSE;
      read_nv (t->card, now);
      if (!H.torn)
        {
          /* All writes done: the command completed. */
          assert_sw (sw, SW_OK);
          g_assert_true (t->is_after (now, t->ctx));
          break;
        }
      /* Pulled: the reader is empty, and the image is exactly before or after. */
      g_assert_cmpint (otk_vdeck_reader_card (H.deck, t->reader, NULL, NULL), ==,
                       OTK_VDECK_ERR_NO_CARD);
      if (memcmp (before, now, sizeof *now) == 0)
        befores++;
      else
        g_assert_true (t->is_after (now, t->ctx));
    }
  g_test_message ("%s: torn after each of %u writes; %u left before", t->card, n - 1, befores);
  /* A commit is several page writes: the command really was torn many times. */
  g_assert_cmpuint (befores, >=, 8);
  secure_clear (before, sizeof *before);
  secure_clear (now, sizeof *now);
  g_free (before);
  g_free (now);
}

/* Saves the image of @card (out of its reader) and tears each write of @command on it. */
static void
tear_run (const char *card, int reader, void (*prepare) (void *ctx), guint16 (*command) (void *ctx),
          gboolean (*is_after) (const otk_card_nv *nv, void *ctx), void *ctx)
{
  Tear t = { card, reader, image_save (card), prepare, command, is_after, ctx };
  tear_each_write (&t);
  g_bytes_unref (t.image);
}

/* A command whose data was made beforehand: INS @ins, P1 = P2 = 0, to the card in @reader. */
typedef struct
{
  int reader;
  guint8 ins;
  GByteArray *blob;
} Blob;

static guint16
cmd_send_blob (void *ctx)
{
  Blob *b = ctx;
  return apdu (b->reader, 0x80, b->ins, 0, 0, b->blob->data, b->blob->len, NULL);
}

static void
login_ep11_2 (void *ctx)
{
  assert_sw (ep11_login (2, PIN_EP11), SW_OK);
}

static void
login_ep11_1 (void *ctx)
{
  assert_sw (ep11_login (1, PIN_EP11), SW_OK);
}

static void
select_ep11_2 (void *ctx)
{
  select_ep11 (2);
}

/* ---- personalize ---- */

static guint16
cmd_personalize (void *ctx)
{
  guint8 body[8 + 5] = { 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 4, 'd', 'e', 's', 'c' };
  queue_pins (2, (const char *const[]){ PIN_EP11, PIN_EP11, NULL });
  guint16 sw = pinpad (2, 2, 0x80, 0x14, 0, 0, body, 8 + 5, 0, 0);
  otk_vdeck_pinpad_clear (H.deck, 2);
  return sw;
}

static gboolean
personalized (const otk_card_nv *nv, void *ctx)
{
  return nv->state == OTK_EP11_PERSONALIZED && nv->tries == 3 && nv->desc_len == 4;
}

static void
test_tear_personalize (void)
{
  harness_setup ();
  make_ca ("ca", NULL, 0, NULL);
  make_ep11_full ("ep11", "ca", FALSE);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  tear_run ("ep11", 2, select_ep11_2, cmd_personalize, personalized, NULL);
  harness_teardown ();
}

/* ---- generate signature key / key part ---- */

static guint16
cmd_gen_sigkey (void *ctx)
{
  return apdu (2, 0x80, 0x40, 0, 0, (const guint8 *)"alice", 5, NULL);
}

static gboolean
has_sigkey (const otk_card_nv *nv, void *ctx)
{
  return nv->name_len == 5;
}

static guint16
cmd_gen_part (void *ctx)
{
  return apdu (2, 0x80, 0x50, 0, 0, (const guint8 *)"part", 4, NULL);
}

static gboolean
has_part (const otk_card_nv *nv, void *ctx)
{
  return nv->parts[0].used && nv->parts[0].desc_len == 4;
}

static void
setup_ep11 (void)
{
  make_ca ("ca", NULL, 0, NULL);
  make_ep11 ("ep11", "ca");
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
}

static void
test_tear_generate (void)
{
  harness_setup ();
  setup_ep11 ();
  Tear t = { "ep11", 2, image_save ("ep11"), login_ep11_2, cmd_gen_sigkey, has_sigkey, NULL };
  tear_each_write (&t);
  t.command = cmd_gen_part;
  t.is_after = has_part;
  tear_each_write (&t);
  g_bytes_unref (t.image);
  harness_teardown ();
}

/* ---- copy card (the target's IMPORT CARD) ---- */

static gboolean
copied (const otk_card_nv *nv, void *ctx)
{
  return nv->name_len == 5 && nv->parts[0].used && nv->parts[1].used;
}

static void
test_tear_copy (void)
{
  Blob b = { 1, 0x62, NULL };

  harness_setup ();
  setup_ep11 ();
  make_ep11 ("target", "ca");
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  insert_card ("ep11", 2);
  login_ep11_2 (NULL);
  assert_sw (cmd_gen_sigkey (NULL), SW_OK);
  assert_sw (cmd_gen_part (NULL), SW_OK);
  assert_sw (cmd_gen_part (NULL), SW_OK);
  assert_sw (ep11_export_card ("target", &b.blob), SW_OK);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 1), ==, 0);
  tear_run ("target", 1, login_ep11_1, cmd_send_blob, copied, &b);
  g_byte_array_unref (b.blob);
  harness_teardown ();
}

/* ---- import from a key file ---- */

static void
test_tear_import_key (void)
{
  g_autoptr (GByteArray) certs = NULL;
  guint8 pub[OTK_EC_POINT_LEN],
      payload[2 + 5 + OTK_EC_PRIV_LEN] = { 1, 5, 'a', 'l', 'i', 'c', 'e' };
  Blob b = { 2, 0x64, g_byte_array_new () };

  harness_setup ();
  setup_ep11 ();
  insert_card ("ep11", 2);
  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x34, 0, 0, NULL, 0, &certs), SW_OK);
  g_assert_cmpint (otk_hal_ec_generate (payload + 7, pub), ==, 0);
  g_byte_array_set_size (b.blob, OTK_SEAL_OVERHEAD + sizeof payload);
  g_assert_cmpint (otk_seal (OTK_LABEL_CARD_IMPORT, otk_cert_pub (certs->data),
                             otk_cert_subject (certs->data), payload, sizeof payload, b.blob->data),
                   ==, 0);
  secure_clear (payload, sizeof payload);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  tear_run ("ep11", 2, login_ep11_2, cmd_send_blob, has_sigkey, &b);
  g_byte_array_unref (b.blob);
  harness_teardown ();
}

/* ---- unblock ---- */

static void
prepare_unblock (void *ctx)
{
  Blob *b = ctx;

  g_clear_pointer (&b->blob, g_byte_array_unref);
  assert_sw (ca_authorize_unblock ("ca", &b->blob), SW_OK);
}

static guint16
cmd_unblock (void *ctx)
{
  Blob *b = ctx;
  queue_pins (2, (const char *const[]){ "777777", "777777", NULL });
  guint16 sw = pinpad (2, 2, 0x80, 0x70, 0, 0, b->blob->data, b->blob->len, 0, OTK_SIG_LEN);
  otk_vdeck_pinpad_clear (H.deck, 2);
  return sw;
}

static gboolean
unblocked (const otk_card_nv *nv, void *ctx)
{
  return nv->tries == 3;
}

static void
test_tear_unblock (void)
{
  Blob b = { 2, 0x70, NULL };

  harness_setup ();
  setup_ep11 ();
  insert_card ("ep11", 2);
  for (int i = 0; i < 3; i++)
    ep11_login (2, "000000");
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  tear_run ("ep11", 2, prepare_unblock, cmd_unblock, unblocked, &b);
  g_byte_array_unref (b.blob);
  harness_teardown ();
}

/* ---- CA backup (the target's BACKUP IMPORT) ---- */

static void
select_ca_2 (void *ctx)
{
  select_ca (2);
}

static gboolean
ca_restored (const otk_card_nv *nv, void *ctx)
{
  return nv->type == OTK_TYPE_CA && nv->state == OTK_CA_PERSONALIZED && nv->tries == 5;
}

static void
test_tear_ca_backup (void)
{
  Blob b = { 2, 0x2A, NULL };

  harness_setup ();
  make_ca ("ca", NULL, 0, NULL);
  ca_backup_export ("backup", &b.blob);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  tear_run ("backup", 2, select_ca_2, cmd_send_blob, ca_restored, &b);
  g_byte_array_unref (b.blob);
  harness_teardown ();
}

/* ---- VERIFY: a pulled card has paid for the try ---- */

static void
test_tear_verify (void)
{
  otk_card_nv *nv = g_new0 (otk_card_nv, 1);

  harness_setup ();
  setup_ep11 ();
  insert_card ("ep11", 2);
  select_ep11 (2);
  H.allow_torn = TRUE;
  /* Pulled after the decrement was committed, before the compare. */
  otk_vdeck_test_tear_after (H.deck, 1000);
  unsigned long w0 = otk_vdeck_test_write_count (H.deck);
  assert_sw (ep11_login (2, "000000"), 0x63C2);
  unsigned long per_verify = otk_vdeck_test_write_count (H.deck) - w0;
  otk_vdeck_test_tear_after (H.deck, 0);
  insert_card ("ep11", 2);
  select_ep11 (2);
  otk_vdeck_test_tear_after (H.deck, (unsigned)per_verify); /* the right PIN; torn before reset */
  queue_pins (2, (const char *const[]){ PIN_EP11, NULL });
  pinpad (2, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0);
  g_assert_true (H.torn);
  H.allow_torn = FALSE;
  read_nv ("ep11", nv);
  g_assert_cmpuint (nv->tries, ==, 1);
  g_free (nv);
  harness_teardown ();
}

/* ---- enrol, delete key part, zeroize, add trusted root ---- */

static gboolean
enrolled (const otk_card_nv *nv, void *ctx)
{
  return nv->state == OTK_EP11_ENROLLED;
}

static void
test_tear_enrol (void)
{
  Blob b = { 2, 0x12, NULL };

  harness_setup ();
  make_ca ("ca", NULL, 0, NULL);
  b.blob = ep11_enrol_data ("ep11", "ca");
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  tear_run ("ep11", 2, select_ep11_2, cmd_send_blob, enrolled, &b);
  g_byte_array_unref (b.blob);
  harness_teardown ();
}

static guint16
cmd_delete_part (void *ctx)
{
  return apdu (2, 0x80, 0x52, 1, 0, NULL, 0, NULL);
}

static gboolean
part_gone (const otk_card_nv *nv, void *ctx)
{
  return !nv->parts[0].used && nv->parts[1].used;
}

static guint16
cmd_zeroize (void *ctx)
{
  return apdu (2, 0x80, 0x7E, 0, 0, NULL, 0, NULL);
}

static gboolean
blank (const otk_card_nv *nv, void *ctx)
{
  return nv->type == OTK_TYPE_BLANK;
}

static void
test_tear_delete_zeroize (void)
{
  harness_setup ();
  setup_ep11 ();
  insert_card ("ep11", 2);
  login_ep11_2 (NULL);
  assert_sw (cmd_gen_part (NULL), SW_OK);
  assert_sw (cmd_gen_part (NULL), SW_OK);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  Tear t = { "ep11", 2, image_save ("ep11"), login_ep11_2, cmd_delete_part, part_gone, NULL };
  tear_each_write (&t);
  t.prepare = select_ep11_2;
  t.command = cmd_zeroize;
  t.is_after = blank;
  tear_each_write (&t);
  g_bytes_unref (t.image);
  harness_teardown ();
}

static void
login_ca_1 (void *ctx)
{
  ca_login (1);
}

static guint16
cmd_add_root (void *ctx)
{
  UnitPki *pki = ctx;
  return apdu (1, 0x80, 0x24, 0, 0, pki->root_cert, OTK_CERT_LEN, NULL);
}

static gboolean
has_root (const otk_card_nv *nv, void *ctx)
{
  return nv->root_count == 1;
}

static void
test_tear_add_root (void)
{
  UnitPki pki;

  harness_setup ();
  unit_pki_make (&pki);
  make_ca ("ca", NULL, 0, NULL);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 1), ==, 0);
  tear_run ("ca", 1, login_ca_1, cmd_add_root, has_root, &pki);
  harness_teardown ();
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  g_test_add_func ("/tearing/ep11/personalize", test_tear_personalize);
  g_test_add_func ("/tearing/ep11/generate", test_tear_generate);
  g_test_add_func ("/tearing/ep11/copy", test_tear_copy);
  g_test_add_func ("/tearing/ep11/import-key", test_tear_import_key);
  g_test_add_func ("/tearing/ep11/unblock", test_tear_unblock);
  g_test_add_func ("/tearing/ep11/verify", test_tear_verify);
  g_test_add_func ("/tearing/ca/backup", test_tear_ca_backup);
  g_test_add_func ("/tearing/ca/add-root", test_tear_add_root);
  g_test_add_func ("/tearing/ep11/enrol", test_tear_enrol);
  g_test_add_func ("/tearing/ep11/delete-zeroize", test_tear_delete_zeroize);
  return g_test_run ();
}
