/* test-ceremony-cards.c: the smart card ceremony of seed 003 through the
 * ceremony core, on a virtual card deck read in process.  A TkeDeckPerson
 * plays the person at the readers: a card request is answered with the name
 * of the card to insert, a PIN-pad notice types that card's PIN. */
#include <glib/gstdio.h>
#include <string.h>

#include "test-ceremony.h"
#include "tke-deck-person.h"

typedef struct
{
  char *home;
  char *deck;
  TkeWorkstation *ws;
  TkeDeckPerson *person;
} Deck;

typedef gboolean (*StepFunc) (TkeCeremony *c, GError **error);

/* One step, as one tkectl command: its own prompter and ceremony; both
 * readers are emptied afterwards. */
static gboolean
step (Deck *d, StepFunc fn, const char *const *answers, GError **error)
{
  g_autoptr (TkePrompter) p = tke_prompter_new_scripted (answers);
  g_autoptr (TkeCeremony) c = NULL;
  gboolean ok;

  tke_deck_person_attach (d->person, p);
  c = tke_ceremony_new (d->ws, p, error);
  if (!c)
    return FALSE;
  tke_ceremony_set_sign_with_cards (c, TRUE);
  ok = fn (c, error);
  if (g_test_verbose ())
    g_test_message ("%s", tke_prompter_scripted_get_transcript (p));
  g_clear_pointer (&c, tke_ceremony_free);
  tke_deck_person_empty_readers (d->person);
  return ok;
}

#define STEP_OK(d, fn, ...)                                                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    const char *answers_[] = { __VA_ARGS__, NULL };                                                \
    g_autoptr (GError) error_ = NULL;                                                              \
    step ((d), (fn), answers_, &error_);                                                           \
    g_assert_no_error (error_);                                                                    \
  }                                                                                                \
  G_STMT_END

static gboolean
admin_add_card (TkeCeremony *c, GError **error)
{
  return tke_ceremony_admin_add (c, TRUE, error);
}

static gboolean
mk_load_cards (TkeCeremony *c, GError **error)
{
  return tke_ceremony_mk_load (c, TRUE, error);
}

static gboolean
select_all (TkeCeremony *c, GError **error)
{
  const guint nums[] = { 1, 2, 3, 4 };
  return tke_ceremony_set_selection (c, nums, 4, error);
}

static void
deck_setup (Deck *d, gconstpointer data)
{
  const char *cards[] = { "ca", "admin1", "admin2", "admin3", "part1", "part2", "part3", NULL };
  g_autoptr (GError) error = NULL;

  d->home = test_make_home ();
  d->deck = g_build_filename (d->home, "deck", NULL);
  g_assert_cmpint (g_mkdir_with_parents (d->deck, 0700), ==, 0);
  d->person = tke_deck_person_new (d->deck, &error);
  g_assert_no_error (error);
  g_setenv ("OPENTKE_CARD_BACKEND", "virtual", TRUE);
  g_setenv ("OPENTKE_DECK", d->deck, TRUE);
  d->ws = tke_workstation_open (d->home, NULL);
  g_assert_nonnull (d->ws);
  for (guint i = 0; cards[i]; i++)
    {
      tke_deck_person_new_card (d->person, cards[i], &error);
      g_assert_no_error (error);
    }

  /* The zone, the EP11 cards, their keys: what the Smart Card Utility and
   * the Smart card tab do before the ceremony. */
  STEP_OK (d, tke_ceremony_ca_init, "ca", "Test zone", "CA card");
  for (guint i = 1; cards[i]; i++)
    {
      STEP_OK (d, tke_ceremony_ep11_init, "ca", cards[i]);
      STEP_OK (d, tke_ceremony_ep11_personalize, cards[i], cards[i]);
    }
  STEP_OK (d, tke_ceremony_card_sigkey_gen, "admin1", "admin1");
  STEP_OK (d, tke_ceremony_card_sigkey_gen, "admin2", "admin2");
  STEP_OK (d, tke_ceremony_card_sigkey_gen, "admin3", "admin3");
  STEP_OK (d, tke_ceremony_card_mk_gen, "part1", "part 1");
  STEP_OK (d, tke_ceremony_card_mk_gen, "part2", "part 2");
  STEP_OK (d, tke_ceremony_card_mk_gen, "part3", "part 3");
  STEP_OK (d, select_all, "unused");
  STEP_OK (d, admin_add_card, "admin1");
  STEP_OK (d, admin_add_card, "admin2");
}

static void
deck_teardown (Deck *d, gconstpointer data)
{
  tke_workstation_free (d->ws);
  tke_deck_person_free (d->person);
  otk_remove_tree (d->home);
  g_free (d->home);
  g_free (d->deck);
  g_unsetenv ("OPENTKE_CARD_BACKEND");
  g_unsetenv ("OPENTKE_DECK");
}

