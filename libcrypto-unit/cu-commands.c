/* cu-commands.c: the rules of each admin command (DESIGN.md §2,
 * docs/crypto-unit-protocol.md "Rules of each command").  Runs after the
 * framework in cu-unit.c authenticated the command; a refusal is a GError. */
#include "cu-unit.h"

#include "cu-cert.h"
#include "secure.h"

#include <string.h>

#define EXPORT_LABEL "OpenTKE-MK-export-v1"

int
cu_command_signatures_needed (CuCommandCode code, const CuUnitState *state, guint new_threshold)
{
  gboolean imprint = state->signature_threshold == 0;
  guint s = state->signature_threshold;

  switch (code)
    {
      case CU_CMD_ADD_ADMIN:
        return imprint ? 0 : (int)s;
      case CU_CMD_REMOVE_ADMIN:
        return imprint ? 0 : (int)state->revocation_threshold;
      case CU_CMD_SET_THRESHOLDS:
        return imprint ? (int)new_threshold : (int)s;
      case CU_CMD_ZEROIZE:
        return imprint ? 0 : 1;
      case CU_CMD_COMMIT_NEW:
      case CU_CMD_SET_CONTROL_POINTS:
      case CU_CMD_EXPORT_MK:
        return imprint ? -1 : (int)s;
      case CU_CMD_LOAD_NEW:
      case CU_CMD_SET_IMMEDIATE:
      case CU_CMD_CLEAR_NEW:
      case CU_CMD_CLEAR_CURRENT:
      case CU_CMD_ROTATE:
      case CU_CMD_GENERATE_NEW:
      case CU_CMD_IMPORT_MK:
        return imprint ? -1 : 1;
    }
  return -1;
}

static gboolean
refuse (GError **error, int code, const char *message)
{
  g_set_error_literal (error, CU_ERROR, code, message);
  return FALSE;
}

int
cu_commands_needed (const CuRegs *regs, const CuCommand *cmd, GError **error)
{
  CuUnitState st = { 0 };
  size_t len;
  const uint8_t *params = cu_command_get_params (cmd, &len);
  guint new_s = 0;

  st.signature_threshold = regs->sig_thr;
  st.revocation_threshold = regs->rev_thr;
  if (cu_command_get_code (cmd) == CU_CMD_SET_THRESHOLDS)
    {
      if (len != 2)
        {
          refuse (error, CU_ERROR_INVALID_ARGUMENT, "set-thresholds takes two thresholds");
          return -2;
        }
      new_s = params[0];
    }
  return cu_command_signatures_needed (cu_command_get_code (cmd), &st, new_s);
}

static gboolean
need_params_len (size_t len, size_t want, GError **error)
{
  if (len != want)
    return refuse (error, CU_ERROR_INVALID_ARGUMENT,
                   "The command's parameters have the wrong length");
  return TRUE;
}

static int
find_admin (const CuRegs *regs, const uint8_t ski[CU_SKI_LEN])
{
  for (guint i = 0; i < regs->n_admins; i++)
    if (memcmp (regs->admins[i].ski, ski, CU_SKI_LEN) == 0)
      return (int)i;
  return -1;
}

static gboolean
run_add_admin (CuRegs *regs, const uint8_t *p, size_t len, GError **error)
{
  g_autoptr (EVP_PKEY) key = NULL;
  CuAdmin *a;
  size_t name_len = len > 0 ? p[0] : 0;
  g_autofree char *name = NULL;

  if (len < 1 || len != 1 + name_len + CU_POINT_LEN || name_len == 0)
    return refuse (error, CU_ERROR_INVALID_ARGUMENT, "add-admin takes a name and a public key");
  name = g_strndup ((const char *)p + 1, name_len);
  if (strlen (name) != name_len || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > CU_MAX_ADMIN_NAME_CHARS)
    return refuse (error, CU_ERROR_INVALID_ARGUMENT,
                   "An administrator name is 1 to 30 characters of text");
  key = cu_p521_from_point (p + 1 + name_len, error);
  if (key == NULL)
    return FALSE;
  if (regs->n_admins >= CU_MAX_ADMINS)
    return refuse (error, CU_ERROR_LIMIT, "The crypto unit already has 8 administrators");
  a = &regs->admins[regs->n_admins];
  memset (a, 0, sizeof *a);
  memcpy (a->point, p + 1 + name_len, CU_POINT_LEN);
  cu_ski_from_point (a->point, a->ski);
  if (find_admin (regs, a->ski) >= 0)
    return refuse (error, CU_ERROR_EXISTS, "This signature key is already an administrator");
  g_strlcpy (a->name, name, sizeof a->name);
  regs->n_admins++;
  return TRUE;
}

