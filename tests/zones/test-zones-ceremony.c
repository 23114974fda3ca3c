/* The ceremony over a service instance split over three availability
 * zones, as a security officer lives it: a target with three URLs, "add
 * administrator" on every unit, zone 3's cryptounitd stopped between two
 * units, the report of which units changed and which did not, zone 3 back,
 * and the compare (ceremony core and tkectl cryptounit-compare) showing the
 * difference.
 *
 * Usage: test-zones-ceremony [--tap] PATH-TO-CRYPTOUNITD PATH-TO-TKECTL */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <string.h>

#include "daemon-harness.h"
#include "opentke-common.h"
#include "tke-core.h"

#define N_ZONES  3
#define PASSWORD "alice-password"

static char *tkectl_path;

/* A prompter that answers from a script and stops zone 3's daemon when the
 * first unit reports "done": deterministically between two units. */
typedef struct
{
  TkePrompter parent;
  TkePrompterVTable vtable;
  TkePrompter *inner; /* the scripted prompter */
  TestDaemon *stop_after_first_done;
  gboolean stopped;
  GString *messages;
} StoppingPrompter;

static char *
stopping_ask_text (TkePrompter *p, const char *question, GError **error)
{
  TkePrompter *inner = ((StoppingPrompter *)p)->inner;
  return inner->vtable->ask_text (inner, question, error);
}

static OtkSecretStr *
stopping_ask_secret (TkePrompter *p, const char *question, GError **error)
{
  TkePrompter *inner = ((StoppingPrompter *)p)->inner;
  return inner->vtable->ask_secret (inner, question, error);
}

static GArray *
stopping_choose (TkePrompter *p, const char *question, const char *const *items, guint n, guint min,
                 guint max, GError **error)
{
  TkePrompter *inner = ((StoppingPrompter *)p)->inner;
  return inner->vtable->choose (inner, question, items, n, min, max, error);
}

static gboolean
stopping_confirm (TkePrompter *p, const char *question, GError **error)
{
  TkePrompter *inner = ((StoppingPrompter *)p)->inner;
  return inner->vtable->confirm (inner, question, error);
}

static void
stopping_progress (TkePrompter *p, const char *what, guint done, guint total)
{
}

static void
stopping_message (TkePrompter *p, TkeMessageKind kind, const char *text)
{
  StoppingPrompter *self = (StoppingPrompter *)p;

  g_string_append_printf (self->messages, "%s\n", text);
  if (self->stop_after_first_done != NULL && !self->stopped && g_str_has_suffix (text, ": done."))
    {
      test_daemon_stop (self->stop_after_first_done);
      self->stopped = TRUE;
    }
}

static void
stopping_free (TkePrompter *p)
{
  StoppingPrompter *self = (StoppingPrompter *)p;

  tke_prompter_free (self->inner);
  g_string_free (self->messages, TRUE);
  g_free (self);
}

static StoppingPrompter *
stopping_prompter_new (const char *const *answers)
{
  StoppingPrompter *self = g_new0 (StoppingPrompter, 1);

  self->inner = tke_prompter_new_scripted (answers);
  self->vtable = *self->inner->vtable;
  self->vtable.ask_text = stopping_ask_text;
  self->vtable.ask_secret = stopping_ask_secret;
  self->vtable.choose = stopping_choose;
  self->vtable.confirm = stopping_confirm;
  self->vtable.card = NULL;
  self->vtable.pin_pad = NULL;
  self->vtable.progress = stopping_progress;
  self->vtable.message = stopping_message;
  self->vtable.free = stopping_free;
  self->parent.vtable = &self->vtable;
  self->messages = g_string_new (NULL);
  return self;
}

/* Runs tkectl ARGS... (NULL-terminated) on the workstation in @home;
 * returns the exit status, stdout and stderr. */
static int
run_tkectl (const char *home, char **out, char **err, ...)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, tkectl_path);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLOUDTKEFILES");
  /* LeakSanitizer cannot scan GIO's TLS module at exit (see tests/ceremony). */
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* Runs "tkectl --output json VERB" on the workstation in @home. */
static JsonNode *
tkectl_json (const char *home, const char *verb)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonNode *node;

  if (run_tkectl (home, &out, &err, "--output", "json", verb, NULL) != 0)
    g_error ("tkectl %s failed: %s", verb, err);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  return node;
}

/* tkectl target with one URL and fingerprint per zone: shown per zone,
 * in text and JSON; counts that do not fit are refused and change nothing. */
