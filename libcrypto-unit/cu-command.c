/* cu-command.c: the signed admin command, its canonical encoding and wire
 * form (docs/crypto-unit-protocol.md, "Signed commands"). */
#include "cu-command.h"

#include "cu-crypto.h"
#include "opentke-common.h"

#include <string.h>

struct _CuCommand
{
  char *instance;
  uint8_t unit_id[CU_UNIT_ID_LEN];
  char unit_hex[CU_UNIT_ID_HEX_LEN + 1];
  CuCommandCode code;
  guint64 counter;
  uint8_t *params;
  size_t params_len;
  GArray *signatures; /* CuCommandSignature */
};

void
cu_put_be (uint8_t *out, guint64 value, size_t len)
{
  for (size_t i = 0; i < len; i++)
    out[len - 1 - i] = (uint8_t)(value >> (8 * i));
}

guint64
cu_get_be (const uint8_t *in, size_t len)
{
  guint64 v = 0;

  for (size_t i = 0; i < len; i++)
    v = v << 8 | in[i];
  return v;
}

gboolean
cu_instance_name_is_valid (const char *instance)
{
  size_t len = instance ? strlen (instance) : 0;

  if (len == 0 || len > CU_MAX_INSTANCE_LEN || instance[0] == '.')
    return FALSE;
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isalnum (instance[i]) && instance[i] != '-' && instance[i] != '_'
        && instance[i] != '.')
      return FALSE;
  return TRUE;
}

CuCommand *
cu_command_new (const char *instance, const char *unit_id, CuCommandCode code, guint64 counter,
                const uint8_t *params, size_t params_len, GError **error)
{
  CuCommand *cmd;

  if (!cu_instance_name_is_valid (instance))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "The service instance name is not valid");
      return NULL;
    }
  if (cu_command_code_to_string (code) == NULL || params_len > CU_MAX_PARAMS_LEN
      || (params_len > 0 && params == NULL))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "Unknown command or parameters too long");
      return NULL;
    }
  cmd = g_new0 (CuCommand, 1);
  if (unit_id == NULL || !otk_hex_decode (unit_id, cmd->unit_id, CU_UNIT_ID_LEN))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A crypto unit ID is 64 hexadecimal digits");
      g_free (cmd);
      return NULL;
    }
  for (size_t i = 0; i < CU_UNIT_ID_HEX_LEN; i++)
    cmd->unit_hex[i] = g_ascii_tolower (unit_id[i]);
  cmd->instance = g_strdup (instance);
  cmd->code = code;
  cmd->counter = counter;
  cmd->params = g_memdup2 (params_len ? params : (const uint8_t *)"", params_len ? params_len : 1);
  cmd->params_len = params_len;
  cmd->signatures = g_array_new (FALSE, TRUE, sizeof (CuCommandSignature));
  return cmd;
}

CuCommand *
cu_command_new_add_admin (const char *instance, const char *unit_id, guint64 counter,
                          const char *name, const uint8_t point[CU_POINT_LEN], GError **error)
{
  uint8_t params[1 + 4 * CU_MAX_ADMIN_NAME_CHARS + CU_POINT_LEN];
  size_t len = name ? strlen (name) : 0;

  if (len == 0 || len > 4 * CU_MAX_ADMIN_NAME_CHARS || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > CU_MAX_ADMIN_NAME_CHARS)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "An administrator name is 1 to %d characters", CU_MAX_ADMIN_NAME_CHARS);
      return NULL;
    }
  params[0] = (uint8_t)len;
  memcpy (params + 1, name, len);
  memcpy (params + 1 + len, point, CU_POINT_LEN);
  return cu_command_new (instance, unit_id, CU_CMD_ADD_ADMIN, counter, params,
                         1 + len + CU_POINT_LEN, error);
}

CuCommand *
cu_command_new_remove_admin (const char *instance, const char *unit_id, guint64 counter,
                             const uint8_t ski[CU_SKI_LEN], GError **error)
{
  return cu_command_new (instance, unit_id, CU_CMD_REMOVE_ADMIN, counter, ski, CU_SKI_LEN, error);
}

CuCommand *
cu_command_new_set_thresholds (const char *instance, const char *unit_id, guint64 counter,
                               guint signature_threshold, guint revocation_threshold,
                               GError **error)
{
  uint8_t params[2]
      = { (uint8_t)MIN (signature_threshold, 255), (uint8_t)MIN (revocation_threshold, 255) };

  return cu_command_new (instance, unit_id, CU_CMD_SET_THRESHOLDS, counter, params, 2, error);
}

