/* test-applets.c: the CA and EP11 applets driven through the deck API, as a host would
 * (docs/card-protocol.md): every operation and every refusal a user can hit. */
#include <string.h>

#include "applet-harness.h"
#include "independent-open.h"

/* A CA card (reader 1) and a personalized EP11 card (reader 2), EP11 logged in. */
static void
setup_pair (UnitPki *pki, guint8 zone_id[OTK_ID_LEN])
{
  unit_pki_make (pki);
  make_ca ("ca", pki->root_cert, 1, zone_id);
  make_ep11 ("ep11", "ca");
  assert_sw (ep11_login (2, PIN_EP11), SW_OK);
}

static guint16
gen_part (int reader, const char *desc, GByteArray **out)
{
  return apdu (reader, 0x80, 0x50, 0, 0, (const guint8 *)desc, strlen (desc), out);
}

static guint16
gen_sigkey (int reader, const char *name, GByteArray **out)
{
  return apdu (reader, 0x80, 0x40, 0, 0, (const guint8 *)name, strlen (name), out);
}

static void
test_ep11_setup (void)
{
  UnitPki pki;
  guint8 zone_id[OTK_ID_LEN];
  g_autoptr (GByteArray) info = NULL;
  g_autoptr (GByteArray) certs = NULL;

  harness_setup ();
  unit_pki_make (&pki);
  make_ca ("ca", pki.root_cert, 1, zone_id);
  /* A figure for docs/card-protocol.md, not an assertion. */
  unsigned before = H.commands;
  gint64 t0 = g_get_monotonic_time ();
  make_ep11 ("ep11", "ca");
  g_test_message ("full EP11 card setup (initialize, enrol with the CA card, personalize): "
                  "%u APDUs, %.0f ms",
                  H.commands - before, (double)(g_get_monotonic_time () - t0) / 1000.0);
  assert_sw (ep11_login (2, PIN_EP11), SW_OK);
  assert_sw (apdu (2, 0x80, 0x30, 0, 0, NULL, 0, &info), SW_OK);
  g_assert_cmpuint (info->data[0], ==, OTK_TYPE_EP11);
  g_assert_cmpuint (info->data[1], ==, OTK_EP11_PERSONALIZED);
  g_assert_cmpuint (info->data[2], ==, 3);
  g_assert_cmpmem (info->data + 3 + OTK_ID_LEN, OTK_ID_LEN, zone_id, OTK_ID_LEN);
  g_assert_cmpuint (info->data[3 + 2 * OTK_ID_LEN], ==, strlen ("Alice's card"));
  /* The card holds the zone cert and the trusted root given at enrolment. */
  assert_sw (apdu (2, 0x80, 0x34, 0, 0, NULL, 0, &certs), SW_OK);
  g_assert_cmpuint (certs->len, ==, 3 * OTK_CERT_LEN);
  g_assert_cmpmem (certs->data + 2 * OTK_CERT_LEN, OTK_CERT_LEN, pki.root_cert, OTK_CERT_LEN);
  /* A second INITIALIZE or PERSONALIZE is refused. */
  assert_sw (apdu (2, 0x80, 0x10, 0, 0, NULL, 0, NULL), SW_CONDITIONS);
  /* An EP11 card does not answer SELECT CA. */
  static const guint8 aid_ca[] = { 0xF0, 0x54, 0x4B, 0x45, 0x43, 0x41, 0x01 };
  assert_sw (apdu (2, 0x00, 0xA4, 0x04, 0x00, aid_ca, sizeof aid_ca, NULL), SW_NOT_FOUND);
  harness_teardown ();
}

static void
test_ep11_pin_retries (void)
{
  UnitPki pki;
  guint8 digest[64] = { 1 };

  harness_setup ();
  setup_pair (&pki, NULL);
  gen_sigkey (2, "alice", NULL);
  insert_card ("ep11", 2); /* reset: the PIN session ends */
  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x44, 0, 0, digest, 64, NULL), SW_SECURITY);
  assert_sw (ep11_login (2, "000000"), 0x63C2);
  assert_sw (apdu (2, 0x00, 0x20, 0, 0x81, NULL, 0, NULL), 0x63C2);
  assert_sw (ep11_login (2, "000001"), 0x63C1);
  /* A correct PIN restores the counter. */
  assert_sw (ep11_login (2, PIN_EP11), SW_OK);
  assert_sw (apdu (2, 0x00, 0x20, 0, 0x81, NULL, 0, NULL), SW_OK);
  insert_card ("ep11", 2);
  assert_sw (ep11_login (2, "000000"), 0x63C2);
  assert_sw (ep11_login (2, "000000"), 0x63C1);
  assert_sw (ep11_login (2, "000000"), SW_BLOCKED);
  /* Blocked: even the right PIN is refused, and so is signing. */
  assert_sw (ep11_login (2, PIN_EP11), SW_BLOCKED);
  assert_sw (apdu (2, 0x80, 0x44, 0, 0, digest, 64, NULL), SW_BLOCKED);
  harness_teardown ();
}

static void
test_ep11_change_pin (void)
{
  UnitPki pki;

  harness_setup ();
  setup_pair (&pki, NULL);
  /* Wrong old PIN counts as a wrong PIN. */
  queue_pins (2, (const char *const[]){ "999999", "654321", "654321", NULL });
  assert_sw (pinpad (2, 3, 0x00, 0x24, 0, 0x81, PLACEHOLDER, 16, 0, 8), 0x63C2);
  queue_pins (2, (const char *const[]){ PIN_EP11, "654321", "654321", NULL });
  assert_sw (pinpad (2, 3, 0x00, 0x24, 0, 0x81, PLACEHOLDER, 16, 0, 8), SW_OK);
  insert_card ("ep11", 2);
  assert_sw (ep11_login (2, PIN_EP11), 0x63C2);
  assert_sw (ep11_login (2, "654321"), SW_OK);
  harness_teardown ();
}

static void
test_pinpad_outcomes (void)
{
  UnitPki pki;
  unsigned pending;

  harness_setup ();
  setup_pair (&pki, NULL);
  insert_card ("ep11", 2);
  select_ep11 (2);
  /* Empty queue = nobody answers; then cancel; then a short PIN; none reaches the card. */
  assert_sw (pinpad (2, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), 0x6400);
  g_assert_cmpint (otk_vdeck_pinpad_queue (H.deck, 2, OTK_VDECK_PINPAD_CANCEL, NULL), ==, 0);
  assert_sw (pinpad (2, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), 0x6401);
  g_assert_cmpint (otk_vdeck_pinpad_queue (H.deck, 2, OTK_VDECK_PINPAD_NO_ANSWER, NULL), ==, 0);
  assert_sw (pinpad (2, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), 0x6400);
  queue_pins (2, (const char *const[]){ "12345", NULL });
  assert_sw (pinpad (2, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), 0x6403);
  queue_pins (2, (const char *const[]){ "1234567", NULL });
  assert_sw (pinpad (2, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), 0x6403);
  /* New PIN and confirmation differ. */
  queue_pins (2, (const char *const[]){ PIN_EP11, "111111", "222222", NULL });
  assert_sw (pinpad (2, 3, 0x00, 0x24, 0, 0x81, PLACEHOLDER, 16, 0, 8), 0x6402);
  g_assert_cmpint (otk_vdeck_pinpad_pending (H.deck, 2, &pending), ==, 0);
  g_assert_cmpuint (pending, ==, 0);
  /* None of these cost a try. */
  assert_sw (apdu (2, 0x00, 0x20, 0, 0x81, NULL, 0, NULL), 0x63C3);
  /* A PIN block that is not six digits is refused by the card itself. */
  static const guint8 five[8] = { 0x25, 0x12, 0x34, 0x5F, 0xFF, 0xFF, 0xFF, 0xFF };
  assert_sw (apdu (2, 0x00, 0x20, 0, 0x81, five, 8, NULL), SW_WRONG_DATA);
  /* Template without room for the block: the pad refuses, nothing is sent. */
  assert_sw (pinpad (2, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 4, 0, 0), 0x6B80);
  harness_teardown ();
}

