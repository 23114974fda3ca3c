/* cu-local.c: the local transport: an engine in-process, state in a
 * directory (the embedded default of DESIGN.md §5). */
#include "opentke-crypto-unit.h"

#include <glib/gstdio.h>

#define LOCAL_INSTANCE "local"

typedef struct
{
  CuEngine *engine;
  char *instance;
} Local;

static GPtrArray *
local_list_units (gpointer self, GError **error)
{
  Local *l = self;
  return cu_engine_list_units (l->engine, l->instance, error);
}

static CuUnitState *
local_get_unit_state (gpointer self, const char *unit_id, GError **error)
{
  Local *l = self;
  return cu_engine_get_unit_state (l->engine, l->instance, unit_id, error);
}

static GBytes *
local_get_root_certificate (gpointer self, GError **error)
{
  Local *l = self;
  return cu_engine_get_root_certificate (l->engine, l->instance, error);
}

static GBytes *
local_get_device_certificate (gpointer self, const char *unit_id, GError **error)
{
  Local *l = self;
  return cu_engine_get_device_certificate (l->engine, l->instance, unit_id, error);
}

static GBytes *
local_create_importer (gpointer self, const char *unit_id, GError **error)
{
  Local *l = self;
  return cu_engine_create_importer (l->engine, l->instance, unit_id, error);
}

static gboolean
local_execute (gpointer self, const char *unit_id, GBytes *command, GBytes **output, GError **error)
{
  Local *l = self;
  return cu_engine_execute (l->engine, l->instance, unit_id, command, output, error);
}

static GPtrArray *
local_get_audit_log (gpointer self, const char *unit_id, guint64 from, GError **error)
{
  Local *l = self;
  return cu_engine_get_audit_log (l->engine, l->instance, unit_id, from, error);
}

static char *
local_key_create (gpointer self, const char *unit_id, GError **error)
{
  Local *l = self;
  return cu_engine_key_create (l->engine, l->instance, unit_id, error);
}

static GPtrArray *
local_key_list (gpointer self, const char *unit_id, GError **error)
{
  Local *l = self;
  return cu_engine_key_list (l->engine, l->instance, unit_id, error);
}

static gboolean
local_key_delete (gpointer self, const char *unit_id, const char *key_id, GError **error)
{
  Local *l = self;
  return cu_engine_key_delete (l->engine, l->instance, unit_id, key_id, error);
}

static GBytes *
local_key_encrypt (gpointer self, const char *unit_id, const char *key_id, GBytes *plaintext,
                   GError **error)
{
  Local *l = self;
  return cu_engine_key_encrypt (l->engine, l->instance, unit_id, key_id, plaintext, error);
}

static GBytes *
local_key_decrypt (gpointer self, const char *unit_id, const char *key_id, GBytes *ciphertext,
                   GError **error)
{
  Local *l = self;
  return cu_engine_key_decrypt (l->engine, l->instance, unit_id, key_id, ciphertext, error);
}

static void
local_free (gpointer self)
{
  Local *l = self;

  cu_engine_free (l->engine);
  g_free (l->instance);
  g_free (l);
}

static const CuTransportVtable local_vtable = {
  .list_units = local_list_units,
  .get_unit_state = local_get_unit_state,
  .get_root_certificate = local_get_root_certificate,
  .get_device_certificate = local_get_device_certificate,
  .create_importer = local_create_importer,
  .execute = local_execute,
  .get_audit_log = local_get_audit_log,
  .key_create = local_key_create,
  .key_list = local_key_list,
  .key_delete = local_key_delete,
  .key_encrypt = local_key_encrypt,
  .key_decrypt = local_key_decrypt,
  .free = local_free,
};

static CuClient *
client_for_engine (CuEngine *engine, const char *instance)
{
  Local *l = g_new0 (Local, 1);

  l->engine = engine;
  l->instance = g_strdup (instance);
  return cu_client_new_with_transport (instance, &local_vtable, l);
}

CuClient *
cu_client_new_local (const char *state_dir, const char *instance, GError **error)
{
  CuEngine *engine = cu_engine_open (state_dir, error);

  if (engine == NULL)
    return NULL;
  if (!cu_engine_has_instance (engine, instance))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No service instance %s in %s",
                   instance ? instance : "(none)", state_dir);
      cu_engine_free (engine);
      return NULL;
    }
  return client_for_engine (engine, instance);
}

CuClient *
cu_client_new_local_default (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "opentke", "local", NULL);
  CuEngine *engine = cu_engine_open (dir, error);

  if (engine == NULL)
    return NULL;
  if (!cu_engine_has_instance (engine, LOCAL_INSTANCE)
      && !cu_engine_create_instance (engine, LOCAL_INSTANCE, 2, 0, CU_RECOVERY_UNITS, error))
    {
      cu_engine_free (engine);
      return NULL;
    }
  return client_for_engine (engine, LOCAL_INSTANCE);
}
