/* tke-ceremony.c: the ceremony context: the service it talks to, its units
 * and the workstation's selection of them. */
#include "tke-ceremony-private.h"

#include <string.h>

/* The embedded default of DESIGN.md §5. */
#define LOCAL_INSTANCE    "local"
#define LOCAL_OPERATIONAL 2
#define LOCAL_RECOVERY    2

const char *
tke_unit_kind_to_string (CuUnitKind kind)
{
  switch (kind)
    {
      case CU_UNIT_OPERATIONAL:
        return "OPERATIONAL";
      case CU_UNIT_FAILOVER:
        return "FAILOVER";
      case CU_UNIT_RECOVERY:
        return "RECOVERY";
    }
  return "UNKNOWN";
}

char *
tke_unit_key (const TkeUnit *unit)
{
  return g_strdup_printf ("%s/%s", unit->instance, unit->unit_id);
}

static void
tke_unit_free (TkeUnit *unit)
{
  g_free (unit->instance);
  g_free (unit->location);
  g_free (unit);
}

void
tke_unit_result_free (TkeUnitResult *r)
{
  if (!r)
    return;
  g_clear_error (&r->error);
  g_free (r);
}

void
tke_signer_free (TkeSigner *s)
{
  if (!s)
    return;
  g_free (s->label);
  g_clear_pointer (&s->file_key, card_keyfile_key_free);
  g_clear_pointer (&s->card, card_session_close);
  g_free (s);
}

/* The local service: every instance in the local state folder, the default
 * one created on first use. */
static gboolean
connect_local (TkeCeremony *c, GError **error)
{
  const char *dir = tke_workstation_get_local_service_dir (c->ws);
  g_autoptr (CuEngine) engine = cu_engine_open (dir, error);
  g_auto (GStrv) instances = NULL;

  if (!engine)
    return FALSE;
  if (!cu_engine_has_instance (engine, LOCAL_INSTANCE)
      && !cu_engine_create_instance (engine, LOCAL_INSTANCE, LOCAL_OPERATIONAL, 0, LOCAL_RECOVERY,
                                     error))
    return FALSE;
  instances = cu_engine_list_instances (engine);
  g_clear_pointer (&engine, cu_engine_free);
  for (guint i = 0; instances[i]; i++)
    {
      CuClient *client = cu_client_new_local (dir, instances[i], error);
      if (!client)
        return FALSE;
      g_ptr_array_add (c->clients, client);
    }
  return TRUE;
}

/* cryptounitd, one per availability zone of the instance: the credential
 * is read from its file (never an argument). */
static gboolean
connect_remote (TkeCeremony *c, GError **error)
{
  const char *const *urls = tke_workstation_get_target_urls (c->ws);
  const char *url = urls[0];
  const char *cred_file = tke_workstation_get_target_credential_file (c->ws);
  const char *const *fingerprints = tke_workstation_get_target_fingerprints (c->ws);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_auto (GStrv) lines = NULL;
  const char *instance = NULL, *credential = NULL;
  CuClient *client = NULL;
  gboolean ok = FALSE;

  if (!cred_file || !*cred_file || !g_file_get_contents (cred_file, &contents, &len, NULL))
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_CONFIG,
                   "Cannot read the credential file \"%s\" of the target %s",
                   cred_file ? cred_file : "", url);
      return FALSE;
    }
  /* The file that "cryptounitd init" prints: "instance NAME" and
   * "credential SECRET" lines, or the credential alone. */
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (g_str_has_prefix (lines[i], "instance "))
        instance = lines[i] + strlen ("instance ");
      else if (g_str_has_prefix (lines[i], "credential "))
        credential = lines[i] + strlen ("credential ");
      else if (*lines[i] && !credential && !strchr (lines[i], ' '))
        credential = lines[i];
    }
  if (!instance || !credential)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_CONFIG,
                   "The credential file \"%s\" needs an \"instance NAME\" and a \"credential "
                   "SECRET\" line",
                   cred_file);
      goto out;
    }
  client = cu_client_new_remote_zones (g_strv_length ((char **)urls), urls, fingerprints, instance,
                                       credential, error);
  if (client)
    {
      g_ptr_array_add (c->clients, client);
      ok = TRUE;
    }
out:
  secure_clear (contents, len);
  for (guint i = 0; lines && lines[i]; i++)
    secure_clear (lines[i], strlen (lines[i]));
  return ok;
}

/* "[URL].[INSTANCE].[KIND-N]"; a unit of an instance split over zones
 * names its zone: "[zone 2 URL].[INSTANCE].[KIND-N]". */
static char *
unit_location (TkeCeremony *c, const char *instance, const CuUnitInfo *info)
{
  const char *const *urls = tke_workstation_get_target_urls (c->ws);
  g_autofree char *where = NULL;

  if (!urls)
    where = g_strdup ("local");
  else if (info->zone > 0 && info->zone <= g_strv_length ((char **)urls))
    where = g_strdup_printf ("zone %u %s", info->zone, urls[info->zone - 1]);
  else
    where = g_strdup (urls[0]);
  return g_strdup_printf ("[%s].[%s].[%s-%u]", where, instance,
                          tke_unit_kind_to_string (info->kind), info->index);
}

