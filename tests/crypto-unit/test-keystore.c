/* test-keystore.c: key storage (WK not initialized, encrypt/decrypt,
 * delete, capacity) and rotation (complete, interrupted and resumed,
 * refused operations while it runs). */
#include "cu-test.h"

#include "cu-unit.h"

#include <string.h>

static const int s1[] = { 0, -1 };
static const uint8_t mk1[2][32] = { { 1, 1, 1 }, { 2, 2 } };
static const uint8_t mk2[2][32] = { { 3, 3, 3 }, { 4, 4 } };

/* Encrypts a distinct message under each of the first @n keys. */
static GPtrArray *
encrypt_samples (CuFixture *f, guint unit, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = cu_client_key_list (f->client, cu_fixture_unit (f, unit), &error);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_test_sample_free);

  g_assert_no_error (error);
  for (guint i = 0; i < n && i < keys->len; i++)
    {
      CuTestSample *s = g_new0 (CuTestSample, 1);
      g_autofree char *msg = g_strdup_printf ("message %u for key %u", g_random_int (), i);

      s->key_id = g_strdup (((CuKeyInfo *)keys->pdata[i])->key_id);
      s->plain = g_bytes_new (msg, strlen (msg));
      s->cipher = cu_client_key_encrypt (f->client, cu_fixture_unit (f, unit), s->key_id, s->plain,
                                         &error);
      g_assert_no_error (error);
      g_ptr_array_add (out, s);
    }
  return out;
}

static void
assert_samples_decrypt (CuFixture *f, guint unit, GPtrArray *samples)
{
  for (guint i = 0; i < samples->len; i++)
    {
      CuTestSample *s = samples->pdata[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) plain = cu_client_key_decrypt (f->client, cu_fixture_unit (f, unit),
                                                        s->key_id, s->cipher, &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (plain, s->plain));
    }
}

