/* cu-unit.h: one crypto unit of the engine, internal to libcrypto-unit.
 *
 * A unit is one SQLite database.  The volatile parts of its state (counter,
 * thresholds, registers, admins, rotation) are read inside each command's
 * transaction (CuRegs) and written back in it, so the database is the only
 * truth and a kill at any instant leaves a unit before or after a command. */
#pragma once

#include "cu-command.h"
#include "cu-crypto.h"
#include "cu-store.h"

/* Tells a unit which units belong to its instance (export/import checks). */
typedef gboolean (*CuPeerLookup) (gpointer instance, const uint8_t unit_id[CU_UNIT_ID_LEN],
                                  CuUnitKind *kind);

typedef struct
{
  sqlite3 *db;
  char *instance;
  uint8_t id[CU_UNIT_ID_LEN];
  char id_hex[CU_UNIT_ID_HEX_LEN + 1];
  CuUnitKind kind;
  guint index;
  guint zone; /* availability zone (1..3), 0 when the instance is not split */
  EVP_PKEY *device_key;
  uint8_t device_point[CU_POINT_LEN];
  uint8_t device_cert[CU_CERT_LEN];
  uint8_t root_cert[CU_CERT_LEN];
  CuPeerLookup peer_lookup;
  gpointer peer_data;
} CuUnit;

/* The state a command reads and changes. */
typedef struct
{
  guint64 counter;
  guint sig_thr;
  guint rev_thr;
  guint32 cps;
  CuNewRegisterState new_state;
  uint8_t new_key[CU_KEY_PART_LEN];
  CuCurrentRegisterState cur_state;
  uint8_t cur_key[CU_KEY_PART_LEN];
  gboolean rot_running;
  guint64 rot_total;
  guint64 rot_counter;
  guint n_admins;
  CuAdmin admins[CU_MAX_ADMINS];
} CuRegs;

/* What a command asks the framework to do besides saving CuRegs. */
typedef struct
{
  GBytes *output;
  gboolean destroy_importer; /* one-time importer key used, whatever the outcome */
  uint8_t importer_ski[CU_SKI_LEN];
  gboolean start_rotation;
} CuRunEffects;

CuUnit *cu_unit_create (const char *path, const char *instance, CuUnitKind kind, guint index,
                        EVP_PKEY *root_key, const uint8_t root_cert[CU_CERT_LEN], GError **error);
CuUnit *cu_unit_open (const char *path, const uint8_t root_cert[CU_CERT_LEN], GError **error);
void cu_unit_free (CuUnit *unit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuUnit, cu_unit_free)

void cu_unit_get_info (CuUnit *unit, CuUnitInfo *info);
CuUnitState *cu_unit_get_state (CuUnit *unit, GError **error);
GBytes *cu_unit_create_importer (CuUnit *unit, GError **error);
/* Runs a command in one transaction.  A rotate command only starts the
 * rotation (*rotation_started): the caller then runs
 * cu_unit_rotation_resume(), so that an engine can release its lock between
 * batches and progress stays visible. */
gboolean cu_unit_execute (CuUnit *unit, const CuCommand *cmd, GBytes **output,
                          gboolean *rotation_started, GError **error);
GPtrArray *cu_unit_get_audit_log (CuUnit *unit, guint64 from, GError **error);

gboolean cu_regs_load (CuUnit *unit, CuRegs *regs, GError **error);
gboolean cu_regs_save (CuUnit *unit, const CuRegs *regs, GError **error);
void cu_regs_vp (const CuRegs *regs, gboolean current, uint8_t vp[CU_VP_LEN]);

/* cu-commands.c: the rules of each command, after authentication.  Writes
 * to the database inside the caller's savepoint; a refusal is a GError. */
gboolean cu_commands_run (CuUnit *unit, CuRegs *regs, const CuCommand *cmd, CuRunEffects *fx,
                          GError **error);
/* Signatures the command needs in this state (cu_command_signatures_needed),
 * reading the new threshold of set-thresholds from the parameters. */
int cu_commands_needed (const CuRegs *regs, const CuCommand *cmd, GError **error);

/* cu-keystore.c */
char *cu_unit_key_create (CuUnit *unit, GError **error);
/* Tests and bench: @n keys in one transaction. */
gboolean cu_unit_key_create_many (CuUnit *unit, guint n, GError **error);
GPtrArray *cu_unit_key_list (CuUnit *unit, GError **error);
gboolean cu_unit_key_delete (CuUnit *unit, const char *key_id, GError **error);
GBytes *cu_unit_key_encrypt (CuUnit *unit, const char *key_id, GBytes *plaintext, GError **error);
GBytes *cu_unit_key_decrypt (CuUnit *unit, const char *key_id, GBytes *ciphertext, GError **error);
/* Counts keys; with @vp, only those wrapped under that MK; with @except_vp,
 * those wrapped under any other MK. */
gboolean cu_keystore_count (CuUnit *unit, const uint8_t *vp, const uint8_t *except_vp,
                            guint64 *count, GError **error);
/* Runs a started rotation to its end (batches of CU_ROTATION_BATCH keys,
 * each one transaction); with @lock, each batch holds it and releases it
 * after. */
gboolean cu_unit_rotation_resume (CuUnit *unit, GMutex *lock, GError **error);
#define CU_ROTATION_BATCH 2000
/* Test hook: when non-zero, a rotation stops (as if killed) after that many
 * batches and cu_unit_rotation_resume() returns CU_ERROR_INTERNAL. */
extern guint cu_unit_test_stop_rotation_after;
/* Test hook: called between two batches, with the engine lock released. */
extern void (*cu_unit_test_between_batches) (gpointer data);
extern gpointer cu_unit_test_between_batches_data;

/* cu-engine.c, for tests: opens without finishing interrupted rotations. */
CuEngine *cu_engine_open_no_resume (const char *state_dir, GError **error);
gboolean cu_engine_key_create_many (CuEngine *engine, const char *instance, const char *unit_id,
                                    guint n, GError **error);

/* cu-audit.c */
gboolean cu_audit_append (sqlite3 *db, CuAuditEntry *entry, GError **error);
GPtrArray *cu_audit_read (sqlite3 *db, guint64 from, GError **error);
gboolean cu_audit_head (sqlite3 *db, guint64 *length, uint8_t hash[32], GError **error);