static void
test_tkectl_target (void)
{
  g_autofree char *home = g_dir_make_tmp ("test-zones-target-XXXXXX", NULL);
  g_autofree char *cred = g_build_filename (home, "demo.cred", NULL);
  const char *fp[3] = { "1111111111111111111111111111111111111111111111111111111111111111",
                        "2222222222222222222222222222222222222222222222222222222222222222",
                        "3333333333333333333333333333333333333333333333333333333333333333" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) shown = NULL;
  JsonObject *o;

  g_assert_cmpint (run_tkectl (home, &out, &err, "target", "--url", "https://127.0.0.1:8441",
                               "--url", "https://127.0.0.1:8442", "--url", "https://127.0.0.1:8443",
                               "--credential-file", cred, "--fingerprint", fp[0], "--fingerprint",
                               fp[1], "--fingerprint", fp[2], NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "TARGET: zone 1 https://127.0.0.1:8441\n"
                                 "TARGET: zone 2 https://127.0.0.1:8442\n"
                                 "TARGET: zone 3 https://127.0.0.1:8443\n"));
  g_assert_nonnull (strstr (out, "FINGERPRINT: zone 3 3333"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Two URLs, one fingerprint: refused, the three zones stay. */
  g_assert_cmpint (run_tkectl (home, &out, &err, "target", "--url", "https://127.0.0.1:9441",
                               "--url", "https://127.0.0.1:9442", "--credential-file", cred,
                               "--fingerprint", fp[0], NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "2 --url but 1 --fingerprint"));
  shown = tkectl_json (home, "target");
  o = json_node_get_object (shown);
  g_assert_cmpstr (json_object_get_string_member (o, "url"), ==, "https://127.0.0.1:8441");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "urls")), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "urls"), 2), ==,
                   "https://127.0.0.1:8443");
  g_assert_cmpstr (
      json_array_get_string_element (json_object_get_array_member (o, "fingerprints"), 1), ==,
      fp[1]);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* One URL: the text of a target that is not split. */
  g_assert_cmpint (run_tkectl (home, &out, &err, "target", "--url", "https://127.0.0.1:8441",
                               "--credential-file", cred, "--fingerprint", fp[0], NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "TARGET: https://127.0.0.1:8441\n"));
  g_assert_null (strstr (out, "TARGET: zone"));
  otk_remove_tree (home);
}

