/* test-recovery.c: auto-init, auto-mk-rotate, auto-recover, and the
 * refusals that keep the master key inside the units. */
#include "cu-test.h"

#include <sqlite3.h>
#include <string.h>

static const int s1[] = { 0, -1 };
static const int s2[] = { 0, 1, -1 };

/* Units: 0, 1 operational; 2 failover; 3, 4 recovery. */
#define N_UNITS 5
#define REC1    3
#define REC2    4

static void
admins_for_init (CuAdmin admins[3])
{
  for (guint i = 0; i < 3; i++)
    {
      memset (&admins[i], 0, sizeof admins[i]);
      g_snprintf (admins[i].name, sizeof admins[i].name, "Officer %u", i);
      cu_test_key_point (i, admins[i].point);
    }
}

static void
assert_outcomes (GPtrArray *outcomes, guint n, guint changed)
{
  guint c = 0;

  g_assert_nonnull (outcomes);
  g_assert_cmpuint (outcomes->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      CuUnitOutcome *o = outcomes->pdata[i];

      g_assert_no_error (o->error);
      c += o->changed;
    }
  g_assert_cmpuint (c, ==, changed);
}

/* Every unit has the same valid current MK; returns its VP. */
static void
assert_same_current (CuFixture *f, uint8_t vp[32])
{
  g_autofree CuUnitState *first = cu_fixture_state (f, 0);

  g_assert_cmpint (first->current_state, ==, CU_CURRENT_VALID);
  memcpy (vp, first->current_vp, 32);
  for (guint u = 1; u < N_UNITS; u++)
    {
      g_autofree CuUnitState *st = cu_fixture_state (f, u);

      g_assert_cmpint (st->current_state, ==, CU_CURRENT_VALID);
      g_assert_cmpmem (st->current_vp, 32, vp, 32);
      g_assert_cmpint (st->new_state, ==, CU_NEW_EMPTY);
    }
}

static void
auto_init (CuFixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outcomes = NULL;
  CuAdmin admins[3];

  admins_for_init (admins);
  g_assert_true (
      cu_client_auto_init (f->client, admins, 3, 2, 2, cu_test_sign_func, NULL, &outcomes, &error));
  g_assert_no_error (error);
  assert_outcomes (outcomes, N_UNITS, N_UNITS);
}

static void
test_auto_init_rotate_recover (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outcomes = NULL;
  uint8_t vp1[32], vp2[32];
  g_autofree char *key = NULL;
  g_autoptr (GBytes) plain = g_bytes_new_static ("payroll", 7);
  g_autoptr (GBytes) cipher = NULL;
  g_autoptr (GBytes) back = NULL;
  const char *op1;

  cu_fixture_init (&f, 2, 1, 2);
  op1 = cu_fixture_unit (&f, 1);
  auto_init (&f);
  assert_same_current (&f, vp1);
  for (guint u = 0; u < N_UNITS; u++)
    {
      g_autofree CuUnitState *st = cu_fixture_state (&f, u);

      g_assert_cmpuint (st->n_admins, ==, 3);
      g_assert_cmpuint (st->signature_threshold, ==, 2);
      g_assert_cmpstr (st->admins[2].name, ==, "Officer 2");
    }
  key = cu_client_key_create (f.client, op1, &error);
  g_assert_no_error (error);
  cipher = cu_client_key_encrypt (f.client, op1, key, plain, &error);
  g_assert_no_error (error);

  /* auto-mk-rotate: a new MK everywhere, the keys re-enciphered. */
  g_assert_true (cu_client_auto_mk_rotate (f.client, cu_test_sign_func, NULL, &outcomes, &error));
  g_assert_no_error (error);
  assert_outcomes (outcomes, N_UNITS, N_UNITS);
  g_clear_pointer (&outcomes, g_ptr_array_unref);
  assert_same_current (&f, vp2);
  g_assert_true (memcmp (vp1, vp2, 32) != 0);
  back = cu_client_key_decrypt (f.client, op1, key, cipher, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, plain));
  g_clear_pointer (&back, g_bytes_unref);

  /* Lose the MK of operational unit 1 and recover it from recovery unit 2. */
  cu_test_ok (&f, 1, CU_CMD_CLEAR_CURRENT, NULL, 0, s1);
  g_assert_null (cu_client_key_decrypt (f.client, op1, key, cipher, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED);
  g_clear_error (&error);
  g_assert_true (cu_client_auto_recover (f.client, 2, cu_test_sign_func, NULL, &outcomes, &error));
  g_assert_no_error (error);
  /* Four other units, only the one that lost its MK changed. */
  assert_outcomes (outcomes, N_UNITS - 1, 1);
  for (guint i = 0; i < outcomes->len; i++)
    {
      CuUnitOutcome *o = outcomes->pdata[i];
      g_assert_cmpint (o->changed, ==, strcmp (o->unit_id, op1) == 0);
    }
  assert_same_current (&f, vp1);
  g_assert_cmpmem (vp1, 32, vp2, 32);
  back = cu_client_key_decrypt (f.client, op1, key, cipher, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, plain));
  cu_fixture_clear (&f);
}

