/* cu-test.h: fixtures shared by the crypto unit tests: a temporary state
 * directory with an instance, admin keys made with OpenSSL, and helpers
 * that build, sign and run commands the way the ceremony does. */
#pragma once

#include "opentke-crypto-unit.h"

#include <openssl/evp.h>

#define TEST_INSTANCE "test"
#define N_TEST_KEYS   10

typedef struct
{
  char *dir;
  CuEngine *engine;
  CuClient *client; /* local transport over @engine's directory (own engine) */
  GPtrArray *units; /* CuUnitInfo */
} CuFixture;

/* Admin keys 0..N_TEST_KEYS-1, made once per run. */
EVP_PKEY *cu_test_key (guint i);
void cu_test_key_point (guint i, uint8_t point[CU_POINT_LEN]);
void cu_test_key_ski (guint i, uint8_t ski[CU_SKI_LEN]);

void cu_fixture_init (CuFixture *f, guint operational, guint failover, guint recovery);
/* Opens the instance in @dir (taken over). */
void cu_fixture_open (CuFixture *f, char *dir);
/* Closes engine and client, keeps the directory. */
void cu_fixture_close (CuFixture *f);
/* Closes and removes the directory. */
void cu_fixture_clear (CuFixture *f);
/* A copy of a closed state directory, and its removal. */
char *cu_test_copy_state (const char *from);
void cu_test_remove_state (char *dir);
/* Unit @i of the instance (operational, failover, recovery in order). */
const char *cu_fixture_unit (CuFixture *f, guint i);
CuUnitState *cu_fixture_state (CuFixture *f, guint unit);

/* Builds a command for the unit's current counter. */
CuCommand *cu_test_command (CuFixture *f, guint unit, CuCommandCode code, const uint8_t *params,
                            size_t len);
/* Signs @cmd with the test keys listed in @signers (-1 terminated). */
void cu_test_sign (CuCommand *cmd, const int *signers);
/* Builds, signs with @signers and runs; returns the error (NULL on success). */
GError *cu_test_run (CuFixture *f, guint unit, CuCommandCode code, const uint8_t *params,
                     size_t len, const int *signers, GBytes **output);
/* As cu_test_run and asserts success. */
void cu_test_ok (CuFixture *f, guint unit, CuCommandCode code, const uint8_t *params, size_t len,
                 const int *signers);

/* Imprint: add admins 0..n-1 and set thresholds (signed by 0..s-1). */
void cu_test_setup_admins (CuFixture *f, guint unit, guint n, guint s, guint r);
/* Encrypts key parts to a fresh importer of @unit, as a card would. */
GBytes *cu_test_part_blobs (CuFixture *f, guint unit, const uint8_t (*parts)[32], guint n);
/* VP computed here, independently of the library: SHA-256(label || key). */
void cu_test_vp (const uint8_t key[32], uint8_t vp[32]);
/* Loads parts, commits and sets immediate; signers 0..s-1. */
void cu_test_load_mk (CuFixture *f, guint unit, const uint8_t (*parts)[32], guint n, guint s,
                      gboolean set_immediate);
/* The default sign callback: test keys 0..needed-1. */
gboolean cu_test_sign_func (CuCommand *cmd, guint needed, gpointer user_data, GError **error);

/* A message encrypted under a stored key, to check it decrypts later. */
typedef struct
{
  char *key_id;
  GBytes *plain;
  GBytes *cipher;
} CuTestSample;
void cu_test_sample_free (CuTestSample *s);

void cu_test_add_signature_tests (void);
void cu_test_signature_cleanup (void);
void cu_test_add_command_tests (void);
void cu_test_add_keystore_tests (void);
void cu_test_add_recovery_tests (void);
void cu_test_add_crash_tests (void);
void cu_test_add_interop_tests (void);
