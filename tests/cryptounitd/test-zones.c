/* Tests of one service instance split over three availability zones: three
 * cryptounitd processes on three loopback ports, one client over all three
 * (cu_client_new_remote_zones()), and zone 3 stopped in the middle of a
 * multi-unit operation.
 *
 * The cases run in order on one instance ("demo": 6 operational + 2
 * recovery units over 3 zones), as an operator would live through them.
 *
 * Usage: test-zones [--tap] PATH-TO-CRYPTOUNITD */
#include <glib/gstdio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <string.h>

#include "daemon-harness.h"
#include "opentke-common.h"
#include "opentke-crypto-unit.h"

#define N_ZONES 3

typedef struct
{
  char *root_dir;
  char *credential;
  char **fingerprints;
  TestDaemon *daemon[N_ZONES];
  char *urls[N_ZONES + 1];
  EVP_PKEY *admin_keys[2];
  CuAdmin admins[2];
} Shared;

static Shared shared;

static char *
zone_dir (guint zone)
{
  return g_strdup_printf ("%s/zone-%u", shared.root_dir, zone);
}

static CuClient *
connect_zones (const char *credential, const char *const *fingerprints, GError **error)
{
  return cu_client_new_remote_zones (N_ZONES, (const char *const *)shared.urls, fingerprints,
                                     "demo", credential, error);
}

static CuClient *
connect_demo (void)
{
  g_autoptr (GError) error = NULL;
  CuClient *client
      = connect_zones (shared.credential, (const char *const *)shared.fingerprints, &error);

  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

static GPtrArray *
list_units (CuClient *client)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *units = cu_client_list_units (client, &error);

  g_assert_no_error (error);
  return units;
}

/* The zone a unit of @kind and @index must be in: round robin per kind. */
static guint
expected_zone (guint index)
{
  return (index - 1) % N_ZONES + 1;
}

/* ---- the layout ------------------------------------------------------------ */

