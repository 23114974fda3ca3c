/* test-ceremony.c: the ceremony core and tkectl, end to end.
 *
 * The prompters and the workstation are tested directly; the ceremony itself
 * through tkectl, as a person uses it: one process per verb, the answers on
 * stdin one line per prompt, results read back with --output json.  Each
 * test has its own workstation ($XDG_DATA_HOME) with the local service
 * instance, so tests are independent. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>

#include "test-ceremony.h"

/* Key files made cheap to open: the cost of the KDF is not what is tested. */
#define TEST_KDF_LOG2N "10"

#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"
#define PW_CAROL "carol-password"
#define PW_PART1 "part-one-password"
#define PW_PART2 "part-two-password"
#define PW_PART3 "part-three-password"

typedef struct
{
  char *home; /* $XDG_DATA_HOME of this test */
  char *out;  /* stdout and stderr of the last run */
  char *err;
  int status;   /* exit status of the last run */
  gboolean tls; /* tkectl talks HTTPS: see run() */
} Fixture;

static char *tkectl_path;

char *
test_make_home (void)
{
  /* On tmpfs when there is one: the units sync every command to disk, and
   * what is tested here is the ceremony, not the disk. */
  g_autofree char *tmpl = g_build_filename (
      g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir (),
      "tke-ceremony-XXXXXX", NULL);
  char *home = g_mkdtemp (g_steal_pointer (&tmpl));

  g_assert_nonnull (home);
  return home;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->home = test_make_home ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  otk_remove_tree (f->home);
  g_free (f->home);
  g_free (f->out);
  g_free (f->err);
}

/* Runs "tkectl ARGS..." (NULL-terminated) with @input on stdin. */
static int
run (Fixture *f, const char *input, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, tkectl_path);
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "OPENTKE_KEYFILE_KDF_LOG2N", TEST_KDF_LOG2N, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLOUDTKEFILES");
  /* With HTTPS, GIO's TLS module (dlopened, with thread-local storage) makes
   * LeakSanitizer's thread scan crash at exit with this toolchain: in the
   * sanitizer build, those runs keep AddressSanitizer but not the leak check. */
  if (f->tls)
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1",
                                  TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, &f->out, &f->err, &error);
  g_assert_no_error (error);
  f->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  if (g_test_verbose ())
    g_test_message ("tkectl %s -> %d\n%s%s", (char *)argv->pdata[1], f->status, f->out, f->err);
  return f->status;
}

#define assert_ok(f)                                                                               \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if ((f)->status != 0)                                                                          \
      g_error ("tkectl failed (%d):\n%s\n%s", (f)->status, (f)->out, (f)->err);                    \
  }                                                                                                \
  G_STMT_END

#define assert_failed_with(f, text)                                                                \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_assert_cmpint ((f)->status, ==, 1);                                                          \
    if (!strstr ((f)->err, (text)))                                                                \
      g_error ("expected \"%s\" in:\n%s", (text), (f)->err);                                       \
  }                                                                                                \
  G_STMT_END

/* Runs a listing verb with --output json and returns its array. */
static JsonArray *
run_json (Fixture *f, JsonParser **keep, const char *verb)
{
  g_autoptr (GError) error = NULL;

  run (f, NULL, "--output", "json", verb, NULL);
  assert_ok (f);
  *keep = json_parser_new ();
  json_parser_load_from_data (*keep, f->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (*keep)));
  return json_node_get_array (json_parser_get_root (*keep));
}

/* The value of @member of every unit: all must be the same; returns it. */
static char *
same_string_on_all_units (JsonArray *units, const char *object, const char *member)
{
  char *value = NULL;

  g_assert_cmpuint (json_array_get_length (units), >, 0);
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *o = json_array_get_object_element (units, i);
      const char *v;

      if (object)
        o = json_object_get_object_member (o, object);
      v = json_object_get_string_member (o, member);
      if (!value)
        value = g_strdup (v);
      else
        g_assert_cmpstr (v, ==, value);
    }
  return value;
}