static void
test_wk_not_initialized (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = g_bytes_new_static ("x", 1);
  const char *id = "00112233445566778899aabbccddeeff";

  cu_fixture_init (&f, 1, 0, 0);
  g_assert_null (cu_client_key_create (f.client, cu_fixture_unit (&f, 0), &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED);
  g_clear_error (&error);
  g_assert_null (cu_client_key_encrypt (f.client, cu_fixture_unit (&f, 0), id, data, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED);
  g_clear_error (&error);
  /* A committed new register is not enough. */
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, FALSE);
  g_assert_null (cu_client_key_create (f.client, cu_fixture_unit (&f, 0), &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED);
  cu_fixture_clear (&f);
}

static void
test_encrypt_decrypt (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autofree char *k1 = NULL;
  g_autofree char *k2 = NULL;
  g_autoptr (GBytes) plain = g_bytes_new_static ("attack at dawn", 14);
  g_autoptr (GBytes) cipher = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autoptr (GBytes) bad = NULL;
  g_autoptr (GPtrArray) list = NULL;
  const char *unit;

  cu_fixture_init (&f, 1, 0, 0);
  unit = cu_fixture_unit (&f, 0);
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  k1 = cu_client_key_create (f.client, unit, &error);
  k2 = cu_client_key_create (f.client, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (k1), ==, CU_KEY_ID_HEX_LEN);
  g_assert_cmpstr (k1, !=, k2);
  cipher = cu_client_key_encrypt (f.client, unit, k1, plain, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (cipher), ==, 12 + 14 + 16);
  g_assert_null (memmem (g_bytes_get_data (cipher, NULL), 42, "attack", 6));
  back = cu_client_key_decrypt (f.client, unit, k1, cipher, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, plain));
  /* Another key, an altered ciphertext, a short one. */
  g_assert_null (cu_client_key_decrypt (f.client, unit, k2, cipher, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  {
    g_autofree uint8_t *c = g_memdup2 (g_bytes_get_data (cipher, NULL), 42);

    c[20] ^= 1;
    bad = g_bytes_new (c, 42);
    g_assert_null (cu_client_key_decrypt (f.client, unit, k1, bad, &error));
    g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_clear_pointer (&bad, g_bytes_unref);
    bad = g_bytes_new (c, 20);
    g_assert_null (cu_client_key_decrypt (f.client, unit, k1, bad, &error));
    g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }
  /* Key IDs. */
  g_assert_null (cu_client_key_encrypt (f.client, unit, "xyz", plain, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  list = cu_client_key_list (f.client, unit, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((CuKeyInfo *)list->pdata[0])->key_id, ==, k1);
  g_assert_true (cu_client_key_delete (f.client, unit, k1, &error));
  g_assert_no_error (error);
  g_assert_false (cu_client_key_delete (f.client, unit, k1, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (cu_client_key_decrypt (f.client, unit, k1, cipher, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_NOT_FOUND);
  cu_fixture_clear (&f);
}

static void
test_capacity (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *st = NULL;
  g_autoptr (GPtrArray) samples = NULL;

  cu_fixture_init (&f, 1, 0, 0);
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  g_assert_true (
      cu_engine_key_create_many (f.engine, TEST_INSTANCE, cu_fixture_unit (&f, 0), 5000, &error));
  g_assert_no_error (error);
  st = cu_fixture_state (&f, 0);
  g_assert_cmpuint (st->n_keys, ==, 5000);
  samples = encrypt_samples (&f, 0, 5000);
  g_assert_cmpuint (samples->len, ==, 5000);
  assert_samples_decrypt (&f, 0, samples);
  /* The limit. */
  g_assert_false (cu_engine_key_create_many (f.engine, TEST_INSTANCE, cu_fixture_unit (&f, 0),
                                             CU_MAX_KEYS, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_LIMIT);
  cu_fixture_clear (&f);
}

static void
test_rotation (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *before = NULL;
  g_autofree CuUnitState *st = NULL;
  g_autoptr (GPtrArray) samples = NULL;
  g_autoptr (GPtrArray) log = NULL;
  uint8_t mk[32], vp[32];
  const CuAuditEntry *e;

  cu_fixture_init (&f, 1, 0, 0);
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  g_assert_true (
      cu_engine_key_create_many (f.engine, TEST_INSTANCE, cu_fixture_unit (&f, 0), 2300, &error));
  samples = encrypt_samples (&f, 0, 2300);
  cu_test_load_mk (&f, 0, mk2, 2, 1, FALSE);
  /* Set immediate would orphan the keys. */
  {
    GError *e2 = cu_test_run (&f, 0, CU_CMD_SET_IMMEDIATE, NULL, 0, s1, NULL);
    g_assert_error (e2, CU_ERROR, CU_ERROR_KEY_STORAGE_CONFLICT);
    g_error_free (e2);
  }
  before = cu_fixture_state (&f, 0);
  cu_test_ok (&f, 0, CU_CMD_ROTATE, NULL, 0, s1);
  st = cu_fixture_state (&f, 0);
  for (guint b = 0; b < 32; b++)
    mk[b] = mk2[0][b] ^ mk2[1][b];
  cu_test_vp (mk, vp);
  g_assert_cmpint (st->current_state, ==, CU_CURRENT_VALID);
  g_assert_cmpmem (st->current_vp, 32, vp, 32);
  g_assert_cmpmem (st->current_vp, 32, before->new_vp, 32);
  g_assert_cmpint (st->new_state, ==, CU_NEW_EMPTY);
  g_assert_false (st->rotation_running);
  g_assert_cmpuint (st->n_keys, ==, 2300);
  assert_samples_decrypt (&f, 0, samples);
  /* Two audit entries for the rotate: started, finished. */
  log = cu_client_get_audit_log (f.client, cu_fixture_unit (&f, 0), 1, &error);
  e = log->pdata[log->len - 1];
  g_assert_cmpint (e->command, ==, CU_CMD_ROTATE);
  g_assert_cmpuint (e->counter, ==, before->transaction_counter);
  e = log->pdata[log->len - 2];
  g_assert_cmpint (e->command, ==, CU_CMD_ROTATE);
  g_assert_true (cu_audit_log_verify (log, &error));
  /* Rotate without a committed new register. */
  {
    GError *e2 = cu_test_run (&f, 0, CU_CMD_ROTATE, NULL, 0, s1, NULL);
    g_assert_error (e2, CU_ERROR, CU_ERROR_REGISTER_STATE);
    g_error_free (e2);
  }
  cu_fixture_clear (&f);
}

static void
test_rotation_interrupted (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *st = NULL;
  g_autoptr (GPtrArray) samples = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (CuCommand) cmd = NULL;
  g_autoptr (GBytes) data = g_bytes_new_static ("x", 1);
  const char *unit;
  GError *refused;

  cu_fixture_init (&f, 1, 0, 0);
  unit = cu_fixture_unit (&f, 0);
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  g_assert_true (cu_engine_key_create_many (f.engine, TEST_INSTANCE, unit, 2500, &error));
  samples = encrypt_samples (&f, 0, 2500);
  cu_test_load_mk (&f, 0, mk2, 2, 1, FALSE);
  /* Stop after the first batch, as a crash would. */
  cu_unit_test_stop_rotation_after = 1;
  cmd = cu_test_command (&f, 0, CU_CMD_ROTATE, NULL, 0);
  cu_test_sign (cmd, s1);
  g_assert_false (cu_client_execute (f.client, cmd, NULL, &error));
  cu_unit_test_stop_rotation_after = 0;
  g_clear_error (&error);
  st = cu_fixture_state (&f, 0);
  g_assert_true (st->rotation_running);
  g_assert_cmpuint (st->rotation_total, ==, 2500);
  g_assert_cmpuint (st->rotation_done, ==, CU_ROTATION_BATCH);
  g_assert_cmpint (st->new_state, ==, CU_NEW_FULL_COMMITTED);
  /* Key operations and commands wait for it. */
  g_assert_null (cu_client_key_create (f.client, unit, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_KEY_STORAGE_BUSY);
  g_clear_error (&error);
  g_assert_null (cu_client_key_encrypt (f.client, unit, ((CuTestSample *)samples->pdata[0])->key_id,
                                        data, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_KEY_STORAGE_BUSY);
  g_clear_error (&error);
  refused = cu_test_run (&f, 0, CU_CMD_CLEAR_NEW, NULL, 0, s1, NULL);
  g_assert_error (refused, CU_ERROR, CU_ERROR_KEY_STORAGE_BUSY);
  g_error_free (refused);
  list = cu_client_key_list (f.client, unit, &error);
  g_assert_cmpuint (list->len, ==, 2500);
  /* A restart resumes and finishes it. */
  g_clear_pointer (&f.client, cu_client_free);
  f.client = cu_client_new_local (f.dir, TEST_INSTANCE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&st, g_free);
  st = cu_fixture_state (&f, 0);
  g_assert_false (st->rotation_running);
  g_assert_cmpint (st->new_state, ==, CU_NEW_EMPTY);
  assert_samples_decrypt (&f, 0, samples);
  cu_fixture_clear (&f);
}

static void
test_clear_current_and_restore (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) samples = NULL;
  const char *unit;

  cu_fixture_init (&f, 1, 0, 0);
  unit = cu_fixture_unit (&f, 0);
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  g_assert_true (cu_engine_key_create_many (f.engine, TEST_INSTANCE, unit, 20, &error));
  samples = encrypt_samples (&f, 0, 20);
  cu_test_ok (&f, 0, CU_CMD_CLEAR_CURRENT, NULL, 0, s1);
  g_assert_null (cu_client_key_decrypt (f.client, unit, ((CuTestSample *)samples->pdata[0])->key_id,
                                        ((CuTestSample *)samples->pdata[0])->cipher, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED);
  g_clear_error (&error);
  /* Another MK may not be set over keys it cannot read. */
  cu_test_load_mk (&f, 0, mk2, 2, 1, FALSE);
  {
    GError *e2 = cu_test_run (&f, 0, CU_CMD_SET_IMMEDIATE, NULL, 0, s1, NULL);
    g_assert_error (e2, CU_ERROR, CU_ERROR_KEY_STORAGE_CONFLICT);
    g_error_free (e2);
  }
  cu_test_ok (&f, 0, CU_CMD_CLEAR_NEW, NULL, 0, s1);
  /* The same MK again: the keys are readable again. */
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  assert_samples_decrypt (&f, 0, samples);
  cu_fixture_clear (&f);
}

typedef struct
{
  CuEngine *engine;
  const char *unit;
  const char *key_id;
  guint calls;
  guint64 last_done;
} Observer;

/* Runs between two batches of a rotation, on the same engine. */
static void
observe_rotation (gpointer data)
{
  Observer *o = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) plain = g_bytes_new_static ("x", 1);
  g_autofree CuUnitState *st = cu_engine_get_unit_state (o->engine, TEST_INSTANCE, o->unit, &error);

  g_assert_no_error (error);
  g_assert_true (st->rotation_running);
  g_assert_cmpuint (st->rotation_total, ==, 7000);
  g_assert_cmpuint (st->rotation_done, >, o->last_done);
  g_assert_cmpuint (st->rotation_done, <, 7000);
  o->last_done = st->rotation_done;
  g_assert_null (
      cu_engine_key_encrypt (o->engine, TEST_INSTANCE, o->unit, o->key_id, plain, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_KEY_STORAGE_BUSY);
  o->calls++;
}

static void
test_rotation_progress (void)
{
  CuFixture f;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (CuCommand) cmd = NULL;
  g_autoptr (GBytes) wire = NULL;
  Observer o = { 0 };

  cu_fixture_init (&f, 1, 0, 0);
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  o.engine = f.engine;
  o.unit = cu_fixture_unit (&f, 0);
  g_assert_true (cu_engine_key_create_many (f.engine, TEST_INSTANCE, o.unit, 7000, &error));
  keys = cu_client_key_list (f.client, o.unit, &error);
  o.key_id = ((CuKeyInfo *)keys->pdata[0])->key_id;
  cu_test_load_mk (&f, 0, mk2, 2, 1, FALSE);
  cmd = cu_test_command (&f, 0, CU_CMD_ROTATE, NULL, 0);
  cu_test_sign (cmd, s1);
  wire = cu_command_encode (cmd);
  cu_unit_test_between_batches = observe_rotation;
  cu_unit_test_between_batches_data = &o;
  g_assert_true (cu_engine_execute (f.engine, TEST_INSTANCE, o.unit, wire, NULL, &error));
  cu_unit_test_between_batches = NULL;
  g_assert_no_error (error);
  /* 7000 keys in batches of 2000: three pauses, progress growing. */
  g_assert_cmpuint (o.calls, ==, 3);
  g_assert_cmpuint (o.last_done, ==, 3 * CU_ROTATION_BATCH);
  cu_fixture_clear (&f);
}

void
cu_test_add_keystore_tests (void)
{
  g_test_add_func ("/crypto-unit/keystore/wk-not-initialized", test_wk_not_initialized);
  g_test_add_func ("/crypto-unit/keystore/encrypt-decrypt", test_encrypt_decrypt);
  g_test_add_func ("/crypto-unit/keystore/5000-keys", test_capacity);
  g_test_add_func ("/crypto-unit/keystore/rotation", test_rotation);
  g_test_add_func ("/crypto-unit/keystore/rotation-interrupted", test_rotation_interrupted);
  g_test_add_func ("/crypto-unit/keystore/rotation-progress", test_rotation_progress);
  g_test_add_func ("/crypto-unit/keystore/clear-current-and-restore",
                   test_clear_current_and_restore);
}