static void
test_ep11_signature_key (void)
{
  UnitPki pki;
  g_autoptr (GByteArray) pub = NULL;
  g_autoptr (GByteArray) sig = NULL;
  g_autoptr (GByteArray) rd = NULL;
  guint8 digest[64];

  harness_setup ();
  setup_pair (&pki, NULL);
  assert_sw (gen_sigkey (2, "a-name-of-thirty-one-characters", NULL), SW_WRONG_DATA);
  assert_sw (gen_sigkey (2, "name\twith tab", NULL), SW_WRONG_DATA);
  assert_sw (apdu (2, 0x80, 0x42, 0, 0, NULL, 0, NULL), SW_NO_DATA);
  assert_sw (gen_sigkey (2, "a-name-of-thirty-characters-ok", &pub), SW_OK);
  g_assert_cmpuint (pub->len, ==, OTK_EC_POINT_LEN);
  assert_sw (gen_sigkey (2, "second", NULL), SW_EXISTS);
  assert_sw (apdu (2, 0x80, 0x42, 0, 0, NULL, 0, &rd), SW_OK);
  g_assert_cmpuint (rd->data[0], ==, 30);
  g_assert_cmpmem (rd->data + 1, 30, "a-name-of-thirty-characters-ok", 30);
  g_assert_cmpmem (rd->data + 31, OTK_EC_POINT_LEN, pub->data, OTK_EC_POINT_LEN);
  g_assert_cmpint (otk_hal_random (digest, sizeof digest), ==, 0);
  assert_sw (apdu (2, 0x80, 0x44, 0, 0, digest, 63, NULL), SW_WRONG_LENGTH);
  assert_sw (apdu (2, 0x80, 0x44, 0, 0, digest, 64, &sig), SW_OK);
  g_assert_cmpuint (sig->len, ==, OTK_SIG_LEN);
  g_assert_cmpint (otk_hal_ecdsa_verify (pub->data, digest, sig->data), ==, 0);
  digest[0] ^= 1;
  g_assert_cmpint (otk_hal_ecdsa_verify (pub->data, digest, sig->data), !=, 0);
  /* Without the PIN (after a reset), no signature. */
  insert_card ("ep11", 2);
  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x44, 0, 0, digest, 64, NULL), SW_SECURITY);
  harness_teardown ();
}

static void
test_ep11_key_parts (void)
{
  UnitPki pki;
  g_autoptr (GByteArray) info = NULL;
  g_autoptr (GByteArray) pinfo = NULL;

  harness_setup ();
  setup_pair (&pki, NULL);
  assert_sw (gen_part (2, "", NULL), SW_WRONG_DATA);
  assert_sw (gen_part (2, "a description of thirty-three ch", NULL), SW_OK);
  assert_sw (gen_part (2, "a description of thirty-three cha", NULL), SW_WRONG_DATA);
  for (int i = 2; i <= OTK_MAX_PARTS; i++)
    {
      g_autoptr (GByteArray) out = NULL;
      g_autofree char *d = g_strdup_printf ("part %d", i);
      assert_sw (gen_part (2, d, &out), SW_OK);
      g_assert_cmpuint (out->data[0], ==, i);
    }
  assert_sw (gen_part (2, "the 86th", NULL), SW_NO_MEMORY);
  assert_sw (apdu (2, 0x80, 0x30, 0, 0, NULL, 0, &info), SW_OK);
  g_assert_cmpuint (info->data[info->len - 12], ==, OTK_MAX_PARTS);
  assert_sw (apdu (2, 0x80, 0x52, 7, 0, NULL, 0, NULL), SW_OK);
  assert_sw (apdu (2, 0x80, 0x52, 7, 0, NULL, 0, NULL), SW_NO_DATA);
  assert_sw (apdu (2, 0x80, 0x52, 86, 0, NULL, 0, NULL), SW_WRONG_P1P2);
  assert_sw (apdu (2, 0x80, 0x32, 7, 0, NULL, 0, NULL), SW_NO_DATA);
  assert_sw (apdu (2, 0x80, 0x32, 8, 0, NULL, 0, &pinfo), SW_OK);
  g_assert_cmpuint (pinfo->data[0], ==, 8);
  g_assert_cmpmem (pinfo->data + 2, pinfo->data[1], "part 8", 6);
  /* The freed slot is reused. */
  {
    g_autoptr (GByteArray) out = NULL;
    assert_sw (gen_part (2, "again", &out), SW_OK);
    g_assert_cmpuint (out->data[0], ==, 7);
  }
  /* Without PIN: refused. */
  insert_card ("ep11", 2);
  select_ep11 (2);
  assert_sw (gen_part (2, "nope", NULL), SW_SECURITY);
  assert_sw (apdu (2, 0x80, 0x52, 1, 0, NULL, 0, NULL), SW_SECURITY);
  harness_teardown ();
}