static void
assert_register (Fixture *f, const char *reg, const char *status)
{
  g_autoptr (JsonParser) p = NULL;
  JsonArray *units = run_json (f, &p, "cryptounit-mk");
  g_autofree char *s = same_string_on_all_units (units, reg, "status");
  g_assert_cmpstr (s, ==, status);
}

/* ---- building a workstation step by step (seed 002) ---------------------- */

static void
make_sigkey (Fixture *f, const char *name, const char *password)
{
  g_autofree char *in = g_strdup_printf ("%s\n%s\n%s\n", name, password, password);
  run (f, in, "sigkey-add", NULL);
  assert_ok (f);
}

static void
make_part (Fixture *f, const char *description, const char *password)
{
  g_autofree char *in = g_strdup_printf ("%s\n%s\n%s\n", description, password, password);
  run (f, in, "mk-add", "--random", NULL);
  assert_ok (f);
}

/* Alice and Bob have signature keys, selected for signing; every unit of
 * the local instance is selected. */
static void
setup_keys_and_units (Fixture *f)
{
  make_sigkey (f, "alice", PW_ALICE);
  make_sigkey (f, "bob", PW_BOB);
  run (f, "1 2\n" PW_ALICE "\n" PW_BOB "\n", "sigkey-sel", NULL);
  assert_ok (f);
  run (f, "1 2 3 4\n", "cryptounit-add", NULL);
  assert_ok (f);
}

