/* cu-engine.c: the service instances of a state directory and the engine
 * API (one mutex: cryptounitd may call from several threads).
 *
 * Layout: <state dir>/<instance>/instance.db (root key and certificate,
 * list of units) and <state dir>/<instance>/unit-<kind>-<index>.db.  An
 * instance split over availability zones has such a folder in each zone's
 * state directory, holding that zone's units; every zone's instance.db also
 * lists every member of the instance (table members), so that export and
 * import between units of different zones are checked. */
#include "cu-cert.h"
#include "cu-unit.h"

#include "opentke-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#define ROOT_NAME_PREFIX "OpenTKE crypto-unit root/"

/* A unit of the instance, in this zone or another. */
typedef struct
{
  uint8_t id[CU_UNIT_ID_LEN];
  CuUnitKind kind;
  guint index;
  guint zone; /* 1..3; 0 when the instance is not split */
} CuMember;

typedef struct
{
  char *name;
  uint8_t root_cert[CU_CERT_LEN];
  GPtrArray *units; /* CuUnit, operational, failover, recovery in order */
  GArray *members;  /* CuMember; empty for instances made before zones */
} CuInstance;

struct _CuEngine
{
  char *dir;
  GMutex lock;
  GHashTable *instances; /* name -> CuInstance */
};

static void
instance_free (CuInstance *inst)
{
  if (inst == NULL)
    return;
  g_free (inst->name);
  if (inst->units != NULL)
    g_ptr_array_unref (inst->units);
  if (inst->members != NULL)
    g_array_unref (inst->members);
  g_free (inst);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuInstance, instance_free)

/* A unit of the instance: any member of any zone, or (instances without a
 * members table) one of the units of this state directory. */
static gboolean
instance_peer_lookup (gpointer data, const uint8_t unit_id[CU_UNIT_ID_LEN], CuUnitKind *kind)
{
  CuInstance *inst = data;

  for (guint i = 0; i < inst->members->len; i++)
    {
      const CuMember *m = &g_array_index (inst->members, CuMember, i);

      if (memcmp (m->id, unit_id, CU_UNIT_ID_LEN) == 0)
        {
          *kind = m->kind;
          return TRUE;
        }
    }
  for (guint i = 0; i < inst->units->len; i++)
    {
      CuUnit *u = g_ptr_array_index (inst->units, i);

      if (memcmp (u->id, unit_id, CU_UNIT_ID_LEN) == 0)
        {
          *kind = u->kind;
          return TRUE;
        }
    }
  return FALSE;
}

static const char *
kind_name (CuUnitKind kind)
{
  return kind == CU_UNIT_OPERATIONAL ? "operational"
         : kind == CU_UNIT_FAILOVER  ? "failover"
                                     : "recovery";
}

