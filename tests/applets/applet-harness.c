/* applet-harness.c: see applet-harness.h. */
#include "applet-harness.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "opentke-common.h"
#include "vdeck-private.h"

Harness H;
const guint8 PLACEHOLDER[16] = { 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

void
check_sw (guint16 got, guint16 want, const char *what)
{
  if (got != want)
    g_error ("%s: status %04X, expected %04X", what, got, want);
}

void
harness_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  g_setenv ("OPENTKE_VDECK_NO_SYNC", "1", TRUE);
}

void
harness_setup (void)
{
  H.dir = g_dir_make_tmp ("applets-XXXXXX", NULL);
  g_assert_nonnull (H.dir);
  g_assert_cmpint (otk_vdeck_open (H.dir, &H.deck), ==, OTK_VDECK_OK);
  H.wire = NULL;
}

void
harness_teardown (void)
{
  otk_vdeck_close (H.deck);
  otk_remove_tree (H.dir);
  g_free (H.dir);
  if (H.wire != NULL)
    g_ptr_array_unref (H.wire);
  memset (&H, 0, sizeof H);
}

static void
record (const guint8 *b, gsize len, gboolean command)
{
  H.commands += command;
  if (H.wire != NULL)
    g_ptr_array_add (H.wire, g_bytes_new (b, len));
}

/* 0 when the command went through; -1 when the card was pulled and that is allowed. */
static int
transmitted (int rc)
{
  if (rc == OTK_VDECK_ERR_TORN && H.allow_torn)
    {
      H.torn = TRUE;
      return -1;
    }
  g_assert_cmpint (rc, ==, OTK_VDECK_OK);
  return 0;
}

static GByteArray *
build (guint8 cla, guint8 ins, guint8 p1, guint8 p2, const guint8 *data, gsize len)
{
  GByteArray *c = g_byte_array_new ();
  guint8 hdr[4] = { cla, ins, p1, p2 };
  g_byte_array_append (c, hdr, 4);
  if (len > 255)
    {
      guint8 ext[3] = { 0, (guint8)(len >> 8), (guint8)len };
      g_byte_array_append (c, ext, 3);
      g_byte_array_append (c, data, (guint)len);
      guint8 le[2] = { 0, 0 };
      g_byte_array_append (c, le, 2);
    }
  else
    {
      guint8 lc = (guint8)len, le = 0;
      if (len > 0)
        {
          g_byte_array_append (c, &lc, 1);
          g_byte_array_append (c, data, (guint)len);
        }
      g_byte_array_append (c, &le, 1);
    }
  return c;
}

/* Collects the response; follows 61xx. */
static guint16
finish (int reader, guint8 *rsp, gsize rsp_len, GByteArray **out)
{
  g_autoptr (GByteArray) acc = g_byte_array_new ();
  guint16 sw;

  for (;;)
    {
      g_assert_cmpuint (rsp_len, >=, 2);
      record (rsp, rsp_len, FALSE);
      sw = (guint16)(rsp[rsp_len - 2] << 8 | rsp[rsp_len - 1]);
      g_byte_array_append (acc, rsp, (guint)(rsp_len - 2));
      if ((sw & 0xFF00) != 0x6100)
        break;
      guint8 get[5] = { 0x00, 0xC0, 0x00, 0x00, (guint8)(sw & 0xFF) };
      record (get, 5, TRUE);
      rsp_len = OTK_VDECK_RESPONSE_MAX;
      g_assert_cmpint (otk_vdeck_transmit (H.deck, reader, get, 5, rsp, &rsp_len), ==,
                       OTK_VDECK_OK);
    }
  if (out != NULL)
    *out = g_steal_pointer (&acc);
  return sw;
}