static void
test_ep11_export_key_part (void)
{
  UnitPki pki, other;
  g_autoptr (GByteArray) made = NULL;
  g_autoptr (GByteArray) blob = NULL;
  guint8 chain[2 * OTK_CERT_LEN], part[OTK_PART_LEN], vp[32];

  harness_setup ();
  setup_pair (&pki, NULL);
  unit_pki_make (&other);
  assert_sw (gen_part (2, "MK part 1", &made), SW_OK);
  memcpy (chain, pki.imp_cert, OTK_CERT_LEN);
  memcpy (chain + OTK_CERT_LEN, pki.dev_cert, OTK_CERT_LEN);
  assert_sw (apdu (2, 0x80, 0x54, 1, 0, chain, sizeof chain, &blob), SW_OK);
  g_assert_cmpuint (blob->len, ==, 226);
  /* The unit side opens it with the importer key; the VP matches the card's. */
  g_assert_cmpint (otk_unseal (OTK_LABEL_KEY_PART, pki.imp_priv, pki.imp_pub,
                               otk_cert_subject (pki.imp_cert), blob->data, blob->len, part),
                   ==, 0);
  g_assert_cmpint (otk_vp (part, vp), ==, 0);
  g_assert_cmpmem (vp, 32, made->data + 1, 32);
  /* The same bytes open with OpenSSL directly, as docs/interfaces.md says. */
  {
    guint8 part2[OTK_PART_LEN];
    g_assert_true (independent_open_key_part (
        pki.imp_priv, pki.imp_pub, otk_cert_subject (pki.imp_cert), blob->data, blob->len, part2));
    g_assert_cmpmem (part2, sizeof part2, part, sizeof part);
    blob->data[200] ^= 1;
    g_assert_false (independent_open_key_part (
        pki.imp_priv, pki.imp_pub, otk_cert_subject (pki.imp_cert), blob->data, blob->len, part2));
    secure_clear (part2, sizeof part2);
  }
  /* A chain to a root the zone does not trust. */
  memcpy (chain, other.imp_cert, OTK_CERT_LEN);
  memcpy (chain + OTK_CERT_LEN, other.dev_cert, OTK_CERT_LEN);
  assert_sw (apdu (2, 0x80, 0x54, 1, 0, chain, sizeof chain, NULL), SW_VERIFY_FAILED);
  /* An importer cert not signed by the device key in the chain. */
  memcpy (chain, other.imp_cert, OTK_CERT_LEN);
  memcpy (chain + OTK_CERT_LEN, pki.dev_cert, OTK_CERT_LEN);
  assert_sw (apdu (2, 0x80, 0x54, 1, 0, chain, sizeof chain, NULL), SW_VERIFY_FAILED);
  /* The certs in the wrong order. */
  memcpy (chain, pki.dev_cert, OTK_CERT_LEN);
  memcpy (chain + OTK_CERT_LEN, pki.imp_cert, OTK_CERT_LEN);
  assert_sw (apdu (2, 0x80, 0x54, 1, 0, chain, sizeof chain, NULL), SW_VERIFY_FAILED);
  assert_sw (apdu (2, 0x80, 0x54, 1, 0, chain, OTK_CERT_LEN, NULL), SW_WRONG_LENGTH);
  assert_sw (apdu (2, 0x80, 0x54, 2, 0, chain, sizeof chain, NULL), SW_NO_DATA);
  secure_clear (part, sizeof part);
  harness_teardown ();
}

/* Copies the card in reader 2 ("ep11", logged in) to @target (in reader 1 afterwards). */
static guint16
copy_card (const char *target)
{
  g_autoptr (GByteArray) blob = NULL;
  guint16 sw;

  sw = ep11_export_card (target, &blob);
  if (sw != SW_OK)
    return sw;
  assert_sw (ep11_login (1, PIN_EP11), SW_OK);
  return apdu (1, 0x80, 0x62, 0, 0, blob->data, blob->len, NULL);
}

static void
test_ep11_copy (void)
{
  UnitPki pki;
  otk_card_nv *a = g_new0 (otk_card_nv, 1), *b = g_new0 (otk_card_nv, 1);

  harness_setup ();
  setup_pair (&pki, NULL);
  assert_sw (gen_sigkey (2, "alice", NULL), SW_OK);
  assert_sw (gen_part (2, "one", NULL), SW_OK);
  assert_sw (gen_part (2, "two", NULL), SW_OK);
  assert_sw (apdu (2, 0x80, 0x52, 1, 0, NULL, 0, NULL), SW_OK);
  /* Target of the same zone, enrolled with the same CA; it needs reader 2 to be made. */
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  make_ep11 ("backup", "ca");
  insert_card ("ep11", 2);
  assert_sw (ep11_login (2, PIN_EP11), SW_OK);
  assert_sw (copy_card ("backup"), SW_OK);
  read_nv ("ep11", a);
  read_nv ("backup", b);
  g_assert_cmpmem (a->sig_priv, OTK_EC_PRIV_LEN, b->sig_priv, OTK_EC_PRIV_LEN);
  g_assert_cmpmem (a->name, a->name_len, b->name, b->name_len);
  g_assert_cmpmem (a->parts, sizeof a->parts, b->parts, sizeof b->parts);
  g_assert_true (memcmp (a->card_id, b->card_id, OTK_ID_LEN) != 0);
  /* A second copy into the now non-empty card is refused. */
  assert_sw (copy_card ("backup"), SW_CONDITIONS);
  /* A card of another zone is refused both ways. */
  g_assert_cmpint (otk_vdeck_eject (H.deck, 1), ==, 0);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  make_ca ("ca2", pki.root_cert, 1, NULL);
  make_ep11 ("stranger", "ca2");
  insert_card ("ep11", 2);
  assert_sw (ep11_login (2, PIN_EP11), SW_OK);
  assert_sw (copy_card ("stranger"), SW_VERIFY_FAILED);
  secure_clear (a, sizeof *a);
  secure_clear (b, sizeof *b);
  g_free (a);
  g_free (b);
  harness_teardown ();
}

static void
test_ep11_import_key (void)
{
  UnitPki pki;
  g_autoptr (GByteArray) certs = NULL;
  g_autoptr (GByteArray) out = NULL;
  guint8 priv[OTK_EC_PRIV_LEN], pub[OTK_EC_POINT_LEN], payload[1 + 1 + 5 + OTK_EC_PRIV_LEN];
  guint8 part_payload[1 + 1 + 4 + OTK_PART_LEN], blob[OTK_SEAL_OVERHEAD + sizeof payload];
  guint8 vp[32];

  harness_setup ();
  setup_pair (&pki, NULL);
  assert_sw (apdu (2, 0x80, 0x34, 0, 0, NULL, 0, &certs), SW_OK);
  const guint8 *dev = certs->data;
  g_assert_cmpint (otk_hal_ec_generate (priv, pub), ==, 0);
  payload[0] = 1;
  payload[1] = 5;
  memcpy (payload + 2, "alice", 5);
  memcpy (payload + 7, priv, OTK_EC_PRIV_LEN);
  g_assert_cmpint (otk_seal (OTK_LABEL_CARD_IMPORT, otk_cert_pub (dev), otk_cert_subject (dev),
                             payload, sizeof payload, blob),
                   ==, 0);
  /* A tampered blob is refused. */
  blob[OTK_SEAL_OVERHEAD] ^= 1;
  assert_sw (apdu (2, 0x80, 0x64, 0, 0, blob, sizeof blob, NULL), SW_VERIFY_FAILED);
  blob[OTK_SEAL_OVERHEAD] ^= 1;
  assert_sw (apdu (2, 0x80, 0x64, 0, 0, blob, sizeof blob, &out), SW_OK);
  g_assert_cmpmem (out->data, out->len, pub, sizeof pub);
  assert_sw (apdu (2, 0x80, 0x64, 0, 0, blob, sizeof blob, NULL), SW_EXISTS);
  /* A key part. */
  part_payload[0] = 2;
  part_payload[1] = 4;
  memcpy (part_payload + 2, "file", 4);
  g_assert_cmpint (otk_hal_random (part_payload + 6, OTK_PART_LEN), ==, 0);
  g_assert_cmpint (otk_seal (OTK_LABEL_CARD_IMPORT, otk_cert_pub (dev), otk_cert_subject (dev),
                             part_payload, sizeof part_payload, blob),
                   ==, 0);
  g_clear_pointer (&out, g_byte_array_unref);
  assert_sw (apdu (2, 0x80, 0x64, 0, 0, blob, OTK_SEAL_OVERHEAD + sizeof part_payload, &out),
             SW_OK);
  g_assert_cmpint (otk_vp (part_payload + 6, vp), ==, 0);
  g_assert_cmpmem (out->data + 1, 32, vp, 32);
  /* Sealed to another card's key: refused. */
  g_assert_cmpint (otk_seal (OTK_LABEL_CARD_IMPORT, pki.imp_pub, otk_cert_subject (dev),
                             part_payload, sizeof part_payload, blob),
                   ==, 0);
  assert_sw (apdu (2, 0x80, 0x64, 0, 0, blob, OTK_SEAL_OVERHEAD + sizeof part_payload, NULL),
             SW_VERIFY_FAILED);
  secure_clear (priv, sizeof priv);
  secure_clear (payload, sizeof payload);
  secure_clear (part_payload, sizeof part_payload);
  harness_teardown ();
}