static void
test_layout (void)
{
  static const struct
  {
    guint zone;
    const char *file;
  } files[] = {
    { 1, "unit-operational-1.db" }, { 1, "unit-operational-4.db" }, { 1, "unit-recovery-1.db" },
    { 2, "unit-operational-2.db" }, { 2, "unit-operational-5.db" }, { 2, "unit-recovery-2.db" },
    { 3, "unit-operational-3.db" }, { 3, "unit-operational-6.db" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    for (guint z = 1; z <= N_ZONES; z++)
      {
        g_autofree char *dir = zone_dir (z);
        g_autofree char *path = g_build_filename (dir, "demo", files[i].file, NULL);

        g_assert_cmpint (g_file_test (path, G_FILE_TEST_IS_REGULAR), ==, files[i].zone == z);
      }
  /* Each zone is a complete state directory: its own TLS identity (the
   * fingerprint printed by init), the credential's hash, nothing hidden
   * left over from the build. */
  for (guint z = 1; z <= N_ZONES; z++)
    {
      g_autofree char *dir = zone_dir (z);
      g_autofree char *err = NULL;
      g_autofree char *fp = test_daemon_run_command (&err, "fingerprint", "--state", dir, NULL);
      g_autofree char *cred = g_build_filename (dir, ".cryptounitd", "credentials", "demo", NULL);
      g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      g_assert_nonnull (fp);
      g_strstrip (fp);
      g_assert_cmpstr (fp, ==, shared.fingerprints[z - 1]);
      g_assert_true (g_file_test (cred, G_FILE_TEST_IS_REGULAR));
      while ((name = g_dir_read_name (listing)) != NULL)
        g_assert_false (g_str_has_prefix (name, ".new-"));
    }
  for (guint z = 1; z < N_ZONES; z++)
    g_assert_cmpstr (shared.fingerprints[z], !=, shared.fingerprints[0]);
}

/* All or nothing: when the instance cannot be made in one zone, it is made
 * in none; and an instance is not made twice. */
static void
test_init_all_or_nothing (void)
{
  g_autofree char *root = g_build_filename (shared.root_dir, "half", NULL);
  g_autofree char *blocker = g_build_filename (root, "zone-3", "demo", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (g_mkdir_with_parents (blocker, 0700), ==, 0);
  out = test_daemon_run_command (&err, "init", "--state", root, "--instance", "demo",
                                 "--operational", "3", "--zones", "3", NULL);
  g_assert_null (out);
  g_assert_nonnull (strstr (err, "exists already"));
  for (guint z = 1; z <= 2; z++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/zone-%u", root, z);
      g_autofree char *inst = g_build_filename (dir, "demo", NULL);
      g_autofree char *cred = g_build_filename (dir, ".cryptounitd", "credentials", "demo", NULL);
      g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      g_assert_false (g_file_test (inst, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (cred, G_FILE_TEST_EXISTS));
      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        g_assert_false (g_str_has_prefix (name, ".new-"));
    }
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  /* The real instance again: refused, and its credential still works
   * (checked by the cases that follow). */
  out = test_daemon_run_command (&err, "init", "--state", shared.root_dir, "--instance", "demo",
                                 "--operational", "6", "--zones", "3", NULL);
  g_assert_null (out);
  g_assert_nonnull (strstr (err, "exists already"));
  /* More zones than operational units, or more than three: refused. */
  g_clear_pointer (&err, g_free);
  out = test_daemon_run_command (&err, "init", "--state", root, "--instance", "small",
                                 "--operational", "2", "--zones", "3", NULL);
  g_assert_null (out);
  g_clear_pointer (&err, g_free);
  out = test_daemon_run_command (&err, "init", "--state", root, "--instance", "small",
                                 "--operational", "6", "--zones", "4", NULL);
  g_assert_null (out);
}

/* ---- one client over three zones -------------------------------------------- */

static void
test_list (void)
{
  g_autoptr (CuClient) client = connect_demo ();
  g_autoptr (GPtrArray) units = list_units (client);
  static const CuUnitKind kinds[]
      = { CU_UNIT_OPERATIONAL, CU_UNIT_OPERATIONAL, CU_UNIT_OPERATIONAL, CU_UNIT_OPERATIONAL,
          CU_UNIT_OPERATIONAL, CU_UNIT_OPERATIONAL, CU_UNIT_RECOVERY,    CU_UNIT_RECOVERY };
  static const guint indexes[] = { 1, 2, 3, 4, 5, 6, 1, 2 };

  /* Merged, in the order one service would list them, each with its zone. */
  g_assert_cmpuint (units->len, ==, 8);
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *info = g_ptr_array_index (units, i);
      g_autoptr (GError) error = NULL;
      g_autofree CuUnitState *state = NULL;

      g_assert_cmpint (info->kind, ==, kinds[i]);
      g_assert_cmpuint (info->index, ==, indexes[i]);
      g_assert_cmpuint (info->zone, ==, expected_zone (info->index));
      /* Each call goes to the zone that holds the unit. */
      state = cu_client_get_unit_state (client, info->unit_id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (state->info.unit_id, ==, info->unit_id);
      g_assert_cmpuint (state->info.zone, ==, info->zone);
      g_assert_cmpstr (state->instance, ==, "demo");
    }
  /* Each daemon serves only the units of its zone. */
  for (guint z = 0; z < N_ZONES; z++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CuClient) one = cu_client_new_remote (shared.urls[z], "demo", shared.credential,
                                                       shared.fingerprints[z], &error);
      g_autoptr (GPtrArray) mine = NULL;

      g_assert_no_error (error);
      mine = list_units (one);
      g_assert_cmpuint (mine->len, ==, z == 2 ? 2 : 3);
      for (guint i = 0; i < mine->len; i++)
        g_assert_cmpuint (((CuUnitInfo *)g_ptr_array_index (mine, i))->zone, ==, z + 1);
    }
}

/* One crypto-unit root for the whole instance: every zone presents the same
 * root, and every device certificate verifies to it. */
static void
test_one_root (void)
{
  g_autoptr (CuClient) client = connect_demo ();
  g_autoptr (GPtrArray) units = list_units (client);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) root = cu_client_get_root_certificate (client, &error);

  g_assert_no_error (error);
  for (guint z = 0; z < N_ZONES; z++)
    {
      g_autoptr (CuClient) one = cu_client_new_remote (shared.urls[z], "demo", shared.credential,
                                                       shared.fingerprints[z], &error);
      g_autoptr (GBytes) zone_root = cu_client_get_root_certificate (one, &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (zone_root, root));
    }
  for (guint i = 0; i < units->len; i++)
    test_assert_device_certificate (
        client, ((const CuUnitInfo *)g_ptr_array_index (units, i))->unit_id, root);
}

/* A wrong fingerprint for one zone: that zone is refused during the TLS
 * handshake, and the error names it. */
static void
test_wrong_fingerprint (void)
{
  const char *fps[N_ZONES]
      = { shared.fingerprints[0], shared.fingerprints[0], shared.fingerprints[2] };
  g_autoptr (GError) error = NULL;
  g_autoptr (CuClient) client = connect_zones (shared.credential, fps, &error);
  g_autoptr (GPtrArray) units = NULL;
  g_autofree char *zone2 = g_strdup_printf ("availability zone 2 (%s)", shared.urls[1]);

  g_assert_no_error (error);
  units = cu_client_list_units (client, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, zone2));
  g_assert_nonnull (strstr (error->message, shared.fingerprints[1]));
}

/* Each zone's daemon alone refuses @credential for "demo" with @code. */
static void
assert_every_zone_refuses (const char *credential, int code)
{
  for (guint z = 0; z < N_ZONES; z++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CuClient) one = cu_client_new_remote (shared.urls[z], "demo", credential,
                                                       shared.fingerprints[z], &error);
      g_autoptr (GPtrArray) none = NULL;

      g_assert_no_error (error);
      none = cu_client_list_units (one, &error);
      g_assert_null (none);
      g_assert_error (error, CU_ERROR, code);
    }
}

