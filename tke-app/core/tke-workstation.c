/* tke-workstation.c: the workstation's folders and its persisted state. */
#include "tke-core.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define STATE_FILE "workstation.ini"

struct _TkeWorkstation
{
  char *data_dir;
  char *keyfile_dir;
  char *local_dir;
  char *state_path;
  GKeyFile *state;
  char **target_urls; /* zone order; NULL: the local service instance */
  char *target_credential_file;
  char **target_fingerprints; /* one per URL, or empty: pinned at first use */
};

static void load_target (TkeWorkstation *ws);

static gboolean
make_private_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, TKE_ERROR, TKE_ERROR_WORKSTATION, "Cannot create the folder %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* $XDG_DATA_HOME read now rather than through g_get_user_data_dir(), which
 * caches the first value it sees. */
static char *
default_data_dir (void)
{
  const char *xdg = g_getenv ("XDG_DATA_HOME");

  if (xdg && g_path_is_absolute (xdg))
    return g_build_filename (xdg, "opentke", NULL);
  return g_build_filename (g_get_home_dir (), ".local", "share", "opentke", NULL);
}

TkeWorkstation *
tke_workstation_open (const char *data_dir, GError **error)
{
  g_autoptr (TkeWorkstation) ws = g_new0 (TkeWorkstation, 1);
  const char *keyfiles = g_getenv ("CLOUDTKEFILES");
  g_autoptr (GError) local_error = NULL;

  ws->data_dir = data_dir ? g_strdup (data_dir) : default_data_dir ();
  ws->keyfile_dir = keyfiles && *keyfiles ? g_strdup (keyfiles)
                                          : g_build_filename (ws->data_dir, "keyfiles", NULL);
  ws->local_dir = g_build_filename (ws->data_dir, "local", NULL);
  ws->state_path = g_build_filename (ws->data_dir, STATE_FILE, NULL);
  ws->state = g_key_file_new ();

  if (!make_private_dir (ws->data_dir, error) || !make_private_dir (ws->keyfile_dir, error))
    return NULL;
  if (!g_key_file_load_from_file (ws->state, ws->state_path, G_KEY_FILE_NONE, &local_error)
      && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_WORKSTATION, "Cannot read %s: %s", ws->state_path,
                   local_error->message);
      return NULL;
    }
  load_target (ws);
  return g_steal_pointer (&ws);
}

void
tke_workstation_free (TkeWorkstation *ws)
{
  if (!ws)
    return;
  g_free (ws->data_dir);
  g_free (ws->keyfile_dir);
  g_free (ws->local_dir);
  g_free (ws->state_path);
  g_strfreev (ws->target_urls);
  g_free (ws->target_credential_file);
  g_strfreev (ws->target_fingerprints);
  if (ws->state)
    g_key_file_free (ws->state);
  g_free (ws);
}

gboolean
tke_workstation_save (TkeWorkstation *ws, GError **error)
{
  gsize len = 0;
  g_autofree char *data = g_key_file_to_data (ws->state, &len, NULL);
  g_autofree char *tmp = g_strconcat (ws->state_path, ".tmp", NULL);
  int fd;

  /* Mode 0600 at open, then rename over the old state: never half written. */
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;
  if (write (fd, data, len) != (ssize_t)len || fsync (fd) != 0)
    {
      close (fd);
      goto fail;
    }
  if (close (fd) != 0 || g_rename (tmp, ws->state_path) != 0)
    goto fail;
  return TRUE;

fail:
  {
    int saved = errno;
    g_unlink (tmp);
    g_set_error (error, TKE_ERROR, TKE_ERROR_WORKSTATION, "Cannot write %s: %s", ws->state_path,
                 g_strerror (saved));
  }
  return FALSE;
}

const char *
tke_workstation_get_data_dir (TkeWorkstation *ws)
{
  return ws->data_dir;
}

const char *
tke_workstation_get_keyfile_dir (TkeWorkstation *ws)
{
  return ws->keyfile_dir;
}

const char *
tke_workstation_get_local_service_dir (TkeWorkstation *ws)
{
  return ws->local_dir;
}

static char **
get_list (TkeWorkstation *ws, const char *group, const char *key)
{
  char **list = g_key_file_get_string_list (ws->state, group, key, NULL, NULL);
  return list ? list : g_new0 (char *, 1);
}

static void
set_list (TkeWorkstation *ws, const char *group, const char *key, const char *const *list)
{
  if (list && list[0])
    g_key_file_set_string_list (ws->state, group, key, list, g_strv_length ((char **)list));
  else
    g_key_file_remove_key (ws->state, group, key, NULL);
}

