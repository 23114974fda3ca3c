/* cu-test.c: fixtures (see cu-test.h). */
#include "cu-test.h"
#include "opentke-common.h"

#include "cu-store.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <openssl/sha.h>
#include <string.h>

static EVP_PKEY *test_keys[N_TEST_KEYS];

EVP_PKEY *
cu_test_key (guint i)
{
  g_assert_cmpuint (i, <, N_TEST_KEYS);
  if (test_keys[i] == NULL)
    test_keys[i] = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-521");
  g_assert_nonnull (test_keys[i]);
  return test_keys[i];
}

void
cu_test_key_point (guint i, uint8_t point[CU_POINT_LEN])
{
  size_t len = 0;

  g_assert_true (
      EVP_PKEY_get_octet_string_param (cu_test_key (i), "pub", point, CU_POINT_LEN, &len));
  g_assert_cmpuint (len, ==, CU_POINT_LEN);
}

void
cu_test_key_ski (guint i, uint8_t ski[CU_SKI_LEN])
{
  uint8_t point[CU_POINT_LEN];

  cu_test_key_point (i, point);
  SHA256 (point, CU_POINT_LEN, ski);
}

void
cu_fixture_open (CuFixture *f, char *dir)
{
  g_autoptr (GError) error = NULL;

  memset (f, 0, sizeof *f);
  f->dir = dir;
  f->engine = cu_engine_open (f->dir, &error);
  g_assert_no_error (error);
  f->client = cu_client_new_local (f->dir, TEST_INSTANCE, &error);
  g_assert_no_error (error);
  f->units = cu_client_list_units (f->client, &error);
  g_assert_no_error (error);
}

void
cu_fixture_init (CuFixture *f, guint operational, guint failover, guint recovery)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("cu-test-XXXXXX", &error);
  g_autoptr (CuEngine) engine = NULL;

  g_assert_no_error (error);
  engine = cu_engine_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (
      cu_engine_create_instance (engine, TEST_INSTANCE, operational, failover, recovery, &error));
  g_assert_no_error (error);
  g_clear_pointer (&engine, cu_engine_free);
  cu_fixture_open (f, dir);
  g_assert_cmpuint (f->units->len, ==, operational + failover + recovery);
}

void
cu_fixture_close (CuFixture *f)
{
  g_clear_pointer (&f->units, g_ptr_array_unref);
  g_clear_pointer (&f->client, cu_client_free);
  g_clear_pointer (&f->engine, cu_engine_free);
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  int fd;

  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  fd = open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, len), ==, (gssize)len);
  close (fd);
}

char *
cu_test_copy_state (const char *from)
{
  char *to = g_dir_make_tmp ("cu-copy-XXXXXX", NULL);
  g_autofree char *src = g_build_filename (from, TEST_INSTANCE, NULL);
  g_autofree char *dst = g_build_filename (to, TEST_INSTANCE, NULL);
  g_autoptr (GDir) dir = g_dir_open (src, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir (dst, 0700), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *a = g_build_filename (src, name, NULL);
      g_autofree char *b = g_build_filename (dst, name, NULL);
      copy_file (a, b);
    }
  return to;
}

void
cu_test_remove_state (char *dir)
{
  otk_remove_tree (dir);
  g_free (dir);
}

