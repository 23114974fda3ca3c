/* opentke-crypto-unit.h: the one public header of libcrypto-unit.
 *
 * Crypto units are HSM admin domains (DESIGN.md §2, §5).  This library holds
 *  - the signed admin command format (CuCommand), docs/crypto-unit-protocol.md;
 *  - the unit engine (CuEngine): a faithful simulator of the units of one or
 *    more service instances, state in SQLite under a directory;
 *  - the client (CuClient) the ceremony uses, with two transports: local (an
 *    engine in-process) and remote (HTTPS to cryptounitd).
 *
 * Units are named by their unit ID: 64 lower-case hex digits (32 bytes).
 * Every function that can fail takes a GError in the CU_ERROR domain.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>

G_BEGIN_DECLS

/* ---- Errors ------------------------------------------------------------ */

#define CU_ERROR (cu_error_quark ())
GQuark cu_error_quark (void);

typedef enum
{
  /* transport (remote client) */
  CU_ERROR_UNREACHABLE = 1, /* no connection, timeout */
  CU_ERROR_TLS,             /* TLS failure, pinned fingerprint mismatch */
  CU_ERROR_PROTOCOL,        /* malformed request or response */

  /* authentication to the service (API credential) */
  CU_ERROR_UNAUTHENTICATED = 20, /* HTTP 401: no or unknown credential */
  CU_ERROR_FORBIDDEN,            /* HTTP 403: another instance's credential */

  /* refusals by the unit: signatures and counter */
  CU_ERROR_BAD_SIGNATURE = 40, /* a signature does not verify */
  CU_ERROR_NOT_ADMIN,          /* a signer is not an installed administrator */
  CU_ERROR_THRESHOLD_NOT_MET,  /* fewer distinct admin signatures than needed */
  CU_ERROR_REPLAY,             /* transaction counter is not the unit's current one */
  CU_ERROR_WRONG_TARGET,       /* command bound to another instance or unit */

  /* refusals by the unit: state and arguments */
  CU_ERROR_IMPRINT_MODE = 60,    /* command refused while the unit is in imprint mode */
  CU_ERROR_INVALID_ARGUMENT,     /* malformed or out-of-range parameter */
  CU_ERROR_REGISTER_STATE,       /* register not in the state the command needs */
  CU_ERROR_VP_MISMATCH,          /* commit for another verification pattern */
  CU_ERROR_SAME_MASTER_KEY,      /* new master key equals the current one */
  CU_ERROR_IMPORTER,             /* importer key unknown, used, or blob does not decrypt */
  CU_ERROR_LIMIT,                /* 8 admins, key storage full, ... */
  CU_ERROR_EXISTS,               /* admin with that SKI already installed */
  CU_ERROR_NOT_FOUND,            /* unknown instance, unit, admin or key */
  CU_ERROR_KEY_STORAGE_BUSY,     /* a rotation is running */
  CU_ERROR_WK_NOT_INITIALIZED,   /* current master key register not Valid */
  CU_ERROR_KEY_STORAGE_CONFLICT, /* set immediate would orphan keys: use rotate */
  CU_ERROR_WRONG_UNIT_KIND,      /* e.g. generate/export on a non-recovery unit */
  CU_ERROR_CERTIFICATE,          /* certificate or chain does not verify */

  /* local failures */
  CU_ERROR_STORAGE = 90, /* SQLite or file system */
  CU_ERROR_INTERNAL,     /* crypto library failure */
} CuError;

/* ---- Facts (DESIGN.md §2) ---------------------------------------------- */

#define CU_MAX_ADMINS           8
#define CU_MAX_ADMIN_NAME_CHARS 30
#define CU_MAX_THRESHOLD        8
#define CU_MAX_OPERATIONAL      6
#define CU_MAX_ZONES            3 /* availability zones of one instance */
#define CU_RECOVERY_UNITS       2
#define CU_MAX_SIGNATURES       16 /* per command on the wire */
#define CU_MAX_KEYS             20000
#define CU_UNIT_ID_LEN          32
#define CU_UNIT_ID_HEX_LEN      64
#define CU_SKI_LEN              32
#define CU_VP_LEN               32
#define CU_POINT_LEN            133 /* 04 || X || Y, P-521 */
#define CU_SIGNATURE_LEN        132 /* r || s, P-521 */
#define CU_DIGEST_LEN           64  /* SHA-512 */
#define CU_KEY_PART_LEN         32
#define CU_CERT_LEN             331
#define CU_KEY_PART_BLOB_LEN    226
/* output of CU_CMD_EXPORT_MK = params of CU_CMD_IMPORT_MK:
 * blob (226) || source device certificate (331) || device signature (132) */