/* The members table, when the instance has one (made since zones exist). */
static gboolean
load_members (sqlite3 *db, GArray *members, GError **error)
{
  sqlite3_stmt *stmt = cu_db_prepare (
      db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'members'", error);
  gboolean has;

  if (stmt == NULL)
    return FALSE;
  has = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  if (!has)
    return TRUE;
  stmt = cu_db_prepare (db, "SELECT unit_id, kind, idx, zone FROM members", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CuMember m = { 0 };

      if (!cu_db_column_blob (stmt, 0, m.id, CU_UNIT_ID_LEN))
        continue;
      m.kind = sqlite3_column_int (stmt, 1);
      m.index = (guint)sqlite3_column_int (stmt, 2);
      m.zone = (guint)sqlite3_column_int (stmt, 3);
      g_array_append_val (members, m);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static guint
member_zone (GArray *members, const uint8_t id[CU_UNIT_ID_LEN])
{
  for (guint i = 0; i < members->len; i++)
    if (memcmp (g_array_index (members, CuMember, i).id, id, CU_UNIT_ID_LEN) == 0)
      return g_array_index (members, CuMember, i).zone;
  return 0;
}

static CuInstance *
instance_load (const char *dir, const char *name, gboolean resume, GError **error)
{
  g_autoptr (CuInstance) inst = g_new0 (CuInstance, 1);
  g_autofree char *path = g_build_filename (dir, name, "instance.db", NULL);
  sqlite3 *db = cu_db_open (path, FALSE, error);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (db == NULL)
    return NULL;
  inst->name = g_strdup (name);
  inst->units = g_ptr_array_new_with_free_func ((GDestroyNotify)cu_unit_free);
  inst->members = g_array_new (FALSE, TRUE, sizeof (CuMember));
  stmt = cu_db_prepare (db, "SELECT root_cert FROM instance", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW
      || !cu_db_column_blob (stmt, 0, inst->root_cert, CU_CERT_LEN))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "The instance database %s is damaged", path);
      goto out;
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (!load_members (db, inst->members, error))
    goto out;
  stmt = cu_db_prepare (db, "SELECT file FROM units ORDER BY kind, idx", error);
  if (stmt == NULL)
    goto out;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *upath
          = g_build_filename (dir, name, (const char *)sqlite3_column_text (stmt, 0), NULL);
      CuUnit *unit = cu_unit_open (upath, inst->root_cert, error);

      if (unit == NULL)
        goto out;
      unit->peer_lookup = instance_peer_lookup;
      unit->peer_data = inst;
      unit->zone = member_zone (inst->members, unit->id);
      g_ptr_array_add (inst->units, unit);
      /* A rotation interrupted by a crash finishes before anything else. */
      if (resume && !cu_unit_rotation_resume (unit, NULL, error))
        goto out;
    }
  ok = TRUE;
out:
  sqlite3_finalize (stmt);
  cu_db_close (db);
  return ok ? g_steal_pointer (&inst) : NULL;
}

static CuEngine *
engine_open (const char *state_dir, gboolean resume, GError **error)
{
  g_autoptr (CuEngine) engine = g_new0 (CuEngine, 1);
  g_autoptr (GDir) dir = NULL;
  const char *entry;

  g_mutex_init (&engine->lock);
  engine->dir = g_strdup (state_dir);
  engine->instances
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)instance_free);
  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "Cannot create %s: %s", state_dir,
                   g_strerror (errno));
      return NULL;
    }
  dir = g_dir_open (state_dir, 0, NULL);
  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *db = g_build_filename (state_dir, entry, "instance.db", NULL);
      CuInstance *inst;

      if (!cu_instance_name_is_valid (entry) || !g_file_test (db, G_FILE_TEST_IS_REGULAR))
        continue;
      inst = instance_load (state_dir, entry, resume, error);
      if (inst == NULL)
        return NULL;
      g_hash_table_insert (engine->instances, inst->name, inst);
    }
  return g_steal_pointer (&engine);
}

CuEngine *
cu_engine_open (const char *state_dir, GError **error)
{
  return engine_open (state_dir, TRUE, error);
}

CuEngine *
cu_engine_open_no_resume (const char *state_dir, GError **error)
{
  return engine_open (state_dir, FALSE, error);
}

void
cu_engine_free (CuEngine *engine)
{
  if (engine == NULL)
    return;
  if (engine->instances != NULL)
    g_hash_table_unref (engine->instances);
  g_mutex_clear (&engine->lock);
  g_free (engine->dir);
  g_free (engine);
}

/* A unit being made: its file name, its zone (0-based) and the unit. */
typedef struct
{
  char *file;
  guint zone;
  CuUnit *unit;
} NewUnit;

static void
new_unit_free (NewUnit *nu)
{
  g_free (nu->file);
  cu_unit_free (nu->unit);
  g_free (nu);
}

/* instance.db of zone @zone: the root, the units of this zone, and every
 * member of the instance with its zone (1-based; 0 when not split). */