/* ... and both are admins, thresholds 2 and 2: out of imprint mode. */
static void
setup_admins (Fixture *f)
{
  setup_keys_and_units (f);
  run (f, "1\n" PW_ALICE "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  run (f, "2\n" PW_BOB "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  run (f, "2\n2\n" PW_ALICE "\n" PW_BOB "\n", "cryptounit-thrhld-set", NULL);
  assert_ok (f);
}

static void
setup_parts (Fixture *f)
{
  make_part (f, "part 1", PW_PART1);
  make_part (f, "part 2", PW_PART2);
  make_part (f, "part 3", PW_PART3);
}

static void
load_three_parts (Fixture *f)
{
  run (f, "1 2 3\n" PW_PART1 "\n" PW_PART2 "\n" PW_PART3 "\n" PW_ALICE "\n", "cryptounit-mk-load",
       NULL);
}

/* ---- the key-part-file ceremony of seed 002 ------------------------------- */

static void
test_seed002 (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonParser) p1 = NULL, p2 = NULL, p3 = NULL, p4 = NULL, p5 = NULL;
  JsonArray *units, *keys, *parts;
  g_autofree char *vp_new = NULL, *vp_cur = NULL;

  /* cryptounits: the local instance, 2 operational + 2 recovery, none selected. */
  units = run_json (f, &p1, "cryptounits");
  g_assert_cmpuint (json_array_get_length (units), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_false (
        json_object_get_boolean_member (json_array_get_object_element (units, i), "selected"));
  run (f, NULL, "cryptounits", NULL);
  assert_ok (f);
  g_assert_nonnull (strstr (f->out, "CRYPTO UNIT NUM   SELECTED   TYPE           LOCATION"));
  g_assert_nonnull (strstr (f->out, "SERVICE INSTANCE: local"));

  /* Step 1: signature keys, then select them for signing. */
  setup_keys_and_units (f);
  keys = run_json (f, &p2, "sigkeys");
  g_assert_cmpuint (json_array_get_length (keys), ==, 2);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (keys, 0), "admin_name"), ==,
      "alice");
  g_assert_true (
      json_object_get_boolean_member (json_array_get_object_element (keys, 1), "selected"));
  g_clear_pointer (&p1, g_object_unref);
  units = run_json (f, &p1, "cryptounits");
  for (guint i = 0; i < 4; i++)
    g_assert_true (
        json_object_get_boolean_member (json_array_get_object_element (units, i), "selected"));

  /* Step 2: administrators, unsigned in imprint mode. */
  run (f, "1\n" PW_ALICE "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  run (f, "2\n" PW_BOB "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  g_clear_pointer (&p1, g_object_unref);
  units = run_json (f, &p1, "cryptounit-admins");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                          json_array_get_object_element (units, i), "administrators")),
                      ==, 2);

  /* Step 3: thresholds 2 and 2, signed by both (the new threshold). */
  run (f, "2\n2\n" PW_ALICE "\n" PW_BOB "\n", "cryptounit-thrhld-set", NULL);
  assert_ok (f);
  g_clear_pointer (&p1, g_object_unref);
  units = run_json (f, &p1, "cryptounit-thrhlds");
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *o = json_array_get_object_element (units, i);
      g_assert_cmpint (json_object_get_int_member (o, "signature_threshold"), ==, 2);
      g_assert_cmpint (json_object_get_int_member (o, "revocation_threshold"), ==, 2);
      g_assert_false (json_object_get_boolean_member (o, "imprint_mode"));
    }

  /* Step 4: three random key parts. */
  setup_parts (f);
  parts = run_json (f, &p3, "mks");
  g_assert_cmpuint (json_array_get_length (parts), ==, 3);

  /* Step 5: load (one signature), Full uncommitted everywhere with one VP. */
  load_three_parts (f);
  assert_ok (f);
  assert_register (f, "new_register", "Full uncommitted");
  units = run_json (f, &p4, "cryptounit-mk");
  vp_new = same_string_on_all_units (units, "new_register", "verification_pattern");
  g_assert_cmpstr (vp_new, !=, "0000000000000000000000000000000000000000000000000000000000000000");

  /* Step 6: commit (two signatures). */
  run (f, PW_ALICE "\n" PW_BOB "\n", "cryptounit-mk-commit", NULL);
  assert_ok (f);
  assert_register (f, "new_register", "Full committed");

  /* Step 7: set immediate, confirmed with y. */
  run (f, "y\n" PW_ALICE "\n", "cryptounit-mk-setimm", NULL);
  assert_ok (f);
  assert_register (f, "current_register", "Valid");
  assert_register (f, "new_register", "Empty");
  units = run_json (f, &p5, "cryptounit-mk");
  vp_cur = same_string_on_all_units (units, "current_register", "verification_pattern");
  g_assert_cmpstr (vp_cur, ==, vp_new);

  /* The compare: every section the same, no warning. */
  run (f, NULL, "cryptounit-compare", NULL);
  assert_ok (f);
  for (guint i = 0; i < 5; i++)
    {
      static const char *sections[]
          = { "SIGNATURE THRESHOLDS", "CRYPTO UNIT ADMINISTRATORS", "NEW MASTER KEY REGISTER",
              "CURRENT MASTER KEY REGISTER", "CONTROL POINTS" };
      g_assert_nonnull (strstr (f->out, sections[i]));
    }
  g_assert_null (strstr (f->out, "configured differently"));

  /* Control points: BTC off, signed by both. */
  run (f, PW_ALICE "\n" PW_BOB "\n", "cryptounit-cp", "disable", "btc", NULL);
  assert_ok (f);
  {
    g_autoptr (JsonParser) p6 = NULL;
    JsonArray *cps = run_json (f, &p6, "cryptounit-cp");
    for (guint i = 0; i < json_array_get_length (cps); i++)
      {
        JsonObject *o = json_object_get_object_member (json_array_get_object_element (cps, i),
                                                       "control_points");
        g_assert_false (json_object_get_boolean_member (o, "btc"));
        g_assert_true (json_object_get_boolean_member (o, "ec25519"));
      }
  }
}

/* ---- the refusals a user meets ---------------------------------------------- */

