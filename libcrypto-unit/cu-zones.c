/* cu-zones.c: one service instance over its availability zones (see
 * cu-zones.h).  Which zone holds which unit is learned from list_units and
 * refreshed when a unit is not known yet; a zone that cannot be reached is
 * named in the error, and the units of the other zones keep working. */
#include "cu-zones.h"

#include <string.h>

typedef struct
{
  char *url;
  const CuTransportVtable *vtable;
  gpointer self;
  GBytes *root; /* root certificate, once fetched */
} CuZone;

struct _CuZones
{
  GMutex lock; /* the unit map and the roots; calls into a zone run unlocked */
  guint n;
  CuZone zone[CU_MAX_ZONES];
  GHashTable *unit_zone; /* unit ID -> zone number (1-based) */
};

CuZones *
cu_zones_new (void)
{
  CuZones *zones = g_new0 (CuZones, 1);

  g_mutex_init (&zones->lock);
  zones->unit_zone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return zones;
}

void
cu_zones_add (CuZones *zones, const char *url, const CuTransportVtable *vtable, gpointer self)
{
  CuZone *zone;

  g_return_if_fail (zones->n < CU_MAX_ZONES);
  zone = &zones->zone[zones->n++];
  zone->url = g_strdup (url);
  zone->vtable = vtable;
  zone->self = self;
}

static void
zones_free (gpointer self)
{
  CuZones *zones = self;

  if (zones == NULL)
    return;
  for (guint z = 0; z < zones->n; z++)
    {
      if (zones->zone[z].vtable->free != NULL)
        zones->zone[z].vtable->free (zones->zone[z].self);
      g_free (zones->zone[z].url);
      g_clear_pointer (&zones->zone[z].root, g_bytes_unref);
    }
  g_hash_table_unref (zones->unit_zone);
  g_mutex_clear (&zones->lock);
  g_free (zones);
}

/* Names the zone in an error of its transport: the person at the
 * workstation must know which zone to look at. */
static void
name_zone (CuZones *zones, guint z, GError **error)
{
  if (error == NULL || *error == NULL || (*error)->domain != CU_ERROR)
    return;
  if ((*error)->code == CU_ERROR_UNREACHABLE)
    g_prefix_error (error, "availability zone %u (%s) is unreachable: ", z + 1, zones->zone[z].url);
  else if ((*error)->code < CU_ERROR_BAD_SIGNATURE) /* transport and authentication */
    g_prefix_error (error, "availability zone %u (%s): ", z + 1, zones->zone[z].url);
}

/* The root certificate of zone @z (fetched once); it must be the one of
 * every other zone whose root is known. */
static GBytes *
zone_root (CuZones *zones, guint z, GError **error)
{
  GBytes *root;

  g_mutex_lock (&zones->lock);
  root = zones->zone[z].root != NULL ? g_bytes_ref (zones->zone[z].root) : NULL;
  g_mutex_unlock (&zones->lock);
  if (root == NULL)
    {
      root = zones->zone[z].vtable->get_root_certificate (zones->zone[z].self, error);
      if (root == NULL)
        {
          name_zone (zones, z, error);
          return NULL;
        }
    }
  g_mutex_lock (&zones->lock);
  if (zones->zone[z].root == NULL)
    zones->zone[z].root = g_bytes_ref (root);
  for (guint y = 0; y < zones->n; y++)
    if (zones->zone[y].root != NULL && !g_bytes_equal (zones->zone[y].root, root))
      {
        g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                     "Availability zones %u (%s) and %u (%s) have different crypto-unit root "
                     "certificates: they are not zones of the same service instance",
                     y + 1, zones->zone[y].url, z + 1, zones->zone[z].url);
        g_clear_pointer (&root, g_bytes_unref);
        break;
      }
  g_mutex_unlock (&zones->lock);
  return root;
}

/* The units of zone @z, with their zone set and remembered. */
static GPtrArray *
zone_units (CuZones *zones, guint z, GError **error)
{
  g_autoptr (GPtrArray) units = zones->zone[z].vtable->list_units (zones->zone[z].self, error);

  if (units == NULL)
    {
      name_zone (zones, z, error);
      return NULL;
    }
  for (guint i = 0; i < units->len; i++)
    {
      CuUnitInfo *info = g_ptr_array_index (units, i);

      /* A service that says which zone it is must be configured as that one. */
      if (info->zone != 0 && info->zone != z + 1)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                       "The service at %s holds availability zone %u of the service instance, "
                       "but is configured as zone %u: give the URLs in zone order",
                       zones->zone[z].url, info->zone, z + 1);
          return NULL;
        }
      info->zone = z + 1;
    }
  g_mutex_lock (&zones->lock);
  for (guint i = 0; i < units->len; i++)
    {
      CuUnitInfo *info = g_ptr_array_index (units, i);

      g_hash_table_replace (zones->unit_zone, g_strdup (info->unit_id), GUINT_TO_POINTER (z + 1));
    }
  g_mutex_unlock (&zones->lock);
  return g_steal_pointer (&units);
}

static int
compare_units (gconstpointer a, gconstpointer b)
{
  const CuUnitInfo *x = *(const CuUnitInfo *const *)a;
  const CuUnitInfo *y = *(const CuUnitInfo *const *)b;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static GPtrArray *
zones_list_units (gpointer self, GError **error)
{
  CuZones *zones = self;
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  for (guint z = 0; z < zones->n; z++)
    {
      g_autoptr (GPtrArray) units = zone_units (zones, z, error);
      g_autoptr (GBytes) root = NULL;

      if (units == NULL || (root = zone_root (zones, z, error)) == NULL)
        return NULL;
      for (guint i = 0; i < units->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&g_ptr_array_index (units, i)));
    }
  g_ptr_array_sort (all, compare_units);
  return g_steal_pointer (&all);
}