static GBytes *
chain_params (CuFixture *f, guint target, uint8_t reg)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chain
      = cu_client_create_importer (f->client, cu_fixture_unit (f, target), &error);
  g_autoptr (GByteArray) p = g_byte_array_new ();

  g_assert_no_error (error);
  g_byte_array_append (p, &reg, 1);
  g_byte_array_append (p, g_bytes_get_data (chain, NULL), (guint)g_bytes_get_size (chain));
  return g_byte_array_free_to_bytes (g_steal_pointer (&p));
}

static void
assert_refused (GError *error, int code)
{
  g_assert_error (error, CU_ERROR, code);
  g_error_free (error);
}

static void
test_mk_stays_inside (void)
{
  CuFixture f, g;
  g_autoptr (GBytes) p = NULL;
  g_autoptr (GBytes) exported = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree uint8_t *bytes = NULL;

  cu_fixture_init (&f, 2, 1, 2);
  cu_fixture_init (&g, 1, 0, 0);
  auto_init (&f);
  /* Only recovery units generate or export. */
  assert_refused (cu_test_run (&f, 0, CU_CMD_GENERATE_NEW, NULL, 0, s1, NULL),
                  CU_ERROR_WRONG_UNIT_KIND);
  p = chain_params (&f, 1, CU_REGISTER_CURRENT);
  assert_refused (cu_test_run (&f, 0, CU_CMD_EXPORT_MK, g_bytes_get_data (p, NULL),
                               g_bytes_get_size (p), s2, NULL),
                  CU_ERROR_WRONG_UNIT_KIND);
  /* Not to a unit of another instance. */
  {
    g_autoptr (GBytes) chain
        = cu_client_create_importer (g.client, cu_fixture_unit (&g, 0), &error);
    g_autoptr (GByteArray) q = g_byte_array_new ();
    uint8_t reg = CU_REGISTER_CURRENT;

    g_byte_array_append (q, &reg, 1);
    g_byte_array_append (q, g_bytes_get_data (chain, NULL), (guint)g_bytes_get_size (chain));
    assert_refused (cu_test_run (&f, REC1, CU_CMD_EXPORT_MK, q->data, q->len, s2, NULL),
                    CU_ERROR_CERTIFICATE);
  }
  /* Not to itself; an empty new register cannot be exported. */
  g_clear_pointer (&p, g_bytes_unref);
  p = chain_params (&f, REC1, CU_REGISTER_CURRENT);
  assert_refused (cu_test_run (&f, REC1, CU_CMD_EXPORT_MK, g_bytes_get_data (p, NULL),
                               g_bytes_get_size (p), s2, NULL),
                  CU_ERROR_INVALID_ARGUMENT);
  g_clear_pointer (&p, g_bytes_unref);
  p = chain_params (&f, 0, CU_REGISTER_NEW);
  assert_refused (cu_test_run (&f, REC1, CU_CMD_EXPORT_MK, g_bytes_get_data (p, NULL),
                               g_bytes_get_size (p), s2, NULL),
                  CU_ERROR_REGISTER_STATE);
  /* A real export to unit 0 ... */
  g_clear_pointer (&p, g_bytes_unref);
  p = chain_params (&f, 0, CU_REGISTER_CURRENT);
  g_assert_no_error (cu_test_run (&f, REC1, CU_CMD_EXPORT_MK, g_bytes_get_data (p, NULL),
                                  g_bytes_get_size (p), s2, &exported));
  g_assert_cmpuint (g_bytes_get_size (exported), ==, CU_MK_EXPORT_LEN);
  bytes = g_memdup2 (g_bytes_get_data (exported, NULL), CU_MK_EXPORT_LEN);
  /* ... is refused as a key part (another HKDF label) ... */
  {
    uint8_t lp[1 + 2 * CU_KEY_PART_BLOB_LEN];

    lp[0] = 2;
    memcpy (lp + 1, bytes, CU_KEY_PART_BLOB_LEN);
    memcpy (lp + 1 + CU_KEY_PART_BLOB_LEN, bytes, CU_KEY_PART_BLOB_LEN);
    assert_refused (cu_test_run (&f, 0, CU_CMD_LOAD_NEW, lp, sizeof lp, s1, NULL),
                    CU_ERROR_IMPORTER);
  }
  /* ... and with its importer key used, even as an import. */
  assert_refused (cu_test_run (&f, 0, CU_CMD_IMPORT_MK, bytes, CU_MK_EXPORT_LEN, s1, NULL),
                  CU_ERROR_IMPORTER);
  /* An export whose unit signature was altered. */
  g_clear_pointer (&p, g_bytes_unref);
  g_clear_pointer (&exported, g_bytes_unref);
  p = chain_params (&f, 0, CU_REGISTER_CURRENT);
  g_assert_no_error (cu_test_run (&f, REC1, CU_CMD_EXPORT_MK, g_bytes_get_data (p, NULL),
                                  g_bytes_get_size (p), s2, &exported));
  g_free (bytes);
  bytes = g_memdup2 (g_bytes_get_data (exported, NULL), CU_MK_EXPORT_LEN);
  bytes[CU_MK_EXPORT_LEN - 3] ^= 1;
  assert_refused (cu_test_run (&f, 0, CU_CMD_IMPORT_MK, bytes, CU_MK_EXPORT_LEN, s1, NULL),
                  CU_ERROR_BAD_SIGNATURE);
  bytes[CU_MK_EXPORT_LEN - 3] ^= 1;
  /* The genuine one imports, but it is the same MK as the current. */
  assert_refused (cu_test_run (&f, 0, CU_CMD_IMPORT_MK, bytes, CU_MK_EXPORT_LEN, s1, NULL),
                  CU_ERROR_SAME_MASTER_KEY);
  cu_fixture_clear (&g);
  cu_fixture_clear (&f);
}

