/* test-commands.c: the rules of each command (admins, thresholds,
 * registers, zeroize, control points), the wire format, certificates and
 * the audit log. */
#include "cu-test.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

static const int none[] = { -1 };
static const int s1[] = { 0, -1 };
static const int s2[] = { 0, 1, -1 };

static const uint8_t part_a[3][32] = { { 0x11, 0x22 }, { 0x33, 0x44, 0x55 }, { 0x66 } };
static const uint8_t part_b[2][32] = { { 0xa1 }, { 0xb2, 0xc3 } };

static void
assert_refused (GError *error, int code)
{
  g_assert_error (error, CU_ERROR, code);
  g_error_free (error);
}

static void
add_admin_raw (CuFixture *f, const char *name, guint key, const int *signers, int expect)
{
  uint8_t params[256];
  size_t n = strlen (name);
  GError *error;

  params[0] = (uint8_t)n;
  memcpy (params + 1, name, n);
  cu_test_key_point (key, params + 1 + n);
  error = cu_test_run (f, 0, CU_CMD_ADD_ADMIN, params, 1 + n + CU_POINT_LEN, signers, NULL);
  if (expect == 0)
    g_assert_no_error (error);
  else
    assert_refused (error, expect);
}

static void
test_admin_rules (void)
{
  CuFixture f;
  g_autofree CuUnitState *st = NULL;
  g_autoptr (GError) error = NULL;
  uint8_t point[CU_POINT_LEN], ski[CU_SKI_LEN], th[2];
  g_autoptr (CuCommand) cmd = NULL;

  cu_fixture_init (&f, 1, 0, 0);
  /* Names: 30 characters (multi-byte ones count as one) pass, 31 do not. */
  add_admin_raw (&f, "ÄÖÜäöüßéèàÄÖÜäöüßéèàÄÖÜäöüßéè", 0, none, 0);
  add_admin_raw (&f, "abcdefghijabcdefghijabcdefghijk", 1, none, CU_ERROR_INVALID_ARGUMENT);
  cu_test_key_point (1, point);
  cmd = cu_command_new_add_admin (TEST_INSTANCE, cu_fixture_unit (&f, 0), 1,
                                  "abcdefghijabcdefghijabcdefghijk", point, &error);
  g_assert_null (cmd);
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  add_admin_raw (&f, "", 1, none, CU_ERROR_INVALID_ARGUMENT);
  /* The same key twice. */
  add_admin_raw (&f, "Again", 0, none, CU_ERROR_EXISTS);
  /* A point not on the curve. */
  {
    uint8_t params[1 + 3 + CU_POINT_LEN] = { 3, 'B', 'a', 'd', 0x04 };

    memset (params + 5, 0x42, CU_POINT_LEN - 1);
    assert_refused (cu_test_run (&f, 0, CU_CMD_ADD_ADMIN, params, sizeof params, none, NULL),
                    CU_ERROR_INVALID_ARGUMENT);
  }
  for (guint i = 1; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("Admin %u", i);
      add_admin_raw (&f, name, i, none, 0);
    }
  /* A ninth admin. */
  add_admin_raw (&f, "Ninth", 8, none, CU_ERROR_LIMIT);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpuint (st->n_admins, ==, 8);
  cu_test_key_ski (3, ski);
  g_assert_cmpmem (st->admins[3].ski, CU_SKI_LEN, ski, CU_SKI_LEN);
  g_assert_cmpstr (st->admins[3].name, ==, "Admin 3");
  g_clear_pointer (&st, g_free);

  /* Thresholds: 0, 9, and above the number of admins are refused. */
  th[0] = 0, th[1] = 1;
  assert_refused (cu_test_run (&f, 0, CU_CMD_SET_THRESHOLDS, th, 2, none, NULL),
                  CU_ERROR_INVALID_ARGUMENT);
  th[0] = 1, th[1] = 9;
  assert_refused (cu_test_run (&f, 0, CU_CMD_SET_THRESHOLDS, th, 2, s1, NULL),
                  CU_ERROR_INVALID_ARGUMENT);
  /* Remove admins 4..7, then S = 3, R = 4 over 4 admins. */
  for (guint i = 4; i < 8; i++)
    {
      cu_test_key_ski (i, ski);
      cu_test_ok (&f, 0, CU_CMD_REMOVE_ADMIN, ski, CU_SKI_LEN, none);
    }
  th[0] = 3, th[1] = 5;
  {
    const int s3[] = { 0, 1, 2, -1 };

    assert_refused (cu_test_run (&f, 0, CU_CMD_SET_THRESHOLDS, th, 2, s3, NULL),
                    CU_ERROR_INVALID_ARGUMENT);
    th[1] = 4;
    cu_test_ok (&f, 0, CU_CMD_SET_THRESHOLDS, th, 2, s3);
  }
  st = cu_fixture_state (&f, 0);
  g_assert_cmpuint (st->signature_threshold, ==, 3);
  g_assert_cmpuint (st->revocation_threshold, ==, 4);
  g_assert_false (cu_unit_state_is_imprint_mode (st));
  /* Removing would leave 3 admins < R = 4. */
  {
    const int s4[] = { 0, 1, 2, 3, -1 };

    cu_test_key_ski (3, ski);
    assert_refused (cu_test_run (&f, 0, CU_CMD_REMOVE_ADMIN, ski, CU_SKI_LEN, s4, NULL),
                    CU_ERROR_LIMIT);
    /* Unknown SKI. */
    cu_test_key_ski (8, ski);
    assert_refused (cu_test_run (&f, 0, CU_CMD_REMOVE_ADMIN, ski, CU_SKI_LEN, s4, NULL),
                    CU_ERROR_NOT_FOUND);
  }
  cu_fixture_clear (&f);
}