static void
test_wrong_file_password (Fixture *f, gconstpointer data)
{
  setup_admins (f);
  setup_parts (f);
  run (f, "1 2\n" PW_PART1 "\nnot-the-password\n", "cryptounit-mk-load", NULL);
  assert_failed_with (f, "password");
  assert_register (f, "new_register", "Empty");

  /* A wrong signature key password: nothing is sent either. */
  run (f, "1 2\n" PW_PART1 "\n" PW_PART2 "\nwrong-alice\n", "cryptounit-mk-load", NULL);
  assert_failed_with (f, "password");
  assert_register (f, "new_register", "Empty");
}

static void
test_one_key_part (Fixture *f, gconstpointer data)
{
  setup_admins (f);
  setup_parts (f);
  run (f, "1\n", "cryptounit-mk-load", NULL);
  assert_failed_with (f, "2 or 3 key parts");
  assert_register (f, "new_register", "Empty");
}

static void
test_commit_before_load (Fixture *f, gconstpointer data)
{
  setup_admins (f);
  run (f, PW_ALICE "\n" PW_BOB "\n", "cryptounit-mk-commit", NULL);
  assert_failed_with (f, "not in the state");
  assert_register (f, "new_register", "Empty");
}

static void
test_setimm_before_commit (Fixture *f, gconstpointer data)
{
  setup_admins (f);
  setup_parts (f);
  load_three_parts (f);
  assert_ok (f);
  run (f, "y\n" PW_ALICE "\n", "cryptounit-mk-setimm", NULL);
  assert_failed_with (f, "not in the state");
  assert_register (f, "new_register", "Full uncommitted");
  assert_register (f, "current_register", "Empty");
}

static void
test_setimm_declined (Fixture *f, gconstpointer data)
{
  setup_admins (f);
  setup_parts (f);
  load_three_parts (f);
  assert_ok (f);
  run (f, PW_ALICE "\n" PW_BOB "\n", "cryptounit-mk-commit", NULL);
  assert_ok (f);
  run (f, "n\n", "cryptounit-mk-setimm", NULL);
  assert_failed_with (f, "Cancelled");
  assert_register (f, "new_register", "Full committed");
  /* --yes answers the confirmation, not the password. */
  run (f, "", "--yes", "cryptounit-mk-setimm", NULL);
  assert_failed_with (f, "No answer");
  run (f, PW_ALICE "\n", "--yes", "cryptounit-mk-setimm", NULL);
  assert_ok (f);
  assert_register (f, "current_register", "Valid");
}

static void
test_threshold_above_admins (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonParser) p = NULL;
  JsonArray *units;

  setup_keys_and_units (f);
  run (f, "1\n" PW_ALICE "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  run (f, "2\n1\n", "cryptounit-thrhld-set", NULL);
  assert_failed_with (f, "may not exceed the number of administrators");
  units = run_json (f, &p, "cryptounit-thrhlds");
  g_assert_true (
      json_object_get_boolean_member (json_array_get_object_element (units, 0), "imprint_mode"));
}

static void
test_non_admin_signature (Fixture *f, gconstpointer data)
{
  setup_admins (f);
  setup_parts (f);
  make_sigkey (f, "carol", PW_CAROL);
  /* Carol alone is selected to sign: she is no administrator. */
  run (f, "3\n" PW_CAROL "\n", "sigkey-sel", NULL);
  assert_ok (f);
  run (f, "1 2\n" PW_PART1 "\n" PW_PART2 "\n", "cryptounit-mk-load", NULL);
  assert_failed_with (f, "administrators");
  assert_register (f, "new_register", "Empty");
}

static void
test_new_password_twice (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonParser) p = NULL;

  run (f, "dave\nlong-enough-1\nlong-enough-2\nshort\nlong-enough-1\nlong-enough-3\n", "sigkey-add",
       NULL);
  assert_failed_with (f, "not the same");
  g_assert_cmpuint (json_array_get_length (run_json (f, &p, "sigkeys")), ==, 0);
}

static void
test_keyfile_modes (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->home, "opentke", "keyfiles", NULL);
  g_autofree char *state = g_build_filename (f->home, "opentke", "workstation.ini", NULL);
  g_autoptr (GDir) d = NULL;
  const char *name;
  struct stat st;
  guint n = 0;

  setup_keys_and_units (f);
  make_part (f, "part 1", PW_PART1);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (state, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      n++;
    }
  g_assert_cmpuint (n, ==, 3);
}