char **
tke_workstation_get_selected_units (TkeWorkstation *ws)
{
  return get_list (ws, "selection", "units");
}

void
tke_workstation_set_selected_units (TkeWorkstation *ws, const char *const *units)
{
  set_list (ws, "selection", "units", units);
}

char **
tke_workstation_get_signing_keys (TkeWorkstation *ws)
{
  return get_list (ws, "signing", "keys");
}

void
tke_workstation_set_signing_keys (TkeWorkstation *ws, const char *const *files)
{
  set_list (ws, "signing", "keys", files);
}

const char *
tke_workstation_get_target_url (TkeWorkstation *ws)
{
  return ws->target_urls ? ws->target_urls[0] : NULL;
}

const char *const *
tke_workstation_get_target_urls (TkeWorkstation *ws)
{
  return (const char *const *)ws->target_urls;
}

const char *
tke_workstation_get_target_credential_file (TkeWorkstation *ws)
{
  return ws->target_credential_file;
}

const char *
tke_workstation_get_target_fingerprint (TkeWorkstation *ws)
{
  return ws->target_fingerprints ? ws->target_fingerprints[0] : NULL;
}

const char *const *
tke_workstation_get_target_fingerprints (TkeWorkstation *ws)
{
  return (const char *const *)ws->target_fingerprints;
}

/* [target] url and fingerprint are string lists in zone order; a file
 * written before zones existed ("url=https://h:1") reads as one zone. */
static void
load_target (TkeWorkstation *ws)
{
  g_clear_pointer (&ws->target_urls, g_strfreev);
  g_clear_pointer (&ws->target_credential_file, g_free);
  g_clear_pointer (&ws->target_fingerprints, g_strfreev);
  ws->target_urls = g_key_file_get_string_list (ws->state, "target", "url", NULL, NULL);
  if (ws->target_urls && !ws->target_urls[0])
    g_clear_pointer (&ws->target_urls, g_strfreev);
  if (!ws->target_urls)
    return;
  ws->target_credential_file = g_key_file_get_string (ws->state, "target", "credential-file", NULL);
  ws->target_fingerprints
      = g_key_file_get_string_list (ws->state, "target", "fingerprint", NULL, NULL);
  if (ws->target_fingerprints && !ws->target_fingerprints[0])
    g_clear_pointer (&ws->target_fingerprints, g_strfreev);
}

gboolean
tke_workstation_set_target_zones (TkeWorkstation *ws, const char *const *urls,
                                  const char *credential_file, const char *const *fingerprints,
                                  GError **error)
{
  guint n = urls ? g_strv_length ((char **)urls) : 0;
  guint n_fp = fingerprints ? g_strv_length ((char **)fingerprints) : 0;

  if (n > CU_MAX_ZONES || (n_fp != 0 && n_fp != n))
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_CONFIG,
                   "A target has 1 to %d URLs, one per availability zone, and one fingerprint "
                   "per URL (%u URLs, %u fingerprints given)",
                   CU_MAX_ZONES, n, n_fp);
      return FALSE;
    }
  g_key_file_remove_group (ws->state, "target", NULL);
  if (n > 0)
    {
      g_key_file_set_string_list (ws->state, "target", "url", urls, n);
      g_key_file_set_string (ws->state, "target", "credential-file",
                             credential_file ? credential_file : "");
      if (n_fp > 0)
        g_key_file_set_string_list (ws->state, "target", "fingerprint", fingerprints, n_fp);
      else
        g_key_file_set_string (ws->state, "target", "fingerprint", "");
    }
  load_target (ws);
  return TRUE;
}

void
tke_workstation_set_target (TkeWorkstation *ws, const char *url, const char *credential_file,
                            const char *fingerprint)
{
  const char *urls[] = { url, NULL };
  const char *fps[] = { fingerprint && *fingerprint ? fingerprint : NULL, NULL };

  /* One URL and at most one fingerprint: cannot be refused. */
  tke_workstation_set_target_zones (ws, urls, credential_file, fps, NULL);
}

static char *
pinned_root_key (const char *url, const char *instance)
{
  return g_strdup_printf ("%s %s", url ? url : "local", instance);
}

char *
tke_workstation_get_pinned_root (TkeWorkstation *ws, const char *url, const char *instance)
{
  g_autofree char *key = pinned_root_key (url, instance);
  return g_key_file_get_string (ws->state, "pinned-roots", key, NULL);
}

void
tke_workstation_set_pinned_root (TkeWorkstation *ws, const char *url, const char *instance,
                                 const char *sha256_hex)
{
  g_autofree char *key = pinned_root_key (url, instance);
  g_key_file_set_string (ws->state, "pinned-roots", key, sha256_hex);
}
