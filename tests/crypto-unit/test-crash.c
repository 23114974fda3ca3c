/* test-crash.c: kill -9 the process that holds the engine at random
 * instants during load, commit, set immediate and a rotation of 5000 keys;
 * after a restart each unit is exactly before or after the command, and
 * every key still decrypts what it encrypted before. */
#include "cu-test.h"

#include "cu-unit.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KILLS_PER_COMMAND 13
#define ROTATION_KEYS     5000

typedef struct
{
  const char *name;
  char *snapshot; /* state directory before the command */
  GBytes *wire;   /* the signed command */
  CuUnitState *pre, *post;
  gint64 duration_us;
} Step;

static CuUnitState *
state_of (const char *dir, const char *unit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CuEngine) engine = cu_engine_open (dir, &error);
  CuUnitState *st;

  g_assert_no_error (error);
  st = cu_engine_get_unit_state (engine, TEST_INSTANCE, unit, &error);
  g_assert_no_error (error);
  return st;
}

/* The fields a command changes. */
static gboolean
same_state (const CuUnitState *a, const CuUnitState *b)
{
  return a->transaction_counter == b->transaction_counter && a->new_state == b->new_state
         && memcmp (a->new_vp, b->new_vp, 32) == 0 && a->current_state == b->current_state
         && memcmp (a->current_vp, b->current_vp, 32) == 0 && a->n_keys == b->n_keys
         && a->rotation_running == b->rotation_running && a->n_admins == b->n_admins
         && a->signature_threshold == b->signature_threshold;
}

/* Runs the command in a child; kills it @delay_us after it is ready (or
 * lets it finish when @delay_us < 0).  Returns the time it ran. */
static gint64
run_child (const char *dir, const char *unit, GBytes *wire, gint64 delay_us)
{
  int pipefd[2];
  pid_t pid;
  char ready;
  int status = 0;
  gint64 start;

  g_assert_cmpint (pipe (pipefd), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      CuEngine *engine;

      close (pipefd[0]);
      engine = cu_engine_open (dir, NULL);
      if (engine == NULL || write (pipefd[1], "r", 1) != 1)
        _exit (2);
      _exit (cu_engine_execute (engine, TEST_INSTANCE, unit, wire, NULL, NULL) ? 0 : 1);
    }
  close (pipefd[1]);
  g_assert_cmpint (read (pipefd[0], &ready, 1), ==, 1);
  close (pipefd[0]);
  start = g_get_monotonic_time ();
  if (delay_us >= 0)
    {
      g_usleep ((gulong)delay_us);
      kill (pid, SIGKILL);
    }
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (delay_us < 0)
    {
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }
  return g_get_monotonic_time () - start;
}

/* Decrypts with every key when @all, else with a random tenth of them. */
static void
check_samples (const char *dir, const char *unit, GPtrArray *samples, gboolean all)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CuEngine) engine = cu_engine_open (dir, &error);

  for (guint i = 0; i < samples->len; i++)
    {
      CuTestSample *s = samples->pdata[i];

      if (!all && g_test_rand_int_range (0, 10) != 0)
        continue;
      g_autoptr (GBytes) plain
          = cu_engine_key_decrypt (engine, TEST_INSTANCE, unit, s->key_id, s->cipher, &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (plain, s->plain));
    }
}

static void
step_take (Step *step, CuFixture *f, CuCommandCode code, const uint8_t *params, size_t len)
{
  g_autoptr (CuCommand) cmd = cu_test_command (f, 0, code, params, len);

  cu_test_sign (cmd, (const int[]){ 0, -1 });
  step->wire = cu_command_encode (cmd);
  cu_fixture_close (f);
  step->snapshot = cu_test_copy_state (f->dir);
  /* Apply it to the fixture to reach the next step's starting point. */
  cu_fixture_open (f, f->dir);
  g_assert_true (
      cu_engine_execute (f->engine, TEST_INSTANCE, cu_fixture_unit (f, 0), step->wire, NULL, NULL));
}

