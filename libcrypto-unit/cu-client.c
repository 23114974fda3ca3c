/* cu-client.c: the client the ceremony uses; every call goes through the
 * transport vtable (local: cu-local.c, remote: remote/). */
#include "opentke-crypto-unit.h"

struct _CuClient
{
  char *instance;
  const CuTransportVtable *vtable;
  gpointer self;
};

CuClient *
cu_client_new_with_transport (const char *instance, const CuTransportVtable *vtable, gpointer self)
{
  CuClient *client = g_new0 (CuClient, 1);

  client->instance = g_strdup (instance);
  client->vtable = vtable;
  client->self = self;
  return client;
}

void
cu_client_free (CuClient *client)
{
  if (client == NULL)
    return;
  if (client->vtable->free != NULL)
    client->vtable->free (client->self);
  g_free (client->instance);
  g_free (client);
}

const char *
cu_client_get_instance (CuClient *client)
{
  return client->instance;
}

GPtrArray *
cu_client_list_units (CuClient *client, GError **error)
{
  return client->vtable->list_units (client->self, error);
}

CuUnitState *
cu_client_get_unit_state (CuClient *client, const char *unit_id, GError **error)
{
  return client->vtable->get_unit_state (client->self, unit_id, error);
}

GBytes *
cu_client_get_root_certificate (CuClient *client, GError **error)
{
  return client->vtable->get_root_certificate (client->self, error);
}

GBytes *
cu_client_get_device_certificate (CuClient *client, const char *unit_id, GError **error)
{
  return client->vtable->get_device_certificate (client->self, unit_id, error);
}

GBytes *
cu_client_create_importer (CuClient *client, const char *unit_id, GError **error)
{
  return client->vtable->create_importer (client->self, unit_id, error);
}

gboolean
cu_client_execute (CuClient *client, const CuCommand *cmd, GBytes **output, GError **error)
{
  g_autoptr (GBytes) wire = cu_command_encode (cmd);

  if (output != NULL)
    *output = NULL;
  return client->vtable->execute (client->self, cu_command_get_unit_id (cmd), wire, output, error);
}

GPtrArray *
cu_client_get_audit_log (CuClient *client, const char *unit_id, guint64 from, GError **error)
{
  return client->vtable->get_audit_log (client->self, unit_id, from, error);
}

char *
cu_client_key_create (CuClient *client, const char *unit_id, GError **error)
{
  return client->vtable->key_create (client->self, unit_id, error);
}

GPtrArray *
cu_client_key_list (CuClient *client, const char *unit_id, GError **error)
{
  return client->vtable->key_list (client->self, unit_id, error);
}

gboolean
cu_client_key_delete (CuClient *client, const char *unit_id, const char *key_id, GError **error)
{
  return client->vtable->key_delete (client->self, unit_id, key_id, error);
}

GBytes *
cu_client_key_encrypt (CuClient *client, const char *unit_id, const char *key_id, GBytes *plaintext,
                       GError **error)
{
  return client->vtable->key_encrypt (client->self, unit_id, key_id, plaintext, error);
}

GBytes *
cu_client_key_decrypt (CuClient *client, const char *unit_id, const char *key_id,
                       GBytes *ciphertext, GError **error)
{
  return client->vtable->key_decrypt (client->self, unit_id, key_id, ciphertext, error);
}