/* EP11 in reader 2 blocked; CA @ca in reader 1 authorizes; returns UNBLOCK's SW. */
static guint16
unblock_with (const char *ca, const char *new_pin)
{
  g_autoptr (GByteArray) body = NULL;
  guint16 sw;

  sw = ca_authorize_unblock (ca, &body);
  if (sw != SW_OK)
    return sw;
  queue_pins (2, (const char *const[]){ new_pin, new_pin, NULL });
  return pinpad (2, 2, 0x80, 0x70, 0, 0, body->data, body->len, 0, OTK_SIG_LEN);
}

static void
test_ep11_unblock (void)
{
  UnitPki pki;

  harness_setup ();
  setup_pair (&pki, NULL);
  for (int i = 0; i < 3; i++)
    ep11_login (2, "000000");
  assert_sw (ep11_login (2, PIN_EP11), SW_BLOCKED);
  /* Without a challenge. */
  {
    guint8 body[OTK_SIG_LEN + 8] = { 0 };
    memcpy (body + OTK_SIG_LEN, PLACEHOLDER, 8);
    queue_pins (2, (const char *const[]){ "777777", "777777", NULL });
    assert_sw (pinpad (2, 2, 0x80, 0x70, 0, 0, body, sizeof body, 0, OTK_SIG_LEN), SW_NO_CHALLENGE);
  }
  /* The CA card of another zone does not recognise the card. */
  g_assert_cmpint (otk_vdeck_eject (H.deck, 1), ==, 0);
  make_ca ("other-ca", pki.root_cert, 1, NULL);
  assert_sw (unblock_with ("other-ca", "777777"), SW_VERIFY_FAILED);
  assert_sw (ep11_login (2, "777777"), SW_BLOCKED);
  /* Its own CA card. */
  assert_sw (unblock_with ("ca", "777777"), SW_OK);
  assert_sw (ep11_login (2, PIN_EP11), 0x63C2);
  assert_sw (ep11_login (2, "777777"), SW_OK);
  harness_teardown ();
}

static void
test_ep11_zeroize (void)
{
  UnitPki pki;
  g_autoptr (GByteArray) info = NULL;
  otk_card_nv *nv = g_new0 (otk_card_nv, 1);

  harness_setup ();
  setup_pair (&pki, NULL);
  assert_sw (gen_part (2, "secret", NULL), SW_OK);
  insert_card ("ep11", 2);
  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x7E, 0, 0, NULL, 0, NULL), SW_OK);
  assert_sw (apdu (2, 0x80, 0x30, 0, 0, NULL, 0, &info), SW_OK);
  g_assert_cmpuint (info->data[0], ==, OTK_TYPE_BLANK);
  read_nv ("ep11", nv);
  for (gsize i = 0; i < sizeof *nv; i++)
    g_assert_cmpuint (((guint8 *)nv)[i], ==, 0);
  /* A zeroized card can become a CA card. */
  select_ca (2);
  g_free (nv);
  harness_teardown ();
}

static void
test_ca_blocking (void)
{
  guint8 zone[OTK_ID_LEN];
  g_autoptr (GByteArray) info = NULL;

  harness_setup ();
  make_ca ("ca", NULL, 0, zone);
  insert_card ("ca", 1);
  select_ca (1);
  /* Enrol without the two PINs. */
  guint8 req[OTK_ID_LEN + OTK_EC_POINT_LEN] = { 0 };
  assert_sw (apdu (1, 0x80, 0x20, 0, 0, req, sizeof req, NULL), SW_SECURITY);
  queue_pins (1, (const char *const[]){ PIN_CA1, NULL });
  assert_sw (pinpad (1, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), SW_OK);
  assert_sw (apdu (1, 0x80, 0x20, 0, 0, req, sizeof req, NULL), SW_SECURITY);
  /* Five wrong PINs, either reference, one counter. */
  const guint8 refs[5] = { 0x81, 0x82, 0x81, 0x82, 0x81 };
  for (int i = 0; i < 5; i++)
    {
      queue_pins (1, (const char *const[]){ "999999", NULL });
      assert_sw (pinpad (1, 1, 0x00, 0x20, 0, refs[i], PLACEHOLDER, 8, 0, 0),
                 i < 4 ? 0x63C0 | (4 - i) : SW_BLOCKED);
    }
  queue_pins (1, (const char *const[]){ PIN_CA2, NULL });
  assert_sw (pinpad (1, 1, 0x00, 0x20, 0, 0x82, PLACEHOLDER, 8, 0, 0), SW_BLOCKED);
  /* For good: a fresh session is still blocked, zeroize is not offered. */
  insert_card ("ca", 1);
  select_ca (1);
  queue_pins (1, (const char *const[]){ PIN_CA1, NULL });
  assert_sw (pinpad (1, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), SW_BLOCKED);
  assert_sw (apdu (1, 0x80, 0x7E, 0, 0, NULL, 0, NULL), SW_INS);
  assert_sw (apdu (1, 0x80, 0x30, 0, 0, NULL, 0, &info), SW_OK);
  g_assert_cmpuint (info->data[2], ==, 0);
  g_assert_cmpmem (info->data + 3 + OTK_ID_LEN, OTK_ID_LEN, zone, OTK_ID_LEN);
  harness_teardown ();
}

