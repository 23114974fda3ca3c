/* bench-ceremony: the full key-part-file ceremony (seed 002) on a service
 * instance of 6 operational + 2 recovery crypto units, through the ceremony
 * core, and prints wall time per step, signatures, signed commands, APDUs and
 * PIN entries.  Key files use the default scrypt cost and the units sync to
 * disk, as on a real workstation.
 *
 *   bench-ceremony [--cost-log2n N]   (N 10..17: cheaper key files) */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "tke-core.h"

#define N_OPERATIONAL 6
#define N_RECOVERY    2

typedef gboolean (*Step) (TkeCeremony *c, GError **error);

static gboolean
step_select_all (TkeCeremony *c, GError **error)
{
  GPtrArray *units = tke_ceremony_get_units (c);
  g_autofree guint *nums = g_new (guint, units->len);

  for (guint i = 0; i < units->len; i++)
    nums[i] = i + 1;
  return tke_ceremony_set_selection (c, nums, units->len, error);
}

static gboolean
step_sigkey_add (TkeCeremony *c, GError **error)
{
  return tke_ceremony_sigkey_add (c, error);
}

static gboolean
step_sigkey_sel (TkeCeremony *c, GError **error)
{
  return tke_ceremony_sigkey_select (c, error);
}

static gboolean
step_admin_add (TkeCeremony *c, GError **error)
{
  return tke_ceremony_admin_add (c, FALSE, error);
}

static gboolean
step_mk_add (TkeCeremony *c, GError **error)
{
  return tke_ceremony_mk_add (c, FALSE, error);
}

static gboolean
step_mk_load (TkeCeremony *c, GError **error)
{
  return tke_ceremony_mk_load (c, FALSE, error);
}

static const struct
{
  const char *name;
  Step run;
} steps[] = {
  { "sigkey-add alice", step_sigkey_add },
  { "sigkey-add bob", step_sigkey_add },
  { "sigkey-sel", step_sigkey_sel },
  { "cryptounit-add (all 8)", step_select_all },
  { "cryptounit-admin-add alice", step_admin_add },
  { "cryptounit-admin-add bob", step_admin_add },
  { "cryptounit-thrhld-set 2 2", tke_ceremony_set_thresholds },
  { "mk-add --random x1", step_mk_add },
  { "mk-add --random x2", step_mk_add },
  { "mk-add --random x3", step_mk_add },
  { "cryptounit-mk-load", step_mk_load },
  { "cryptounit-mk-commit", tke_ceremony_mk_commit },
  { "cryptounit-mk-setimm", tke_ceremony_mk_set_immediate },
};

/* Every answer of the ceremony, in order; signature keys are opened once
 * and stay open for the session, as in the TKE application. */
static const char *answers[] = {
  "alice",
  "alice-password",
  "alice-password", /* sigkey-add */
  "bob",
  "bob-password",
  "bob-password", /* sigkey-add */
  "1 2",
  "alice-password",
  "bob-password", /* sigkey-sel */
  "1",
  "alice-password", /* admin-add alice */
  "2",
  "bob-password", /* admin-add bob */
  "2",
  "2", /* thresholds (signed: keys open) */
  "part 1",
  "part-one-password",
  "part-one-password", /* mk-add */
  "part 2",
  "part-two-password",
  "part-two-password", /* mk-add */
  "part 3",
  "part-three-password",
  "part-three-password", /* mk-add */
  "1 2 3",
  "part-one-password",
  "part-two-password",
  "part-three-password", /* load */
  "y",                   /* set immediate */
  NULL,
};

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("bench-ceremony-XXXXXX", &error);
  g_autofree char *data_dir = NULL;
  g_autofree char *local_dir = NULL;
  g_autoptr (TkePrompter) prompter = NULL;
  g_autoptr (TkeWorkstation) ws = NULL;
  g_autoptr (TkeCeremony) c = NULL;
  CuEngine *engine;
  TkeStats stats;
  gint64 t0, total;

  if (!home)
    g_error ("%s", error->message);
  if (argc == 3 && strcmp (argv[1], "--cost-log2n") == 0)
    g_setenv ("OPENTKE_KEYFILE_KDF_LOG2N", argv[2], TRUE);
  g_unsetenv ("CLOUDTKEFILES");
  data_dir = g_build_filename (home, "opentke", NULL);
  local_dir = g_build_filename (data_dir, "local", NULL);

  /* The instance of the bench: 6 operational units instead of the default 2. */
  engine = cu_engine_open (local_dir, &error);
  if (!engine || !cu_engine_create_instance (engine, "local", N_OPERATIONAL, 0, N_RECOVERY, &error))
    g_error ("%s", error->message);
  cu_engine_free (engine);

  prompter = tke_prompter_new_scripted (answers);
  ws = tke_workstation_open (data_dir, &error);
  if (!ws || !(c = tke_ceremony_new (ws, prompter, &error)))
    g_error ("%s", error->message);

  printf ("Key ceremony with key part files: %u operational + %u recovery crypto units, "
          "scrypt cost %s\n\n",
          N_OPERATIONAL, N_RECOVERY,
          g_getenv ("OPENTKE_KEYFILE_KDF_LOG2N") ? g_getenv ("OPENTKE_KEYFILE_KDF_LOG2N")
                                                 : "default (2^17)");
  printf ("%-30s %10s\n", "STEP", "WALL (ms)");
  total = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      t0 = g_get_monotonic_time ();
      if (!steps[i].run (c, &error))
        {
          fprintf (stderr, "%s failed: %s\n%s", steps[i].name, error->message,
                   tke_prompter_scripted_get_transcript (prompter));
          return 1;
        }
      printf ("%-30s %10.1f\n", steps[i].name, (g_get_monotonic_time () - t0) / 1000.0);
    }
  total = g_get_monotonic_time () - total;
  tke_ceremony_get_stats (c, &stats);
  printf ("\n%-30s %10.1f\n", "total", total / 1000.0);
  printf ("signed commands sent          %10u\n", stats.commands);
  printf ("signatures                    %10u\n", stats.signatures);
  printf ("card APDUs                    %10u   (key files: no card)\n", stats.apdus);
  printf ("PIN entries                   %10u   (key files: passwords instead)\n",
          stats.pin_entries);
  g_clear_pointer (&c, tke_ceremony_free);
  g_clear_pointer (&ws, tke_workstation_free);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", home);
    if (system (cmd) != 0)
      fprintf (stderr, "could not remove %s\n", home);
  }
  return 0;
}