static void
load_params (CuFixture *f, const uint8_t (*parts)[32], guint n, GByteArray *out)
{
  g_autoptr (GBytes) blobs = cu_test_part_blobs (f, 0, parts, n);
  uint8_t count = (uint8_t)n;

  g_byte_array_set_size (out, 0);
  g_byte_array_append (out, &count, 1);
  g_byte_array_append (out, g_bytes_get_data (blobs, NULL), (guint)g_bytes_get_size (blobs));
}

static void
test_load_rules (void)
{
  CuFixture f;
  g_autoptr (GByteArray) p = g_byte_array_new ();
  g_autofree CuUnitState *st = NULL;
  uint8_t parts4[4][32] = { { 1 }, { 2 }, { 3 }, { 4 } };
  uint8_t mk[32] = { 0 }, vp[32];

  cu_fixture_init (&f, 2, 0, 0);
  cu_test_setup_admins (&f, 0, 2, 2, 1);
  /* 1 and 4 parts are refused. */
  load_params (&f, parts4, 1, p);
  assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                  CU_ERROR_INVALID_ARGUMENT);
  load_params (&f, parts4, 4, p);
  assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                  CU_ERROR_INVALID_ARGUMENT);
  /* A tampered blob does not decrypt. */
  load_params (&f, part_a, 2, p);
  p->data[1 + CU_KEY_PART_BLOB_LEN - 5] ^= 1;
  assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                  CU_ERROR_IMPORTER);
  /* ... and the importer key it used is gone: the untampered blobs fail too. */
  p->data[1 + CU_KEY_PART_BLOB_LEN - 5] ^= 1;
  assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                  CU_ERROR_IMPORTER);
  /* Parts encrypted to another unit's importer key. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) chain
        = cu_client_create_importer (f.client, cu_fixture_unit (&f, 1), &error);
    g_autoptr (GBytes) root = cu_client_get_root_certificate (f.client, &error);
    uint8_t blob[CU_KEY_PART_BLOB_LEN];

    g_assert_no_error (error);
    load_params (&f, part_a, 2, p);
    g_assert_true (
        cu_key_part_encrypt (part_a[0], chain, g_bytes_get_data (root, NULL), blob, &error));
    memcpy (p->data + 1, blob, sizeof blob);
    assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                    CU_ERROR_IMPORTER);
  }
  /* Three good parts. */
  load_params (&f, part_a, 3, p);
  cu_test_ok (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1);
  for (guint i = 0; i < 3; i++)
    for (guint b = 0; b < 32; b++)
      mk[b] ^= part_a[i][b];
  cu_test_vp (mk, vp);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpint (st->new_state, ==, CU_NEW_FULL_UNCOMMITTED);
  g_assert_cmpmem (st->new_vp, 32, vp, 32);
  g_assert_cmpint (st->current_state, ==, CU_CURRENT_EMPTY);
  g_clear_pointer (&st, g_free);
  /* The importer key is one-time. */
  assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                  CU_ERROR_IMPORTER);
  /* Loading over a full new register. */
  load_params (&f, part_b, 2, p);
  assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                  CU_ERROR_REGISTER_STATE);
  /* Set immediate before commit; commit for another VP. */
  assert_refused (cu_test_run (&f, 0, CU_CMD_SET_IMMEDIATE, NULL, 0, s1, NULL),
                  CU_ERROR_REGISTER_STATE);
  vp[0] ^= 1;
  assert_refused (cu_test_run (&f, 0, CU_CMD_COMMIT_NEW, vp, 32, s2, NULL), CU_ERROR_VP_MISMATCH);
  vp[0] ^= 1;
  cu_test_ok (&f, 0, CU_CMD_COMMIT_NEW, vp, 32, s2);
  /* Commit twice. */
  assert_refused (cu_test_run (&f, 0, CU_CMD_COMMIT_NEW, vp, 32, s2, NULL),
                  CU_ERROR_REGISTER_STATE);
  cu_test_ok (&f, 0, CU_CMD_SET_IMMEDIATE, NULL, 0, s1);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpint (st->new_state, ==, CU_NEW_EMPTY);
  g_assert_cmpint (st->current_state, ==, CU_CURRENT_VALID);
  g_assert_cmpmem (st->current_vp, 32, vp, 32);
  g_clear_pointer (&st, g_free);
  /* The same MK again, from other parts with the same XOR. */
  {
    uint8_t same[2][32];

    memcpy (same[0], part_a[0], 32);
    for (guint b = 0; b < 32; b++)
      same[1][b] = part_a[1][b] ^ part_a[2][b];
    load_params (&f, same, 2, p);
    assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1, NULL),
                    CU_ERROR_SAME_MASTER_KEY);
  }
  /* Clear new and clear current. */
  load_params (&f, part_b, 2, p);
  cu_test_ok (&f, 0, CU_CMD_LOAD_NEW, p->data, p->len, s1);
  cu_test_ok (&f, 0, CU_CMD_CLEAR_NEW, NULL, 0, s1);
  cu_test_ok (&f, 0, CU_CMD_CLEAR_CURRENT, NULL, 0, s1);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpint (st->new_state, ==, CU_NEW_EMPTY);
  g_assert_cmpint (st->current_state, ==, CU_CURRENT_EMPTY);
  cu_fixture_clear (&f);
}

