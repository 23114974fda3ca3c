/* cu-error.c: the CU_ERROR domain and the names of the commands. */
#include "opentke-crypto-unit.h"

#include <string.h>

G_DEFINE_QUARK (opentke - crypto - unit - error - quark, cu_error)

static const char *const command_names[] = {
  [CU_CMD_ADD_ADMIN] = "add-admin",
  [CU_CMD_REMOVE_ADMIN] = "remove-admin",
  [CU_CMD_SET_THRESHOLDS] = "set-thresholds",
  [CU_CMD_LOAD_NEW] = "load-new",
  [CU_CMD_COMMIT_NEW] = "commit-new",
  [CU_CMD_SET_IMMEDIATE] = "set-immediate",
  [CU_CMD_CLEAR_NEW] = "clear-new",
  [CU_CMD_CLEAR_CURRENT] = "clear-current",
  [CU_CMD_ROTATE] = "rotate",
  [CU_CMD_SET_CONTROL_POINTS] = "set-control-points",
  [CU_CMD_ZEROIZE] = "zeroize",
  [CU_CMD_GENERATE_NEW] = "generate-new",
  [CU_CMD_EXPORT_MK] = "export-mk",
  [CU_CMD_IMPORT_MK] = "import-mk",
};

const char *
cu_command_code_to_string (CuCommandCode code)
{
  if (code < CU_CMD_ADD_ADMIN || code > CU_CMD_LAST)
    return NULL;
  return command_names[code];
}

CuCommandCode
cu_command_code_from_string (const char *name)
{
  if (name == NULL)
    return 0;
  for (int code = CU_CMD_ADD_ADMIN; code <= CU_CMD_LAST; code++)
    if (strcmp (command_names[code], name) == 0)
      return code;
  return 0;
}

gboolean
cu_unit_state_is_imprint_mode (const CuUnitState *state)
{
  return state->signature_threshold == 0;
}