static gboolean
run_remove_admin (CuRegs *regs, const uint8_t *p, size_t len, GError **error)
{
  int i;

  if (!need_params_len (len, CU_SKI_LEN, error))
    return FALSE;
  i = find_admin (regs, p);
  if (i < 0)
    return refuse (error, CU_ERROR_NOT_FOUND, "No administrator has this signature key");
  if (regs->sig_thr != 0
      && (regs->n_admins - 1 < regs->sig_thr || regs->n_admins - 1 < regs->rev_thr))
    return refuse (error, CU_ERROR_LIMIT,
                   "Removing this administrator would leave fewer administrators than a "
                   "signature threshold: lower the thresholds first");
  memmove (&regs->admins[i], &regs->admins[i + 1],
           (regs->n_admins - (guint)i - 1) * sizeof (CuAdmin));
  regs->n_admins--;
  return TRUE;
}

static gboolean
run_set_thresholds (CuRegs *regs, const uint8_t *p, size_t len, GError **error)
{
  if (!need_params_len (len, 2, error))
    return FALSE;
  if (p[0] < 1 || p[0] > CU_MAX_THRESHOLD || p[1] < 1 || p[1] > CU_MAX_THRESHOLD)
    return refuse (error, CU_ERROR_INVALID_ARGUMENT, "Each threshold is a number from 1 to 8");
  if (p[0] > regs->n_admins || p[1] > regs->n_admins)
    return refuse (error, CU_ERROR_INVALID_ARGUMENT,
                   "A threshold may not exceed the number of administrators");
  regs->sig_thr = p[0];
  regs->rev_thr = p[1];
  return TRUE;
}

/* Loads the importer key named by @ski; CU_ERROR_IMPORTER if unknown. */
static EVP_PKEY *
load_importer (CuUnit *unit, const uint8_t ski[CU_SKI_LEN], uint8_t point[CU_POINT_LEN],
               uint8_t subject[32], GError **error)
{
  sqlite3_stmt *stmt
      = cu_db_prepare (unit->db, "SELECT point, subject, key FROM importers WHERE ski = ?", error);
  EVP_PKEY *key = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, ski, CU_SKI_LEN, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && cu_db_column_blob (stmt, 0, point, CU_POINT_LEN)
      && cu_db_column_blob (stmt, 1, subject, 32))
    key = cu_p521_private_from_der (sqlite3_column_blob (stmt, 2),
                                    (size_t)sqlite3_column_bytes (stmt, 2), error);
  else
    refuse (error, CU_ERROR_IMPORTER,
            "The key was encrypted to an importer key this unit does not have (unknown or "
            "already used): request a new importer key");
  sqlite3_finalize (stmt);
  return key;
}

/* Decrypts one blob to the importer named in @fx (set on first use). */
static gboolean
import_blob (CuUnit *unit, const char *label, const uint8_t *blob, CuRunEffects *fx,
             uint8_t secret[32], GError **error)
{
  g_autoptr (EVP_PKEY) importer = NULL;
  uint8_t point[CU_POINT_LEN], subject[32];

  if (fx->destroy_importer && memcmp (fx->importer_ski, blob + CU_BLOB_SKI_OFFSET, CU_SKI_LEN) != 0)
    return refuse (error, CU_ERROR_IMPORTER,
                   "All key parts of one load must be encrypted to the same importer key");
  importer = load_importer (unit, blob + CU_BLOB_SKI_OFFSET, point, subject, error);
  if (importer == NULL)
    return FALSE;
  fx->destroy_importer = TRUE;
  memcpy (fx->importer_ski, blob + CU_BLOB_SKI_OFFSET, CU_SKI_LEN);
  return cu_transit_decrypt (label, blob, importer, point, subject, secret, error);
}

/* Puts @mk into the empty new register unless it equals the current MK. */
static gboolean
fill_new_register (CuRegs *regs, const uint8_t mk[CU_KEY_PART_LEN], GError **error)
{
  uint8_t vp[CU_VP_LEN], cur_vp[CU_VP_LEN];

  cu_verification_pattern (mk, vp);
  cu_regs_vp (regs, TRUE, cur_vp);
  if (regs->cur_state == CU_CURRENT_VALID && memcmp (vp, cur_vp, CU_VP_LEN) == 0)
    return refuse (error, CU_ERROR_SAME_MASTER_KEY,
                   "The new master key equals the current master key: use other key parts");
  memcpy (regs->new_key, mk, CU_KEY_PART_LEN);
  regs->new_state = CU_NEW_FULL_UNCOMMITTED;
  return TRUE;
}

