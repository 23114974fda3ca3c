/* cu-command.h: internal side of CuCommand (the engine reads the signatures
 * and the canonical encoding). */
#pragma once

#include "opentke-crypto-unit.h"

#define CU_COMMAND_MAGIC     "OpenTKE-CU-cmd-1"
#define CU_COMMAND_MAGIC_LEN 16
#define CU_MAX_PARAMS_LEN    4096
#define CU_MAX_INSTANCE_LEN  127

typedef struct
{
  uint8_t ski[CU_SKI_LEN];
  uint8_t signature[CU_SIGNATURE_LEN];
} CuCommandSignature;

const CuCommandSignature *cu_command_get_signatures (const CuCommand *cmd, guint *n);
const uint8_t *cu_command_get_unit_id_bytes (const CuCommand *cmd);

/* Instance names: 1..127 bytes of [A-Za-z0-9._-], not starting with '.'. */
gboolean cu_instance_name_is_valid (const char *instance);

/* Big-endian helpers shared by the encoders. */
void cu_put_be (uint8_t *out, guint64 value, size_t len);
guint64 cu_get_be (const uint8_t *in, size_t len);