static void
test_zeroize (void)
{
  CuFixture f;
  g_autofree CuUnitState *before = NULL;
  g_autofree CuUnitState *st = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GPtrArray) log = NULL;
  uint8_t cps[4] = { 0, 0, 0, CU_CP_EC25519 };
  uint8_t zero[32] = { 0 };
  g_autofree char *key = NULL;

  cu_fixture_init (&f, 1, 0, 0);
  cu_test_setup_admins (&f, 0, 3, 2, 2);
  cu_test_ok (&f, 0, CU_CMD_SET_CONTROL_POINTS, cps, 4, s2);
  cu_test_load_mk (&f, 0, part_a, 2, 2, TRUE);
  key = cu_client_key_create (f.client, cu_fixture_unit (&f, 0), &error);
  g_assert_no_error (error);
  cu_test_load_mk (&f, 0, part_b, 2, 2, FALSE);
  before = cu_fixture_state (&f, 0);
  g_assert_cmpuint (before->control_points, ==, CU_CP_EC25519);
  g_assert_cmpuint (before->n_keys, ==, 1);
  cu_test_ok (&f, 0, CU_CMD_ZEROIZE, NULL, 0, s1);
  st = cu_fixture_state (&f, 0);
  g_assert_true (cu_unit_state_is_imprint_mode (st));
  g_assert_cmpuint (st->n_admins, ==, 0);
  g_assert_cmpuint (st->revocation_threshold, ==, 0);
  g_assert_cmpint (st->new_state, ==, CU_NEW_EMPTY);
  g_assert_cmpint (st->current_state, ==, CU_CURRENT_EMPTY);
  g_assert_cmpmem (st->new_vp, 32, zero, 32);
  g_assert_cmpmem (st->current_vp, 32, zero, 32);
  g_assert_cmpuint (st->n_keys, ==, 0);
  g_assert_cmpuint (st->control_points, ==, CU_CP_DEFAULT);
  /* The counter goes on (no replay across a zeroize), the log stays. */
  g_assert_cmpuint (st->transaction_counter, ==, before->transaction_counter + 1);
  keys = cu_client_key_list (f.client, cu_fixture_unit (&f, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 0);
  log = cu_client_get_audit_log (f.client, cu_fixture_unit (&f, 0), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, st->audit_length);
  g_assert_true (cu_audit_log_verify (log, &error));
  /* Nothing left: the unit takes a new ceremony from the start. */
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_fixture_clear (&f);
}

