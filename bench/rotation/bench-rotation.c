/* bench-rotation: how long a master key rotation takes.
 *
 * Re-enciphers 3000 and 5000 keys in one unit, then 5000 keys in each of 6
 * units, durably (SQLite WAL, synchronous=FULL, in $TMPDIR or the directory
 * given as argument), and prints keys per second per unit and the total
 * time next to the raw rate of unwrap-plus-wrap with the same cipher (the
 * floor).  The vendor quotes about 60 s per 3000 keys. */
#include "cu-crypto.h"
#include "opentke-common.h"
#include "cu-store.h"
#include "cu-unit.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define INSTANCE "bench"

static EVP_PKEY *admin;

static void
die (GError *error)
{
  fprintf (stderr, "bench-rotation: %s\n", error->message);
  exit (1);
}

static void
run (CuEngine *engine, const char *unit, CuCommandCode code, const uint8_t *params, size_t len)
{
  GError *error = NULL;
  g_autofree CuUnitState *st = cu_engine_get_unit_state (engine, INSTANCE, unit, &error);
  g_autoptr (CuCommand) cmd = NULL;
  g_autoptr (GBytes) wire = NULL;

  if (st == NULL)
    die (error);
  cmd = cu_command_new (INSTANCE, unit, code, st->transaction_counter, params, len, &error);
  if (cmd == NULL
      || (cu_command_signatures_needed (code, st, 1) > 0
          && !cu_command_sign_with_key (cmd, admin, &error)))
    die (error);
  wire = cu_command_encode (cmd);
  if (!cu_engine_execute (engine, INSTANCE, unit, wire, NULL, &error))
    die (error);
}

/* Loads an MK made of two random parts into the new register, committed. */
static void
load_committed (CuEngine *engine, const char *unit)
{
  GError *error = NULL;
  g_autoptr (GBytes) chain = cu_engine_create_importer (engine, INSTANCE, unit, &error);
  g_autoptr (GBytes) root = cu_engine_get_root_certificate (engine, INSTANCE, &error);
  uint8_t params[1 + 2 * CU_KEY_PART_BLOB_LEN], parts[2][32], mk[32], vp[32];

  if (chain == NULL || root == NULL)
    die (error);
  params[0] = 2;
  for (int i = 0; i < 2; i++)
    if (!cu_random (parts[i], 32, &error)
        || !cu_key_part_encrypt (parts[i], chain, g_bytes_get_data (root, NULL),
                                 params + 1 + i * CU_KEY_PART_BLOB_LEN, &error))
      die (error);
  for (int b = 0; b < 32; b++)
    mk[b] = parts[0][b] ^ parts[1][b];
  cu_verification_pattern (mk, vp);
  run (engine, unit, CU_CMD_LOAD_NEW, params, sizeof params);
  run (engine, unit, CU_CMD_COMMIT_NEW, vp, sizeof vp);
}

/* A unit with @n keys under its current MK and a committed new MK. */
static void
prepare_unit (CuEngine *engine, const char *unit, guint n)
{
  GError *error = NULL;
  uint8_t params[1 + 4 + CU_POINT_LEN] = { 4, 'B', 'e', 'n', 'c' };
  uint8_t th[2] = { 1, 1 };

  if (!cu_point_from_key (admin, params + 5, &error))
    die (error);
  run (engine, unit, CU_CMD_ADD_ADMIN, params, sizeof params);
  run (engine, unit, CU_CMD_SET_THRESHOLDS, th, 2);
  load_committed (engine, unit);
  run (engine, unit, CU_CMD_SET_IMMEDIATE, NULL, 0);
  if (!cu_engine_key_create_many (engine, INSTANCE, unit, n, &error))
    die (error);
  load_committed (engine, unit);
}

/* Unwrap under one key and wrap under another, in memory. */
static double
floor_rate (guint n)
{
  GError *error = NULL;
  uint8_t k1[32], k2[32], key[32], wrapped[40], out[40];
  g_autoptr (CuKeyWrap) w1 = NULL;
  g_autoptr (CuKeyWrap) u1 = NULL;
  g_autoptr (CuKeyWrap) w2 = NULL;
  gint64 t0;

  cu_random (k1, 32, NULL);
  cu_random (k2, 32, NULL);
  cu_random (key, 32, NULL);
  w1 = cu_key_wrap_new (k1, TRUE, &error);
  u1 = cu_key_wrap_new (k1, FALSE, &error);
  w2 = cu_key_wrap_new (k2, TRUE, &error);
  if (w1 == NULL || u1 == NULL || w2 == NULL || !cu_key_wrap_run (w1, key, 32, wrapped, 40, &error))
    die (error);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    if (!cu_key_wrap_run (u1, wrapped, 40, key, 32, &error)
        || !cu_key_wrap_run (w2, key, 32, out, 40, &error))
      die (error);
  return n / ((g_get_monotonic_time () - t0) / 1e6);
}

static double
rotate_units (CuEngine *engine, GPtrArray *units, guint n_units)
{
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n_units; i++)
    run (engine, ((CuUnitInfo *)units->pdata[i])->unit_id, CU_CMD_ROTATE, NULL, 0);
  return (g_get_monotonic_time () - t0) / 1e6;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  g_autofree char *dir = NULL;
  static const guint sizes[] = { 3000, 5000 };
  double floor_ = floor_rate (200000);

  admin = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-521");
  printf ("floor: unwrap+wrap (AES-256 key wrap with padding) %.0f keys/s on one core\n", floor_);
  fflush (stdout);
  for (guint s = 0; s < G_N_ELEMENTS (sizes) + 1; s++)
    {
      gboolean six = s == G_N_ELEMENTS (sizes);
      guint n = six ? 5000 : sizes[s];
      guint n_units = six ? 6 : 1;
      g_autoptr (CuEngine) engine = NULL;
      g_autoptr (GPtrArray) units = NULL;
      double t;

      dir = argc > 1 ? g_build_filename (argv[1], "cu-bench-XXXXXX", NULL)
                     : g_build_filename (g_get_tmp_dir (), "cu-bench-XXXXXX", NULL);
      if (g_mkdtemp (dir) == NULL)
        return 1;
      engine = cu_engine_open (dir, &error);
      if (engine == NULL || !cu_engine_create_instance (engine, INSTANCE, n_units, 0, 0, &error)
          || (units = cu_engine_list_units (engine, INSTANCE, &error)) == NULL)
        die (error);
      for (guint i = 0; i < n_units; i++)
        prepare_unit (engine, ((CuUnitInfo *)units->pdata[i])->unit_id, n);
      t = rotate_units (engine, units, n_units);
      printf ("rotation of %u keys in %u unit%s: %.3f s total, %.0f keys/s per unit "
              "(%.0f%% of the floor; vendor: about 60 s per 3000 keys)\n",
              n, n_units, n_units > 1 ? "s" : "", t, n * n_units / t,
              100.0 * n * n_units / t / floor_);
      g_clear_pointer (&engine, cu_engine_free);
      otk_remove_tree (dir);
      g_clear_pointer (&dir, g_free);
    }
  EVP_PKEY_free (admin);
  return 0;
}