static gboolean
write_instance_db (const char *path, const char *name, EVP_PKEY *root, const uint8_t *root_cert,
                   GPtrArray *made, guint zone, guint n_zones, GError **error)
{
  g_autoptr (OtkSecretBuf) der = cu_p521_private_to_der (root, error);
  sqlite3 *db = der ? cu_db_open (path, TRUE, error) : NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *member = NULL;
  gboolean ok = FALSE;

  if (db == NULL
      || !cu_db_exec (db,
                      "BEGIN; CREATE TABLE instance (name TEXT NOT NULL, root_key BLOB NOT NULL,"
                      " root_cert BLOB NOT NULL);"
                      "CREATE TABLE units (file TEXT NOT NULL, kind INTEGER NOT NULL,"
                      " idx INTEGER NOT NULL, unit_id BLOB NOT NULL);"
                      "CREATE TABLE members (unit_id BLOB NOT NULL, kind INTEGER NOT NULL,"
                      " idx INTEGER NOT NULL, zone INTEGER NOT NULL);",
                      error))
    goto out;
  stmt = cu_db_prepare (db, "INSERT INTO instance VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, der->data, (int)der->len, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, root_cert, CU_CERT_LEN, SQLITE_STATIC);
  if (!cu_db_step_done (db, stmt, error))
    goto out;
  sqlite3_finalize (stmt);
  stmt = cu_db_prepare (db, "INSERT INTO units VALUES (?, ?, ?, ?)", error);
  member = cu_db_prepare (db, "INSERT INTO members VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL || member == NULL)
    goto out;
  for (guint i = 0; i < made->len; i++)
    {
      NewUnit *nu = g_ptr_array_index (made, i);
      CuUnit *u = nu->unit;

      sqlite3_bind_blob (member, 1, u->id, CU_UNIT_ID_LEN, SQLITE_STATIC);
      sqlite3_bind_int (member, 2, u->kind);
      sqlite3_bind_int (member, 3, (int)u->index);
      sqlite3_bind_int (member, 4, n_zones > 1 ? (int)nu->zone + 1 : 0);
      if (!cu_db_step_done (db, member, error))
        goto out;
      if (nu->zone != zone)
        continue;
      sqlite3_bind_text (stmt, 1, nu->file, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, u->kind);
      sqlite3_bind_int (stmt, 3, (int)u->index);
      sqlite3_bind_blob (stmt, 4, u->id, CU_UNIT_ID_LEN, SQLITE_STATIC);
      if (!cu_db_step_done (db, stmt, error))
        goto out;
    }
  ok = cu_db_exec (db, "COMMIT", error);
out:
  sqlite3_finalize (stmt);
  sqlite3_finalize (member);
  cu_db_close (db);
  return ok;
}

/* Builds the instance in a hidden directory of each zone and renames them
 * into place, so a crash never leaves a half-made instance; when a rename
 * fails, the ones done are moved back.  Units go round robin over the zones
 * within each kind. */
static gboolean
create_instance_files (const char *const *dirs, guint n_zones, const char *name,
                       const guint counts[3], GError **error)
{
  char *tmp[CU_MAX_ZONES] = { NULL };
  char *final[CU_MAX_ZONES] = { NULL };
  guint renamed = 0;
  g_autoptr (EVP_PKEY) root = NULL;
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify)new_unit_free);
  uint8_t point[CU_POINT_LEN], subject[32], root_cert[CU_CERT_LEN];
  g_autofree char *root_name = g_strconcat (ROOT_NAME_PREFIX, name, NULL);
  gboolean ok = FALSE;

  for (guint z = 0; z < n_zones; z++)
    {
      g_autofree char *tmpl = g_build_filename (dirs[z], ".new-XXXXXX", NULL);

      final[z] = g_build_filename (dirs[z], name, NULL);
      if (g_file_test (final[z], G_FILE_TEST_EXISTS))
        {
          g_set_error (error, CU_ERROR, CU_ERROR_EXISTS,
                       "The service instance %s exists already in %s", name, dirs[z]);
          goto out;
        }
      if (g_mkdir_with_parents (dirs[z], 0700) != 0
          || (tmp[z] = g_mkdtemp_full (g_steal_pointer (&tmpl), 0700)) == NULL)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_STORAGE, "Cannot create a directory in %s: %s",
                       dirs[z], g_strerror (errno));
          goto out;
        }
    }
  cu_sha256 (root_name, strlen (root_name), subject);
  if ((root = cu_p521_generate (error)) == NULL || !cu_point_from_key (root, point, error)
      || !cu_cert_make (CU_CERT_ROOT, subject, point, root, point, root_cert, error))
    goto out;
  for (int k = 0; k < 3; k++)
    for (guint i = 1; i <= counts[k]; i++)
      {
        NewUnit *nu = g_new0 (NewUnit, 1);
        g_autofree char *path = NULL;

        g_ptr_array_add (made, nu);
        nu->file = g_strdup_printf ("unit-%s-%u.db", kind_name (k + 1), i);
        nu->zone = (i - 1) % n_zones;
        path = g_build_filename (tmp[nu->zone], nu->file, NULL);
        nu->unit = cu_unit_create (path, name, k + 1, i, root, root_cert, error);
        if (nu->unit == NULL)
          goto out;
      }
  for (guint z = 0; z < n_zones; z++)
    {
      g_autofree char *db_path = g_build_filename (tmp[z], "instance.db", NULL);

      if (!write_instance_db (db_path, name, root, root_cert, made, z, n_zones, error))
        goto out;
    }
  g_ptr_array_set_size (made, 0); /* closes the unit databases */
  for (; renamed < n_zones; renamed++)
    if (g_rename (tmp[renamed], final[renamed]) != 0)
      {
        g_set_error (error, CU_ERROR,
                     errno == EEXIST || errno == ENOTEMPTY ? CU_ERROR_EXISTS : CU_ERROR_STORAGE,
                     "Cannot create the service instance %s in %s: %s", name, dirs[renamed],
                     g_strerror (errno));
        goto out;
      }
  ok = TRUE;