guint16
apdu (int reader, guint8 cla, guint8 ins, guint8 p1, guint8 p2, const guint8 *data, gsize len,
      GByteArray **out)
{
  g_autoptr (GByteArray) c = build (cla, ins, p1, p2, data, len);
  g_autofree guint8 *rsp = g_malloc (OTK_VDECK_RESPONSE_MAX);
  size_t rsp_len = OTK_VDECK_RESPONSE_MAX;

  if (out != NULL)
    *out = NULL;
  record (c->data, c->len, TRUE);
  if (transmitted (otk_vdeck_transmit (H.deck, reader, c->data, c->len, rsp, &rsp_len)) != 0)
    return 0;
  return finish (reader, rsp, rsp_len, out);
}

void
queue_pins (int reader, const char *const *pins)
{
  for (; *pins != NULL; pins++)
    g_assert_cmpint (otk_vdeck_pinpad_queue (H.deck, reader, OTK_VDECK_PINPAD_DIGITS, *pins), ==,
                     OTK_VDECK_OK);
}

guint16
pinpad (int reader, int entries, guint8 cla, guint8 ins, guint8 p1, guint8 p2, const guint8 *data,
        gsize len, guint16 off_old, guint16 off_new)
{
  /* @data holds placeholder blocks (PLACEHOLDER) at the offsets. */
  g_autofree guint8 *rsp = g_malloc (OTK_VDECK_RESPONSE_MAX);
  size_t rsp_len = OTK_VDECK_RESPONSE_MAX;
  otk_vdeck_pin_entry e = { .entries = (guint8)entries,
                            .offset_old = off_old,
                            .offset_new = off_new,
                            .block_len = 8,
                            .min_digits = 6,
                            .max_digits = 6,
                            .timeout_s = 0 };

  g_autoptr (GByteArray) c = build (cla, ins, p1, p2, data, len);
  record (c->data, c->len, TRUE); /* the template: placeholders only */
  if (transmitted (otk_vdeck_pinpad_entry (H.deck, reader, &e, c->data, c->len, rsp, &rsp_len))
      != 0)
    return 0;
  return finish (reader, rsp, rsp_len, NULL);
}

void
insert_card (const char *name, int reader)
{
  guint8 atr[OTK_VDECK_ATR_MAX];
  size_t atr_len;
  g_assert_cmpint (otk_vdeck_eject (H.deck, reader), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_insert (H.deck, reader, name), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_power_up (H.deck, reader, atr, &atr_len), ==, OTK_VDECK_OK);
}

static const guint8 aid_ca[] = { 0xF0, 0x54, 0x4B, 0x45, 0x43, 0x41, 0x01 };
static const guint8 aid_ep11[] = { 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };

void
select_ep11 (int reader)
{
  assert_sw (apdu (reader, 0x00, 0xA4, 0x04, 0x00, aid_ep11, sizeof aid_ep11, NULL), SW_OK);
}

void
select_ca (int reader)
{
  assert_sw (apdu (reader, 0x00, 0xA4, 0x04, 0x00, aid_ca, sizeof aid_ca, NULL), SW_OK);
}

void
make_ca (const char *name, const guint8 *roots, gsize n_roots, guint8 zone_id[OTK_ID_LEN])
{
  g_autoptr (GByteArray) init = g_byte_array_new ();
  g_autoptr (GByteArray) out = NULL;
  const char *zone = "Test zone", *desc = "CA card 1";
  guint8 n = (guint8)strlen (zone), m = (guint8)strlen (desc), k = (guint8)n_roots;

  g_assert_cmpint (otk_vdeck_card_new (H.deck, name), ==, OTK_VDECK_OK);
  insert_card (name, 1);
  select_ca (1);
  g_byte_array_append (init, &n, 1);
  g_byte_array_append (init, (const guint8 *)zone, n);
  g_byte_array_append (init, &m, 1);
  g_byte_array_append (init, (const guint8 *)desc, m);
  g_byte_array_append (init, &k, 1);
  g_byte_array_append (init, roots, (guint)(n_roots * OTK_CERT_LEN));
  assert_sw (apdu (1, 0x80, 0x10, 0x00, 0x00, init->data, init->len, &out), SW_OK);
  g_assert_cmpuint (out->len, ==, 2 * OTK_ID_LEN);
  if (zone_id != NULL)
    memcpy (zone_id, out->data + OTK_ID_LEN, OTK_ID_LEN);
  queue_pins (1, (const char *const[]){ PIN_CA1, PIN_CA1, NULL });
  assert_sw (pinpad (1, 2, 0x80, 0x14, 0x00, 0x81, PLACEHOLDER, 8, 0, 0), SW_OK);
  queue_pins (1, (const char *const[]){ PIN_CA2, PIN_CA2, NULL });
  assert_sw (pinpad (1, 2, 0x80, 0x14, 0x00, 0x82, PLACEHOLDER, 8, 0, 0), SW_OK);
}