static void
test_add_admin_with_zone_stopped (void)
{
  g_autofree char *root = g_dir_make_tmp ("test-zones-ceremony-XXXXXX", NULL);
  g_autofree char *home = g_build_filename (root, "home", NULL);
  g_autofree char *data_dir = g_build_filename (home, "opentke", NULL);
  g_autofree char *cred_file = g_build_filename (root, "demo.cred", NULL);
  g_autofree char *cred_text = NULL;
  g_autofree char *credential = NULL;
  g_auto (GStrv) fps = NULL;
  TestDaemon *daemon[N_ZONES] = { NULL };
  const char *urls[N_ZONES + 1] = { NULL };
  g_autoptr (TkeWorkstation) ws = NULL;
  g_autoptr (TkeCeremony) c = NULL;
  g_autoptr (TkeCeremony) after = NULL;
  g_autoptr (GPtrArray) states = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) compare = NULL;
  StoppingPrompter *prompter = NULL;
  const char *keyfile_answers[] = { "alice", PASSWORD, PASSWORD, NULL };
  const char *admin_answers[] = { "1", PASSWORD, NULL };
  guint nums[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  g_autofree char *unreachable = NULL;
  guint16 port3;
  GPtrArray *units;
  JsonArray *compared;

  g_assert_nonnull (root);
  credential = test_daemon_init_zones (root, "demo", 6, 2, N_ZONES, &fps);
  cred_text = g_strdup_printf ("instance demo\ncredential %s\n", credential);
  g_assert_true (g_file_set_contents_full (cred_file, cred_text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0600, &error));
  for (guint z = 0; z < N_ZONES; z++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/zone-%u", root, z + 1);

      daemon[z] = test_daemon_start (dir, 0);
      urls[z] = daemon[z]->base_url;
    }
  port3 = daemon[2]->port;
  unreachable = g_strdup_printf ("availability zone 3 (%s) is unreachable", urls[2]);

  /* The workstation's target: three URLs and fingerprints, in zone order. */
  /* $XDG_DATA_HOME/opentke, where tkectl finds it too. */
  ws = tke_workstation_open (data_dir, &error);
  g_assert_no_error (error);
  {
    const char *two[] = { urls[0], urls[1], NULL };

    /* The counts must match. */
    g_assert_false (
        tke_workstation_set_target_zones (ws, two, cred_file, (const char *const *)fps, &error));
    g_assert_error (error, TKE_ERROR, TKE_ERROR_CONFIG);
    g_clear_error (&error);
  }
  g_assert_true (
      tke_workstation_set_target_zones (ws, urls, cred_file, (const char *const *)fps, &error));
  g_assert_no_error (error);
  g_assert_true (tke_workstation_save (ws, &error));

  /* A signature key file for alice, and every unit selected. */
  prompter = stopping_prompter_new (keyfile_answers);
  c = tke_ceremony_new (ws, &prompter->parent, &error);
  g_assert_no_error (error);
  g_assert_true (tke_ceremony_sigkey_add (c, &error));
  g_assert_no_error (error);
  units = tke_ceremony_get_units (c);
  g_assert_cmpuint (units->len, ==, 8);
  for (guint i = 0; i < units->len; i++)
    {
      const TkeUnit *u = g_ptr_array_index (units, i);
      guint zone = (u->index - 1) % N_ZONES + 1;
      g_autofree char *where = g_strdup_printf ("[zone %u %s].[demo].[%s-%u]", zone, urls[zone - 1],
                                                tke_unit_kind_to_string (u->kind), u->index);

      /* Each unit's location names its zone. */
      g_assert_cmpstr (u->location, ==, where);
    }
  g_assert_true (tke_ceremony_set_selection (c, nums, G_N_ELEMENTS (nums), &error));
  g_assert_no_error (error);
  g_clear_pointer (&c, tke_ceremony_free);
  tke_prompter_free (&prompter->parent);

  /* Add alice to every unit; zone 3 stops after the first unit is done. */
  prompter = stopping_prompter_new (admin_answers);
  c = tke_ceremony_new (ws, &prompter->parent, &error);
  g_assert_no_error (error);
  prompter->stop_after_first_done = daemon[2];
  g_assert_false (tke_ceremony_admin_add (c, FALSE, &error));
  g_assert_true (prompter->stopped);
  g_assert_error (error, TKE_ERROR, TKE_ERROR_PARTIAL);
  g_assert_nonnull (strstr (error->message, "done on 6 crypto units, failed on 2"));
  g_clear_error (&error);
  /* What the officer reads: which units changed and which did not. */
  units = tke_ceremony_get_units (c);
  g_assert_cmpuint (units->len, ==, 8);
  for (guint i = 0; i < units->len; i++)
    {
      const TkeUnit *u = g_ptr_array_index (units, i);
      g_autofree char *head
          = g_strdup_printf ("Crypto unit %u (%s %u): add administrator: ", u->num,
                             tke_unit_kind_to_string (u->kind), u->index);
      g_autofree char *done = g_strconcat (head, "done.\n", NULL);
      g_autofree char *failed = g_strconcat (head, "FAILED: ", unreachable, NULL);
      gboolean in_zone3 = (u->index - 1) % N_ZONES == 2;

      g_assert_cmpint (strstr (prompter->messages->str, done) != NULL, ==, !in_zone3);
      g_assert_cmpint (strstr (prompter->messages->str, failed) != NULL, ==, in_zone3);
    }
  g_clear_pointer (&c, tke_ceremony_free);
  tke_prompter_free (&prompter->parent);

  /* Zone 3 back on the same state and port. */
  {
    g_autofree char *dir3 = g_strdup_printf ("%s/zone-3", root);

    test_daemon_free (daemon[2]);
    daemon[2] = test_daemon_start (dir3, port3);
    urls[2] = daemon[2]->base_url;
  }

  /* The compare of the ceremony core: the units of zone 3 lack alice. */
  prompter = stopping_prompter_new (NULL);
  after = tke_ceremony_new (ws, &prompter->parent, &error);
  g_assert_no_error (error);
  states = tke_ceremony_get_selected_states (after, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (states->len, ==, 8);
  g_assert_true (tke_unit_states_differ (states));
  for (guint i = 0; i < states->len; i++)
    {
      const CuUnitState *st = g_ptr_array_index (states, i);

      g_assert_cmpuint (st->n_admins, ==, st->info.zone == 3 ? 0 : 1);
      if (st->n_admins == 1)
        g_assert_cmpstr (st->admins[0].name, ==, "alice");
    }

  /* The same through tkectl cryptounit-compare, as the officer runs it. */
  compare = tkectl_json (home, "cryptounit-compare");
  g_assert_true (
      json_object_get_boolean_member (json_node_get_object (compare), "configured_differently"));
  compared = json_object_get_array_member (json_node_get_object (compare), "crypto_units");
  g_assert_cmpuint (json_array_get_length (compared), ==, 8);
  for (guint i = 0; i < json_array_get_length (compared); i++)
    {
      JsonObject *o = json_array_get_object_element (compared, i);
      guint num = (guint)json_object_get_int_member (o, "crypto_unit_num");
      /* Units 3 and 6 are operational 3 and 6: zone 3. */
      guint expected = num == 3 || num == 6 ? 0 : 1;

      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "administrators")),
                        ==, expected);
    }

  g_clear_pointer (&after, tke_ceremony_free);
  tke_prompter_free (&prompter->parent);
  for (guint z = 0; z < N_ZONES; z++)
    {
      test_daemon_stop (daemon[z]);
      test_daemon_free (daemon[z]);
    }
  g_clear_pointer (&ws, tke_workstation_free);
  otk_remove_tree (root);
}

int
main (int argc, char **argv)
{
  g_autofree char *tmp = NULL;
  int rc;

  tmp = test_daemon_main_init (&argc, &argv, 2, " PATH-TO-TKECTL", "test-zones-env");
  tkectl_path = argv[2];
  /* Key files cheap to open: the KDF is not what is tested. */
  g_setenv ("OPENTKE_KEYFILE_KDF_LOG2N", "10", TRUE);
  g_unsetenv ("CLOUDTKEFILES");

  g_test_add_func ("/zones/ceremony/tkectl-target", test_tkectl_target);
  g_test_add_func ("/zones/ceremony/add-admin-with-zone-stopped", test_add_admin_with_zone_stopped);
  rc = g_test_run ();
  otk_remove_tree (tmp);
  return rc;
}