static void
test_ca_personalize_refusals (void)
{
  g_autoptr (GByteArray) out = NULL;
  guint8 init[] = { 1, 'z', 1, 'c', 0 };

  harness_setup ();
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "ca"), ==, 0);
  insert_card ("ca", 1);
  select_ca (1);
  /* Description with a control character. */
  guint8 bad[] = { 1, '\n', 1, 'c', 0 };
  assert_sw (apdu (1, 0x80, 0x10, 0, 0, bad, sizeof bad, NULL), SW_WRONG_DATA);
  assert_sw (apdu (1, 0x80, 0x10, 0, 0, init, sizeof init, &out), SW_OK);
  /* PIN 2 before PIN 1; the two entries differing. */
  queue_pins (1, (const char *const[]){ PIN_CA2, PIN_CA2, NULL });
  assert_sw (pinpad (1, 2, 0x80, 0x14, 0, 0x82, PLACEHOLDER, 8, 0, 0), SW_CONDITIONS);
  queue_pins (1, (const char *const[]){ PIN_CA1, "111112", NULL });
  assert_sw (pinpad (1, 2, 0x80, 0x14, 0, 0x81, PLACEHOLDER, 8, 0, 0), 0x6402);
  queue_pins (1, (const char *const[]){ PIN_CA1, PIN_CA1, NULL });
  assert_sw (pinpad (1, 2, 0x80, 0x14, 0, 0x81, PLACEHOLDER, 8, 0, 0), SW_OK);
  queue_pins (1, (const char *const[]){ PIN_CA1, PIN_CA1, NULL });
  assert_sw (pinpad (1, 2, 0x80, 0x14, 0, 0x81, PLACEHOLDER, 8, 0, 0), SW_CONDITIONS);
  /* Not personalized: no VERIFY yet. */
  assert_sw (apdu (1, 0x00, 0x20, 0, 0x81, NULL, 0, NULL), SW_CONDITIONS);
  harness_teardown ();
}

static void
test_ca_roots (void)
{
  UnitPki p[5];
  g_autoptr (GByteArray) info = NULL;
  guint8 self_bad[OTK_CERT_LEN];

  harness_setup ();
  for (int i = 0; i < 5; i++)
    unit_pki_make (&p[i]);
  make_ca ("ca", p[0].root_cert, 1, NULL);
  insert_card ("ca", 1);
  select_ca (1);
  assert_sw (apdu (1, 0x80, 0x24, 0, 0, p[1].root_cert, OTK_CERT_LEN, NULL), SW_SECURITY);
  ca_login (1);
  assert_sw (apdu (1, 0x80, 0x24, 0, 0, p[0].root_cert, OTK_CERT_LEN, NULL), SW_EXISTS);
  memcpy (self_bad, p[1].root_cert, OTK_CERT_LEN);
  self_bad[OTK_CERT_LEN - 1] ^= 1;
  assert_sw (apdu (1, 0x80, 0x24, 0, 0, self_bad, OTK_CERT_LEN, NULL), SW_VERIFY_FAILED);
  assert_sw (apdu (1, 0x80, 0x24, 0, 0, p[1].dev_cert, OTK_CERT_LEN, NULL), SW_VERIFY_FAILED);
  for (int i = 1; i < 4; i++)
    assert_sw (apdu (1, 0x80, 0x24, 0, 0, p[i].root_cert, OTK_CERT_LEN, NULL), SW_OK);
  assert_sw (apdu (1, 0x80, 0x24, 0, 0, p[4].root_cert, OTK_CERT_LEN, NULL), SW_NO_MEMORY);
  assert_sw (apdu (1, 0x80, 0x30, 0, 0, NULL, 0, &info), SW_OK);
  g_assert_cmpuint (info->data[info->len - 4 * 32 - 1], ==, 4);
  /* An EP11 card enrolled now trusts all four. */
  make_ep11 ("ep11", "ca");
  select_ep11 (2);
  g_autoptr (GByteArray) certs = NULL;
  assert_sw (apdu (2, 0x80, 0x34, 0, 0, NULL, 0, &certs), SW_OK);
  g_assert_cmpuint (certs->len, ==, 6 * OTK_CERT_LEN);
  harness_teardown ();
}

/* Makes a backup of CA card "ca" (reader 1) onto blank card @target; returns IMPORT's SW. */
static guint16
ca_backup (const char *target, GByteArray **blob_out)
{
  g_autoptr (GByteArray) blob = NULL;
  guint16 sw;

  ca_backup_export (target, &blob);
  sw = apdu (2, 0x80, 0x2A, 0, 0, blob->data, blob->len, NULL);
  if (blob_out != NULL)
    *blob_out = g_steal_pointer (&blob);
  return sw;
}

static void
test_ca_backup (void)
{
  UnitPki pki;
  guint8 zone[OTK_ID_LEN];
  g_autoptr (GByteArray) info = NULL;
  g_autoptr (GByteArray) blob = NULL;

  harness_setup ();
  unit_pki_make (&pki);
  make_ca ("ca", pki.root_cert, 1, zone);
  assert_sw (ca_backup ("ca-backup", &blob), SW_OK);
  /* A replay of the blob into the (now personalized) backup is refused. */
  assert_sw (apdu (2, 0x80, 0x2A, 0, 0, blob->data, blob->len, NULL), SW_CONDITIONS);
  /* The backup is a CA card of the same zone with the same PINs... */
  insert_card ("ca-backup", 2);
  ca_login (2);
  assert_sw (apdu (2, 0x80, 0x30, 0, 0, NULL, 0, &info), SW_OK);
  g_assert_cmpuint (info->data[1], ==, OTK_CA_PERSONALIZED);
  g_assert_cmpmem (info->data + 3 + OTK_ID_LEN, OTK_ID_LEN, zone, OTK_ID_LEN);
  /* ...that enrols EP11 cards into that zone and unblocks them. */
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  make_ep11 ("ep11", "ca-backup");
  g_autoptr (GByteArray) ep = NULL;
  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x30, 0, 0, NULL, 0, &ep), SW_OK);
  g_assert_cmpmem (ep->data + 3 + OTK_ID_LEN, OTK_ID_LEN, zone, OTK_ID_LEN);
  for (int i = 0; i < 3; i++)
    ep11_login (2, "000000");
  assert_sw (unblock_with ("ca", "555555"), SW_OK);
  /* Backup without both PINs is refused. */
  insert_card ("ca", 1);
  select_ca (1);
  guint8 req[OTK_ID_LEN + OTK_EC_POINT_LEN] = { 0 };
  assert_sw (apdu (1, 0x80, 0x28, 0, 0, req, sizeof req, NULL), SW_SECURITY);
  /* A blob tampered with is refused by the target. */
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  g_clear_pointer (&blob, g_byte_array_unref);
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "t2"), ==, 0);
  insert_card ("t2", 2);
  select_ca (2);
  g_autoptr (GByteArray) req2 = NULL;
  assert_sw (apdu (2, 0x80, 0x10, 0x01, 0, NULL, 0, &req2), SW_OK);
  ca_login (1);
  assert_sw (apdu (1, 0x80, 0x28, 0, 0, req2->data, req2->len, &blob), SW_OK);
  blob->data[blob->len - 1] ^= 1; /* the zone signature */
  assert_sw (apdu (2, 0x80, 0x2A, 0, 0, blob->data, blob->len, NULL), SW_VERIFY_FAILED);
  harness_teardown ();
}

