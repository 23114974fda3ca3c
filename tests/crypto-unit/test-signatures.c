/* test-signatures.c: the signature rules of DESIGN.md §2 as one table:
 * every command, in imprint mode and after, with 0..n signatures, an unknown
 * signer, a duplicated signer, a bad signature, a counter ahead and a
 * replayed counter. */
#include "cu-test.h"

#include <string.h>

/* Units of the fixture: 0 operational, 1 and 2 recovery. */
#define OP  0
#define REC 1

/* After imprint mode the fixture has admins 0..3, S = 2, R = 3. */
#define S_AFTER   2
#define R_AFTER   3
#define NON_ADMIN 9

typedef struct
{
  CuCommandCode code;
  int imprint_needed; /* -1: refused in imprint mode */
  int after_needed;
} Row;

/* DESIGN.md §2, written out, not computed by the library. */
static const Row rows[] = {
  { CU_CMD_ADD_ADMIN, 0, S_AFTER },
  { CU_CMD_REMOVE_ADMIN, 0, R_AFTER },
  { CU_CMD_SET_THRESHOLDS, 2 /* the new S */, S_AFTER },
  { CU_CMD_LOAD_NEW, -1, 1 },
  { CU_CMD_COMMIT_NEW, -1, S_AFTER },
  { CU_CMD_SET_IMMEDIATE, -1, 1 },
  { CU_CMD_CLEAR_NEW, -1, 1 },
  { CU_CMD_CLEAR_CURRENT, -1, 1 },
  { CU_CMD_ROTATE, -1, 1 },
  { CU_CMD_SET_CONTROL_POINTS, -1, S_AFTER },
  { CU_CMD_ZEROIZE, 0, 1 },
  { CU_CMD_GENERATE_NEW, -1, 1 },
  { CU_CMD_EXPORT_MK, -1, S_AFTER },
  { CU_CMD_IMPORT_MK, -1, 1 },
};

typedef struct
{
  const Row *row;
  gboolean imprint;
} Case;

static const int signers_01[] = { 0, 1, -1 };
static const int signers_0[] = { 0, -1 };

/* Generates and commits an MK in recovery unit REC (signers 0, 1). */
static void
recovery_new_committed (CuFixture *f)
{
  g_autofree CuUnitState *st = NULL;

  cu_test_ok (f, REC, CU_CMD_GENERATE_NEW, NULL, 0, signers_0);
  st = cu_fixture_state (f, REC);
  cu_test_ok (f, REC, CU_CMD_COMMIT_NEW, st->new_vp, CU_VP_LEN, signers_01);
}

static GBytes *
importer_params (CuFixture *f, guint target)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chain
      = cu_client_create_importer (f->client, cu_fixture_unit (f, target), &error);
  g_autoptr (GByteArray) p = g_byte_array_new ();
  uint8_t reg = CU_REGISTER_NEW;

  g_assert_no_error (error);
  g_byte_array_append (p, &reg, 1);
  g_byte_array_append (p, g_bytes_get_data (chain, NULL), (guint)g_bytes_get_size (chain));
  return g_byte_array_free_to_bytes (g_steal_pointer (&p));
}

/* Brings the unit into a state where the command succeeds and returns its
 * parameters and the unit it goes to. */