#define CU_MK_EXPORT_LEN  (CU_KEY_PART_BLOB_LEN + CU_CERT_LEN + CU_SIGNATURE_LEN)
#define CU_KEY_ID_HEX_LEN 32

/* Certificate types (docs/interfaces.md). */
typedef enum
{
  CU_CERT_ROOT = 1,
  CU_CERT_DEVICE = 2,
  CU_CERT_IMPORTER = 3,
} CuCertType;

typedef enum
{
  CU_UNIT_OPERATIONAL = 1,
  CU_UNIT_FAILOVER = 2,
  CU_UNIT_RECOVERY = 3,
} CuUnitKind;

typedef enum
{
  CU_NEW_EMPTY = 0,
  CU_NEW_FULL_UNCOMMITTED = 1,
  CU_NEW_FULL_COMMITTED = 2,
} CuNewRegisterState;

typedef enum
{
  CU_CURRENT_EMPTY = 0,
  CU_CURRENT_VALID = 1,
} CuCurrentRegisterState;

/* The vendor's three control points (bit mask). */
typedef enum
{
  CU_CP_EC25519 = 1 << 0,     /* EC 25519 signatures */
  CU_CP_BTC = 1 << 1,         /* BTC (BIP32/SLIP10) derivations */
  CU_CP_OTHER_ECDSA = 1 << 2, /* other ECDSA signatures */
} CuControlPoint;
#define CU_CP_ALL     (CU_CP_EC25519 | CU_CP_BTC | CU_CP_OTHER_ECDSA)
#define CU_CP_DEFAULT CU_CP_ALL

/* Commands; the numbers are on the wire (docs/crypto-unit-protocol.md). */
typedef enum
{
  CU_CMD_ADD_ADMIN = 1,
  CU_CMD_REMOVE_ADMIN = 2,
  CU_CMD_SET_THRESHOLDS = 3,
  CU_CMD_LOAD_NEW = 4,
  CU_CMD_COMMIT_NEW = 5,
  CU_CMD_SET_IMMEDIATE = 6,
  CU_CMD_CLEAR_NEW = 7,
  CU_CMD_CLEAR_CURRENT = 8,
  CU_CMD_ROTATE = 9,
  CU_CMD_SET_CONTROL_POINTS = 10,
  CU_CMD_ZEROIZE = 11,
  CU_CMD_GENERATE_NEW = 12, /* recovery unit: random MK into the new register */
  CU_CMD_EXPORT_MK = 13,    /* recovery unit: MK encrypted to another unit's importer key */
  CU_CMD_IMPORT_MK = 14,    /* MK exported by a recovery unit into the new register */
} CuCommandCode;
#define CU_CMD_LAST CU_CMD_IMPORT_MK

/* For CU_CMD_EXPORT_MK: which register of the recovery unit is exported. */
typedef enum
{
  CU_REGISTER_NEW = 1,
  CU_REGISTER_CURRENT = 2,
} CuRegister;

/* "add-admin", "load-new", ...; NULL for an unknown code. */
const char *cu_command_code_to_string (CuCommandCode code);
/* 0 for an unknown name. */
CuCommandCode cu_command_code_from_string (const char *name);

/* ---- Results (plain structs, freed with g_free / the GPtrArray) ------- */

typedef struct
{
  char name[4 * CU_MAX_ADMIN_NAME_CHARS + 1]; /* UTF-8, at most 30 characters */
  uint8_t ski[CU_SKI_LEN];
  uint8_t point[CU_POINT_LEN];
} CuAdmin;

typedef struct
{
  char unit_id[CU_UNIT_ID_HEX_LEN + 1];
  CuUnitKind kind;
  guint index; /* 1-based within its kind: operational 1, recovery 2, ... */
  /* zone of a zoned remote target (1..3); 0 when the instance is not split */
  guint zone;
} CuUnitInfo;