CuCommand *
cu_command_new_load_new (const char *instance, const char *unit_id, guint64 counter,
                         const uint8_t *blobs, size_t n_blobs, GError **error)
{
  g_autofree uint8_t *params = NULL;
  size_t len = 1 + n_blobs * CU_KEY_PART_BLOB_LEN;
  CuCommand *cmd;

  if (n_blobs > 16)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT, "Too many key parts");
      return NULL;
    }
  params = g_malloc (len);
  params[0] = (uint8_t)n_blobs;
  if (n_blobs > 0)
    memcpy (params + 1, blobs, n_blobs * CU_KEY_PART_BLOB_LEN);
  cmd = cu_command_new (instance, unit_id, CU_CMD_LOAD_NEW, counter, params, len, error);
  return cmd;
}

CuCommand *
cu_command_new_commit_new (const char *instance, const char *unit_id, guint64 counter,
                           const uint8_t vp[CU_VP_LEN], GError **error)
{
  return cu_command_new (instance, unit_id, CU_CMD_COMMIT_NEW, counter, vp, CU_VP_LEN, error);
}

CuCommand *
cu_command_new_set_control_points (const char *instance, const char *unit_id, guint64 counter,
                                   guint32 mask, GError **error)
{
  uint8_t params[4];

  cu_put_be (params, mask, 4);
  return cu_command_new (instance, unit_id, CU_CMD_SET_CONTROL_POINTS, counter, params, 4, error);
}

CuCommand *
cu_command_new_export_mk (const char *instance, const char *unit_id, guint64 counter,
                          CuRegister reg, GBytes *target_importer_chain, GError **error)
{
  g_autoptr (GByteArray) params = g_byte_array_new ();
  uint8_t r = (uint8_t)reg;
  size_t len = 0;
  const uint8_t *chain = g_bytes_get_data (target_importer_chain, &len);

  g_byte_array_append (params, &r, 1);
  g_byte_array_append (params, chain, (guint)len);
  return cu_command_new (instance, unit_id, CU_CMD_EXPORT_MK, counter, params->data, params->len,
                         error);
}

CuCommand *
cu_command_new_import_mk (const char *instance, const char *unit_id, guint64 counter,
                          GBytes *export, GError **error)
{
  size_t len = 0;
  const uint8_t *data = g_bytes_get_data (export, &len);

  return cu_command_new (instance, unit_id, CU_CMD_IMPORT_MK, counter, data, len, error);
}

CuCommand *
cu_command_new_simple (const char *instance, const char *unit_id, guint64 counter,
                       CuCommandCode code, GError **error)
{
  return cu_command_new (instance, unit_id, code, counter, NULL, 0, error);
}

void
cu_command_free (CuCommand *cmd)
{
  if (cmd == NULL)
    return;
  g_free (cmd->instance);
  g_free (cmd->params);
  g_array_unref (cmd->signatures);
  g_free (cmd);
}

CuCommandCode
cu_command_get_code (const CuCommand *cmd)
{
  return cmd->code;
}

const char *
cu_command_get_instance (const CuCommand *cmd)
{
  return cmd->instance;
}

const char *
cu_command_get_unit_id (const CuCommand *cmd)
{
  return cmd->unit_hex;
}

const uint8_t *
cu_command_get_unit_id_bytes (const CuCommand *cmd)
{
  return cmd->unit_id;
}

guint64
cu_command_get_counter (const CuCommand *cmd)
{
  return cmd->counter;
}

const uint8_t *
cu_command_get_params (const CuCommand *cmd, size_t *len)
{
  *len = cmd->params_len;
  return cmd->params;
}

guint
cu_command_get_n_signatures (const CuCommand *cmd)
{
  return cmd->signatures->len;
}

const CuCommandSignature *
cu_command_get_signatures (const CuCommand *cmd, guint *n)
{
  *n = cmd->signatures->len;
  return (const CuCommandSignature *)(void *)cmd->signatures->data;
}

static void
append_be (GByteArray *out, guint64 value, size_t len)
{
  uint8_t buf[8];

  cu_put_be (buf, value, len);
  g_byte_array_append (out, buf, (guint)len);
}

static GByteArray *
canonical_encoding (const CuCommand *cmd)
{
  GByteArray *out = g_byte_array_new ();
  size_t ilen = strlen (cmd->instance);

  g_byte_array_append (out, (const guint8 *)CU_COMMAND_MAGIC, CU_COMMAND_MAGIC_LEN);
  append_be (out, ilen, 1);
  g_byte_array_append (out, (const guint8 *)cmd->instance, (guint)ilen);
  g_byte_array_append (out, cmd->unit_id, CU_UNIT_ID_LEN);
  append_be (out, cmd->code, 2);
  append_be (out, cmd->counter, 8);
  append_be (out, cmd->params_len, 4);
  g_byte_array_append (out, cmd->params, (guint)cmd->params_len);
  return out;
}