static void
test_apdu_transport (void)
{
  guint8 rsp[OTK_VDECK_RESPONSE_MAX];
  size_t len = sizeof rsp;
  static const guint8 bad_lc[] = { 0x00, 0xA4, 0x04, 0x00, 0x09, 0xF0 };
  static const guint8 chained[] = { 0x10, 0xA4, 0x04, 0x00 };
  static const guint8 bad_cla[] = { 0xA0, 0xA4, 0x04, 0x00 };
  static const guint8 get_info[] = { 0x80, 0x30, 0x00, 0x00, 0x00 };

  harness_setup ();
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "c"), ==, 0);
  /* Transmit before power up / with an empty reader. */
  g_assert_cmpint (otk_vdeck_transmit (H.deck, 1, get_info, 5, rsp, &len), ==,
                   OTK_VDECK_ERR_NO_CARD);
  g_assert_cmpint (otk_vdeck_insert (H.deck, 1, "c"), ==, 0);
  len = sizeof rsp;
  g_assert_cmpint (otk_vdeck_transmit (H.deck, 1, get_info, 5, rsp, &len), ==,
                   OTK_VDECK_ERR_CARD_CHANGED);
  g_assert_cmpint (otk_vdeck_insert (H.deck, 2, "c"), ==, OTK_VDECK_ERR_IN_USE);
  g_assert_cmpint (otk_vdeck_card_remove (H.deck, "c"), ==, OTK_VDECK_ERR_IN_USE);
  insert_card ("c", 1);
  len = sizeof rsp;
  g_assert_cmpint (otk_vdeck_transmit (H.deck, 1, bad_lc, sizeof bad_lc, rsp, &len), ==, 0);
  g_assert_cmpuint (len, ==, 2);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, SW_WRONG_LENGTH);
  assert_sw (apdu (1, 0x80, 0x30, 0, 0, NULL, 0, NULL), SW_CONDITIONS); /* nothing selected */
  len = sizeof rsp;
  otk_vdeck_transmit (H.deck, 1, chained, sizeof chained, rsp, &len);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, SW_NO_CHAINING);
  len = sizeof rsp;
  otk_vdeck_transmit (H.deck, 1, bad_cla, sizeof bad_cla, rsp, &len);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, SW_CLA);
  select_ep11 (1);
  assert_sw (apdu (1, 0x80, 0x44, 0, 0, NULL, 0, NULL), SW_CONDITIONS); /* blank: no SIGN */
  assert_sw (apdu (1, 0x80, 0x99, 0, 0, NULL, 0, NULL), SW_CONDITIONS);
  /* Swapping the card is seen by the host. */
  guint64 ins1, ins2;
  g_assert_cmpint (otk_vdeck_reader_card (H.deck, 1, NULL, &ins1), ==, 0);
  insert_card ("c", 1);
  g_assert_cmpint (otk_vdeck_reader_card (H.deck, 1, NULL, &ins2), ==, 0);
  g_assert_cmpuint (ins1, !=, ins2);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 1), ==, 0);
  g_assert_cmpint (otk_vdeck_reader_card (H.deck, 1, NULL, NULL), ==, OTK_VDECK_ERR_NO_CARD);
  g_assert_cmpint (otk_vdeck_card_remove (H.deck, "c"), ==, 0);
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "../x"), ==, OTK_VDECK_ERR_INVALID);
  harness_teardown ();
}

static char *
hex (const guint8 *b, gsize n)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", b[i]);
  return g_string_free (s, FALSE);
}

/* Looks for @needle in every recorded APDU. */
static gboolean
on_wire (const guint8 *needle, gsize n)
{
  for (guint i = 0; i < H.wire->len; i++)
    {
      gsize len;
      const guint8 *b = g_bytes_get_data (g_ptr_array_index (H.wire, i), &len);
      for (gsize j = 0; j + n <= len; j++)
        if (memcmp (b + j, needle, n) == 0)
          return TRUE;
    }
  return FALSE;
}

static void
test_no_secret_on_wire (void)
{
  UnitPki pki;
  guint8 chain[2 * OTK_CERT_LEN];
  otk_card_nv *nv = g_new0 (otk_card_nv, 1), *ca = g_new0 (otk_card_nv, 1);
  static const guint8 pin_bcd[3] = { 0x12, 0x34, 0x56 };
  guint8 file_part[OTK_PART_LEN];

  harness_setup ();
  H.wire = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  setup_pair (&pki, NULL);
  assert_sw (gen_sigkey (2, "alice", NULL), SW_OK);
  for (int i = 0; i < 3; i++)
    assert_sw (gen_part (2, "part", NULL), SW_OK);
  memcpy (chain, pki.imp_cert, OTK_CERT_LEN);
  memcpy (chain + OTK_CERT_LEN, pki.dev_cert, OTK_CERT_LEN);
  assert_sw (apdu (2, 0x80, 0x54, 2, 0, chain, sizeof chain, NULL), SW_OK);
  /* A key part from a key file: the host seals it to the card's device key. */
  {
    g_autoptr (GByteArray) certs = NULL;
    guint8 payload[2 + 4 + OTK_PART_LEN] = { 2, 4, 'f', 'i', 'l', 'e' };
    guint8 blob[OTK_SEAL_OVERHEAD + sizeof payload];
    assert_sw (apdu (2, 0x80, 0x34, 0, 0, NULL, 0, &certs), SW_OK);
    g_assert_cmpint (otk_hal_random (payload + 6, OTK_PART_LEN), ==, 0);
    memcpy (file_part, payload + 6, OTK_PART_LEN);
    g_assert_cmpint (otk_seal (OTK_LABEL_CARD_IMPORT, otk_cert_pub (certs->data),
                               otk_cert_subject (certs->data), payload, sizeof payload, blob),
                     ==, 0);
    assert_sw (apdu (2, 0x80, 0x64, 0, 0, blob, sizeof blob, NULL), SW_OK);
    secure_clear (payload, sizeof payload);
  }
  g_assert_cmpint (otk_vdeck_eject (H.deck, 2), ==, 0);
  make_ep11 ("copy", "ca");
  insert_card ("ep11", 2);
  assert_sw (ep11_login (2, PIN_EP11), SW_OK);
  assert_sw (copy_card ("copy"), SW_OK);
  g_assert_cmpint (ca_backup ("ca-backup", NULL), ==, SW_OK);
  read_nv ("ep11", nv);
  read_nv ("ca", ca);
  g_assert_cmpuint (H.wire->len, >, 50);
  g_assert_false (on_wire (nv->sig_priv, OTK_EC_PRIV_LEN));
  g_assert_false (on_wire (nv->key_priv, OTK_EC_PRIV_LEN));
  g_assert_false (on_wire (ca->key_priv, OTK_EC_PRIV_LEN));
  g_assert_true (nv->parts[3].used);
  g_assert_cmpmem (nv->parts[3].part, OTK_PART_LEN, file_part, OTK_PART_LEN);
  for (int i = 0; i < 4; i++)
    g_assert_false (on_wire (nv->parts[i].part, 16));
  g_assert_false (on_wire (pin_bcd, sizeof pin_bcd));
  g_assert_false (on_wire ((const guint8 *)PIN_EP11, 6));
  g_assert_false (on_wire ((const guint8 *)PIN_CA1, 6));
  /* The check can fail: public values are found. */
  g_assert_true (on_wire (nv->sig_pub, OTK_EC_POINT_LEN));
  /* tke-vcard show: public contents only. */
  {
    g_autofree char *text = g_malloc (65536);
    g_autofree char *priv_hex = NULL, *part_hex = NULL, *vp_hex = NULL;
    guint8 vp[32];
    g_assert_cmpint (otk_vdeck_card_show (H.deck, "ep11", text, 65536), ==, OTK_VDECK_OK);
    priv_hex = hex (nv->sig_priv, 16);
    part_hex = hex (nv->parts[0].part, 16);
    g_assert_cmpint (otk_vp (nv->parts[0].part, vp), ==, 0);
    vp_hex = hex (vp, 32);
    g_assert_null (strstr (text, priv_hex));
    g_assert_null (strstr (text, part_hex));
    g_assert_nonnull (strstr (text, vp_hex));
    g_assert_nonnull (strstr (text, "administrator: alice"));
  }
  secure_clear (nv, sizeof *nv);
  secure_clear (ca, sizeof *ca);
  secure_clear (file_part, sizeof file_part);
  g_free (nv);
  g_free (ca);
  harness_teardown ();
}