typedef struct
{
  CuUnitInfo info;
  char instance[128];
  guint64 transaction_counter; /* the counter the next command must carry */
  guint signature_threshold;   /* 0 = imprint mode */
  guint revocation_threshold;
  guint n_admins;
  CuAdmin admins[CU_MAX_ADMINS];
  CuNewRegisterState new_state;
  uint8_t new_vp[CU_VP_LEN]; /* zeros when empty */
  CuCurrentRegisterState current_state;
  uint8_t current_vp[CU_VP_LEN];
  guint32 control_points; /* CuControlPoint mask */
  guint64 n_keys;
  gboolean rotation_running; /* key storage is being re-enciphered: key
                              * operations and commands are refused */
  guint64 rotation_done;     /* keys already under the new register */
  guint64 rotation_total;
  guint64 audit_length;   /* entries in the audit log */
  uint8_t audit_head[32]; /* hash of the last entry */
} CuUnitState;

gboolean cu_unit_state_is_imprint_mode (const CuUnitState *state);

typedef struct
{
  guint64 seq; /* 1, 2, ... */
  gint64 time; /* unix seconds */
  CuCommandCode command;
  guint64 counter; /* the counter the command carried */
  guint n_signers;
  uint8_t signers[CU_MAX_SIGNATURES][CU_SKI_LEN]; /* SKIs presented */
  guint32 result;          /* 0 accepted, else the CuError code of the refusal */
  uint8_t params_hash[32]; /* SHA-256 of the parameters */
  uint8_t prev_hash[32];
  uint8_t hash[32];
} CuAuditEntry;

/* Recomputes the hash chain over @entries (in order, from seq 1); FALSE with
 * CU_ERROR_PROTOCOL when a link or a hash is wrong (the log was altered). */
gboolean cu_audit_log_verify (GPtrArray *entries, GError **error);

typedef struct
{
  char key_id[CU_KEY_ID_HEX_LEN + 1];
  gint64 created; /* unix seconds */
} CuKeyInfo;

/* ---- Signed commands ---------------------------------------------------- */

typedef struct _CuCommand CuCommand;

/* Generic constructor: @params in the encoding of docs/crypto-unit-protocol.md. */
CuCommand *cu_command_new (const char *instance, const char *unit_id, CuCommandCode code,
                           guint64 counter, const uint8_t *params, size_t params_len,
                           GError **error);
CuCommand *cu_command_new_add_admin (const char *instance, const char *unit_id, guint64 counter,
                                     const char *name, const uint8_t point[CU_POINT_LEN],
                                     GError **error);
CuCommand *cu_command_new_remove_admin (const char *instance, const char *unit_id, guint64 counter,
                                        const uint8_t ski[CU_SKI_LEN], GError **error);
CuCommand *cu_command_new_set_thresholds (const char *instance, const char *unit_id,
                                          guint64 counter, guint signature_threshold,
                                          guint revocation_threshold, GError **error);
/* @blobs: 2 or 3 key-part blobs of CU_KEY_PART_BLOB_LEN bytes, concatenated. */
CuCommand *cu_command_new_load_new (const char *instance, const char *unit_id, guint64 counter,
                                    const uint8_t *blobs, size_t n_blobs, GError **error);
CuCommand *cu_command_new_commit_new (const char *instance, const char *unit_id, guint64 counter,
                                      const uint8_t vp[CU_VP_LEN], GError **error);
CuCommand *cu_command_new_set_control_points (const char *instance, const char *unit_id,
                                              guint64 counter, guint32 mask, GError **error);
CuCommand *cu_command_new_export_mk (const char *instance, const char *unit_id, guint64 counter,
                                     CuRegister reg, GBytes *target_importer_chain, GError **error);
CuCommand *cu_command_new_import_mk (const char *instance, const char *unit_id, guint64 counter,
                                     GBytes *export, GError **error);
/* set-immediate, clear-new, clear-current, rotate, zeroize, generate-new:
 * commands without parameters. */
CuCommand *cu_command_new_simple (const char *instance, const char *unit_id, guint64 counter,
                                  CuCommandCode code, GError **error);

void cu_command_free (CuCommand *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuCommand, cu_command_free)

CuCommandCode cu_command_get_code (const CuCommand *cmd);
const char *cu_command_get_instance (const CuCommand *cmd);
const char *cu_command_get_unit_id (const CuCommand *cmd);
guint64 cu_command_get_counter (const CuCommand *cmd);
const uint8_t *cu_command_get_params (const CuCommand *cmd, size_t *len);
guint cu_command_get_n_signatures (const CuCommand *cmd);

/* SHA-512 of the canonical encoding: what each administrator signs. */
void cu_command_get_digest (const CuCommand *cmd, uint8_t digest[CU_DIGEST_LEN]);

/* Appends a signature (r || s) made by the admin with @ski over the digest. */
gboolean cu_command_add_signature (CuCommand *cmd, const uint8_t ski[CU_SKI_LEN],
                                   const uint8_t signature[CU_SIGNATURE_LEN], GError **error);