static void
test_selection_warning (Fixture *f, gconstpointer data)
{
  run (f, "1 3\n", "cryptounit-add", NULL);
  assert_ok (f);
  g_assert_nonnull (strstr (f->err, "Only 2 of the 4 crypto units of service instance local"));
  run (f, "2 4\n", "cryptounit-add", NULL);
  assert_ok (f);
  g_assert_null (strstr (f->err, "WARNING"));
  run (f, "4\n", "cryptounit-rm", NULL);
  assert_ok (f);
  g_assert_nonnull (strstr (f->err, "Only 3 of the 4"));
  run (f, "9\n9\n9\n", "cryptounit-add", NULL);
  assert_failed_with (f, "No valid choice");
}

static void
test_compare_differ (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonParser) p = NULL;
  g_autoptr (GError) error = NULL;

  make_sigkey (f, "alice", PW_ALICE);
  run (f, "1\n", "cryptounit-add", NULL);
  assert_ok (f);
  run (f, "1\n" PW_ALICE "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  run (f, "2 3 4\n", "cryptounit-add", NULL);
  assert_ok (f);
  run (f, NULL, "cryptounit-compare", NULL);
  assert_ok (f);
  g_assert_nonnull (strstr (f->out, "Crypto units are configured differently"));
  run (f, NULL, "--output", "json", "cryptounit-compare", NULL);
  assert_ok (f);
  p = json_parser_new ();
  json_parser_load_from_data (p, f->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (json_parser_get_root (p)),
                                                 "configured_differently"));
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  run (f, NULL, "no-such-verb", NULL);
  g_assert_cmpint (f->status, ==, 2);
  run (f, NULL, "mk-add", NULL);
  assert_failed_with (f, "--random");
  run (f, NULL, "--output", "xml", "cryptounits", NULL);
  g_assert_cmpint (f->status, ==, 2);
  run (f, NULL, "cryptounit-mk", NULL);
  assert_failed_with (f, "No crypto unit is selected");
  run (f, NULL, "help", NULL);
  assert_ok (f);
  g_assert_nonnull (strstr (f->out, "cryptounit-mk-setimm"));
}

/* Key files are made on a workstation that cannot reach the service. */
static void
test_offline_key_files (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonParser) p = NULL;

  run (f, NULL, "target", "--url", "https://127.0.0.1:1", "--credential-file",
       "/nonexistent/credential", "--fingerprint",
       "0000000000000000000000000000000000000000000000000000000000000000", NULL);
  assert_ok (f);
  make_sigkey (f, "alice", PW_ALICE);
  make_part (f, "part 1", PW_PART1);
  g_assert_cmpuint (json_array_get_length (run_json (f, &p, "sigkeys")), ==, 1);
  run (f, NULL, "cryptounits", NULL);
  assert_failed_with (f, "credential file");
}

/* ---- recovery units ----------------------------------------------------------- */

static char *
current_vp (Fixture *f)
{
  g_autoptr (JsonParser) p = NULL;
  JsonArray *units = run_json (f, &p, "cryptounit-mk");
  return same_string_on_all_units (units, "current_register", "verification_pattern");
}

static void
test_auto_init_and_rotate (Fixture *f, gconstpointer data)
{
  g_autofree char *vp1 = NULL, *vp2 = NULL;

  make_sigkey (f, "alice", PW_ALICE);
  make_sigkey (f, "bob", PW_BOB);
  run (f, "1 2 3 4\n", "cryptounit-add", NULL);
  assert_ok (f);
  run (f, "1 2\n" PW_ALICE "\n" PW_BOB "\n2\n2\ny\n", "auto-init", NULL);
  assert_ok (f);
  assert_register (f, "current_register", "Valid");
  vp1 = current_vp (f);
  g_assert_cmpstr (vp1, !=, "0000000000000000000000000000000000000000000000000000000000000000");

  /* Declined: nothing changes. */
  run (f, "n\n", "auto-mk-rotate", NULL);
  assert_failed_with (f, "Cancelled");
  run (f, "y\n" PW_ALICE "\n" PW_BOB "\n", "auto-mk-rotate", NULL);
  assert_ok (f);
  assert_register (f, "current_register", "Valid");
  vp2 = current_vp (f);
  g_assert_cmpstr (vp2, !=, vp1);
}