void
cu_fixture_clear (CuFixture *f)
{
  cu_fixture_close (f);
  if (f->dir != NULL)
    otk_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

const char *
cu_fixture_unit (CuFixture *f, guint i)
{
  g_assert_cmpuint (i, <, f->units->len);
  return ((CuUnitInfo *)g_ptr_array_index (f->units, i))->unit_id;
}

CuUnitState *
cu_fixture_state (CuFixture *f, guint unit)
{
  g_autoptr (GError) error = NULL;
  CuUnitState *st = cu_client_get_unit_state (f->client, cu_fixture_unit (f, unit), &error);

  g_assert_no_error (error);
  return st;
}

CuCommand *
cu_test_command (CuFixture *f, guint unit, CuCommandCode code, const uint8_t *params, size_t len)
{
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *st = cu_fixture_state (f, unit);
  CuCommand *cmd = cu_command_new (TEST_INSTANCE, cu_fixture_unit (f, unit), code,
                                   st->transaction_counter, params, len, &error);

  g_assert_no_error (error);
  return cmd;
}

void
cu_test_sign (CuCommand *cmd, const int *signers)
{
  for (guint i = 0; signers != NULL && signers[i] >= 0; i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (cu_command_sign_with_key (cmd, cu_test_key ((guint)signers[i]), &error));
      g_assert_no_error (error);
    }
}

GError *
cu_test_run (CuFixture *f, guint unit, CuCommandCode code, const uint8_t *params, size_t len,
             const int *signers, GBytes **output)
{
  g_autoptr (CuCommand) cmd = cu_test_command (f, unit, code, params, len);
  GError *error = NULL;

  cu_test_sign (cmd, signers);
  if (!cu_client_execute (f->client, cmd, output, &error))
    g_assert_nonnull (error);
  return error;
}

void
cu_test_ok (CuFixture *f, guint unit, CuCommandCode code, const uint8_t *params, size_t len,
            const int *signers)
{
  g_autoptr (GError) error = cu_test_run (f, unit, code, params, len, signers, NULL);

  g_assert_no_error (error);
}

void
cu_test_setup_admins (CuFixture *f, guint unit, guint n, guint s, guint r)
{
  static const int none[] = { -1 };
  int signers[N_TEST_KEYS + 1];
  uint8_t th[2] = { (uint8_t)s, (uint8_t)r };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CuCommand) cmd = NULL;
      g_autofree CuUnitState *st = cu_fixture_state (f, unit);
      uint8_t point[CU_POINT_LEN];
      g_autofree char *name = g_strdup_printf ("Admin %u", i);

      cu_test_key_point (i, point);
      cmd = cu_command_new_add_admin (TEST_INSTANCE, cu_fixture_unit (f, unit),
                                      st->transaction_counter, name, point, &error);
      g_assert_no_error (error);
      cu_test_sign (cmd, none);
      g_assert_true (cu_client_execute (f->client, cmd, NULL, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < s; i++)
    signers[i] = (int)i;
  signers[s] = -1;
  if (s > 0)
    cu_test_ok (f, unit, CU_CMD_SET_THRESHOLDS, th, 2, signers);
}

GBytes *
cu_test_part_blobs (CuFixture *f, guint unit, const uint8_t (*parts)[32], guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chain
      = cu_client_create_importer (f->client, cu_fixture_unit (f, unit), &error);
  g_autoptr (GBytes) root = cu_client_get_root_certificate (f->client, &error);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (root), ==, CU_CERT_LEN);
  for (guint i = 0; i < n; i++)
    {
      uint8_t blob[CU_KEY_PART_BLOB_LEN];

      g_assert_true (
          cu_key_part_encrypt (parts[i], chain, g_bytes_get_data (root, NULL), blob, &error));
      g_assert_no_error (error);
      g_byte_array_append (out, blob, sizeof blob);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

void
cu_test_vp (const uint8_t key[32], uint8_t vp[32])
{
  uint8_t buf[13 + 32];

  memcpy (buf, "OpenTKE-VP-v1", 13);
  memcpy (buf + 13, key, 32);
  SHA256 (buf, sizeof buf, vp);
}

void
cu_test_load_mk (CuFixture *f, guint unit, const uint8_t (*parts)[32], guint n, guint s,
                 gboolean set_immediate)
{
  g_autoptr (GBytes) blobs = cu_test_part_blobs (f, unit, parts, n);
  g_autofree uint8_t *params = g_malloc (1 + g_bytes_get_size (blobs));
  uint8_t mk[32] = { 0 }, vp[32];
  int signers[N_TEST_KEYS + 1];

  for (guint i = 0; i < s; i++)
    signers[i] = (int)i;
  signers[s] = -1;
  params[0] = (uint8_t)n;
  memcpy (params + 1, g_bytes_get_data (blobs, NULL), g_bytes_get_size (blobs));
  cu_test_ok (f, unit, CU_CMD_LOAD_NEW, params, 1 + g_bytes_get_size (blobs), signers);
  for (guint i = 0; i < n; i++)
    for (guint b = 0; b < 32; b++)
      mk[b] ^= parts[i][b];
  cu_test_vp (mk, vp);
  cu_test_ok (f, unit, CU_CMD_COMMIT_NEW, vp, 32, signers);
  if (set_immediate)
    cu_test_ok (f, unit, CU_CMD_SET_IMMEDIATE, NULL, 0, signers);
}

gboolean
cu_test_sign_func (CuCommand *cmd, guint needed, gpointer user_data, GError **error)
{
  for (guint i = 0; i < needed; i++)
    if (!cu_command_sign_with_key (cmd, cu_test_key (i), error))
      return FALSE;
  return TRUE;
}

int
main (int argc, char **argv)
{
  int rc;

  /* State on tmpfs when there is one: what the tests check (a kill -9
   * leaves each unit before or after a command) rests on SQLite's journal,
   * not on fsync, and the suite then does not wait for the disk. */
  if (g_getenv ("CU_TEST_ON_DISK") == NULL && access ("/dev/shm", W_OK | X_OK) == 0)
    g_setenv ("TMPDIR", "/dev/shm", TRUE);
  g_test_init (&argc, &argv, NULL);
  cu_test_add_signature_tests ();
  cu_test_add_command_tests ();
  cu_test_add_keystore_tests ();
  cu_test_add_recovery_tests ();
  cu_test_add_crash_tests ();
  cu_test_add_interop_tests ();
  rc = g_test_run ();
  cu_test_signature_cleanup ();
  for (guint i = 0; i < N_TEST_KEYS; i++)
    EVP_PKEY_free (test_keys[i]);
  return rc;
}

void
cu_test_sample_free (CuTestSample *s)
{
  g_free (s->key_id);
  g_bytes_unref (s->plain);
  g_bytes_unref (s->cipher);
  g_free (s);
}