static gboolean
need_new_empty (const CuRegs *regs, GError **error)
{
  if (regs->new_state != CU_NEW_EMPTY)
    return refuse (error, CU_ERROR_REGISTER_STATE,
                   "The new master key register is not empty: clear it first");
  return TRUE;
}

static gboolean
run_load_new (CuUnit *unit, CuRegs *regs, const uint8_t *p, size_t len, CuRunEffects *fx,
              GError **error)
{
  uint8_t mk[CU_KEY_PART_LEN] = { 0 };
  uint8_t part[CU_KEY_PART_LEN];
  guint n = len > 0 ? p[0] : 0;
  gboolean ok = FALSE;

  if (len < 1 || len != 1 + (size_t)n * CU_KEY_PART_BLOB_LEN)
    return refuse (error, CU_ERROR_INVALID_ARGUMENT, "load-new takes a count and key parts");
  /* The importer key is used up even when the load is then refused. */
  if (n > 0 && !import_blob (unit, CU_LABEL_KEY_PART, p + 1, fx, part, error))
    goto out;
  if (n != 2 && n != 3)
    {
      refuse (error, CU_ERROR_INVALID_ARGUMENT,
              "A master key is loaded from exactly 2 or 3 key parts");
      goto out;
    }
  if (!need_new_empty (regs, error))
    goto out;
  for (guint i = 0; i < n; i++)
    {
      if (i > 0
          && !import_blob (unit, CU_LABEL_KEY_PART, p + 1 + i * CU_KEY_PART_BLOB_LEN, fx, part,
                           error))
        goto out;
      for (size_t b = 0; b < CU_KEY_PART_LEN; b++)
        mk[b] ^= part[b];
    }
  ok = fill_new_register (regs, mk, error);
out:
  secure_clear (mk, sizeof mk);
  secure_clear (part, sizeof part);
  return ok;
}

static gboolean
run_commit_new (CuRegs *regs, const uint8_t *p, size_t len, GError **error)
{
  uint8_t vp[CU_VP_LEN];

  if (!need_params_len (len, CU_VP_LEN, error))
    return FALSE;
  if (regs->new_state != CU_NEW_FULL_UNCOMMITTED)
    return refuse (error, CU_ERROR_REGISTER_STATE,
                   "Only a full, uncommitted new master key register can be committed");
  cu_regs_vp (regs, FALSE, vp);
  if (memcmp (vp, p, CU_VP_LEN) != 0)
    return refuse (error, CU_ERROR_VP_MISMATCH,
                   "The new master key register holds another key than the one to commit "
                   "(verification patterns differ)");
  regs->new_state = CU_NEW_FULL_COMMITTED;
  return TRUE;
}

static gboolean
need_new_committed (const CuRegs *regs, GError **error)
{
  if (regs->new_state != CU_NEW_FULL_COMMITTED)
    return refuse (error, CU_ERROR_REGISTER_STATE,
                   "The new master key register is not full and committed");
  return TRUE;
}

static gboolean
run_set_immediate (CuUnit *unit, CuRegs *regs, GError **error)
{
  uint8_t vp[CU_VP_LEN];
  guint64 orphans = 0;

  if (!need_new_committed (regs, error))
    return FALSE;
  cu_regs_vp (regs, FALSE, vp);
  if (!cu_keystore_count (unit, NULL, vp, &orphans, error))
    return FALSE;
  if (orphans > 0)
    return refuse (error, CU_ERROR_KEY_STORAGE_CONFLICT,
                   "Key storage holds keys under another master key; setting the new one "
                   "immediate would make them unreadable: rotate instead");
  memcpy (regs->cur_key, regs->new_key, CU_KEY_PART_LEN);
  regs->cur_state = CU_CURRENT_VALID;
  secure_clear (regs->new_key, CU_KEY_PART_LEN);
  regs->new_state = CU_NEW_EMPTY;
  return TRUE;
}

static gboolean
run_rotate (CuUnit *unit, CuRegs *regs, const CuCommand *cmd, CuRunEffects *fx, GError **error)
{
  guint64 total = 0;

  if (!need_new_committed (regs, error) || !cu_keystore_count (unit, NULL, NULL, &total, error))
    return FALSE;
  regs->rot_running = TRUE;
  regs->rot_total = total;
  regs->rot_counter = cu_command_get_counter (cmd);
  fx->start_rotation = TRUE;
  return TRUE;
}

