/* test-scup-flows.c: the card flows of scup's CA and EP11 menus (scup-card-flow.c and the
 * action tables) on libcard's in-process virtual deck, without a display: what each action
 * does with the cards in reader 1 and 2, and the refusals an officer sees when a card is
 * not the one the action needs, before anybody is asked for a PIN. */
#include "scup.h"

#include <string.h>

#include "opentke-common.h"
#include "opentke-vdeck.h"

#define CA_PIN1  "111111"
#define CA_PIN2  "222222"
#define EP11_PIN "123456"

typedef struct
{
  char *deck_dir;
  otk_vdeck *deck;
  CardContext *ctx;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  GError *error = NULL;

  f->deck_dir = g_dir_make_tmp ("opentke-scup-flows-XXXXXX", &error);
  g_assert_no_error (error);
  f->ctx = card_context_new_virtual (f->deck_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (otk_vdeck_open (f->deck_dir, &f->deck), ==, OTK_VDECK_OK);
  for (const char *const *name = (const char *const[]){ "ca", "ep11", "blank", "spare", NULL };
       *name; name++)
    g_assert_cmpint (otk_vdeck_card_new (f->deck, *name), ==, OTK_VDECK_OK);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  card_context_free (f->ctx);
  otk_vdeck_close (f->deck);
  otk_remove_tree (f->deck_dir);
  g_free (f->deck_dir);
}

/* A fresh insertion: the card's RAM state (PINs entered) is gone. */
static void
insert (Fixture *f, const char *name, int reader)
{
  g_assert_cmpint (otk_vdeck_eject (f->deck, reader), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_insert (f->deck, reader, name), ==, OTK_VDECK_OK);
}

/* Queues @digits entries on the virtual PIN pad of @reader, in order. */
static void
pin_pad (Fixture *f, int reader, const char *const *digits)
{
  for (; *digits != NULL; digits++)
    g_assert_cmpint (otk_vdeck_pinpad_queue (f->deck, reader, OTK_VDECK_PINPAD_DIGITS, *digits), ==,
                     OTK_VDECK_OK);
}

static unsigned
pin_pad_pending (Fixture *f, int reader)
{
  unsigned count = 0;

  g_assert_cmpint (otk_vdeck_pinpad_pending (f->deck, reader, &count), ==, OTK_VDECK_OK);
  return count;
}

static const ScupAction *
find_action (const char *name)
{
  for (gsize i = 0; i < scup_ca_n_actions; i++)
    if (strcmp (scup_ca_actions[i].name, name) == 0)
      return &scup_ca_actions[i];
  for (gsize i = 0; i < scup_ep11_n_actions; i++)
    if (strcmp (scup_ep11_actions[i].name, name) == 0)
      return &scup_ep11_actions[i];
  g_error ("no scup action %s", name);
}

/* Runs the worker of action @name as the card queue would, with @text1 typed in its form;
 * returns the job (outcome line, results) or NULL with @error set. */
static ScupJob *
run_action (Fixture *f, const char *name, const char *text1, const char *text2, GError **error)
{
  const ScupAction *action = find_action (name);
  g_autoptr (ScupJob) job = g_new0 (ScupJob, 1);
  gboolean ok;

  job->title = g_strdup (action->title);
  job->text1 = g_strdup (text1 != NULL ? text1 : "");
  job->text2 = g_strdup (text2 != NULL ? text2 : "");
  job->cancellable = g_cancellable_new ();
  job->action = action;
  ok = action->func != NULL ? action->func (job, f->ctx, error)
                            : scup_card_flow_run (job, f->ctx, error);
  return ok ? g_steal_pointer (&job) : NULL;
}

static void
assert_done (ScupJob *job, const char *expected)
{
  g_assert_nonnull (job);
  g_assert_nonnull (job->done_message);
  g_assert_nonnull (strstr (job->done_message, expected));
  scup_job_free (job);
}

static void
assert_refused (ScupJob *job, GError **error, int code, const char *expected)
{
  g_assert_null (job);
  g_assert_error (*error, CARD_ERROR, code);
  if (expected != NULL)
    g_assert_nonnull (strstr ((*error)->message, expected));
  g_clear_error (error);
}

static const char *const ca_setup_pins[] = { CA_PIN1, CA_PIN1, CA_PIN2, CA_PIN2, NULL };
static const char *const ca_unlock_pins[] = { CA_PIN1, CA_PIN2, NULL };
static const char *const ep11_new_pin[] = { EP11_PIN, EP11_PIN, NULL };

/* CA card "ca" in reader 1, "ep11" enrolled in its zone in reader 2, both freshly inserted. */
static void
make_zone (Fixture *f)
{
  GError *error = NULL;

  insert (f, "ca", 1);
  pin_pad (f, 1, ca_setup_pins);
  assert_done (run_action (f, "ca-init", "Zone A", "CA card", &error), "is ready");
  g_assert_no_error (error);
  insert (f, "ep11", 2);
  insert (f, "ca", 1);
  pin_pad (f, 1, ca_unlock_pins);
  assert_done (run_action (f, "ep11-init", NULL, NULL, &error), "now an EP11 smart card");
  g_assert_no_error (error);
  g_assert_cmpuint (pin_pad_pending (f, 1), ==, 0);
  insert (f, "ca", 1);
}

static void
test_ep11_card_life (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  ScupJob *job;

  make_zone (f);
  /* No PIN yet: Change PIN is refused, Personalize sets it. */
  assert_refused (run_action (f, "ep11-change-pin", NULL, NULL, &error), &error,
                  CARD_ERROR_NOT_PERSONALIZED, "has no PIN yet");
  pin_pad (f, 2, ep11_new_pin);
  assert_done (run_action (f, "ep11-personalize", "Admin card", NULL, &error), "\"Admin card\"");
  g_assert_no_error (error);
  assert_refused (run_action (f, "ep11-personalize", "Again", NULL, &error), &error,
                  CARD_ERROR_WRONG_CARD_TYPE, "personalized already");
  job = run_action (f, "ep11-display", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job->results);
  g_assert_nonnull (strstr (job->results, "Admin card"));
  assert_done (job, "shown below");
  /* Before Zeroize: what will be lost, from the card itself. */
  job = run_action (f, "ep11-zeroize", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (job->results, "Card \"Admin card\" in reader 2"));
  scup_job_free (job);
  job = run_action (f, "ca-display", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (job->results, "Zone A"));
  assert_done (job, "shown below");
}

/* A wrong card is refused as soon as the action sees it: the officers are not asked for the
 * CA PINs of an action that cannot run. */
static void
test_wrong_cards_refused_before_pins (Fixture *f, gconstpointer data)
{
  GError *error = NULL;

  make_zone (f);
  pin_pad (f, 1, ca_unlock_pins);
  /* Enroll and Backup need a blank card in reader 2 (an EP11 card does not even answer as a
   * CA card: libcard refuses it). */
  assert_refused (run_action (f, "ep11-init", NULL, NULL, &error), &error, CARD_ERROR_NOT_BLANK,
                  "The card in reader 2 is not blank");
  assert_refused (run_action (f, "ca-backup", NULL, NULL, &error), &error,
                  CARD_ERROR_WRONG_CARD_TYPE, NULL);
  g_assert_cmpuint (pin_pad_pending (f, 1), ==, 2);
  insert (f, "blank", 2);
  assert_done (run_action (f, "ca-backup", NULL, NULL, &error), "backup of the CA smart card");
  g_assert_no_error (error);
  g_assert_cmpuint (pin_pad_pending (f, 1), ==, 0);
  /* The backup is a CA card now: not blank. */
  insert (f, "ca", 1);
  pin_pad (f, 1, ca_unlock_pins);
  assert_refused (run_action (f, "ca-backup", NULL, NULL, &error), &error, CARD_ERROR_NOT_BLANK,
                  "The card in reader 2 is not blank");
  g_assert_cmpuint (pin_pad_pending (f, 1), ==, 2);
  /* Unblock needs the personalized CA card of the zone in reader 1, Display CA a CA card. */
  insert (f, "spare", 1);
  insert (f, "ep11", 2);
  pin_pad (f, 2, ep11_new_pin);
  assert_done (run_action (f, "ep11-personalize", "Key part card", NULL, &error), "personalized");
  g_assert_no_error (error);
  assert_refused (run_action (f, "ep11-unblock", NULL, NULL, &error), &error,
                  CARD_ERROR_WRONG_CARD_TYPE,
                  "Reader 1 must hold the personalized CA smart card of the zone");
  assert_refused (run_action (f, "ca-display", NULL, NULL, &error), &error,
                  CARD_ERROR_WRONG_CARD_TYPE, "The card in reader 1 is not a CA smart card");
  /* The EP11 actions need an EP11 card in reader 2. */
  g_assert_cmpint (otk_vdeck_eject (f->deck, 1), ==, OTK_VDECK_OK);
  insert (f, "spare", 2);
  assert_refused (run_action (f, "ep11-display", NULL, NULL, &error), &error,
                  CARD_ERROR_WRONG_CARD_TYPE, "The card in reader 2 is not an EP11 smart card");
}

int
main (int argc, char **argv)
{
  g_autoptr (GMainContext) worker = g_main_context_new ();

  g_test_init (&argc, &argv, NULL);
  /* As on the card queue's thread: the PIN-pad prompts go to the main context, which
   * nobody runs here (no display), instead of being shown at once. */
  g_main_context_push_thread_default (worker);
  g_test_add ("/scup/flows/ep11-card-life", Fixture, NULL, setup, test_ep11_card_life, teardown);
  g_test_add ("/scup/flows/wrong-cards-refused-before-pins", Fixture, NULL, setup,
              test_wrong_cards_refused_before_pins, teardown);
  return g_test_run ();
}