/* ---- failover units ------------------------------------------------------------ */

static void
test_failover_enable (Fixture *f, gconstpointer data)
{
  g_autofree char *local = g_build_filename (f->home, "opentke", "local", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) p = NULL;
  g_autoptr (JsonParser) p2 = NULL;
  CuEngine *engine;
  JsonArray *units;

  /* An instance with a failover unit: 1 operational, 1 failover, 2 recovery. */
  engine = cu_engine_open (local, &error);
  g_assert_no_error (error);
  cu_engine_create_instance (engine, "local", 1, 1, 2, &error);
  g_assert_no_error (error);
  cu_engine_free (engine);
  units = run_json (f, &p, "cryptounits");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (units, 1), "type"),
                   ==, "FAILOVER");

  /* The operational and recovery units initialized, the failover unit not. */
  make_sigkey (f, "alice", PW_ALICE);
  run (f, "1\n" PW_ALICE "\n", "sigkey-sel", NULL);
  assert_ok (f);
  run (f, "1 3 4\n", "cryptounit-add", NULL);
  assert_ok (f);
  run (f, "1\n" PW_ALICE "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  run (f, "1\n1\n" PW_ALICE "\n", "cryptounit-thrhld-set", NULL);
  assert_ok (f);
  make_part (f, "part 1", PW_PART1);
  make_part (f, "part 2", PW_PART2);
  run (f, "1 2\n" PW_PART1 "\n" PW_PART2 "\n" PW_ALICE "\n", "cryptounit-mk-load", NULL);
  assert_ok (f);
  run (f, PW_ALICE "\n", "cryptounit-mk-commit", NULL);
  assert_ok (f);
  run (f, "y\n" PW_ALICE "\n", "cryptounit-mk-setimm", NULL);
  assert_ok (f);

  run (f, "y\n" PW_ALICE "\n", "failover-enable", NULL);
  assert_ok (f);
  run (f, "2\n", "cryptounit-add", NULL);
  assert_ok (f);
  run (f, NULL, "--output", "json", "cryptounit-compare", NULL);
  assert_ok (f);
  p2 = json_parser_new ();
  json_parser_load_from_data (p2, f->out, -1, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (json_parser_get_root (p2)),
                                                  "configured_differently"));
  assert_register (f, "current_register", "Valid");
}

/* ---- cryptounitd as the target ------------------------------------------------- */