/* Another instance of the same zones: its credential is refused (403) by
 * every zone of "demo". */
static void
test_other_instance_credential (void)
{
  g_auto (GStrv) other_fps = NULL;
  g_autofree char *other
      = test_daemon_init_zones (shared.root_dir, "other", 3, 0, N_ZONES, &other_fps);
  g_autoptr (GError) error = NULL;
  g_autoptr (CuClient) client
      = connect_zones (other, (const char *const *)shared.fingerprints, &error);
  g_autoptr (GPtrArray) units = NULL;

  /* Same zones, same TLS identities. */
  g_assert_cmpstrv (other_fps, shared.fingerprints);
  g_assert_no_error (error);
  units = cu_client_list_units (client, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_FORBIDDEN);
  g_clear_error (&error);
  assert_every_zone_refuses (other, CU_ERROR_FORBIDDEN);
}

/* Zones of different instances (different roots) are not one instance,
 * even when the names and zone numbers fit. */
static void
test_foreign_zone_refused (void)
{
  g_autofree char *root = g_build_filename (shared.root_dir, "foreign", NULL);
  g_autofree char *zone3 = g_build_filename (root, "zone-3", NULL);
  g_auto (GStrv) fps = NULL;
  g_autofree char *cred = test_daemon_init_zones (root, "demo", 6, 2, N_ZONES, &fps);
  TestDaemon *foreign = test_daemon_start (zone3, 0);
  const char *urls[N_ZONES] = { shared.urls[0], shared.urls[1], foreign->base_url };
  const char *fp[N_ZONES] = { shared.fingerprints[0], shared.fingerprints[1], fps[2] };
  g_autoptr (GError) error = NULL;
  g_autoptr (CuClient) client = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autofree char *path = g_build_filename (zone3, ".cryptounitd", "credentials", "demo", NULL);

  /* The foreign zone accepts demo's credential (same hash stored), so
   * that only the root tells them apart. */
  {
    g_autoptr (GError) local = NULL;
    g_autofree char *hash = NULL;
    g_autofree char *demo_path
        = g_build_filename (shared.root_dir, "zone-3", ".cryptounitd", "credentials", "demo", NULL);

    g_assert_true (g_file_get_contents (demo_path, &hash, NULL, &local));
    g_assert_true (
        g_file_set_contents_full (path, hash, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local));
    g_assert_no_error (local);
  }
  /* The foreign instance had its own credential; its zone 3 now takes demo's. */
  g_assert_cmpstr (cred, !=, shared.credential);
  client = cu_client_new_remote_zones (N_ZONES, urls, fp, "demo", shared.credential, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (client, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_CERTIFICATE);
  test_daemon_stop (foreign);
  test_daemon_free (foreign);
}

/* The client refuses what cannot be a zoned target. */
static void
test_bad_configuration (void)
{
  const char *same[2] = { shared.urls[0], shared.urls[0] };
  g_autoptr (GError) error = NULL;
  CuClient *client = cu_client_new_remote_zones (2, same, NULL, "demo", shared.credential, &error);

  g_assert_null (client);
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  client = cu_client_new_remote_zones (4, (const char *const *)shared.urls, NULL, "demo",
                                       shared.credential, &error);
  g_assert_null (client);
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* Zones given in the wrong order: the services say which zone they are. */
  {
    const char *swapped[N_ZONES] = { shared.urls[1], shared.urls[0], shared.urls[2] };
    const char *fps[N_ZONES]
        = { shared.fingerprints[1], shared.fingerprints[0], shared.fingerprints[2] };
    g_autoptr (CuClient) wrong
        = cu_client_new_remote_zones (N_ZONES, swapped, fps, "demo", shared.credential, &error);
    g_autoptr (GPtrArray) units = NULL;

    g_assert_no_error (error);
    units = cu_client_list_units (wrong, &error);
    g_assert_null (units);
    g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "zone order"));
  }
}