/* The zone (0-based) that holds @unit_id.  An unknown unit makes every
 * zone list its units again; when it is still unknown and a zone could not
 * be asked, that zone's error is the answer (the unit may be there). */
static gboolean
route (CuZones *zones, const char *unit_id, guint *zone, GError **error)
{
  g_autoptr (GError) unasked = NULL;
  guint found;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_mutex_lock (&zones->lock);
      found = unit_id != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (zones->unit_zone, unit_id))
                              : 0;
      g_mutex_unlock (&zones->lock);
      if (found != 0)
        {
          *zone = found - 1;
          return TRUE;
        }
      for (guint z = 0; attempt == 0 && z < zones->n; z++)
        {
          g_autoptr (GError) local = NULL;
          g_autoptr (GPtrArray) units = zone_units (zones, z, &local);

          if (units == NULL && unasked == NULL)
            unasked = g_steal_pointer (&local);
        }
    }
  if (unasked != NULL)
    g_propagate_error (error, g_steal_pointer (&unasked));
  else
    g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND,
                 "No crypto unit %s in any availability zone of the service instance",
                 unit_id != NULL ? unit_id : "(none)");
  return FALSE;
}

/* Runs @call on the zone that holds @unit_id; its errors name the zone. */
#define ROUTED(zones, unit_id, error, fail, call)                                                  \
  G_STMT_START                                                                                     \
  {                                                                                                \
    guint z_;                                                                                      \
    __auto_type result_ = (fail);                                                                  \
    if (!route ((zones), (unit_id), &z_, (error)))                                                 \
      return (fail);                                                                               \
    result_ = (zones)->zone[z_].vtable->call;                                                      \
    if (result_ == (fail))                                                                         \
      name_zone ((zones), z_, (error));                                                            \
    return result_;                                                                                \
  }                                                                                                \
  G_STMT_END

#define SELF(z) zones->zone[z].self

static CuUnitState *
zones_get_unit_state (gpointer self, const char *unit_id, GError **error)
{
  CuZones *zones = self;
  guint z;
  CuUnitState *state;

  if (!route (zones, unit_id, &z, error))
    return NULL;
  state = zones->zone[z].vtable->get_unit_state (SELF (z), unit_id, error);
  if (state == NULL)
    name_zone (zones, z, error);
  else
    state->info.zone = z + 1;
  return state;
}

/* The one root of the instance: every zone that answers must present the
 * same; a zone that does not answer is left out unless none answers. */
static GBytes *
zones_get_root_certificate (gpointer self, GError **error)
{
  CuZones *zones = self;
  g_autoptr (GError) first_error = NULL;
  GBytes *root = NULL;

  for (guint z = 0; z < zones->n; z++)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (GBytes) r = zone_root (zones, z, &local);

      if (r == NULL && g_error_matches (local, CU_ERROR, CU_ERROR_CERTIFICATE))
        {
          g_clear_pointer (&root, g_bytes_unref);
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (r == NULL && first_error == NULL)
        first_error = g_steal_pointer (&local);
      if (r != NULL && root == NULL)
        root = g_steal_pointer (&r);
    }
  if (root == NULL)
    g_propagate_error (error, g_steal_pointer (&first_error));
  return root;
}

static GBytes *
zones_get_device_certificate (gpointer self, const char *unit_id, GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (GBytes *)NULL,
          get_device_certificate (SELF (z_), unit_id, error));
}

static GBytes *
zones_create_importer (gpointer self, const char *unit_id, GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (GBytes *)NULL, create_importer (SELF (z_), unit_id, error));
}

static gboolean
zones_execute (gpointer self, const char *unit_id, GBytes *command, GBytes **output, GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (gboolean)FALSE,
          execute (SELF (z_), unit_id, command, output, error));
}

static GPtrArray *
zones_get_audit_log (gpointer self, const char *unit_id, guint64 from, GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (GPtrArray *)NULL,
          get_audit_log (SELF (z_), unit_id, from, error));
}

static char *
zones_key_create (gpointer self, const char *unit_id, GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (char *)NULL, key_create (SELF (z_), unit_id, error));
}

static GPtrArray *
zones_key_list (gpointer self, const char *unit_id, GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (GPtrArray *)NULL, key_list (SELF (z_), unit_id, error));
}

static gboolean
zones_key_delete (gpointer self, const char *unit_id, const char *key_id, GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (gboolean)FALSE, key_delete (SELF (z_), unit_id, key_id, error));
}

static GBytes *
zones_key_encrypt (gpointer self, const char *unit_id, const char *key_id, GBytes *plaintext,
                   GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (GBytes *)NULL,
          key_encrypt (SELF (z_), unit_id, key_id, plaintext, error));
}

static GBytes *
zones_key_decrypt (gpointer self, const char *unit_id, const char *key_id, GBytes *ciphertext,
                   GError **error)
{
  CuZones *zones = self;

  ROUTED (zones, unit_id, error, (GBytes *)NULL,
          key_decrypt (SELF (z_), unit_id, key_id, ciphertext, error));
}

const CuTransportVtable cu_zones_vtable = {
  .list_units = zones_list_units,
  .get_unit_state = zones_get_unit_state,
  .get_root_certificate = zones_get_root_certificate,
  .get_device_certificate = zones_get_device_certificate,
  .create_importer = zones_create_importer,
  .execute = zones_execute,
  .get_audit_log = zones_get_audit_log,
  .key_create = zones_key_create,
  .key_list = zones_key_list,
  .key_delete = zones_key_delete,
  .key_encrypt = zones_key_encrypt,
  .key_decrypt = zones_key_decrypt,
  .free = zones_free,
};