static GBytes *
prepare (CuFixture *f, CuCommandCode code, gboolean imprint, guint *unit)
{
  static const uint8_t parts[2][32] = { { 1, 2, 3 }, { 7, 8, 9, 10 } };
  uint8_t buf[256];
  uint8_t point[CU_POINT_LEN];

  *unit = OP;
  if (imprint && code != CU_CMD_ADD_ADMIN && code != CU_CMD_REMOVE_ADMIN
      && code != CU_CMD_SET_THRESHOLDS && code != CU_CMD_ZEROIZE)
    return g_bytes_new (NULL, 0); /* refused before the parameters are read */
  switch (code)
    {
      case CU_CMD_ADD_ADMIN:
        cu_test_key_point (4, point);
        buf[0] = 3;
        memcpy (buf + 1, "New", 3);
        memcpy (buf + 4, point, CU_POINT_LEN);
        return g_bytes_new (buf, 4 + CU_POINT_LEN);
      case CU_CMD_REMOVE_ADMIN:
        cu_test_key_ski (3, buf);
        return g_bytes_new (buf, CU_SKI_LEN);
      case CU_CMD_SET_THRESHOLDS:
        buf[0] = 2;
        buf[1] = 3;
        return g_bytes_new (buf, 2);
      case CU_CMD_LOAD_NEW:
        {
          g_autoptr (GBytes) blobs = cu_test_part_blobs (f, OP, parts, 2);
          g_autoptr (GByteArray) p = g_byte_array_new ();
          uint8_t n = 2;

          g_byte_array_append (p, &n, 1);
          g_byte_array_append (p, g_bytes_get_data (blobs, NULL), (guint)g_bytes_get_size (blobs));
          return g_byte_array_free_to_bytes (g_steal_pointer (&p));
        }
      case CU_CMD_COMMIT_NEW:
        {
          g_autofree CuUnitState *st = NULL;
          g_autoptr (GBytes) blobs = cu_test_part_blobs (f, OP, parts, 2);
          g_autofree uint8_t *p = g_malloc (1 + g_bytes_get_size (blobs));

          p[0] = 2;
          memcpy (p + 1, g_bytes_get_data (blobs, NULL), g_bytes_get_size (blobs));
          cu_test_ok (f, OP, CU_CMD_LOAD_NEW, p, 1 + g_bytes_get_size (blobs), signers_0);
          st = cu_fixture_state (f, OP);
          return g_bytes_new (st->new_vp, CU_VP_LEN);
        }
      case CU_CMD_SET_IMMEDIATE:
      case CU_CMD_ROTATE:
        cu_test_load_mk (f, OP, parts, 2, 2, FALSE);
        return g_bytes_new (NULL, 0);
      case CU_CMD_CLEAR_NEW:
        cu_test_load_mk (f, OP, parts, 2, 2, FALSE);
        return g_bytes_new (NULL, 0);
      case CU_CMD_CLEAR_CURRENT:
        cu_test_load_mk (f, OP, parts, 2, 2, TRUE);
        return g_bytes_new (NULL, 0);
      case CU_CMD_SET_CONTROL_POINTS:
        memset (buf, 0, 4);
        buf[3] = CU_CP_BTC;
        return g_bytes_new (buf, 4);
      case CU_CMD_ZEROIZE:
        return g_bytes_new (NULL, 0);
      case CU_CMD_GENERATE_NEW:
        *unit = REC;
        return g_bytes_new (NULL, 0);
      case CU_CMD_EXPORT_MK:
        *unit = REC;
        recovery_new_committed (f);
        return importer_params (f, OP);
      case CU_CMD_IMPORT_MK:
        {
          g_autoptr (GBytes) ip = NULL;
          GBytes *out = NULL;
          GError *error;

          recovery_new_committed (f);
          ip = importer_params (f, OP);
          error = cu_test_run (f, REC, CU_CMD_EXPORT_MK, g_bytes_get_data (ip, NULL),
                               g_bytes_get_size (ip), signers_01, &out);
          g_assert_no_error (error);
          g_assert_cmpuint (g_bytes_get_size (out), ==, CU_MK_EXPORT_LEN);
          return out;
        }
    }
  g_assert_not_reached ();
}

/* One instance per mode, set up once and copied for each row:
 * admins 0..3 on every unit, thresholds 0 or S = 2, R = 3. */
static char *templates[2];

static const char *
template_dir (gboolean imprint)
{
  if (templates[imprint] == NULL)
    {
      CuFixture f;

      cu_fixture_init (&f, 1, 0, 2);
      for (guint u = 0; u < 3; u++)
        cu_test_setup_admins (&f, u, 4, imprint ? 0 : S_AFTER, imprint ? 0 : R_AFTER);
      cu_fixture_close (&f);
      templates[imprint] = f.dir;
    }
  return templates[imprint];
}

void
cu_test_signature_cleanup (void)
{
  for (guint i = 0; i < 2; i++)
    if (templates[i] != NULL)
      cu_test_remove_state (g_steal_pointer (&templates[i]));
}

static void
signers_upto (int *out, int n)
{
  for (int i = 0; i < n; i++)
    out[i] = i;
  out[n] = -1;
}

/* Runs @cmd and checks the refusal code and that the counter did not move. */
static void
expect_refused (CuFixture *f, guint unit, CuCommand *cmd, int code, guint64 counter)
{
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *st = NULL;

  g_assert_false (cu_client_execute (f->client, cmd, NULL, &error));
  g_assert_error (error, CU_ERROR, code);
  st = cu_fixture_state (f, unit);
  g_assert_cmpuint (st->transaction_counter, ==, counter);
}