static void
test_control_points (void)
{
  CuFixture f;
  g_autofree CuUnitState *st = NULL;
  uint8_t cps[4] = { 0, 0, 0, CU_CP_BTC | CU_CP_OTHER_ECDSA };
  uint8_t bad[4] = { 0, 0, 0, 0x08 };

  cu_fixture_init (&f, 1, 0, 0);
  cu_test_setup_admins (&f, 0, 2, 2, 2);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpuint (st->control_points, ==, CU_CP_ALL);
  g_clear_pointer (&st, g_free);
  assert_refused (cu_test_run (&f, 0, CU_CMD_SET_CONTROL_POINTS, bad, 4, s2, NULL),
                  CU_ERROR_INVALID_ARGUMENT);
  cu_test_ok (&f, 0, CU_CMD_SET_CONTROL_POINTS, cps, 4, s2);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpuint (st->control_points, ==, CU_CP_BTC | CU_CP_OTHER_ECDSA);
  cu_fixture_clear (&f);
}

static void
test_wrong_target (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (CuCommand) cmd = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autofree CuUnitState *st = NULL;

  cu_fixture_init (&f, 2, 0, 0);
  cmd = cu_test_command (&f, 0, CU_CMD_ZEROIZE, NULL, 0);
  wire = cu_command_encode (cmd);
  /* Sent to unit 1: refused, unit 1 untouched. */
  g_assert_false (
      cu_engine_execute (f.engine, TEST_INSTANCE, cu_fixture_unit (&f, 1), wire, NULL, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_WRONG_TARGET);
  g_clear_error (&error);
  st = cu_fixture_state (&f, 1);
  g_assert_cmpuint (st->transaction_counter, ==, 1);
  /* Unknown unit and instance. */
  g_assert_false (cu_engine_execute (f.engine, TEST_INSTANCE,
                                     "00000000000000000000000000000000"
                                     "00000000000000000000000000000000",
                                     wire, NULL, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (cu_engine_get_unit_state (f.engine, "other", cu_fixture_unit (&f, 0), &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_NOT_FOUND);
  cu_fixture_clear (&f);
}

static void
test_wire_format (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CuCommand) cmd = NULL;
  g_autoptr (CuCommand) back = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autoptr (GBytes) wire2 = NULL;
  const char *unit = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  uint8_t d1[64], d2[64], params[2] = { 2, 3 };
  const uint8_t *data;
  size_t len;

  cmd = cu_command_new (TEST_INSTANCE, unit, CU_CMD_SET_THRESHOLDS, 42, params, 2, &error);
  g_assert_no_error (error);
  cu_test_sign (cmd, (const int[]){ 0, 1, -1 });
  wire = cu_command_encode (cmd);
  data = g_bytes_get_data (wire, &len);
  /* Magic, instance, unit, code, counter, params, signatures. */
  g_assert_cmpuint (len, ==, 16 + 1 + 4 + 32 + 2 + 8 + 4 + 2 + 1 + 2 * (32 + 132));
  g_assert_cmpmem (data, 16, "OpenTKE-CU-cmd-1", 16);
  g_assert_cmpuint (data[16], ==, 4);
  g_assert_cmpuint (data[16 + 1 + 4 + 32 + 1], ==, CU_CMD_SET_THRESHOLDS);
  g_assert_cmpuint (data[16 + 1 + 4 + 32 + 2 + 7], ==, 42);
  back = cu_command_decode (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cu_command_get_unit_id (back), ==, unit);
  g_assert_cmpuint (cu_command_get_counter (back), ==, 42);
  g_assert_cmpuint (cu_command_get_n_signatures (back), ==, 2);
  cu_command_get_digest (cmd, d1);
  cu_command_get_digest (back, d2);
  g_assert_cmpmem (d1, 64, d2, 64);
  wire2 = cu_command_encode (back);
  g_assert_true (g_bytes_equal (wire, wire2));
  /* The digest changes with each bound field. */
  {
    g_autoptr (CuCommand) other
        = cu_command_new (TEST_INSTANCE, unit, CU_CMD_SET_THRESHOLDS, 43, params, 2, NULL);
    cu_command_get_digest (other, d2);
    g_assert_true (memcmp (d1, d2, 64) != 0);
  }
  /* Truncated, trailing byte, unknown command. */
  for (size_t cut = 0; cut < len; cut += 7)
    {
      g_assert_null (cu_command_decode (data, cut, &error));
      g_assert_error (error, CU_ERROR, CU_ERROR_PROTOCOL);
      g_clear_error (&error);
    }
  {
    g_autofree uint8_t *longer = g_malloc (len + 1);

    memcpy (longer, data, len);
    longer[len] = 0;
    g_assert_null (cu_command_decode (longer, len + 1, &error));
    g_assert_error (error, CU_ERROR, CU_ERROR_PROTOCOL);
    g_clear_error (&error);
    longer[16 + 1 + 4 + 32 + 1] = 99;
    g_assert_null (cu_command_decode (longer, len, &error));
    g_assert_error (error, CU_ERROR, CU_ERROR_PROTOCOL);
  }
  /* Mutated input: never read out of bounds (ASan build); whatever decodes
   * encodes back to the same bytes. */
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree uint8_t *m = g_memdup2 (data, len);
      size_t mlen = len - (size_t)g_test_rand_int_range (0, 3) * g_test_rand_int_range (0, 200);
      g_autoptr (CuCommand) dec = NULL;

      for (guint k = 0; k < 3; k++)
        m[g_test_rand_int_range (0, (gint32)len)] = (uint8_t)g_test_rand_int_range (0, 256);
      dec = cu_command_decode (m, mlen, NULL);
      if (dec != NULL)
        {
          g_autoptr (GBytes) again = cu_command_encode (dec);
          g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), m, mlen);
        }
    }
  g_assert_cmpint (cu_command_code_from_string ("rotate"), ==, CU_CMD_ROTATE);
  g_assert_cmpint (cu_command_code_from_string ("nope"), ==, 0);
}