/* ---- multi-unit operations across zones ------------------------------------ */

typedef struct
{
  /* When set: stop this daemon when a command for this unit is signed. */
  const char *stop_at_unit;
  TestDaemon *stop_daemon;
  gboolean stopped;
} SignData;

static gboolean
sign_with_admins (CuCommand *cmd, guint needed, gpointer user_data, GError **error)
{
  SignData *data = user_data;

  if (data->stop_at_unit != NULL && !data->stopped
      && strcmp (cu_command_get_unit_id (cmd), data->stop_at_unit) == 0)
    {
      /* Deterministically in the middle: zone 1 is done, zone 2 is being
       * done, zone 3 has not been touched. */
      test_daemon_stop (data->stop_daemon);
      data->stopped = TRUE;
    }
  g_assert_cmpuint (needed, <=, G_N_ELEMENTS (shared.admin_keys));
  for (guint i = 0; i < needed; i++)
    if (!cu_command_sign_with_key (cmd, shared.admin_keys[i], error))
      return FALSE;
  return TRUE;
}

static CuUnitState *
unit_state (CuClient *client, const char *unit_id)
{
  g_autoptr (GError) error = NULL;
  CuUnitState *state = cu_client_get_unit_state (client, unit_id, &error);

  g_assert_no_error (error);
  return state;
}

/* auto-init: recovery unit 1 (zone 1) makes the master key and moves it to
 * the units of zones 2 and 3. */