out:
  /* On failure, what was renamed goes back to its hidden name, and every
   * hidden directory is removed. */
  for (guint z = 0; !ok && z < renamed; z++)
    (void)g_rename (final[z], tmp[z]);
  for (guint z = 0; z < n_zones; z++)
    {
      if (!ok && tmp[z] != NULL)
        otk_remove_tree (tmp[z]);
      g_free (tmp[z]);
      g_free (final[z]);
    }
  return ok;
}

static gboolean
check_new_instance (const char *instance, guint operational, guint failover, guint recovery,
                    guint n_zones, GError **error)
{
  if (!cu_instance_name_is_valid (instance))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A service instance name is 1 to 127 letters, digits, '-', '_' or '.'");
      return FALSE;
    }
  if (operational < 1 || operational > CU_MAX_OPERATIONAL || failover > operational
      || recovery > CU_RECOVERY_UNITS)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A service instance has 1 to 6 operational units, at most as many failover "
                   "units, and at most 2 recovery units");
      return FALSE;
    }
  if (n_zones < 1 || n_zones > CU_MAX_ZONES || n_zones > operational)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A service instance is split over 1 to 3 availability zones, at most as many "
                   "as it has operational units");
      return FALSE;
    }
  return TRUE;
}

gboolean
cu_engine_create_zoned_instance (const char *const *zone_dirs, guint n_zones, const char *instance,
                                 guint operational, guint failover, guint recovery, GError **error)
{
  guint counts[3] = { operational, failover, recovery };

  return check_new_instance (instance, operational, failover, recovery, n_zones, error)
         && create_instance_files (zone_dirs, n_zones, instance, counts, error);
}

gboolean
cu_engine_create_instance (CuEngine *engine, const char *instance, guint operational,
                           guint failover, guint recovery, GError **error)
{
  guint counts[3] = { operational, failover, recovery };
  const char *dirs[1] = { engine->dir };
  CuInstance *inst;
  gboolean ok = FALSE;

  if (!check_new_instance (instance, operational, failover, recovery, 1, error))
    return FALSE;
  g_mutex_lock (&engine->lock);
  if (g_hash_table_contains (engine->instances, instance))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_EXISTS, "The service instance %s exists already",
                   instance);
      goto out;
    }
  if (!create_instance_files (dirs, 1, instance, counts, error))
    goto out;
  inst = instance_load (engine->dir, instance, FALSE, error);
  if (inst == NULL)
    goto out;
  g_hash_table_insert (engine->instances, inst->name, inst);
  ok = TRUE;