static gboolean
load_units (TkeCeremony *c, GError **error)
{
  g_auto (GStrv) selected = tke_workstation_get_selected_units (c->ws);

  for (guint i = 0; i < c->clients->len; i++)
    {
      CuClient *client = g_ptr_array_index (c->clients, i);
      g_autoptr (GPtrArray) infos = cu_client_list_units (client, error);

      if (!infos)
        return FALSE;
      for (guint j = 0; j < infos->len; j++)
        {
          const CuUnitInfo *info = g_ptr_array_index (infos, j);
          TkeUnit *unit = g_new0 (TkeUnit, 1);
          g_autofree char *key = NULL;

          unit->num = c->units->len + 1;
          unit->instance = g_strdup (cu_client_get_instance (client));
          g_strlcpy (unit->unit_id, info->unit_id, sizeof unit->unit_id);
          unit->kind = info->kind;
          unit->index = info->index;
          unit->location = unit_location (c, unit->instance, info);
          key = tke_unit_key (unit);
          unit->selected = g_strv_contains ((const char *const *)selected, key);
          g_ptr_array_add (c->units, unit);
        }
    }
  return TRUE;
}

TkeCeremony *
tke_ceremony_new_offline (TkeWorkstation *ws, TkePrompter *prompter)
{
  TkeCeremony *c = g_new0 (TkeCeremony, 1);

  c->ws = ws;
  c->prompter = prompter;
  c->clients = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_client_free);
  c->units = g_ptr_array_new_with_free_func ((GDestroyNotify)tke_unit_free);
  c->signers = g_ptr_array_new_with_free_func ((GDestroyNotify)tke_signer_free);
  return c;
}

TkeCeremony *
tke_ceremony_new (TkeWorkstation *ws, TkePrompter *prompter, GError **error)
{
  g_autoptr (TkeCeremony) c = tke_ceremony_new_offline (ws, prompter);

  if (tke_workstation_get_target_url (ws) ? !connect_remote (c, error) : !connect_local (c, error))
    return NULL;
  if (!load_units (c, error))
    return NULL;
  return g_steal_pointer (&c);
}

void
tke_ceremony_free (TkeCeremony *c)
{
  if (!c)
    return;
  g_clear_pointer (&c->card_signer, tke_signer_free);
  g_clear_pointer (&c->signers, g_ptr_array_unref);
  g_clear_pointer (&c->units, g_ptr_array_unref);
  g_clear_pointer (&c->clients, g_ptr_array_unref);
  g_clear_pointer (&c->cards, card_context_free);
  g_free (c);
}

TkeWorkstation *
tke_ceremony_get_workstation (TkeCeremony *c)
{
  return c->ws;
}

TkePrompter *
tke_ceremony_get_prompter (TkeCeremony *c)
{
  return c->prompter;
}

GPtrArray *
tke_ceremony_get_units (TkeCeremony *c)
{
  return c->units;
}

GPtrArray *
tke_ceremony_get_selected_units (TkeCeremony *c)
{
  GPtrArray *selected = g_ptr_array_new ();

  for (guint i = 0; i < c->units->len; i++)
    {
      TkeUnit *unit = g_ptr_array_index (c->units, i);
      if (unit->selected)
        g_ptr_array_add (selected, unit);
    }
  return selected;
}

CuClient *
tke_ceremony_get_client (TkeCeremony *c, const TkeUnit *unit)
{
  for (guint i = 0; i < c->clients->len; i++)
    {
      CuClient *client = g_ptr_array_index (c->clients, i);
      if (g_strcmp0 (cu_client_get_instance (client), unit->instance) == 0)
        return client;
    }
  g_return_val_if_reached (NULL);
}

void
tke_ceremony_set_sign_with_cards (TkeCeremony *c, gboolean cards)
{
  c->sign_with_cards = cards;
}

GBytes *
tke_ceremony_get_pinned_root (TkeCeremony *c, const TkeUnit *unit, GError **error)
{
  const char *url = tke_workstation_get_target_url (c->ws);
  g_autoptr (GBytes) root
      = cu_client_get_root_certificate (tke_ceremony_get_client (c, unit), error);
  g_autofree char *seen = NULL;
  g_autofree char *pinned = NULL;

  if (!root)
    return NULL;
  seen = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, root);
  pinned = tke_workstation_get_pinned_root (c->ws, url, unit->instance);
  if (!pinned)
    {
      /* First use: trust on first use, remembered for every later ceremony. */
      tke_workstation_set_pinned_root (c->ws, url, unit->instance, seen);
      if (!tke_workstation_save (c->ws, error))
        return NULL;
      tke_prompter_info (c->prompter, "Service instance %s: crypto-unit root %s remembered.",
                         unit->instance, seen);
    }
  else if (g_strcmp0 (pinned, seen) != 0)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_CONFIG,
                   "The crypto-unit root certificate of service instance %s is not the one this "
                   "workstation knows (%s, now %s): refusing to send key parts to it",
                   unit->instance, pinned, seen);
      return NULL;
    }
  return g_steal_pointer (&root);
}

void
tke_ceremony_get_stats (TkeCeremony *c, TkeStats *stats)
{
  *stats = c->stats;
}