/* Signs with a software P-521 key (key files, tests). */
gboolean cu_command_sign_with_key (CuCommand *cmd, EVP_PKEY *key, GError **error);

/* Wire form: canonical encoding || n (1 byte) || n x (SKI || signature). */
GBytes *cu_command_encode (const CuCommand *cmd);
CuCommand *cu_command_decode (const uint8_t *data, size_t len, GError **error);

/* ---- Keys, certificates, key part transport (docs/interfaces.md) ------ */

/* SKI = SHA-256 of the 133-byte point. */
void cu_ski_from_point (const uint8_t point[CU_POINT_LEN], uint8_t ski[CU_SKI_LEN]);
/* Public point of a P-521 key. */
gboolean cu_point_from_key (EVP_PKEY *key, uint8_t point[CU_POINT_LEN], GError **error);
/* VP(x) = SHA-256("OpenTKE-VP-v1" || x) for a 32-byte key part or master key. */
void cu_verification_pattern (const uint8_t key[CU_KEY_PART_LEN], uint8_t vp[CU_VP_LEN]);

/* Verifies @chain (certificates from the leaf up, each 331 bytes) up to the
 * root certificate @root; on success copies the leaf's type, subject ID and
 * public point (any of the outputs may be NULL). */
gboolean cu_certificate_verify_chain (const uint8_t *chain, size_t chain_len,
                                      const uint8_t root[CU_CERT_LEN], CuCertType *leaf_type,
                                      uint8_t leaf_subject[32], uint8_t leaf_point[CU_POINT_LEN],
                                      GError **error);

/* Host side of the key part transport, for key parts held in files:
 * verifies @importer_chain (importer cert || device cert) to @root and
 * encrypts @part to the importer key.  @blob gets CU_KEY_PART_BLOB_LEN bytes. */
gboolean cu_key_part_encrypt (const uint8_t part[CU_KEY_PART_LEN], GBytes *importer_chain,
                              const uint8_t root[CU_CERT_LEN], uint8_t blob[CU_KEY_PART_BLOB_LEN],
                              GError **error);

/* ---- Engine: the units themselves (local transport, cryptounitd) ------- */

typedef struct _CuEngine CuEngine;

/* Opens (creating it if needed, mode 0700) a state directory that holds any
 * number of service instances.  Finishes rotations a crash interrupted.
 * Instances created later by another process are found on first use.
 * Thread-safe: one lock; a rotation releases it between batches. */
CuEngine *cu_engine_open (const char *state_dir, GError **error);
void cu_engine_free (CuEngine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuEngine, cu_engine_free)

/* Creates an instance: a crypto-unit root key and @operational (1..6),
 * @failover (0..operational) and @recovery (0..2) units, each with a device
 * key certified by the root.  CU_ERROR_EXISTS if it exists already. */
gboolean cu_engine_create_instance (CuEngine *engine, const char *instance, guint operational,
                                    guint failover, guint recovery, GError **error);
/* Creates an instance split over @n_zones (1..3, at most @operational)
 * availability zones: the units, round robin within each kind (operational
 * k in zone ((k-1) mod n_zones) + 1, the same for failover and recovery), go
 * to the state directories @zone_dirs[0..n_zones-1], all certified by one
 * root, and each zone's instance.db lists every unit of every zone (export
 * and import between zones).  All or nothing: built in hidden directories,
 * renamed into place, the renames undone when one fails.  CU_ERROR_EXISTS
 * if the instance exists in any of them. */
gboolean cu_engine_create_zoned_instance (const char *const *zone_dirs, guint n_zones,
                                          const char *instance, guint operational, guint failover,
                                          guint recovery, GError **error);
/* Instance names, NULL-terminated, sorted. */
char **cu_engine_list_instances (CuEngine *engine);
gboolean cu_engine_has_instance (CuEngine *engine, const char *instance);

/* The calls below mirror CuTransportVtable one for one. */
GPtrArray *cu_engine_list_units (CuEngine *engine, const char *instance, GError **error);
CuUnitState *cu_engine_get_unit_state (CuEngine *engine, const char *instance, const char *unit_id,
                                       GError **error);
/* Root certificate (331 bytes) of the instance. */
GBytes *cu_engine_get_root_certificate (CuEngine *engine, const char *instance, GError **error);
/* Device certificate (331 bytes) of the unit. */
GBytes *cu_engine_get_device_certificate (CuEngine *engine, const char *instance,
                                          const char *unit_id, GError **error);