void
ca_login (int reader)
{
  select_ca (reader);
  queue_pins (reader, (const char *const[]){ PIN_CA1, NULL });
  assert_sw (pinpad (reader, 1, 0x00, 0x20, 0x00, 0x81, PLACEHOLDER, 8, 0, 0), SW_OK);
  queue_pins (reader, (const char *const[]){ PIN_CA2, NULL });
  assert_sw (pinpad (reader, 1, 0x00, 0x20, 0x00, 0x82, PLACEHOLDER, 8, 0, 0), SW_OK);
}

void
make_ep11 (const char *name, const char *ca)
{
  make_ep11_full (name, ca, TRUE);
}

void
make_ep11_full (const char *name, const char *ca, gboolean personalize)
{
  g_autoptr (GByteArray) enrol = ep11_enrol_data (name, ca);
  const char *desc = "Alice's card";
  guint8 pers[1 + 32];

  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x12, 0x00, 0x00, enrol->data, enrol->len, NULL), SW_OK);
  if (!personalize)
    return;
  pers[0] = (guint8)strlen (desc);
  memcpy (pers + 1, desc, pers[0]);
  queue_pins (2, (const char *const[]){ PIN_EP11, PIN_EP11, NULL });
  /* PIN block at offset 0, then the description. */
  {
    guint8 body[8 + 33] = { 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    memcpy (body + 8, pers, 1 + pers[0]);
    assert_sw (pinpad (2, 2, 0x80, 0x14, 0x00, 0x00, body, 8 + 1 + pers[0], 0, 0), SW_OK);
  }
}

guint16
ep11_login (int reader, const char *pin)
{
  select_ep11 (reader);
  queue_pins (reader, (const char *const[]){ pin, NULL });
  return pinpad (reader, 1, 0x00, 0x20, 0x00, 0x81, PLACEHOLDER, 8, 0, 0);
}

GByteArray *
ep11_enrol_data (const char *name, const char *ca)
{
  g_autoptr (GByteArray) id_pub = NULL;
  g_autoptr (GByteArray) cert = NULL;
  g_autoptr (GByteArray) zone = NULL;
  GByteArray *enrol = g_byte_array_new ();

  g_assert_cmpint (otk_vdeck_card_new (H.deck, name), ==, OTK_VDECK_OK);
  insert_card (name, 2);
  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x10, 0x00, 0x00, NULL, 0, &id_pub), SW_OK);
  g_assert_cmpuint (id_pub->len, ==, OTK_ID_LEN + OTK_EC_POINT_LEN);
  insert_card (ca, 1);
  ca_login (1);
  assert_sw (apdu (1, 0x80, 0x20, 0x00, 0x00, id_pub->data, id_pub->len, &cert), SW_OK);
  assert_sw (apdu (1, 0x80, 0x34, 0x00, 0x00, NULL, 0, &zone), SW_OK);
  g_byte_array_append (enrol, cert->data, cert->len);
  g_byte_array_append (enrol, zone->data, zone->len);
  return enrol;
}

guint16
ep11_export_card (const char *target, GByteArray **blob)
{
  g_autoptr (GByteArray) certs = NULL;

  insert_card (target, 1);
  select_ep11 (1);
  assert_sw (apdu (1, 0x80, 0x34, 0, 0, NULL, 0, &certs), SW_OK);
  return apdu (2, 0x80, 0x60, 0, 0, certs->data, OTK_CERT_LEN, blob);
}