static void
test_ca_change_pin (void)
{
  harness_setup ();
  make_ca ("ca", NULL, 0, NULL);
  insert_card ("ca", 1);
  select_ca (1);
  queue_pins (1, (const char *const[]){ PIN_CA2, "333333", "333333", NULL });
  assert_sw (pinpad (1, 3, 0x00, 0x24, 0, 0x82, PLACEHOLDER, 16, 0, 8), SW_OK);
  insert_card ("ca", 1);
  select_ca (1);
  queue_pins (1, (const char *const[]){ PIN_CA2, NULL });
  assert_sw (pinpad (1, 1, 0x00, 0x20, 0, 0x82, PLACEHOLDER, 8, 0, 0), 0x63C4);
  queue_pins (1, (const char *const[]){ "333333", NULL });
  assert_sw (pinpad (1, 1, 0x00, 0x20, 0, 0x82, PLACEHOLDER, 8, 0, 0), SW_OK);
  /* PIN 1 is unchanged. */
  queue_pins (1, (const char *const[]){ PIN_CA1, NULL });
  assert_sw (pinpad (1, 1, 0x00, 0x20, 0, 0x81, PLACEHOLDER, 8, 0, 0), SW_OK);
  harness_teardown ();
}

/* Overwrites @len bytes at @off of a card image. */
static void
scribble (const char *name, gsize off, gsize len)
{
  g_autoptr (GBytes) img = image_save (name);
  gsize n;
  const guint8 *data = g_bytes_get_data (img, &n);
  g_autofree guint8 *b = g_memdup2 (data, n);
  g_assert_cmpuint (off + len, <=, n);
  memset (b + off, 0xA5, len);
  g_autoptr (GBytes) out = g_bytes_new (b, n);
  image_restore (name, out);
}

static void
test_store_damage (void)
{
  guint8 atr[OTK_VDECK_ATR_MAX];
  size_t atr_len;
  g_autoptr (GByteArray) info = NULL;
  gsize slot = otk_store_image_size (sizeof (otk_card_nv)) / 2;

  harness_setup ();
  make_ca ("ca", NULL, 0, NULL);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 1), ==, 0);
  otk_card_nv *nv = g_new0 (otk_card_nv, 1);
  read_nv ("ca", nv);
  /* Damage one byte of either slot's body: the other slot holds the card.  One slot is the
   * current state, the other the state one commit before (PIN 1 set, PIN 2 not yet). */
  g_autoptr (GBytes) good = image_save ("ca");
  int same = 0, previous = 0;
  for (int s = 0; s < 2; s++)
    {
      image_restore ("ca", good);
      scribble ("ca", (gsize)s * slot + OTK_STORE_PAGE + 100, 1);
      otk_card_nv *now = g_new0 (otk_card_nv, 1);
      read_nv ("ca", now);
      same += memcmp (now, nv, sizeof *nv) == 0;
      previous += now->type == OTK_TYPE_CA && now->state == OTK_CA_PIN1_SET;
      g_free (now);
    }
  g_assert_cmpint (same, ==, 1);
  g_assert_cmpint (previous, ==, 1);
  /* Both slots damaged: the card is dead, and the deck says so. */
  image_restore ("ca", good);
  scribble ("ca", OTK_STORE_PAGE + 100, 1);
  scribble ("ca", slot + OTK_STORE_PAGE + 100, 1);
  g_assert_cmpint (otk_vdeck_insert (H.deck, 1, "ca"), ==, 0);
  g_assert_cmpint (otk_vdeck_power_up (H.deck, 1, atr, &atr_len), ==, OTK_VDECK_ERR_CORRUPT);
  g_assert_cmpint (otk_vdeck_eject (H.deck, 1), ==, 0);
  image_restore ("ca", good);
  insert_card ("ca", 1);
  select_ca (1);
  assert_sw (apdu (1, 0x80, 0x30, 0, 0, NULL, 0, &info), SW_OK);
  g_assert_cmpmem (info->data + 3, OTK_ID_LEN, nv->card_id, OTK_ID_LEN);
  g_free (nv);
  harness_teardown ();
}

static void
test_deck_two_handles (void)
{
  otk_vdeck *other = NULL;
  guint8 rsp[OTK_VDECK_RESPONSE_MAX], atr[OTK_VDECK_ATR_MAX];
  size_t len = sizeof rsp, atr_len;
  char name[OTK_VDECK_NAME_MAX + 1];
  static const guint8 get_info[] = { 0x80, 0x30, 0x00, 0x00, 0x00 };

  harness_setup ();
  g_assert_cmpint (otk_vdeck_open (H.dir, &other), ==, 0);
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "c"), ==, 0);
  insert_card ("c", 2);
  select_ep11 (2);
  /* Another process sees the card, but has its own RAM state: powered up, nothing
   * selected, while this one still has the EP11 applet selected. */
  g_assert_cmpint (otk_vdeck_reader_card (other, 2, name, NULL), ==, 0);
  g_assert_cmpstr (name, ==, "c");
  g_assert_cmpint (otk_vdeck_transmit (other, 2, get_info, 5, rsp, &len), ==,
                   OTK_VDECK_ERR_CARD_CHANGED);
  g_assert_cmpint (otk_vdeck_power_up (other, 2, atr, &atr_len), ==, 0);
  g_assert_cmpuint (atr_len, ==, 13);
  g_assert_cmphex (atr[0], ==, 0x3B);
  len = sizeof rsp;
  g_assert_cmpint (otk_vdeck_transmit (other, 2, get_info, 5, rsp, &len), ==, 0);
  g_assert_cmphex (rsp[0] << 8 | rsp[1], ==, SW_CONDITIONS);
  assert_sw (apdu (2, 0x80, 0x30, 0, 0, NULL, 0, NULL), SW_OK);
  /* A swap by the other process is seen here. */
  g_assert_cmpint (otk_vdeck_eject (other, 2), ==, 0);
  g_assert_cmpint (otk_vdeck_insert (other, 2, "c"), ==, 0);
  len = sizeof rsp;
  g_assert_cmpint (otk_vdeck_transmit (H.deck, 2, get_info, 5, rsp, &len), ==,
                   OTK_VDECK_ERR_CARD_CHANGED);
  otk_vdeck_close (other);
  harness_teardown ();
}