static gboolean
sign_nothing (CuCommand *cmd, guint needed, gpointer user_data, GError **error)
{
  g_set_error (error, CU_ERROR, CU_ERROR_THRESHOLD_NOT_MET, "No card inserted");
  return FALSE;
}

static void
test_auto_reports_units (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outcomes = NULL;
  CuAdmin admins[3];

  cu_fixture_init (&f, 1, 0, 1);
  admins_for_init (admins);
  /* Nobody signs: the thresholds step fails on each unit, reported per unit. */
  g_assert_false (
      cu_client_auto_init (f.client, admins, 3, 2, 2, sign_nothing, NULL, &outcomes, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_THRESHOLD_NOT_MET);
  g_assert_cmpuint (outcomes->len, ==, 2);
  for (guint i = 0; i < outcomes->len; i++)
    {
      CuUnitOutcome *o = outcomes->pdata[i];
      g_assert_false (o->changed);
      g_assert_error (o->error, CU_ERROR, CU_ERROR_THRESHOLD_NOT_MET);
    }
  g_clear_error (&error);
  g_clear_pointer (&outcomes, g_ptr_array_unref);
  /* Run again with signers: the admins already there are not added twice. */
  g_assert_true (
      cu_client_auto_init (f.client, admins, 3, 2, 2, cu_test_sign_func, NULL, &outcomes, &error));
  g_assert_no_error (error);
  assert_outcomes (outcomes, 2, 2);
  {
    g_autofree CuUnitState *st = cu_fixture_state (&f, 0);
    g_assert_cmpuint (st->n_admins, ==, 3);
    g_assert_cmpint (st->current_state, ==, CU_CURRENT_VALID);
  }
  /* No recovery unit: auto-mk-rotate cannot start. */
  {
    CuFixture g;

    cu_fixture_init (&g, 1, 0, 0);
    g_assert_false (cu_client_auto_mk_rotate (g.client, cu_test_sign_func, NULL, NULL, &error));
    g_assert_error (error, CU_ERROR, CU_ERROR_WRONG_UNIT_KIND);
    cu_fixture_clear (&g);
  }
  cu_fixture_clear (&f);
}

/* An instance made before availability zones has no members table in its
 * instance.db: export and import between its units still work (the peer is
 * looked up among the units of the state directory), and no unit has a zone. */
static void
test_instance_without_members (void)
{
  CuFixture f;
  g_autofree char *db_path = NULL;
  char *dir;
  sqlite3 *db = NULL;
  uint8_t vp[32];

  cu_fixture_init (&f, 2, 1, 2);
  dir = g_steal_pointer (&f.dir);
  cu_fixture_close (&f);
  db_path = g_build_filename (dir, TEST_INSTANCE, "instance.db", NULL);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE members", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  cu_fixture_open (&f, dir);
  for (guint i = 0; i < f.units->len; i++)
    g_assert_cmpuint (((CuUnitInfo *)g_ptr_array_index (f.units, i))->zone, ==, 0);
  auto_init (&f);
  assert_same_current (&f, vp);
  cu_fixture_clear (&f);
}

void
cu_test_add_recovery_tests (void)
{
  g_test_add_func ("/crypto-unit/recovery/instance-without-members", test_instance_without_members);
  g_test_add_func ("/crypto-unit/recovery/init-rotate-recover", test_auto_init_rotate_recover);
  g_test_add_func ("/crypto-unit/recovery/mk-stays-inside", test_mk_stays_inside);
  g_test_add_func ("/crypto-unit/recovery/reports-units", test_auto_reports_units);
}