void
cu_command_get_digest (const CuCommand *cmd, uint8_t digest[CU_DIGEST_LEN])
{
  g_autoptr (GByteArray) enc = canonical_encoding (cmd);

  cu_sha512 (enc->data, enc->len, digest);
}

gboolean
cu_command_add_signature (CuCommand *cmd, const uint8_t ski[CU_SKI_LEN],
                          const uint8_t signature[CU_SIGNATURE_LEN], GError **error)
{
  CuCommandSignature s;

  if (cmd->signatures->len >= CU_MAX_SIGNATURES)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A command carries at most %d signatures", CU_MAX_SIGNATURES);
      return FALSE;
    }
  memcpy (s.ski, ski, CU_SKI_LEN);
  memcpy (s.signature, signature, CU_SIGNATURE_LEN);
  g_array_append_val (cmd->signatures, s);
  return TRUE;
}

gboolean
cu_command_sign_with_key (CuCommand *cmd, EVP_PKEY *key, GError **error)
{
  uint8_t digest[CU_DIGEST_LEN];
  uint8_t point[CU_POINT_LEN];
  uint8_t ski[CU_SKI_LEN];
  uint8_t signature[CU_SIGNATURE_LEN];

  if (!cu_point_from_key (key, point, error))
    return FALSE;
  cu_ski_from_point (point, ski);
  cu_command_get_digest (cmd, digest);
  if (!cu_ecdsa_sign_digest (key, digest, signature, error))
    return FALSE;
  return cu_command_add_signature (cmd, ski, signature, error);
}

GBytes *
cu_command_encode (const CuCommand *cmd)
{
  GByteArray *out = canonical_encoding (cmd);

  append_be (out, cmd->signatures->len, 1);
  for (guint i = 0; i < cmd->signatures->len; i++)
    {
      const CuCommandSignature *s = &g_array_index (cmd->signatures, CuCommandSignature, i);

      g_byte_array_append (out, s->ski, CU_SKI_LEN);
      g_byte_array_append (out, s->signature, CU_SIGNATURE_LEN);
    }
  return g_byte_array_free_to_bytes (out);
}

/* A cursor over the wire form: every read checks the remaining length. */
typedef struct
{
  const uint8_t *p;
  size_t left;
} Reader;

static const uint8_t *
take (Reader *r, size_t n)
{
  const uint8_t *p = r->p;

  if (r->left < n)
    return NULL;
  r->p += n;
  r->left -= n;
  return p;
}

CuCommand *
cu_command_decode (const uint8_t *data, size_t len, GError **error)
{
  Reader r = { data, len };
  const uint8_t *magic, *ilen, *instance, *unit, *code, *counter, *plen, *params, *nsig;
  g_autofree char *name = NULL;
  char unit_hex[CU_UNIT_ID_HEX_LEN + 1];
  CuCommand *cmd = NULL;

  if ((magic = take (&r, CU_COMMAND_MAGIC_LEN)) == NULL
      || memcmp (magic, CU_COMMAND_MAGIC, CU_COMMAND_MAGIC_LEN) != 0
      || (ilen = take (&r, 1)) == NULL || (instance = take (&r, ilen[0])) == NULL
      || (unit = take (&r, CU_UNIT_ID_LEN)) == NULL || (code = take (&r, 2)) == NULL
      || (counter = take (&r, 8)) == NULL || (plen = take (&r, 4)) == NULL
      || cu_get_be (plen, 4) > CU_MAX_PARAMS_LEN
      || (params = take (&r, cu_get_be (plen, 4))) == NULL || (nsig = take (&r, 1)) == NULL
      || nsig[0] > CU_MAX_SIGNATURES || r.left != (size_t)nsig[0] * (CU_SKI_LEN + CU_SIGNATURE_LEN))
    goto malformed;
  name = g_strndup ((const char *)instance, ilen[0]);
  if (strlen (name) != ilen[0])
    goto malformed;
  for (size_t i = 0; i < CU_UNIT_ID_LEN; i++)
    g_snprintf (unit_hex + 2 * i, 3, "%02x", unit[i]);
  cmd = cu_command_new (name, unit_hex, (CuCommandCode)cu_get_be (code, 2), cu_get_be (counter, 8),
                        params, cu_get_be (plen, 4), NULL);
  if (cmd == NULL)
    goto malformed;
  for (guint i = 0; i < nsig[0]; i++)
    {
      const uint8_t *s = take (&r, CU_SKI_LEN + CU_SIGNATURE_LEN);

      cu_command_add_signature (cmd, s, s + CU_SKI_LEN, NULL);
    }
  return cmd;
malformed:
  g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL, "The command is malformed");
  return NULL;
}