static gboolean
run_zeroize (CuUnit *unit, CuRegs *regs, GError **error)
{
  guint64 counter = regs->counter;

  if (!cu_db_exec (unit->db, "DELETE FROM keys; DELETE FROM importers;", error))
    return FALSE;
  secure_clear (regs, sizeof *regs);
  regs->counter = counter;
  regs->cps = CU_CP_DEFAULT;
  return TRUE;
}

static gboolean
need_recovery (CuUnit *unit, GError **error)
{
  if (unit->kind != CU_UNIT_RECOVERY)
    return refuse (error, CU_ERROR_WRONG_UNIT_KIND, "Only a recovery crypto unit can do this");
  return TRUE;
}

static gboolean
run_generate_new (CuUnit *unit, CuRegs *regs, GError **error)
{
  uint8_t mk[CU_KEY_PART_LEN];
  gboolean ok;

  if (!need_recovery (unit, error) || !need_new_empty (regs, error)
      || !cu_random (mk, sizeof mk, error))
    return FALSE;
  ok = fill_new_register (regs, mk, error);
  secure_clear (mk, sizeof mk);
  return ok;
}

static void
export_digest (const uint8_t blob[CU_KEY_PART_BLOB_LEN], uint8_t digest[CU_DIGEST_LEN])
{
  uint8_t buf[sizeof EXPORT_LABEL - 1 + CU_KEY_PART_BLOB_LEN];

  memcpy (buf, EXPORT_LABEL, sizeof EXPORT_LABEL - 1);
  memcpy (buf + sizeof EXPORT_LABEL - 1, blob, CU_KEY_PART_BLOB_LEN);
  cu_sha512 (buf, sizeof buf, digest);
}

/* Verifies a device certificate to the instance root and returns the kind
 * of the unit it names (which must belong to the instance). */
static gboolean
check_peer (CuUnit *unit, const uint8_t *chain, size_t len, CuCertType want,
            uint8_t point[CU_POINT_LEN], uint8_t subject[32], CuUnitKind *kind, GError **error)
{
  CuCertType type = 0;
  CuCertFields device;

  if (!cu_certificate_verify_chain (chain, len, unit->root_cert, &type, subject, point, error))
    return FALSE;
  cu_cert_parse (chain + len - CU_CERT_LEN, &device);
  if (type != want || unit->peer_lookup == NULL
      || !unit->peer_lookup (unit->peer_data, device.subject, kind))
    return refuse (error, CU_ERROR_CERTIFICATE,
                   "The certificate is not one of a crypto unit of this service instance");
  if (memcmp (device.subject, unit->id, CU_UNIT_ID_LEN) == 0)
    return refuse (error, CU_ERROR_INVALID_ARGUMENT,
                   "A crypto unit cannot export its master key to itself");
  return TRUE;
}

static gboolean
run_export_mk (CuUnit *unit, CuRegs *regs, const uint8_t *p, size_t len, CuRunEffects *fx,
               GError **error)
{
  uint8_t out[CU_MK_EXPORT_LEN];
  uint8_t point[CU_POINT_LEN], subject[32], digest[CU_DIGEST_LEN];
  const uint8_t *mk;
  CuUnitKind kind;
  gboolean ok = FALSE;

  if (!need_recovery (unit, error) || !need_params_len (len, 1 + CU_CHAIN_LEN, error))
    return FALSE;
  if (p[0] == CU_REGISTER_NEW && regs->new_state == CU_NEW_FULL_COMMITTED)
    mk = regs->new_key;
  else if (p[0] == CU_REGISTER_CURRENT && regs->cur_state == CU_CURRENT_VALID)
    mk = regs->cur_key;
  else if (p[0] == CU_REGISTER_NEW || p[0] == CU_REGISTER_CURRENT)
    return refuse (error, CU_ERROR_REGISTER_STATE,
                   "The register to export does not hold a committed or valid master key");
  else
    return refuse (error, CU_ERROR_INVALID_ARGUMENT, "Unknown master key register");
  if (!check_peer (unit, p + 1, CU_CHAIN_LEN, CU_CERT_IMPORTER, point, subject, &kind, error)
      || !cu_transit_encrypt (CU_LABEL_MASTER_KEY, mk, point, subject, out, error))
    goto out;
  memcpy (out + CU_KEY_PART_BLOB_LEN, unit->device_cert, CU_CERT_LEN);
  export_digest (out, digest);
  if (!cu_ecdsa_sign_digest (unit->device_key, digest, out + CU_KEY_PART_BLOB_LEN + CU_CERT_LEN,
                             error))
    goto out;
  fx->output = g_bytes_new (out, sizeof out);
  ok = TRUE;
out:
  return ok;
}