static void
test_auto_init (void)
{
  g_autoptr (CuClient) client = connect_demo ();
  g_autoptr (GPtrArray) units = list_units (client);
  g_autoptr (GPtrArray) outcomes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *r1 = NULL;
  SignData data = { 0 };

  g_assert_true (cu_client_auto_init (client, shared.admins, 2, 2, 2, sign_with_admins, &data,
                                      &outcomes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outcomes->len, ==, units->len);
  for (guint i = 0; i < outcomes->len; i++)
    {
      const CuUnitOutcome *o = g_ptr_array_index (outcomes, i);

      g_assert_no_error (o->error);
      g_assert_true (o->changed);
    }
  r1 = unit_state (client, ((CuUnitInfo *)g_ptr_array_index (units, 6))->unit_id);
  g_assert_cmpint (r1->info.kind, ==, CU_UNIT_RECOVERY);
  g_assert_cmpuint (r1->info.zone, ==, 1);
  g_assert_cmpint (r1->current_state, ==, CU_CURRENT_VALID);
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *info = g_ptr_array_index (units, i);
      g_autofree CuUnitState *st = unit_state (client, info->unit_id);

      g_assert_cmpuint (st->n_admins, ==, 2);
      g_assert_cmpuint (st->signature_threshold, ==, 2);
      g_assert_cmpint (st->current_state, ==, CU_CURRENT_VALID);
      g_assert_cmpmem (st->current_vp, CU_VP_LEN, r1->current_vp, CU_VP_LEN);
    }
}

/* What must not change on a unit that an operation did not reach. */
static void
assert_same_unit_state (const CuUnitState *a, const CuUnitState *b)
{
  g_assert_cmpstr (a->info.unit_id, ==, b->info.unit_id);
  g_assert_cmpuint (a->transaction_counter, ==, b->transaction_counter);
  g_assert_cmpuint (a->n_admins, ==, b->n_admins);
  g_assert_cmpuint (a->signature_threshold, ==, b->signature_threshold);
  g_assert_cmpint (a->new_state, ==, b->new_state);
  g_assert_cmpmem (a->new_vp, CU_VP_LEN, b->new_vp, CU_VP_LEN);
  g_assert_cmpint (a->current_state, ==, b->current_state);
  g_assert_cmpmem (a->current_vp, CU_VP_LEN, b->current_vp, CU_VP_LEN);
  g_assert_cmpuint (a->audit_length, ==, b->audit_length);
  g_assert_cmpmem (a->audit_head, 32, b->audit_head, 32);
}

/* auto-mk-rotate while zone 3's daemon is stopped in the middle: the
 * outcomes say exactly which units changed (zones 1 and 2) and which did
 * not (zone 3, unreachable, named); after zone 3 is back, its units are as
 * before and the states differ as reported; auto-recover repairs them. */