/* Only readers 1 and 2 exist: every call that names a reader refuses another number
 * before touching the deck, and the deck is unchanged afterwards. */
static void
test_deck_reader_number (void)
{
  static const int bad[] = { 0, 3, -1 };
  guint8 rsp[OTK_VDECK_RESPONSE_MAX], atr[OTK_VDECK_ATR_MAX];
  static const guint8 get_info[] = { 0x80, 0x30, 0x00, 0x00, 0x00 };
  char name[OTK_VDECK_NAME_MAX + 1];
  unsigned count = 99;

  harness_setup ();
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "c"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      size_t len = sizeof rsp, atr_len = sizeof atr;
      int r = bad[i];

      g_assert_cmpint (otk_vdeck_insert (H.deck, r, "c"), ==, OTK_VDECK_ERR_INVALID);
      g_assert_cmpint (otk_vdeck_eject (H.deck, r), ==, OTK_VDECK_ERR_INVALID);
      g_assert_cmpint (otk_vdeck_reader_card (H.deck, r, name, NULL), ==, OTK_VDECK_ERR_INVALID);
      g_assert_cmpint (otk_vdeck_power_up (H.deck, r, atr, &atr_len), ==, OTK_VDECK_ERR_INVALID);
      g_assert_cmpint (otk_vdeck_transmit (H.deck, r, get_info, 5, rsp, &len), ==,
                       OTK_VDECK_ERR_INVALID);
      g_assert_cmpint (otk_vdeck_pinpad_queue (H.deck, r, OTK_VDECK_PINPAD_DIGITS, "123456"), ==,
                       OTK_VDECK_ERR_INVALID);
      g_assert_cmpint (otk_vdeck_pinpad_pending (H.deck, r, &count), ==, OTK_VDECK_ERR_INVALID);
      g_assert_cmpint (otk_vdeck_pinpad_clear (H.deck, r), ==, OTK_VDECK_ERR_INVALID);
    }
  /* The refusals left the card out of both readers and both queues empty. */
  for (int r = 1; r <= 2; r++)
    {
      g_assert_cmpint (otk_vdeck_reader_card (H.deck, r, name, NULL), ==, OTK_VDECK_ERR_NO_CARD);
      g_assert_cmpint (otk_vdeck_pinpad_pending (H.deck, r, &count), ==, 0);
      g_assert_cmpuint (count, ==, 0);
    }
  harness_teardown ();
}

typedef struct
{
  otk_vdeck *deck;
  int reader;
  int ok;
} Worker;

/* Selects EP11 and reads GET INFO many times on one reader. */
static gpointer
worker_run (gpointer data)
{
  Worker *w = data;
  static const guint8 select[]
      = { 0x00, 0xA4, 0x04, 0x00, 0x09, 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };
  static const guint8 get_info[] = { 0x80, 0x30, 0x00, 0x00, 0x00 };
  guint8 rsp[512];

  for (int i = 0; i < 200; i++)
    {
      size_t len = sizeof rsp;
      const guint8 *cmd = i % 2 ? get_info : select;
      size_t cmd_len = i % 2 ? sizeof get_info : sizeof select;
      if (otk_vdeck_transmit (w->deck, w->reader, cmd, cmd_len, rsp, &len) == OTK_VDECK_OK
          && len >= 2 && rsp[len - 2] == 0x90 && rsp[len - 1] == 0x00)
        w->ok++;
    }
  return NULL;
}

static void
test_deck_threads (void)
{
  Worker w[2];
  GThread *t[2];
  otk_vdeck *other = NULL;

  harness_setup ();
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "a"), ==, 0);
  g_assert_cmpint (otk_vdeck_card_new (H.deck, "b"), ==, 0);
  insert_card ("a", 1);
  insert_card ("b", 2);
  /* Two threads on one handle (as in pcscd), and a second handle (another process) on
   * reader 2 too. */
  g_assert_cmpint (otk_vdeck_open (H.dir, &other), ==, 0);
  for (int i = 0; i < 2; i++)
    {
      w[i] = (Worker){ H.deck, i + 1, 0 };
      t[i] = g_thread_new ("worker", worker_run, &w[i]);
    }
  {
    guint8 atr[OTK_VDECK_ATR_MAX];
    size_t atr_len;
    g_assert_cmpint (otk_vdeck_power_up (other, 2, atr, &atr_len), ==, 0);
    Worker third = { other, 2, 0 };
    worker_run (&third);
    g_assert_cmpint (third.ok, ==, 200);
  }
  for (int i = 0; i < 2; i++)
    {
      g_thread_join (t[i]);
      g_assert_cmpint (w[i].ok, ==, 200);
    }
  otk_vdeck_close (other);
  harness_teardown ();
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  g_test_add_func ("/applets/ep11/setup", test_ep11_setup);
  g_test_add_func ("/applets/ep11/pin-retries", test_ep11_pin_retries);
  g_test_add_func ("/applets/ep11/change-pin", test_ep11_change_pin);
  g_test_add_func ("/applets/pinpad/outcomes", test_pinpad_outcomes);
  g_test_add_func ("/applets/ep11/signature-key", test_ep11_signature_key);
  g_test_add_func ("/applets/ep11/key-parts", test_ep11_key_parts);
  g_test_add_func ("/applets/ep11/export-key-part", test_ep11_export_key_part);
  g_test_add_func ("/applets/ep11/copy", test_ep11_copy);
  g_test_add_func ("/applets/ep11/import-key", test_ep11_import_key);
  g_test_add_func ("/applets/ep11/unblock", test_ep11_unblock);
  g_test_add_func ("/applets/ep11/zeroize", test_ep11_zeroize);
  g_test_add_func ("/applets/ca/blocking", test_ca_blocking);
  g_test_add_func ("/applets/ca/personalize-refusals", test_ca_personalize_refusals);
  g_test_add_func ("/applets/ca/roots", test_ca_roots);
  g_test_add_func ("/applets/ca/backup", test_ca_backup);
  g_test_add_func ("/applets/ca/change-pin", test_ca_change_pin);
  g_test_add_func ("/applets/store/damage", test_store_damage);
  g_test_add_func ("/applets/deck/two-handles", test_deck_two_handles);
  g_test_add_func ("/applets/deck/reader-number", test_deck_reader_number);
  g_test_add_func ("/applets/deck/threads", test_deck_threads);
  g_test_add_func ("/applets/transport", test_apdu_transport);
  g_test_add_func ("/applets/no-secret-on-wire", test_no_secret_on_wire);
  return g_test_run ();
}