/* A fresh one-time importer key: chain = importer cert || device cert. */
GBytes *cu_engine_create_importer (CuEngine *engine, const char *instance, const char *unit_id,
                                   GError **error);
/* Verifies and runs a signed command (wire form).  @output (may be NULL)
 * receives the command's output (export-mk) or NULL. */
gboolean cu_engine_execute (CuEngine *engine, const char *instance, const char *unit_id,
                            GBytes *command, GBytes **output, GError **error);
/* Audit entries with seq >= @from (1-based), in order; CuAuditEntry. */
GPtrArray *cu_engine_get_audit_log (CuEngine *engine, const char *instance, const char *unit_id,
                                    guint64 from, GError **error);
/* Key storage (API credential only). */
char *cu_engine_key_create (CuEngine *engine, const char *instance, const char *unit_id,
                            GError **error);
GPtrArray *cu_engine_key_list (CuEngine *engine, const char *instance, const char *unit_id,
                               GError **error); /* CuKeyInfo */
gboolean cu_engine_key_delete (CuEngine *engine, const char *instance, const char *unit_id,
                               const char *key_id, GError **error);
/* AES-256-GCM: output = nonce (12) || ciphertext || tag (16). */
GBytes *cu_engine_key_encrypt (CuEngine *engine, const char *instance, const char *unit_id,
                               const char *key_id, GBytes *plaintext, GError **error);
GBytes *cu_engine_key_decrypt (CuEngine *engine, const char *instance, const char *unit_id,
                               const char *key_id, GBytes *ciphertext, GError **error);

/* ---- Client ------------------------------------------------------------- */

/* A transport: the engine API of one instance, local or remote.  Every
 * function gets @self; unit_id is 64 hex digits. */
typedef struct
{
  GPtrArray *(*list_units) (gpointer self, GError **error); /* CuUnitInfo */
  CuUnitState *(*get_unit_state) (gpointer self, const char *unit_id, GError **error);
  GBytes *(*get_root_certificate) (gpointer self, GError **error);
  GBytes *(*get_device_certificate) (gpointer self, const char *unit_id, GError **error);
  GBytes *(*create_importer) (gpointer self, const char *unit_id, GError **error);
  gboolean (*execute) (gpointer self, const char *unit_id, GBytes *command, GBytes **output,
                       GError **error);
  GPtrArray *(*get_audit_log) (gpointer self, const char *unit_id, guint64 from,
                               GError **error); /* CuAuditEntry */
  char *(*key_create) (gpointer self, const char *unit_id, GError **error);
  GPtrArray *(*key_list) (gpointer self, const char *unit_id, GError **error); /* CuKeyInfo */
  gboolean (*key_delete) (gpointer self, const char *unit_id, const char *key_id, GError **error);
  GBytes *(*key_encrypt) (gpointer self, const char *unit_id, const char *key_id, GBytes *plaintext,
                          GError **error);
  GBytes *(*key_decrypt) (gpointer self, const char *unit_id, const char *key_id,
                          GBytes *ciphertext, GError **error);
  void (*free) (gpointer self);
} CuTransportVtable;

typedef struct _CuClient CuClient;

/* Takes ownership of @self (freed with vtable->free). */
CuClient *cu_client_new_with_transport (const char *instance, const CuTransportVtable *vtable,
                                        gpointer self);
/* Local transport: an engine on @state_dir, instance @instance (must exist). */
CuClient *cu_client_new_local (const char *state_dir, const char *instance, GError **error);
/* The embedded default of DESIGN.md §5: instance "local" (2 operational +
 * 2 recovery units) under $XDG_DATA_HOME/opentke/local, created if missing. */
CuClient *cu_client_new_local_default (GError **error);
/* Remote transport (libcrypto-unit/remote/): HTTPS to cryptounitd at
 * @base_url ("https://host:port"), bearer @credential, server certificate
 * pinned to @tls_fingerprint (SHA-256 of the DER certificate, 64 hex digits). */
CuClient *cu_client_new_remote (const char *base_url, const char *instance, const char *credential,
                                const char *tls_fingerprint, GError **error);