/* The state of every selected unit, all in @new_state / @current_state. */
static void
assert_registers (Deck *d, CuNewRegisterState new_state, CuCurrentRegisterState current_state)
{
  const char *none[] = { NULL };
  g_autoptr (TkePrompter) p = tke_prompter_new_scripted (none);
  g_autoptr (GError) error = NULL;
  g_autoptr (TkeCeremony) c = tke_ceremony_new (d->ws, p, &error);
  g_autoptr (GPtrArray) states = NULL;

  g_assert_no_error (error);
  states = tke_ceremony_get_selected_states (c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (states->len, ==, 4);
  for (guint i = 0; i < states->len; i++)
    {
      const CuUnitState *st = g_ptr_array_index (states, i);
      g_assert_cmpint (st->new_state, ==, new_state);
      g_assert_cmpint (st->current_state, ==, current_state);
    }
  g_assert_false (tke_unit_states_differ (states));
}

static void
test_card_ceremony (Deck *d, gconstpointer data)
{
  STEP_OK (d, tke_ceremony_set_thresholds, "2", "2", "admin1", "-", "admin2");
  STEP_OK (d, mk_load_cards, "3", "part1", "1", "-", "part2", "1", "-", "part3", "1", "-",
           "admin1");
  assert_registers (d, CU_NEW_FULL_UNCOMMITTED, CU_CURRENT_EMPTY);
  STEP_OK (d, tke_ceremony_mk_commit, "admin1", "-", "admin2");
  assert_registers (d, CU_NEW_FULL_COMMITTED, CU_CURRENT_EMPTY);
  STEP_OK (d, tke_ceremony_mk_set_immediate, "y", "admin1");
  assert_registers (d, CU_NEW_EMPTY, CU_CURRENT_VALID);
}

static void
test_card_not_admin (Deck *d, gconstpointer data)
{
  const char *answers[] = { "2", "2", "admin3", "-", "admin3", "-", "admin3", NULL };
  g_autoptr (GError) error = NULL;
  const char *none[] = { NULL };
  g_autoptr (TkePrompter) p = tke_prompter_new_scripted (none);
  g_autoptr (TkeCeremony) c = NULL;
  g_autoptr (GPtrArray) states = NULL;

  g_assert_false (step (d, tke_ceremony_set_thresholds, answers, &error));
  g_assert_error (error, TKE_ERROR, TKE_ERROR_NO_SIGNATURE_KEYS);
  g_assert_nonnull (strstr (error->message, "admin3"));
  c = tke_ceremony_new (d->ws, p, NULL);
  states = tke_ceremony_get_selected_states (c, NULL);
  for (guint i = 0; i < states->len; i++)
    g_assert_true (cu_unit_state_is_imprint_mode (g_ptr_array_index (states, i)));
}

static void
test_card_pulled_during_load (Deck *d, gconstpointer data)
{
  const char *answers[]
      = { "3", "part1", "1", "-", "part2", "1", "-", "part3", "1", "-", "admin1", NULL };
  g_autoptr (GError) error = NULL;

  STEP_OK (d, tke_ceremony_set_thresholds, "2", "2", "admin1", "-", "admin2");
  tke_deck_person_pull_at_pin (d->person, "part2");
  g_assert_false (step (d, mk_load_cards, answers, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == CARD_ERROR);
  /* Nothing half done: no unit got a key part. */
  assert_registers (d, CU_NEW_EMPTY, CU_CURRENT_EMPTY);
}

/* A key part card never gives its parts to a card of another zone. */
static void
test_card_other_zone (Deck *d, gconstpointer data)
{
  const char *copy[] = { "part1", "other", NULL };
  g_autoptr (GError) error = NULL;

  tke_deck_person_new_card (d->person, "ca2", &error);
  g_assert_no_error (error);
  tke_deck_person_new_card (d->person, "other", &error);
  g_assert_no_error (error);
  STEP_OK (d, tke_ceremony_ca_init, "ca2", "Other zone", "CA card 2");
  STEP_OK (d, tke_ceremony_ep11_init, "ca2", "other");
  STEP_OK (d, tke_ceremony_ep11_personalize, "other", "other");
  g_assert_false (step (d, tke_ceremony_card_copy, copy, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_WRONG_ZONE);
}

void
test_ceremony_add_card_tests (void)
{
  g_test_add ("/ceremony/cards/seed003-ceremony", Deck, NULL, deck_setup, test_card_ceremony,
              deck_teardown);
  g_test_add ("/ceremony/cards/refuse-card-not-admin", Deck, NULL, deck_setup, test_card_not_admin,
              deck_teardown);
  g_test_add ("/ceremony/cards/refuse-card-pulled-during-load", Deck, NULL, deck_setup,
              test_card_pulled_during_load, deck_teardown);
  g_test_add ("/ceremony/cards/refuse-copy-to-another-zone", Deck, NULL, deck_setup,
              test_card_other_zone, deck_teardown);
}