static void
test_remote_target (Fixture *f, gconstpointer data)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *daemon = g_build_filename (builddir ? builddir : ".", "..", "libcrypto-unit",
                                              "server", "cryptounitd", NULL);
  g_autofree char *state = g_build_filename (f->home, "service", NULL);
  g_autofree char *cred = g_build_filename (f->home, "credential.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GSubprocess) init = NULL;
  g_autoptr (GSubprocess) serve = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) p = NULL;
  g_auto (GStrv) lines = NULL;
  const char *fingerprint = NULL;
  guint port = 20000 + g_random_int_range (0, 20000);

  f->tls = TRUE;

  init = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, daemon, "init", "--state", state, "--instance", "demo",
                           "--operational", "2", "--failover", "0", "--recovery", "2", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (init, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (init));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "tls-fingerprint "))
      fingerprint = lines[i] + strlen ("tls-fingerprint ");
  g_assert_nonnull (fingerprint);
  g_assert_true (
      g_file_set_contents_full (cred, out, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));

  listen = g_strdup_printf ("127.0.0.1:%u", port);
  url = g_strdup_printf ("https://127.0.0.1:%u", port);
  serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, daemon, "serve", "--state", state, "--listen", listen, NULL);
  g_assert_no_error (error);

  /* A wrong fingerprint is refused before anything is sent. */
  run (f, NULL, "target", "--url", url, "--credential-file", cred, "--fingerprint",
       "0000000000000000000000000000000000000000000000000000000000000000", NULL);
  assert_ok (f);
  for (guint i = 0; i < 50; i++)
    {
      /* Until the service answers (then with the fingerprint refusal). */
      run (f, NULL, "cryptounits", NULL);
      if (f->err && strstr (f->err, "fingerprint"))
        break;
      g_usleep (G_USEC_PER_SEC / 10);
    }
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "fingerprint"));

  run (f, NULL, "target", "--url", url, "--credential-file", cred, "--fingerprint", fingerprint,
       NULL);
  assert_ok (f);
  {
    JsonArray *units = run_json (f, &p, "cryptounits");
    g_assert_cmpuint (json_array_get_length (units), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (units, 0),
                                                    "service_instance"),
                     ==, "demo");
  }
  /* An administrator added through the service. */
  make_sigkey (f, "alice", PW_ALICE);
  run (f, "1 2 3 4\n", "cryptounit-add", NULL);
  assert_ok (f);
  run (f, "1\n" PW_ALICE "\n", "cryptounit-admin-add", NULL);
  assert_ok (f);
  g_clear_pointer (&p, g_object_unref);
  {
    JsonArray *units = run_json (f, &p, "cryptounit-admins");
    for (guint i = 0; i < 4; i++)
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                            json_array_get_object_element (units, i), "administrators")),
                        ==, 1);
  }
  run (f, NULL, "target", "--local", NULL);
  assert_ok (f);
  g_subprocess_send_signal (serve, SIGTERM);
  g_subprocess_wait (serve, NULL, NULL);
}

/* ---- prompters and workstation ---------------------------------------------- */

static void
test_prompter_new_password (void)
{
  const char *answers[] = { "short", "abcdefgh", "abcdefgX", "abcdefgh", "abcdefgh", NULL };
  g_autoptr (TkePrompter) p = tke_prompter_new_scripted (answers);
  g_autoptr (GError) error = NULL;
  g_autoptr (OtkSecretStr) pw = tke_prompter_ask_new_password (p, "a file", 8, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (pw, ==, "abcdefgh");
  g_assert_nonnull (strstr (tke_prompter_scripted_get_transcript (p), "shorter than 8"));
  g_assert_nonnull (strstr (tke_prompter_scripted_get_transcript (p), "not the same"));
  /* Secrets never reach the transcript. */
  g_assert_null (strstr (tke_prompter_scripted_get_transcript (p), "abcdefgh"));
  g_assert_cmpuint (tke_prompter_scripted_get_unused (p), ==, 0);
}

static void
test_prompter_choose (void)
{
  const char *answers[] = { "5", "1 1", "3 1", NULL };
  const char *items[] = { "a", "b", "c" };
  g_autoptr (TkePrompter) p = tke_prompter_new_scripted (answers);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) chosen = tke_prompter_choose (p, "Which", items, 3, 1, 3, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (chosen->len, ==, 2);
  g_assert_cmpuint (g_array_index (chosen, guint, 0), ==, 2);
  g_assert_cmpuint (g_array_index (chosen, guint, 1), ==, 0);
}

static void
test_prompter_yes_and_eof (void)
{
  const char *answers[] = { "typed", NULL };
  g_autoptr (TkePrompter) p = tke_prompter_new_scripted (answers);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *more = NULL;

  p->assume_yes = TRUE;
  g_assert_true (tke_prompter_confirm (p, "Sure?", &error));
  g_assert_no_error (error);
  text = tke_prompter_ask_text (p, "Name:", &error);
  g_assert_cmpstr (text, ==, "typed");
  more = tke_prompter_ask_text (p, "More:", &error);
  g_assert_null (more);
  g_assert_error (error, TKE_ERROR, TKE_ERROR_CANCELLED);
}

static void
test_prompter_confirm_no (void)
{
  const char *answers[] = { "", NULL };
  g_autoptr (TkePrompter) p = tke_prompter_new_scripted (answers);
  g_autoptr (GError) error = NULL;

  g_assert_false (tke_prompter_confirm (p, "Sure?", &error));
  g_assert_error (error, TKE_ERROR, TKE_ERROR_CANCELLED);
}

static void
test_workstation_state (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->home, "ws", NULL);
  const char *units[] = { "local/aa", "local/bb", NULL };
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) got = NULL;
  TkeWorkstation *ws = tke_workstation_open (dir, &error);

  g_assert_no_error (error);
  tke_workstation_set_selected_units (ws, units);
  tke_workstation_set_target (ws, "https://h:1", "/c", "ab");
  g_assert_true (tke_workstation_save (ws, &error));
  tke_workstation_free (ws);

  ws = tke_workstation_open (dir, &error);
  g_assert_no_error (error);
  got = tke_workstation_get_selected_units (ws);
  g_assert_cmpstrv (got, units);
  g_assert_cmpstr (tke_workstation_get_target_url (ws), ==, "https://h:1");
  g_assert_cmpstr (tke_workstation_get_target_fingerprint (ws), ==, "ab");
  tke_workstation_set_target (ws, NULL, NULL, NULL);
  g_assert_null (tke_workstation_get_target_url (ws));
  tke_workstation_free (ws);
}