static void
test_certificates (void)
{
  CuFixture f, g;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chain = NULL;
  g_autoptr (GBytes) root = NULL;
  g_autoptr (GBytes) other_root = NULL;
  g_autoptr (GBytes) dev = NULL;
  uint8_t buf[2 * CU_CERT_LEN], subject[32], point[CU_POINT_LEN], blob[CU_KEY_PART_BLOB_LEN];
  CuCertType type = 0;

  cu_fixture_init (&f, 1, 0, 0);
  cu_fixture_init (&g, 1, 0, 0);
  chain = cu_client_create_importer (f.client, cu_fixture_unit (&f, 0), &error);
  root = cu_client_get_root_certificate (f.client, &error);
  dev = cu_client_get_device_certificate (f.client, cu_fixture_unit (&f, 0), &error);
  other_root = cu_client_get_root_certificate (g.client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (chain), ==, 2 * CU_CERT_LEN);
  memcpy (buf, g_bytes_get_data (chain, NULL), sizeof buf);
  g_assert_cmpmem (buf + CU_CERT_LEN, CU_CERT_LEN, g_bytes_get_data (dev, NULL), CU_CERT_LEN);
  g_assert_true (cu_certificate_verify_chain (buf, sizeof buf, g_bytes_get_data (root, NULL), &type,
                                              subject, point, &error));
  g_assert_no_error (error);
  g_assert_cmpint (type, ==, CU_CERT_IMPORTER);
  g_assert_cmpuint (buf[0], ==, 1);
  g_assert_cmpuint (buf[1], ==, CU_CERT_IMPORTER);
  g_assert_cmpuint (buf[CU_CERT_LEN + 1], ==, CU_CERT_DEVICE);
  /* The device certificate names the unit. */
  {
    g_autofree char *hex = g_malloc (65);

    for (guint i = 0; i < 32; i++)
      g_snprintf (hex + 2 * i, 3, "%02x", buf[CU_CERT_LEN + 2 + i]);
    g_assert_cmpstr (hex, ==, cu_fixture_unit (&f, 0));
  }
  /* Another instance's root does not vouch for it. */
  g_assert_false (cu_certificate_verify_chain (buf, sizeof buf, g_bytes_get_data (other_root, NULL),
                                               NULL, NULL, NULL, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_CERTIFICATE);
  g_clear_error (&error);
  g_assert_false (
      cu_key_part_encrypt (part_a[0], chain, g_bytes_get_data (other_root, NULL), blob, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_CERTIFICATE);
  g_clear_error (&error);
  /* Any changed byte breaks the chain. */
  for (size_t i = 0; i < sizeof buf; i += 37)
    {
      buf[i] ^= 0x01;
      g_assert_false (cu_certificate_verify_chain (buf, sizeof buf, g_bytes_get_data (root, NULL),
                                                   NULL, NULL, NULL, NULL));
      buf[i] ^= 0x01;
    }
  /* The device certificate alone is not an importer. */
  {
    g_autoptr (GBytes) only_dev = g_bytes_new (buf + CU_CERT_LEN, CU_CERT_LEN);

    g_assert_false (
        cu_key_part_encrypt (part_a[0], only_dev, g_bytes_get_data (root, NULL), blob, &error));
    g_assert_error (error, CU_ERROR, CU_ERROR_CERTIFICATE);
  }
  cu_fixture_clear (&g);
  cu_fixture_clear (&f);
}

static void
test_audit_log (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) log = NULL;
  const CuAuditEntry *e;
  uint8_t ski0[32], ski1[32];
  g_autofree char *path = NULL;
  sqlite3 *db = NULL;
  GError *refused;

  cu_fixture_init (&f, 1, 0, 0);
  cu_test_setup_admins (&f, 0, 2, 2, 2);
  refused = cu_test_run (&f, 0, CU_CMD_CLEAR_NEW, NULL, 0, (const int[]){ 9, -1 }, NULL);
  assert_refused (refused, CU_ERROR_NOT_ADMIN);
  log = cu_client_get_audit_log (f.client, cu_fixture_unit (&f, 0), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, 4);
  g_assert_true (cu_audit_log_verify (log, &error));
  e = g_ptr_array_index (log, 2);
  g_assert_cmpint (e->command, ==, CU_CMD_SET_THRESHOLDS);
  g_assert_cmpuint (e->result, ==, 0);
  g_assert_cmpuint (e->n_signers, ==, 2);
  cu_test_key_ski (0, ski0);
  cu_test_key_ski (1, ski1);
  g_assert_cmpmem (e->signers[0], 32, ski0, 32);
  g_assert_cmpmem (e->signers[1], 32, ski1, 32);
  e = g_ptr_array_index (log, 3);
  g_assert_cmpint (e->command, ==, CU_CMD_CLEAR_NEW);
  g_assert_cmpuint (e->result, ==, CU_ERROR_NOT_ADMIN);
  g_clear_pointer (&log, g_ptr_array_unref);
  /* Reading from the middle. */
  log = cu_client_get_audit_log (f.client, cu_fixture_unit (&f, 0), 3, &error);
  g_assert_cmpuint (log->len, ==, 2);
  g_clear_pointer (&log, g_ptr_array_unref);
  /* Someone edits the database: the chain shows it. */
  path = g_build_filename (f.dir, TEST_INSTANCE, "unit-operational-1.db", NULL);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE audit SET result = 0 WHERE seq = 4", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  log = cu_client_get_audit_log (f.client, cu_fixture_unit (&f, 0), 1, &error);
  g_assert_no_error (error);
  g_assert_false (cu_audit_log_verify (log, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_PROTOCOL);
  cu_fixture_clear (&f);
}

static void
test_instances (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cu-inst-XXXXXX", NULL);
  g_autoptr (CuEngine) engine = cu_engine_open (dir, &error);
  g_auto (GStrv) names = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autofree char *db = NULL;
  GStatBuf sb;

  g_assert_no_error (error);
  g_assert_false (cu_engine_create_instance (engine, "bad", 7, 0, 0, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cu_engine_create_instance (engine, "bad", 2, 3, 0, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cu_engine_create_instance (engine, "bad", 2, 0, 3, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cu_engine_create_instance (engine, "../x", 1, 0, 0, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (cu_engine_create_instance (engine, "six", 6, 6, 2, &error));
  g_assert_no_error (error);
  g_assert_false (cu_engine_create_instance (engine, "six", 1, 0, 0, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_EXISTS);
  g_clear_error (&error);
  names = cu_engine_list_instances (engine);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "six");
  units = cu_engine_list_units (engine, "six", &error);
  g_assert_cmpuint (units->len, ==, 14);
  g_assert_cmpint (((CuUnitInfo *)units->pdata[0])->kind, ==, CU_UNIT_OPERATIONAL);
  g_assert_cmpint (((CuUnitInfo *)units->pdata[6])->kind, ==, CU_UNIT_FAILOVER);
  g_assert_cmpint (((CuUnitInfo *)units->pdata[13])->kind, ==, CU_UNIT_RECOVERY);
  g_assert_cmpuint (((CuUnitInfo *)units->pdata[13])->index, ==, 2);
  /* The state holds keys: owner-only. */
  db = g_build_filename (dir, "six", "unit-operational-1.db", NULL);
  g_assert_cmpint (g_stat (db, &sb), ==, 0);
  g_assert_cmpint (sb.st_mode & 0077, ==, 0);
  /* An instance made by another engine (another process) is found too. */
  {
    g_autoptr (CuEngine) other = cu_engine_open (dir, &error);
    g_autoptr (GPtrArray) two = NULL;

    g_assert_true (cu_engine_create_instance (other, "later", 1, 0, 0, &error));
    g_assert_no_error (error);
    two = cu_engine_list_units (engine, "later", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (two->len, ==, 1);
  }
  g_clear_pointer (&engine, cu_engine_free);
  /* Reopened from disk. */
  engine = cu_engine_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (cu_engine_has_instance (engine, "six"));
  g_clear_pointer (&engine, cu_engine_free);
  {
    CuFixture f = { .dir = g_steal_pointer (&dir) };
    cu_fixture_clear (&f);
  }
}

static void
test_local_default (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cu-xdg-XXXXXX", NULL);
  g_autoptr (CuClient) client = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autofree char *db = NULL;
  guint ops = 0, recs = 0;

  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  client = cu_client_new_local_default (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (cu_client_get_instance (client), ==, "local");
  units = cu_client_list_units (client, &error);
  for (guint i = 0; i < units->len; i++)
    {
      CuUnitInfo *u = units->pdata[i];
      ops += u->kind == CU_UNIT_OPERATIONAL;
      recs += u->kind == CU_UNIT_RECOVERY;
    }
  g_assert_cmpuint (ops, ==, 2);
  g_assert_cmpuint (recs, ==, 2);
  g_assert_cmpuint (units->len, ==, 4);
  db = g_build_filename (dir, "opentke", "local", "local", "instance.db", NULL);
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&client, cu_client_free);
  /* The second time it opens the same instance. */
  client = cu_client_new_local_default (&error);
  g_assert_no_error (error);
  {
    g_autoptr (GPtrArray) again = cu_client_list_units (client, &error);
    g_assert_cmpstr (((CuUnitInfo *)again->pdata[0])->unit_id, ==,
                     ((CuUnitInfo *)units->pdata[0])->unit_id);
  }
  g_clear_pointer (&client, cu_client_free);
  /* An instance that does not exist. */
  g_clear_pointer (&db, g_free);
  db = g_build_filename (dir, "opentke", "local", NULL);
  g_assert_null (cu_client_new_local (db, "nope", &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_NOT_FOUND);
  {
    CuFixture f = { .dir = g_steal_pointer (&dir) };
    cu_fixture_clear (&f);
  }
}

void
cu_test_add_command_tests (void)
{
  g_test_add_func ("/crypto-unit/admins", test_admin_rules);
  g_test_add_func ("/crypto-unit/load-commit-setimm", test_load_rules);
  g_test_add_func ("/crypto-unit/zeroize", test_zeroize);
  g_test_add_func ("/crypto-unit/control-points", test_control_points);
  g_test_add_func ("/crypto-unit/wrong-target", test_wrong_target);
  g_test_add_func ("/crypto-unit/wire-format", test_wire_format);
  g_test_add_func ("/crypto-unit/certificates", test_certificates);
  g_test_add_func ("/crypto-unit/audit-log", test_audit_log);
  g_test_add_func ("/crypto-unit/instances", test_instances);
  g_test_add_func ("/crypto-unit/local-default", test_local_default);
}