static void
test_crash_safety (void)
{
  static const uint8_t mk1[2][32] = { { 9, 8, 7 }, { 6, 5 } };
  static const uint8_t mk2[2][32] = { { 1, 2, 3 }, { 4, 5 } };
  CuFixture f;
  Step steps[4] = { { "load" }, { "commit" }, { "set-immediate" }, { "rotate" } };
  g_autoptr (GPtrArray) samples
      = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_test_sample_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *unit = NULL;
  uint8_t mk[32], vp[32];

  cu_fixture_init (&f, 1, 0, 0);
  unit = g_strdup (cu_fixture_unit (&f, 0));
  cu_test_setup_admins (&f, 0, 1, 1, 1);
  cu_test_load_mk (&f, 0, mk1, 2, 1, TRUE);
  /* load */
  {
    g_autoptr (GBytes) blobs = cu_test_part_blobs (&f, 0, mk2, 2);
    g_autofree uint8_t *p = g_malloc (1 + g_bytes_get_size (blobs));

    p[0] = 2;
    memcpy (p + 1, g_bytes_get_data (blobs, NULL), g_bytes_get_size (blobs));
    step_take (&steps[0], &f, CU_CMD_LOAD_NEW, p, 1 + g_bytes_get_size (blobs));
  }
  for (guint b = 0; b < 32; b++)
    mk[b] = mk2[0][b] ^ mk2[1][b];
  cu_test_vp (mk, vp);
  step_take (&steps[1], &f, CU_CMD_COMMIT_NEW, vp, 32);
  step_take (&steps[2], &f, CU_CMD_SET_IMMEDIATE, NULL, 0);
  /* rotate: back to a committed new MK over 5000 keys. */
  {
    static const uint8_t mk3[2][32] = { { 0x31 }, { 0x32 } };
    g_autoptr (GPtrArray) keys = NULL;

    cu_test_load_mk (&f, 0, mk3, 2, 1, FALSE);
    g_assert_true (
        cu_engine_key_create_many (f.engine, TEST_INSTANCE, unit, ROTATION_KEYS, &error));
    g_assert_no_error (error);
    keys = cu_client_key_list (f.client, unit, &error);
    for (guint i = 0; i < keys->len; i++)
      {
        CuTestSample *s = g_new0 (CuTestSample, 1);

        s->key_id = g_strdup (((CuKeyInfo *)keys->pdata[i])->key_id);
        s->plain = g_bytes_new (&i, sizeof i);
        s->cipher = cu_client_key_encrypt (f.client, unit, s->key_id, s->plain, &error);
        g_assert_no_error (error);
        g_ptr_array_add (samples, s);
      }
    g_assert_cmpuint (samples->len, ==, ROTATION_KEYS);
    step_take (&steps[3], &f, CU_CMD_ROTATE, NULL, 0);
  }
  cu_fixture_clear (&f);

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      Step *step = &steps[s];
      guint before = 0, after = 0;
      char *calib = cu_test_copy_state (step->snapshot);

      /* Calibration: the command runs to its end in a child. */
      step->pre = state_of (step->snapshot, unit);
      step->duration_us = run_child (calib, unit, step->wire, -1);
      step->post = state_of (calib, unit);
      g_assert_cmpuint (step->post->transaction_counter, ==, step->pre->transaction_counter + 1);
      g_assert_false (same_state (step->pre, step->post));
      cu_test_remove_state (calib);

      for (guint k = 0; k < KILLS_PER_COMMAND; k++)
        {
          char *work = cu_test_copy_state (step->snapshot);
          gint64 delay = g_test_rand_int_range (0, (gint32)(step->duration_us * 12 / 10 + 1));
          g_autofree CuUnitState *st = NULL;

          run_child (work, unit, step->wire, delay);
          /* Restart: the engine opens (and finishes a started rotation). */
          st = state_of (work, unit);
          if (same_state (st, step->pre))
            before++;
          else if (same_state (st, step->post))
            after++;
          else
            g_error ("%s killed after %" G_GINT64_FORMAT " us: the unit is neither before nor "
                     "after the command (counter %" G_GUINT64_FORMAT ")",
                     step->name, delay, st->transaction_counter);
          if (s == 3)
            check_samples (work, unit, samples, k == KILLS_PER_COMMAND - 1);
          cu_test_remove_state (work);
        }
      g_test_message ("%s (%" G_GINT64_FORMAT " us): %u kills left it before, %u after", step->name,
                      step->duration_us, before, after);
    }
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      cu_test_remove_state (steps[s].snapshot);
      g_bytes_unref (steps[s].wire);
      g_free (steps[s].pre);
      g_free (steps[s].post);
    }
}

void
cu_test_add_crash_tests (void)
{
  g_test_add_func ("/crypto-unit/crash-safety", test_crash_safety);
}