int
main (int argc, char **argv)
{
  const char *builddir;

  g_test_init (&argc, &argv, NULL);
  /* No system proxy lookup for the loopback cryptounitd: libproxy throws C++
   * exceptions inside, which AddressSanitizer's interceptor aborts on. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  builddir = g_getenv ("G_TEST_BUILDDIR");
  tkectl_path
      = g_build_filename (builddir ? builddir : ".", "..", "tke-app", "cli", "tkectl", NULL);

  g_test_add_func ("/ceremony/core/prompter-new-password", test_prompter_new_password);
  g_test_add_func ("/ceremony/core/prompter-choose", test_prompter_choose);
  g_test_add_func ("/ceremony/core/prompter-yes-and-end-of-input", test_prompter_yes_and_eof);
  g_test_add_func ("/ceremony/core/prompter-confirm-default-no", test_prompter_confirm_no);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/ceremony/core/workstation-state", test_workstation_state);
  ADD ("/ceremony/core/tkectl-usage", test_usage);
  ADD ("/ceremony/core/offline-key-files", test_offline_key_files);
  ADD ("/ceremony/flows/seed002-key-part-files", test_seed002);
  ADD ("/ceremony/refuse/wrong-file-password", test_wrong_file_password);
  ADD ("/ceremony/refuse/one-key-part", test_one_key_part);
  ADD ("/ceremony/refuse/commit-before-load", test_commit_before_load);
  ADD ("/ceremony/refuse/setimm-before-commit", test_setimm_before_commit);
  ADD ("/ceremony/refuse/setimm-declined", test_setimm_declined);
  ADD ("/ceremony/refuse/threshold-above-admins", test_threshold_above_admins);
  ADD ("/ceremony/refuse/non-admin-signature", test_non_admin_signature);
  ADD ("/ceremony/refuse/new-password-twice", test_new_password_twice);
  ADD ("/ceremony/flows/keyfile-modes", test_keyfile_modes);
  ADD ("/ceremony/flows/selection-warning", test_selection_warning);
  ADD ("/ceremony/flows/compare-differ", test_compare_differ);
  ADD ("/ceremony/flows/auto-init-and-rotate", test_auto_init_and_rotate);
  ADD ("/ceremony/flows/failover-enable", test_failover_enable);
  test_ceremony_add_card_tests ();
  ADD ("/ceremony/remote/target-cryptounitd", test_remote_target);
  return g_test_run ();
}