static gboolean
run_import_mk (CuUnit *unit, CuRegs *regs, const uint8_t *p, size_t len, CuRunEffects *fx,
               GError **error)
{
  g_autoptr (EVP_PKEY) source = NULL;
  uint8_t point[CU_POINT_LEN], subject[32], digest[CU_DIGEST_LEN];
  uint8_t mk[CU_KEY_PART_LEN];
  CuUnitKind kind = 0;
  GError *local = NULL;
  gboolean ok = FALSE;

  if (!need_params_len (len, CU_MK_EXPORT_LEN, error))
    return FALSE;
  if (!check_peer (unit, p + CU_KEY_PART_BLOB_LEN, CU_CERT_LEN, CU_CERT_DEVICE, point, subject,
                   &kind, error))
    return FALSE;
  if (kind != CU_UNIT_RECOVERY)
    return refuse (error, CU_ERROR_WRONG_UNIT_KIND,
                   "A master key can only be imported from a recovery crypto unit");
  export_digest (p, digest);
  source = cu_p521_from_point (point, error);
  if (source == NULL)
    return FALSE;
  if (!cu_ecdsa_verify_digest (source, digest, p + CU_KEY_PART_BLOB_LEN + CU_CERT_LEN, &local))
    {
      if (local != NULL)
        g_propagate_error (error, local);
      else
        refuse (error, CU_ERROR_BAD_SIGNATURE,
                "The exported master key is not signed by the recovery unit it names");
      return FALSE;
    }
  if (!import_blob (unit, CU_LABEL_MASTER_KEY, p, fx, mk, error))
    goto out;
  ok = need_new_empty (regs, error) && fill_new_register (regs, mk, error);
out:
  secure_clear (mk, sizeof mk);
  return ok;
}

gboolean
cu_commands_run (CuUnit *unit, CuRegs *regs, const CuCommand *cmd, CuRunEffects *fx, GError **error)
{
  size_t len;
  const uint8_t *p = cu_command_get_params (cmd, &len);

  switch (cu_command_get_code (cmd))
    {
      case CU_CMD_ADD_ADMIN:
        return run_add_admin (regs, p, len, error);
      case CU_CMD_REMOVE_ADMIN:
        return run_remove_admin (regs, p, len, error);
      case CU_CMD_SET_THRESHOLDS:
        return run_set_thresholds (regs, p, len, error);
      case CU_CMD_LOAD_NEW:
        return run_load_new (unit, regs, p, len, fx, error);
      case CU_CMD_COMMIT_NEW:
        return run_commit_new (regs, p, len, error);
      case CU_CMD_SET_IMMEDIATE:
        return need_params_len (len, 0, error) && run_set_immediate (unit, regs, error);
      case CU_CMD_CLEAR_NEW:
        if (!need_params_len (len, 0, error))
          return FALSE;
        secure_clear (regs->new_key, CU_KEY_PART_LEN);
        regs->new_state = CU_NEW_EMPTY;
        return TRUE;
      case CU_CMD_CLEAR_CURRENT:
        if (!need_params_len (len, 0, error))
          return FALSE;
        secure_clear (regs->cur_key, CU_KEY_PART_LEN);
        regs->cur_state = CU_CURRENT_EMPTY;
        return TRUE;
      case CU_CMD_ROTATE:
        return need_params_len (len, 0, error) && run_rotate (unit, regs, cmd, fx, error);
      case CU_CMD_SET_CONTROL_POINTS:
        if (!need_params_len (len, 4, error))
          return FALSE;
        if ((cu_get_be (p, 4) & ~(guint64)CU_CP_ALL) != 0)
          return refuse (error, CU_ERROR_INVALID_ARGUMENT, "Unknown control point");
        regs->cps = (guint32)cu_get_be (p, 4);
        return TRUE;
      case CU_CMD_ZEROIZE:
        return need_params_len (len, 0, error) && run_zeroize (unit, regs, error);
      case CU_CMD_GENERATE_NEW:
        return need_params_len (len, 0, error) && run_generate_new (unit, regs, error);
      case CU_CMD_EXPORT_MK:
        return run_export_mk (unit, regs, p, len, fx, error);
      case CU_CMD_IMPORT_MK:
        return run_import_mk (unit, regs, p, len, fx, error);
    }
  return refuse (error, CU_ERROR_INVALID_ARGUMENT, "Unknown command");
}