out:
  g_mutex_unlock (&engine->lock);
  return ok;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

char **
cu_engine_list_instances (CuEngine *engine)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  g_mutex_lock (&engine->lock);
  g_hash_table_iter_init (&it, engine->instances);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (names, g_strdup (key));
  g_mutex_unlock (&engine->lock);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* Lookups run with the lock held. */
/* An instance created by another process since the engine opened (as
 * `cryptounitd init` next to a running server) is loaded on first use. */
static CuInstance *
find_instance (CuEngine *engine, const char *instance, GError **error)
{
  CuInstance *inst = instance ? g_hash_table_lookup (engine->instances, instance) : NULL;
  g_autofree char *db = NULL;

  if (inst != NULL)
    return inst;
  if (cu_instance_name_is_valid (instance))
    db = g_build_filename (engine->dir, instance, "instance.db", NULL);
  if (db != NULL && g_file_test (db, G_FILE_TEST_IS_REGULAR))
    {
      inst = instance_load (engine->dir, instance, TRUE, error);
      if (inst != NULL)
        g_hash_table_insert (engine->instances, inst->name, inst);
      return inst;
    }
  g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No service instance named %s",
               instance ? instance : "(none)");
  return NULL;
}

gboolean
cu_engine_has_instance (CuEngine *engine, const char *instance)
{
  gboolean has;

  g_mutex_lock (&engine->lock);
  has = find_instance (engine, instance, NULL) != NULL;
  g_mutex_unlock (&engine->lock);
  return has;
}

static CuUnit *
find_unit (CuEngine *engine, const char *instance, const char *unit_id, GError **error)
{
  CuInstance *inst = find_instance (engine, instance, error);

  if (inst == NULL)
    return NULL;
  for (guint i = 0; unit_id != NULL && i < inst->units->len; i++)
    {
      CuUnit *u = g_ptr_array_index (inst->units, i);

      if (g_ascii_strcasecmp (u->id_hex, unit_id) == 0)
        return u;
    }
  g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No crypto unit %s in service instance %s",
               unit_id ? unit_id : "(none)", instance);
  return NULL;
}

GPtrArray *
cu_engine_list_units (CuEngine *engine, const char *instance, GError **error)
{
  GPtrArray *out = NULL;
  CuInstance *inst;

  g_mutex_lock (&engine->lock);
  inst = find_instance (engine, instance, error);
  if (inst != NULL)
    {
      out = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < inst->units->len; i++)
        {
          CuUnitInfo *info = g_new0 (CuUnitInfo, 1);

          cu_unit_get_info (g_ptr_array_index (inst->units, i), info);
          g_ptr_array_add (out, info);
        }
    }
  g_mutex_unlock (&engine->lock);
  return out;
}

GBytes *
cu_engine_get_root_certificate (CuEngine *engine, const char *instance, GError **error)
{
  GBytes *out = NULL;
  CuInstance *inst;

  g_mutex_lock (&engine->lock);
  inst = find_instance (engine, instance, error);
  if (inst != NULL)
    out = g_bytes_new (inst->root_cert, CU_CERT_LEN);
  g_mutex_unlock (&engine->lock);
  return out;
}

/* The per-unit calls: find the unit, run @body with the lock held. */
#define WITH_UNIT(engine, instance, unit_id, error, fail, body)                                    \
  do                                                                                               \
    {                                                                                              \
      CuUnit *unit_;                                                                               \
      g_mutex_lock (&(engine)->lock);                                                              \
      unit_ = find_unit ((engine), (instance), (unit_id), (error));                                \
      if (unit_ == NULL)                                                                           \
        {                                                                                          \
          g_mutex_unlock (&(engine)->lock);                                                        \
          return fail;                                                                             \
        }                                                                                          \
      body;                                                                                        \
      g_mutex_unlock (&(engine)->lock);                                                            \
    }                                                                                              \
  while (0)