static void
test_signature_row (gconstpointer data)
{
  const Case *c = data;
  CuFixture f;
  g_autoptr (GBytes) params = NULL;
  g_autofree CuUnitState *st0 = NULL;
  g_autofree CuUnitState *st1 = NULL;
  g_autoptr (CuCommand) good = NULL;
  g_autoptr (GError) error = NULL;
  int needed = c->imprint ? c->row->imprint_needed : c->row->after_needed;
  int signers[N_TEST_KEYS + 2];
  const uint8_t *p;
  size_t len;
  guint unit;
  guint attempts = 0;

  cu_fixture_open (&f, cu_test_copy_state (template_dir (c->imprint)));
  params = prepare (&f, c->row->code, c->imprint, &unit);
  p = g_bytes_get_data (params, &len);
  st0 = cu_fixture_state (&f, unit);
  g_assert_cmpint (cu_unit_state_is_imprint_mode (st0), ==, c->imprint);
  /* The library's own table agrees with DESIGN.md. */
  g_assert_cmpint (cu_command_signatures_needed (c->row->code, st0, 2), ==, needed);

  if (needed < 0)
    {
      for (int k = 0; k <= 3; k++)
        {
          g_autoptr (CuCommand) cmd = cu_test_command (&f, unit, c->row->code, p, len);

          signers_upto (signers, k);
          cu_test_sign (cmd, signers);
          expect_refused (&f, unit, cmd, CU_ERROR_IMPRINT_MODE, st0->transaction_counter);
          attempts++;
        }
      st1 = cu_fixture_state (&f, unit);
      g_assert_cmpuint (st1->audit_length, ==, st0->audit_length + attempts);
      cu_fixture_clear (&f);
      return;
    }

  /* Too few signatures. */
  for (int k = 0; k < needed; k++)
    {
      g_autoptr (CuCommand) cmd = cu_test_command (&f, unit, c->row->code, p, len);

      signers_upto (signers, k);
      cu_test_sign (cmd, signers);
      expect_refused (&f, unit, cmd, CU_ERROR_THRESHOLD_NOT_MET, st0->transaction_counter);
      attempts++;
    }
  /* Enough signatures plus one by a key that is not an admin. */
  {
    g_autoptr (CuCommand) cmd = cu_test_command (&f, unit, c->row->code, p, len);

    signers_upto (signers, needed);
    signers[needed] = NON_ADMIN;
    signers[needed + 1] = -1;
    cu_test_sign (cmd, signers);
    expect_refused (&f, unit, cmd, CU_ERROR_NOT_ADMIN, st0->transaction_counter);
    attempts++;
  }
  /* The same admin signing twice counts once. */
  if (needed >= 2)
    {
      g_autoptr (CuCommand) cmd = cu_test_command (&f, unit, c->row->code, p, len);
      int dup[] = { 0, 0, -1 };

      signers_upto (signers, needed - 1);
      cu_test_sign (cmd, signers);
      cu_test_sign (cmd, dup);
      expect_refused (&f, unit, cmd, CU_ERROR_THRESHOLD_NOT_MET, st0->transaction_counter);
      attempts++;
    }
  /* A signature that does not verify, under an admin's SKI. */
  {
    g_autoptr (CuCommand) cmd = cu_test_command (&f, unit, c->row->code, p, len);
    uint8_t ski[CU_SKI_LEN], junk[CU_SIGNATURE_LEN];

    signers_upto (signers, needed);
    cu_test_sign (cmd, signers);
    cu_test_key_ski (0, ski);
    memset (junk, 0x5a, sizeof junk);
    g_assert_true (cu_command_add_signature (cmd, ski, junk, NULL));
    expect_refused (&f, unit, cmd, CU_ERROR_BAD_SIGNATURE, st0->transaction_counter);
    attempts++;
  }
  /* A counter ahead of the unit's. */
  {
    g_autoptr (CuCommand) cmd
        = cu_command_new (TEST_INSTANCE, cu_fixture_unit (&f, unit), c->row->code,
                          st0->transaction_counter + 1, p, len, NULL);

    signers_upto (signers, needed);
    cu_test_sign (cmd, signers);
    expect_refused (&f, unit, cmd, CU_ERROR_REPLAY, st0->transaction_counter);
    attempts++;
  }
  /* Exactly enough: accepted, the counter advances. */
  good = cu_test_command (&f, unit, c->row->code, p, len);
  signers_upto (signers, needed);
  cu_test_sign (good, signers);
  if (needed == 1)
    cu_test_sign (good, signers); /* a duplicate does not hurt either */
  g_assert_true (cu_client_execute (f.client, good, NULL, &error));
  g_assert_no_error (error);
  attempts++;
  st1 = cu_fixture_state (&f, unit);
  g_assert_cmpuint (st1->transaction_counter, ==, st0->transaction_counter + 1);
  /* The same command again: replay. */
  expect_refused (&f, unit, good, CU_ERROR_REPLAY, st0->transaction_counter + 1);
  attempts++;
  /* Every attempt is in the audit log; a rotation adds its completion. */
  {
    g_autoptr (GPtrArray) log
        = cu_client_get_audit_log (f.client, cu_fixture_unit (&f, unit), 1, &error);
    const CuAuditEntry *last;

    g_assert_no_error (error);
    g_assert_cmpuint (log->len, ==,
                      st0->audit_length + attempts + (c->row->code == CU_CMD_ROTATE ? 1 : 0));
    last = g_ptr_array_index (log, log->len - 1);
    g_assert_cmpuint (last->result, ==, CU_ERROR_REPLAY);
    g_assert_true (cu_audit_log_verify (log, &error));
  }
  cu_fixture_clear (&f);
}

void
cu_test_add_signature_tests (void)
{
  static Case cases[2 * G_N_ELEMENTS (rows)];

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    for (guint m = 0; m < 2; m++)
      {
        Case *c = &cases[2 * i + m];
        g_autofree char *path = NULL;

        c->row = &rows[i];
        c->imprint = m == 0;
        path = g_strdup_printf ("/crypto-unit/signatures/%s/%s", c->imprint ? "imprint" : "after",
                                cu_command_code_to_string (rows[i].code));
        g_test_add_data_func (path, c, test_signature_row);
      }
}