static void
test_zone_stopped_mid_rotation (void)
{
  g_autoptr (CuClient) client = connect_demo ();
  g_autoptr (GPtrArray) units = list_units (client);
  g_autoptr (GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) outcomes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *zone3
      = g_strdup_printf ("availability zone 3 (%s) is unreachable", shared.urls[2]);
  g_autofree char *dir3 = zone_dir (3);
  g_autofree CuUnitState *r1 = NULL;
  const CuUnitInfo *operational2 = g_ptr_array_index (units, 1);
  guint16 port3 = shared.daemon[2]->port;
  SignData data = { 0 };

  for (guint i = 0; i < units->len; i++)
    g_ptr_array_add (before,
                     unit_state (client, ((CuUnitInfo *)g_ptr_array_index (units, i))->unit_id));
  g_assert_cmpuint (operational2->zone, ==, 2);
  data.stop_at_unit = operational2->unit_id;
  data.stop_daemon = shared.daemon[2];

  g_assert_false (cu_client_auto_mk_rotate (client, sign_with_admins, &data, &outcomes, &error));
  g_assert_true (data.stopped);
  g_assert_error (error, CU_ERROR, CU_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "2 of 8 crypto units were not changed"));
  g_assert_nonnull (outcomes);
  g_assert_cmpuint (outcomes->len, ==, units->len);
  for (guint i = 0; i < outcomes->len; i++)
    {
      const CuUnitOutcome *o = g_ptr_array_index (outcomes, i);
      const CuUnitInfo *info = g_ptr_array_index (units, i);

      g_assert_cmpstr (o->unit_id, ==, info->unit_id);
      if (info->zone == 3)
        {
          g_assert_false (o->changed);
          g_assert_error (o->error, CU_ERROR, CU_ERROR_UNREACHABLE);
          g_assert_nonnull (strstr (o->error->message, zone3));
        }
      else
        {
          g_assert_no_error (o->error);
          g_assert_true (o->changed);
        }
    }

  /* Zone 3 again, on the same state directory and port. */
  test_daemon_free (shared.daemon[2]);
  shared.daemon[2] = test_daemon_start (dir3, port3);
  g_assert_cmpstr (shared.daemon[2]->base_url, ==, shared.urls[2]);

  r1 = unit_state (client, ((CuUnitInfo *)g_ptr_array_index (units, 6))->unit_id);
  g_assert_true (
      memcmp (r1->current_vp, ((CuUnitState *)g_ptr_array_index (before, 6))->current_vp, CU_VP_LEN)
      != 0);
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *info = g_ptr_array_index (units, i);
      const CuUnitState *old = g_ptr_array_index (before, i);
      g_autofree CuUnitState *now = unit_state (client, info->unit_id);

      if (info->zone == 3)
        {
          /* Exactly as before the operation. */
          assert_same_unit_state (now, old);
          g_assert_true (memcmp (now->current_vp, r1->current_vp, CU_VP_LEN) != 0);
        }
      else
        {
          g_assert_cmpint (now->current_state, ==, CU_CURRENT_VALID);
          g_assert_cmpmem (now->current_vp, CU_VP_LEN, r1->current_vp, CU_VP_LEN);
          g_assert_cmpint (now->new_state, ==, CU_NEW_EMPTY);
        }
    }

  /* The operator's repair: auto-recover copies recovery unit 1's key to
   * exactly the two units of zone 3. */
  g_clear_pointer (&outcomes, g_ptr_array_unref);
  g_clear_error (&error);
  g_assert_true (
      cu_client_auto_recover (client, 1, sign_with_admins, &(SignData){ 0 }, &outcomes, &error));
  g_assert_no_error (error);
  for (guint i = 0, o = 0; i < units->len; i++)
    {
      const CuUnitInfo *info = g_ptr_array_index (units, i);
      g_autofree CuUnitState *now = unit_state (client, info->unit_id);

      g_assert_cmpmem (now->current_vp, CU_VP_LEN, r1->current_vp, CU_VP_LEN);
      if (info->kind == CU_UNIT_RECOVERY && info->index == 1)
        continue;
      g_assert_cmpint (((CuUnitOutcome *)g_ptr_array_index (outcomes, o++))->changed, ==,
                       info->zone == 3);
    }
}

/* A call on a unit of a stopped zone names the zone; the other zones keep
 * working; listing needs every zone. */
static void
test_unreachable_zone (void)
{
  g_autoptr (CuClient) client = connect_demo ();
  g_autoptr (GPtrArray) units = list_units (client);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir3 = zone_dir (3);
  g_autofree char *zone3
      = g_strdup_printf ("availability zone 3 (%s) is unreachable", shared.urls[2]);
  guint16 port3 = shared.daemon[2]->port;

  test_daemon_stop (shared.daemon[2]);
  for (guint i = 0; i < units->len; i++)
    {
      const CuUnitInfo *info = g_ptr_array_index (units, i);
      g_autofree CuUnitState *st = cu_client_get_unit_state (client, info->unit_id, &error);

      if (info->zone == 3)
        {
          g_assert_null (st);
          g_assert_error (error, CU_ERROR, CU_ERROR_UNREACHABLE);
          g_assert_nonnull (strstr (error->message, zone3));
          g_clear_error (&error);
        }
      else
        g_assert_no_error (error);
    }
  g_clear_pointer (&units, g_ptr_array_unref);
  units = cu_client_list_units (client, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, zone3));
  test_daemon_free (shared.daemon[2]);
  shared.daemon[2] = test_daemon_start (dir3, port3);
}