guint16
ca_authorize_unblock (const char *ca, GByteArray **body)
{
  g_autoptr (GByteArray) chal = NULL;
  g_autoptr (GByteArray) certs = NULL;
  g_autoptr (GByteArray) sig = NULL;
  guint8 req[OTK_CERT_LEN + OTK_ID_LEN];
  guint16 sw;

  select_ep11 (2);
  assert_sw (apdu (2, 0x80, 0x34, 0, 0, NULL, 0, &certs), SW_OK);
  assert_sw (apdu (2, 0x00, 0x84, 0, 0, NULL, 0, &chal), SW_OK);
  g_assert_cmpuint (chal->len, ==, OTK_ID_LEN);
  memcpy (req, certs->data, OTK_CERT_LEN);
  memcpy (req + OTK_CERT_LEN, chal->data, OTK_ID_LEN);
  insert_card (ca, 1);
  ca_login (1);
  sw = apdu (1, 0x80, 0x22, 0, 0, req, sizeof req, &sig);
  if (sw != SW_OK)
    return sw;
  *body = g_byte_array_new ();
  g_byte_array_append (*body, sig->data, OTK_SIG_LEN);
  g_byte_array_append (*body, PLACEHOLDER, 8);
  return SW_OK;
}

void
ca_backup_export (const char *target, GByteArray **blob)
{
  g_autoptr (GByteArray) req = NULL;

  g_assert_cmpint (otk_vdeck_card_new (H.deck, target), ==, 0);
  insert_card (target, 2);
  select_ca (2);
  assert_sw (apdu (2, 0x80, 0x10, 0x01, 0, NULL, 0, &req), SW_OK);
  insert_card ("ca", 1);
  ca_login (1);
  assert_sw (apdu (1, 0x80, 0x28, 0, 0, req->data, req->len, blob), SW_OK);
}

void
unit_pki_make (UnitPki *p)
{
  guint8 id[OTK_ID_LEN];
  g_assert_cmpint (otk_hal_ec_generate (p->root_priv, p->root_pub), ==, 0);
  g_assert_cmpint (otk_hal_ec_generate (p->dev_priv, p->dev_pub), ==, 0);
  g_assert_cmpint (otk_hal_ec_generate (p->imp_priv, p->imp_pub), ==, 0);
  g_assert_cmpint (otk_hal_random (id, sizeof id), ==, 0);
  g_assert_cmpint (
      otk_cert_make (p->root_cert, OTK_CERT_CU_ROOT, id, p->root_pub, p->root_priv, p->root_pub),
      ==, 0);
  g_assert_cmpint (
      otk_cert_make (p->dev_cert, OTK_CERT_CU_DEVICE, id, p->dev_pub, p->root_priv, p->root_pub),
      ==, 0);
  g_assert_cmpint (otk_hal_random (id, sizeof id), ==, 0);
  g_assert_cmpint (
      otk_cert_make (p->imp_cert, OTK_CERT_CU_IMPORTER, id, p->imp_pub, p->dev_priv, p->dev_pub),
      ==, 0);
}

char *
card_path (const char *name)
{
  return g_strdup_printf ("%s/cards/%s.card", H.dir, name);
}

void
read_nv (const char *name, otk_card_nv *nv)
{
  g_autofree char *path = card_path (name);
  vdeck_file f = { .fd = open (path, O_RDONLY), .deck = NULL };
  otk_store store;
  g_assert_cmpint (f.fd, >=, 0);
  g_assert_cmpint (otk_store_load (&store, &vdeck_file_io, &f, (guint8 *)nv, sizeof *nv), ==, 0);
  close (f.fd);
}

GBytes *
image_save (const char *name)
{
  g_autofree char *path = card_path (name);
  char *data;
  gsize len;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

void
image_restore (const char *name, GBytes *image)
{
  g_autofree char *path = card_path (name);
  gsize len;
  const char *data = g_bytes_get_data (image, &len);
  g_assert_true (
      g_file_set_contents_full (path, data, (gssize)len, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
}