/* One instance split over @n_zones (1..3) availability zones, each served
 * by its own cryptounitd: @base_urls and @tls_fingerprints (may be NULL, or
 * hold NULLs: pinned at first use) in zone order.  Every call goes to the
 * zone that holds the unit (learned from list_units, refreshed when a unit
 * is not known yet); list_units merges every zone, sorted by kind then
 * index, with CuUnitInfo.zone set, and fails with CU_ERROR_UNREACHABLE
 * naming the zone and its URL when one cannot be reached.  A call on a unit
 * of an unreachable zone fails the same way; units of the other zones keep
 * working.  The zones must share one crypto-unit root certificate
 * (CU_ERROR_CERTIFICATE otherwise).  One zone is cu_client_new_remote(). */
CuClient *cu_client_new_remote_zones (guint n_zones, const char *const *base_urls,
                                      const char *const *tls_fingerprints, const char *instance,
                                      const char *credential, GError **error);
void cu_client_free (CuClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuClient, cu_client_free)

const char *cu_client_get_instance (CuClient *client);
GPtrArray *cu_client_list_units (CuClient *client, GError **error);
CuUnitState *cu_client_get_unit_state (CuClient *client, const char *unit_id, GError **error);
GBytes *cu_client_get_root_certificate (CuClient *client, GError **error);
GBytes *cu_client_get_device_certificate (CuClient *client, const char *unit_id, GError **error);
GBytes *cu_client_create_importer (CuClient *client, const char *unit_id, GError **error);
gboolean cu_client_execute (CuClient *client, const CuCommand *cmd, GBytes **output,
                            GError **error);
GPtrArray *cu_client_get_audit_log (CuClient *client, const char *unit_id, guint64 from,
                                    GError **error);
char *cu_client_key_create (CuClient *client, const char *unit_id, GError **error);
GPtrArray *cu_client_key_list (CuClient *client, const char *unit_id, GError **error);
gboolean cu_client_key_delete (CuClient *client, const char *unit_id, const char *key_id,
                               GError **error);
GBytes *cu_client_key_encrypt (CuClient *client, const char *unit_id, const char *key_id,
                               GBytes *plaintext, GError **error);
GBytes *cu_client_key_decrypt (CuClient *client, const char *unit_id, const char *key_id,
                               GBytes *ciphertext, GError **error);

/* ---- Recovery units: auto-init, auto-mk-rotate, auto-recover ----------- */

/* Called for each command that needs signatures: add @needed signatures of
 * distinct admins to @cmd (cu_command_add_signature / _sign_with_key). */
typedef gboolean (*CuSignFunc) (CuCommand *cmd, guint needed, gpointer user_data, GError **error);

/* Per-unit outcome of a multi-unit operation. */
typedef struct
{
  char unit_id[CU_UNIT_ID_HEX_LEN + 1];
  gboolean changed; /* the unit reached the target state */
  GError *error;    /* why not, or NULL */
} CuUnitOutcome;
void cu_unit_outcome_free (CuUnitOutcome *outcome);

/* auto-init: on every unit of the instance, adds @admins (points, names),
 * sets the thresholds, then generates a random MK in recovery unit 1 and
 * moves it encrypted to every other unit, commits and sets it immediate.
 * Units that already have an admin or the thresholds are not asked again.
 * @outcomes: one CuUnitOutcome per unit (for auto-recover: per unit other
 * than the source), also when FALSE is returned because some units failed;
 * NULL when the operation stopped before any unit could change (no
 * recovery unit, the recovery unit refused). */
gboolean cu_client_auto_init (CuClient *client, const CuAdmin *admins, guint n_admins,
                              guint signature_threshold, guint revocation_threshold,
                              CuSignFunc sign, gpointer user_data, GPtrArray **outcomes,
                              GError **error);
/* auto-mk-rotate: new random MK in recovery unit 1, to every unit's new
 * register, commit, then rotate (operational/failover) or set immediate. */
gboolean cu_client_auto_mk_rotate (CuClient *client, CuSignFunc sign, gpointer user_data,
                                   GPtrArray **outcomes, GError **error);
/* auto-recover: copies the current MK of recovery unit @recovery_index
 * (1 or 2) to every unit whose current register is empty or different. */
gboolean cu_client_auto_recover (CuClient *client, guint recovery_index, CuSignFunc sign,
                                 gpointer user_data, GPtrArray **outcomes, GError **error);

/* Number of signatures @code needs on a unit in @state (DESIGN.md §2 table);
 * -1 when the command is refused in that state (imprint mode).  For
 * set-thresholds in imprint mode pass the new threshold in @new_threshold. */
int cu_command_signatures_needed (CuCommandCode code, const CuUnitState *state,
                                  guint new_threshold);

G_END_DECLS