/* A new credential for the split instance reaches every zone: the old one
 * is refused by all of them, the new one works in all of them. */
static void
test_credential_rotation (void)
{
  g_autofree char *err = NULL;
  g_autofree char *out = test_daemon_run_command (&err, "credential", "--state", shared.root_dir,
                                                  "--instance", "demo", "--zones", "3", NULL);
  g_autofree char *fresh = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CuClient) old_client = connect_demo ();
  g_autoptr (CuClient) new_client = NULL;
  g_autoptr (GPtrArray) units = NULL;

  g_assert_nonnull (out);
  fresh = test_daemon_field (out, "credential");
  g_assert_nonnull (fresh);
  g_assert_cmpstr (fresh, !=, shared.credential);
  assert_every_zone_refuses (shared.credential, CU_ERROR_UNAUTHENTICATED);
  g_assert_null (cu_client_list_units (old_client, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);
  g_free (shared.credential);
  shared.credential = g_steal_pointer (&fresh);
  new_client = connect_demo ();
  units = list_units (new_client);
  g_assert_cmpuint (units->len, ==, 8);
}

int
main (int argc, char **argv)
{
  int rc;

  shared.root_dir = test_daemon_main_init (&argc, &argv, 1, "", "test-zones");
  shared.credential
      = test_daemon_init_zones (shared.root_dir, "demo", 6, 2, N_ZONES, &shared.fingerprints);
  for (guint z = 0; z < N_ZONES; z++)
    {
      g_autofree char *dir = zone_dir (z + 1);

      shared.daemon[z] = test_daemon_start (dir, 0);
      shared.urls[z] = g_strdup (shared.daemon[z]->base_url);
    }
  for (guint i = 0; i < G_N_ELEMENTS (shared.admin_keys); i++)
    {
      g_autoptr (GError) error = NULL;

      shared.admin_keys[i] = EVP_EC_gen ("P-521");
      g_assert_nonnull (shared.admin_keys[i]);
      g_assert_true (cu_point_from_key (shared.admin_keys[i], shared.admins[i].point, &error));
      g_strlcpy (shared.admins[i].name, i == 0 ? "alice" : "bob", sizeof shared.admins[i].name);
    }

  g_test_add_func ("/zones/layout", test_layout);
  g_test_add_func ("/zones/init-all-or-nothing", test_init_all_or_nothing);
  g_test_add_func ("/zones/list", test_list);
  g_test_add_func ("/zones/one-root", test_one_root);
  g_test_add_func ("/zones/wrong-fingerprint", test_wrong_fingerprint);
  g_test_add_func ("/zones/other-instance-credential", test_other_instance_credential);
  g_test_add_func ("/zones/foreign-zone-refused", test_foreign_zone_refused);
  g_test_add_func ("/zones/bad-configuration", test_bad_configuration);
  g_test_add_func ("/zones/unreachable-zone", test_unreachable_zone);
  g_test_add_func ("/zones/auto-init", test_auto_init);
  g_test_add_func ("/zones/zone-stopped-mid-rotation", test_zone_stopped_mid_rotation);
  g_test_add_func ("/zones/credential-rotation", test_credential_rotation);
  rc = g_test_run ();

  for (guint z = 0; z < N_ZONES; z++)
    {
      if (shared.daemon[z] != NULL && shared.daemon[z]->process != NULL)
        test_daemon_stop (shared.daemon[z]);
      test_daemon_free (shared.daemon[z]);
      g_free (shared.urls[z]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (shared.admin_keys); i++)
    EVP_PKEY_free (shared.admin_keys[i]);
  otk_remove_tree (shared.root_dir);
  g_free (shared.root_dir);
  g_free (shared.credential);
  g_strfreev (shared.fingerprints);
  return rc;
}
