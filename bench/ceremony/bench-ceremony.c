/* bench-ceremony: the full key ceremony on a service instance of 6
 * operational + 2 recovery crypto units, through the ceremony core, one step
 * at a time as tkectl runs them (each step its own session), printing the
 * wall time of each step and the totals of signed commands, signatures, card
 * APDUs and PIN entries.
 *
 *   bench-ceremony [--cards [--pcsc]] [--cost-log2n N]
 *                  [--target URL CREDENTIAL_FILE FINGERPRINT]
 *
 * Without --cards: the key-part-file ceremony of seed 002 (key files at the
 * default scrypt cost unless --cost-log2n).  With --cards: the smart card
 * ceremony of seed 003 on a virtual card deck read in process (a CA card, two
 * admin cards, three key part cards; zone set-up included), a PIN entered once
 * per card insertion.  The units are local (6 operational + 2 recovery, made
 * by the bench) and sync to disk, or with --target those of a cryptounitd.
 * --pcsc reads the cards through PC/SC instead of in process: run it inside
 * tests/pcscd/with-pcscd.sh, which serves the deck $OPENTKE_DECK. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "tke-core.h"
#include "tke-deck-person.h"

#define N_OPERATIONAL 6
#define N_RECOVERY    2
#define MAX_ANSWERS   16

typedef gboolean (*StepFunc) (TkeCeremony *c, GError **error);

typedef struct
{
  const char *name;
  StepFunc run;
  const char *answers[MAX_ANSWERS];
} Step;

static gboolean
select_all (TkeCeremony *c, GError **error)
{
  GPtrArray *units = tke_ceremony_get_units (c);
  g_autofree guint *nums = g_new (guint, units->len);

  for (guint i = 0; i < units->len; i++)
    nums[i] = i + 1;
  return tke_ceremony_set_selection (c, nums, units->len, error);
}

static gboolean
admin_add_file (TkeCeremony *c, GError **error)
{
  return tke_ceremony_admin_add (c, FALSE, error);
}

static gboolean
admin_add_card (TkeCeremony *c, GError **error)
{
  return tke_ceremony_admin_add (c, TRUE, error);
}

static gboolean
mk_add_random (TkeCeremony *c, GError **error)
{
  return tke_ceremony_mk_add (c, FALSE, error);
}

static gboolean
mk_load_files (TkeCeremony *c, GError **error)
{
  return tke_ceremony_mk_load (c, FALSE, error);
}

static gboolean
mk_load_cards (TkeCeremony *c, GError **error)
{
  return tke_ceremony_mk_load (c, TRUE, error);
}

#define PA "alice-password"
#define PB "bob-password"

static const Step file_steps[] = {
  { "sigkey-add alice", tke_ceremony_sigkey_add, { "alice", PA, PA } },
  { "sigkey-add bob", tke_ceremony_sigkey_add, { "bob", PB, PB } },
  { "sigkey-sel", tke_ceremony_sigkey_select, { "1 2", PA, PB } },
  { "cryptounit-add (all 8)", select_all, { NULL } },
  { "cryptounit-admin-add alice", admin_add_file, { "1", PA } },
  { "cryptounit-admin-add bob", admin_add_file, { "2", PB } },
  { "cryptounit-thrhld-set 2 2", tke_ceremony_set_thresholds, { "2", "2", PA, PB } },
  { "mk-add --random 1", mk_add_random, { "part 1", "part-1-pass", "part-1-pass" } },
  { "mk-add --random 2", mk_add_random, { "part 2", "part-2-pass", "part-2-pass" } },
  { "mk-add --random 3", mk_add_random, { "part 3", "part-3-pass", "part-3-pass" } },
  { "cryptounit-mk-load",
    mk_load_files,
    { "1 2 3", "part-1-pass", "part-2-pass", "part-3-pass", PA } },
  { "cryptounit-mk-commit", tke_ceremony_mk_commit, { PA, PB } },
  { "cryptounit-mk-setimm", tke_ceremony_mk_set_immediate, { "y", PA } },
};

static const Step card_steps[] = {
  { "ca-init", tke_ceremony_ca_init, { "ca", "Bench zone", "CA card" } },
  { "ep11-init admin1", tke_ceremony_ep11_init, { "ca", "admin1" } },
  { "ep11-personalize admin1", tke_ceremony_ep11_personalize, { "admin1", "admin1" } },
  { "ep11-init admin2", tke_ceremony_ep11_init, { "ca", "admin2" } },
  { "ep11-personalize admin2", tke_ceremony_ep11_personalize, { "admin2", "admin2" } },
  { "ep11-init part1", tke_ceremony_ep11_init, { "ca", "part1" } },
  { "ep11-personalize part1", tke_ceremony_ep11_personalize, { "part1", "part1" } },
  { "ep11-init part2", tke_ceremony_ep11_init, { "ca", "part2" } },
  { "ep11-personalize part2", tke_ceremony_ep11_personalize, { "part2", "part2" } },
  { "ep11-init part3", tke_ceremony_ep11_init, { "ca", "part3" } },
  { "ep11-personalize part3", tke_ceremony_ep11_personalize, { "part3", "part3" } },
  { "card-sigkey-gen admin1", tke_ceremony_card_sigkey_gen, { "admin1", "admin1" } },
  { "card-sigkey-gen admin2", tke_ceremony_card_sigkey_gen, { "admin2", "admin2" } },
  { "card-mk-gen part1", tke_ceremony_card_mk_gen, { "part1", "part 1" } },
  { "card-mk-gen part2", tke_ceremony_card_mk_gen, { "part2", "part 2" } },
  { "card-mk-gen part3", tke_ceremony_card_mk_gen, { "part3", "part 3" } },
  { "cryptounit-add (all 8)", select_all, { NULL } },
  { "cryptounit-admin-add --card 1", admin_add_card, { "admin1" } },
  { "cryptounit-admin-add --card 2", admin_add_card, { "admin2" } },
  { "cryptounit-thrhld-set 2 2",
    tke_ceremony_set_thresholds,
    { "2", "2", "admin1", "-", "admin2" } },
  { "cryptounit-mk-load --card",
    mk_load_cards,
    { "3", "part1", "1", "-", "part2", "1", "-", "part3", "1", "-", "admin1" } },
  { "cryptounit-mk-commit --card", tke_ceremony_mk_commit, { "admin1", "-", "admin2" } },
  { "cryptounit-mk-setimm --card", tke_ceremony_mk_set_immediate, { "y", "admin1" } },
};

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("bench-ceremony-XXXXXX", &error);
  g_autofree char *data_dir = NULL, *local_dir = NULL, *deck_dir = NULL;
  g_autoptr (TkeWorkstation) ws = NULL;
  g_autoptr (TkeDeckPerson) person = NULL;
  gboolean cards = FALSE, pcsc = FALSE;
  const char *url = NULL, *cred = NULL, *fingerprint = NULL;
  const Step *steps;
  guint n_steps;
  TkeStats total_stats = { 0 };
  CuEngine *engine;
  gint64 total;

  if (!home)
    g_error ("%s", error->message);
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--cards") == 0)
      cards = TRUE;
    else if (strcmp (argv[i], "--pcsc") == 0)
      pcsc = TRUE;
    else if (strcmp (argv[i], "--target") == 0 && i + 3 < argc)
      {
        url = argv[++i];
        cred = argv[++i];
        fingerprint = argv[++i];
      }
    else if (strcmp (argv[i], "--cost-log2n") == 0 && i + 1 < argc)
      g_setenv ("OPENTKE_KEYFILE_KDF_LOG2N", argv[++i], TRUE);
  g_unsetenv ("CLOUDTKEFILES");
  data_dir = g_build_filename (home, "opentke", NULL);
  local_dir = g_build_filename (data_dir, "local", NULL);
  deck_dir = pcsc && g_getenv ("OPENTKE_DECK") ? g_strdup (g_getenv ("OPENTKE_DECK"))
                                               : g_build_filename (data_dir, "deck", NULL);
  steps = cards ? card_steps : file_steps;
  n_steps = cards ? G_N_ELEMENTS (card_steps) : G_N_ELEMENTS (file_steps);

  /* The instance of the bench: 6 operational units instead of the default 2. */
  if (!url)
    {
      engine = cu_engine_open (local_dir, &error);
      if (!engine
          || !cu_engine_create_instance (engine, "local", N_OPERATIONAL, 0, N_RECOVERY, &error))
        g_error ("%s", error->message);
      cu_engine_free (engine);
    }
  ws = tke_workstation_open (data_dir, &error);
  if (!ws)
    g_error ("%s", error->message);
  if (url)
    tke_workstation_set_target (ws, url, cred, fingerprint);
  if (cards)
    {
      const char *names[] = { "ca", "admin1", "admin2", "part1", "part2", "part3" };
      g_mkdir_with_parents (deck_dir, 0700);
      if (!pcsc)
        g_setenv ("OPENTKE_CARD_BACKEND", "virtual", TRUE);
      g_setenv ("OPENTKE_DECK", deck_dir, TRUE);
      person = tke_deck_person_new (deck_dir, &error);
      for (guint i = 0; person && i < G_N_ELEMENTS (names); i++)
        if (!tke_deck_person_new_card (person, names[i], &error))
          break;
      if (error)
        g_error ("%s", error->message);
    }

  printf ("Key ceremony with %s, crypto units %s%s\n\n",
          cards ? (pcsc ? "smart cards (virtual deck through PC/SC)"
                        : "smart cards (virtual deck, in process)")
                : "key part files",
          url ? url : "local (6 operational + 2 recovery)",
          cards ? "" : "; key files at the scrypt cost of OPENTKE_KEYFILE_KDF_LOG2N or 2^17");
  printf ("%-32s %10s %6s %6s %6s\n", "STEP", "WALL (ms)", "SIGS", "APDUS", "PINS");
  total = g_get_monotonic_time ();
  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr (TkePrompter) p = tke_prompter_new_scripted (steps[i].answers);
      g_autoptr (TkeCeremony) c = NULL;
      TkeStats stats;
      gint64 t0 = g_get_monotonic_time ();

      if (person)
        tke_deck_person_attach (person, p);
      c = tke_ceremony_new (ws, p, &error);
      if (c)
        tke_ceremony_set_sign_with_cards (c, cards);
      if (!c || !steps[i].run (c, &error))
        {
          fprintf (stderr, "%s failed: %s\n%s", steps[i].name, error->message,
                   tke_prompter_scripted_get_transcript (p));
          return 1;
        }
      tke_ceremony_get_stats (c, &stats);
      g_clear_pointer (&c, tke_ceremony_free);
      if (person)
        tke_deck_person_empty_readers (person);
      printf ("%-32s %10.1f %6u %6u %6u\n", steps[i].name, (g_get_monotonic_time () - t0) / 1000.0,
              stats.signatures, stats.apdus, stats.pin_entries);
      total_stats.signatures += stats.signatures;
      total_stats.apdus += stats.apdus;
      total_stats.pin_entries += stats.pin_entries;
      total_stats.commands += stats.commands;
    }
  total = g_get_monotonic_time () - total;
  printf ("\n%-32s %10.1f %6u %6u %6u\n", "total", total / 1000.0, total_stats.signatures,
          total_stats.apdus, total_stats.pin_entries);
  printf ("signed commands sent to units: %u\n", total_stats.commands);
  g_clear_pointer (&ws, tke_workstation_free);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", home);
    if (system (cmd) != 0)
      fprintf (stderr, "could not remove %s\n", home);
  }
  return 0;
}