CuUnitState *
cu_engine_get_unit_state (CuEngine *engine, const char *instance, const char *unit_id,
                          GError **error)
{
  CuUnitState *st = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL, st = cu_unit_get_state (unit_, error));
  return st;
}

GBytes *
cu_engine_get_device_certificate (CuEngine *engine, const char *instance, const char *unit_id,
                                  GError **error)
{
  GBytes *out = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL,
             out = g_bytes_new (unit_->device_cert, CU_CERT_LEN));
  return out;
}

GBytes *
cu_engine_create_importer (CuEngine *engine, const char *instance, const char *unit_id,
                           GError **error)
{
  GBytes *out = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL, out = cu_unit_create_importer (unit_, error));
  return out;
}

gboolean
cu_engine_execute (CuEngine *engine, const char *instance, const char *unit_id, GBytes *command,
                   GBytes **output, GError **error)
{
  g_autoptr (CuCommand) cmd = NULL;
  size_t len = 0;
  const uint8_t *data = g_bytes_get_data (command, &len);
  gboolean ok = FALSE;
  gboolean rotation = FALSE;
  CuUnit *unit = NULL;

  cmd = cu_command_decode (data, len, error);
  if (cmd == NULL)
    return FALSE;
  WITH_UNIT (engine, instance, unit_id, error, FALSE, {
    unit = unit_;
    ok = cu_unit_execute (unit_, cmd, output, &rotation, error);
  });
  /* Units live as long as the engine; other calls (progress queries) run
   * between the batches. */
  if (ok && rotation)
    ok = cu_unit_rotation_resume (unit, &engine->lock, error);
  return ok;
}

GPtrArray *
cu_engine_get_audit_log (CuEngine *engine, const char *instance, const char *unit_id, guint64 from,
                         GError **error)
{
  GPtrArray *out = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL,
             out = cu_unit_get_audit_log (unit_, from, error));
  return out;
}

char *
cu_engine_key_create (CuEngine *engine, const char *instance, const char *unit_id, GError **error)
{
  char *out = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL, out = cu_unit_key_create (unit_, error));
  return out;
}

gboolean
cu_engine_key_create_many (CuEngine *engine, const char *instance, const char *unit_id, guint n,
                           GError **error)
{
  gboolean ok = FALSE;

  WITH_UNIT (engine, instance, unit_id, error, FALSE,
             ok = cu_unit_key_create_many (unit_, n, error));
  return ok;
}

GPtrArray *
cu_engine_key_list (CuEngine *engine, const char *instance, const char *unit_id, GError **error)
{
  GPtrArray *out = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL, out = cu_unit_key_list (unit_, error));
  return out;
}

gboolean
cu_engine_key_delete (CuEngine *engine, const char *instance, const char *unit_id,
                      const char *key_id, GError **error)
{
  gboolean ok = FALSE;

  WITH_UNIT (engine, instance, unit_id, error, FALSE,
             ok = cu_unit_key_delete (unit_, key_id, error));
  return ok;
}

GBytes *
cu_engine_key_encrypt (CuEngine *engine, const char *instance, const char *unit_id,
                       const char *key_id, GBytes *plaintext, GError **error)
{
  GBytes *out = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL,
             out = cu_unit_key_encrypt (unit_, key_id, plaintext, error));
  return out;
}

GBytes *
cu_engine_key_decrypt (CuEngine *engine, const char *instance, const char *unit_id,
                       const char *key_id, GBytes *ciphertext, GError **error)
{
  GBytes *out = NULL;

  WITH_UNIT (engine, instance, unit_id, error, NULL,
             out = cu_unit_key_decrypt (unit_, key_id, ciphertext, error));
  return out;
}
