/* cryptounitd: the crypto unit service over HTTPS.
 *
 *   cryptounitd init --state DIR --instance NAME [--operational N] [--failover M]
 *                    [--recovery R] [--zones Z] [--credential-file FILE]
 *   cryptounitd credential --state DIR --instance NAME [--zones Z] [--credential-file FILE]
 *   cryptounitd fingerprint --state DIR
 *   cryptounitd serve --state DIR [--listen ADDR:PORT]
 *
 * init and credential make a new credential and hand it over once, as lines
 * "instance NAME", "credential SECRET", "tls-fingerprint HEX": on stdout, or
 * in FILE (mode 0600), the file that tke and tkectl read.  Only its hash is
 * stored.  With --zones Z the instance is split over Z availability zones,
 * state directories DIR/zone-1 .. DIR/zone-Z, each served by its own
 * cryptounitd, with one credential; the fingerprint line is then one line
 * per zone, "zone K state DIR/zone-K tls-fingerprint HEX".
 * serve prints "listening on https://ADDR:PORT" once ready. */
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "api.h"
#include "credentials.h"
#include "http-server.h"
#include "opentke-common.h"
#include "opentke-crypto-unit.h"
#include "server-dir.h"
#include "tls-identity.h"
#include "tls-pin.h"

#define DEFAULT_LISTEN "127.0.0.1:8443"

typedef struct
{
  char *state_dir;
  char *instance;
  char *listen;
  char *credential_file;
  int operational;
  int failover;
  int recovery;
  int zones; /* 0: not split */
} Options;

static void
options_clear (Options *options)
{
  g_free (options->state_dir);
  g_free (options->instance);
  g_free (options->listen);
  g_free (options->credential_file);
}

static gboolean
parse_options (const char *command, int *argc, char ***argv, Options *options, GError **error)
{
  const GOptionEntry entries[] = {
    { "state", 's', 0, G_OPTION_ARG_FILENAME, &options->state_dir,
      "State directory of the units (required)", "DIR" },
    { "instance", 'i', 0, G_OPTION_ARG_STRING, &options->instance, "Service instance", "NAME" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &options->listen,
      "Address and port to serve on (default " DEFAULT_LISTEN "; port 0: any free port)",
      "ADDR:PORT" },
    { "credential-file", 'c', 0, G_OPTION_ARG_FILENAME, &options->credential_file,
      "Write the new credential to FILE (mode 0600) instead of stdout", "FILE" },
    { "operational", 0, 0, G_OPTION_ARG_INT, &options->operational,
      "Operational units of a new instance (1..6, default 2)", "N" },
    { "failover", 0, 0, G_OPTION_ARG_INT, &options->failover,
      "Failover units of a new instance (default 0)", "M" },
    { "recovery", 0, 0, G_OPTION_ARG_INT, &options->recovery,
      "Recovery units of a new instance (0..2, default 2)", "R" },
    { "zones", 0, 0, G_OPTION_ARG_INT, &options->zones,
      "The instance is split over Z availability zones, DIR/zone-1 .. DIR/zone-Z (1..3)", "Z" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (command);

  options->operational = 2;
  options->recovery = 2;
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Commands: init, credential, fingerprint, serve");
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (options->state_dir == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--state DIR is required");
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_instance (const Options *options, GError **error)
{
  if (options->instance != NULL && cud_instance_name_is_valid (options->instance))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
               "--instance NAME is required: letters, digits, '.', '_' and '-', "
               "not starting with '.' or '-'");
  return FALSE;
}

/* Loads (or creates) the TLS identity and returns its fingerprint. */
static char *
identity_fingerprint (const char *state_dir, GTlsCertificate **identity_out, GError **error)
{
  g_autoptr (GTlsCertificate) identity = cud_tls_identity_ensure (state_dir, error);
  char *fingerprint;

  if (identity == NULL)
    return NULL;
  fingerprint = cu_tls_fingerprint (identity);
  if (identity_out != NULL)
    *identity_out = g_steal_pointer (&identity);
  return fingerprint;
}

/* Hands @credential over with @tail (the fingerprint lines): in the
 * credential file if one is given, else on stdout. */
static gboolean
hand_over_credential (const Options *options, const char *credential, const char *tail,
                      GError **error)
{
  g_autoptr (OtkSecretStr) text
      = g_strdup_printf ("instance %s\ncredential %s\n%s", options->instance, credential, tail);

  if (options->credential_file != NULL)
    {
      if (!cud_write_file_atomic (options->credential_file, text, strlen (text), 0600, error))
        return FALSE;
      printf ("instance %s\ncredential-file %s\n%s", options->instance, options->credential_file,
              tail);
    }
  else
    fputs (text, stdout);
  fflush (stdout);
  return TRUE;
}

/* Creates a credential for @instance and hands it over with the
 * fingerprint. */
static gboolean
print_new_credential (const Options *options, GError **error)
{
  g_autofree char *fingerprint = identity_fingerprint (options->state_dir, NULL, error);
  g_autoptr (OtkSecretStr) credential = NULL;
  g_autofree char *tail = NULL;

  if (fingerprint == NULL)
    return FALSE;
  credential = cud_credentials_create (options->state_dir, options->instance, error);
  if (credential == NULL)
    return FALSE;
  tail = g_strdup_printf ("tls-fingerprint %s\n", fingerprint);
  return hand_over_credential (options, credential, tail, error);
}

/* The state directories DIR/zone-1 .. DIR/zone-Z of --zones Z, each with
 * its TLS identity (made if missing), and their lines "zone K state
 * DIR/zone-K tls-fingerprint HEX" appended to @tail. */
static GPtrArray *
zone_dirs (const Options *options, GString *tail, GError **error)
{
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);

  if (options->zones < 1 || options->zones > CU_MAX_ZONES)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--zones wants 1, 2 or 3 availability zones");
      return NULL;
    }
  for (guint z = 1; z <= (guint)options->zones; z++)
    {
      char *dir = g_strdup_printf ("%s/zone-%u", options->state_dir, z);
      g_autofree char *fingerprint = NULL;

      g_ptr_array_add (dirs, dir);
      fingerprint = identity_fingerprint (dir, NULL, error);
      if (fingerprint == NULL)
        return NULL;
      g_string_append_printf (tail, "zone %u state %s tls-fingerprint %s\n", z, dir, fingerprint);
    }
  return g_steal_pointer (&dirs);
}

/* One new credential, its hash kept by every zone. */
static OtkSecretStr *
store_zone_credential (const Options *options, GPtrArray *dirs, GError **error)
{
  g_autoptr (OtkSecretStr) credential = cud_credentials_generate (error);

  for (guint z = 0; credential != NULL && z < dirs->len; z++)
    if (!cud_credentials_store (g_ptr_array_index (dirs, z), options->instance, credential, error))
      {
        if (z > 0)
          g_prefix_error (error, "Only zones 1 to %u have the new credential: ", z);
        return NULL;
      }
  return g_steal_pointer (&credential);
}

/* init --zones: the zones' state directories (each with its own TLS
 * identity), the instance spread over them (all or nothing), then one
 * credential whose hash every zone keeps.  When a credential cannot be
 * stored, the instance is removed from every zone again. */
static gboolean
run_init_zones (const Options *options, GError **error)
{
  g_autoptr (GString) tail = g_string_new (NULL);
  g_autoptr (GPtrArray) dirs = zone_dirs (options, tail, error);
  g_autoptr (OtkSecretStr) credential = NULL;
  gboolean ok = FALSE;

  if (dirs == NULL
      || !cu_engine_create_zoned_instance (
          (const char *const *)dirs->pdata, dirs->len, options->instance,
          (guint)options->operational, (guint)options->failover, (guint)options->recovery, error))
    return FALSE;
  credential = store_zone_credential (options, dirs, error);
  ok = credential != NULL && hand_over_credential (options, credential, tail->str, error);
  for (guint z = 0; !ok && z < dirs->len; z++)
    {
      g_autofree char *inst_dir
          = g_build_filename (g_ptr_array_index (dirs, z), options->instance, NULL);

      cud_credentials_remove (g_ptr_array_index (dirs, z), options->instance);
      otk_remove_tree (inst_dir);
    }
  return ok;
}

/* credential --zones: a new credential for an instance split over zones,
 * stored in every zone (the old one stops working everywhere). */
static gboolean
run_credential_zones (const Options *options, GError **error)
{
  g_autoptr (GString) tail = g_string_new (NULL);
  g_autoptr (GPtrArray) dirs = zone_dirs (options, tail, error);
  g_autoptr (OtkSecretStr) credential = NULL;

  for (guint z = 0; dirs != NULL && z < dirs->len; z++)
    {
      g_autofree char *db
          = g_build_filename (g_ptr_array_index (dirs, z), options->instance, "instance.db", NULL);

      if (!g_file_test (db, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No service instance %s in %s",
                       options->instance, (char *)g_ptr_array_index (dirs, z));
          return FALSE;
        }
    }
  if (dirs == NULL || (credential = store_zone_credential (options, dirs, error)) == NULL)
    return FALSE;
  return hand_over_credential (options, credential, tail->str, error);
}

static gboolean
run_init (const Options *options, GError **error)
{
  g_autoptr (CuEngine) engine = NULL;

  if (!require_instance (options, error))
    return FALSE;
  if (options->zones != 0)
    return run_init_zones (options, error);
  engine = cu_engine_open (options->state_dir, error);
  if (engine == NULL
      || !cu_engine_create_instance (engine, options->instance, (guint)options->operational,
                                     (guint)options->failover, (guint)options->recovery, error))
    return FALSE;
  return print_new_credential (options, error);
}

static gboolean
run_credential (const Options *options, GError **error)
{
  g_autoptr (CuEngine) engine = NULL;

  if (!require_instance (options, error))
    return FALSE;
  if (options->zones != 0)
    return run_credential_zones (options, error);
  engine = cu_engine_open (options->state_dir, error);
  if (engine == NULL)
    return FALSE;
  if (!cu_engine_has_instance (engine, options->instance))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_NOT_FOUND, "No service instance %s in %s",
                   options->instance, options->state_dir);
      return FALSE;
    }
  return print_new_credential (options, error);
}

static gboolean
run_fingerprint (const Options *options, GError **error)
{
  g_autofree char *fingerprint = identity_fingerprint (options->state_dir, NULL, error);

  if (fingerprint == NULL)
    return FALSE;
  printf ("%s\n", fingerprint);
  return TRUE;
}

static gboolean
parse_listen (const char *listen, char **address, guint16 *port, GError **error)
{
  const char *colon = strrchr (listen, ':');
  guint64 value;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen wants ADDR:PORT, e.g. 127.0.0.1:8443 or [::1]:8443");
      return FALSE;
    }
  /* "[::1]:8443": strip the brackets of an IPv6 address. */
  if (listen[0] == '[' && colon > listen + 1 && colon[-1] == ']')
    *address = g_strndup (listen + 1, (gsize)(colon - listen - 2));
  else
    *address = g_strndup (listen, (gsize)(colon - listen));
  *port = (guint16)value;
  return TRUE;
}

static gboolean
quit_on_signal (gpointer loop)
{
  g_message ("Stopping on signal");
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
run_serve (const Options *options, GError **error)
{
  g_autoptr (CuEngine) engine = NULL;
  g_autoptr (GTlsCertificate) identity = NULL;
  g_autoptr (CudApi) api = NULL;
  g_autoptr (CudServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *address = NULL;
  guint16 port;
  guint term_id, int_id;

  if (!parse_listen (options->listen != NULL ? options->listen : DEFAULT_LISTEN, &address, &port,
                     error))
    return FALSE;
  engine = cu_engine_open (options->state_dir, error);
  if (engine == NULL)
    return FALSE;
  fingerprint = identity_fingerprint (options->state_dir, &identity, error);
  if (fingerprint == NULL)
    return FALSE;
  api = cud_api_new (engine);
  server = cud_server_new (options->state_dir, identity, api, error);
  if (server == NULL || !cud_server_listen (server, address, port, error))
    return FALSE;

  loop = g_main_loop_new (NULL, FALSE);
  term_id = g_unix_signal_add (SIGTERM, quit_on_signal, loop);
  int_id = g_unix_signal_add (SIGINT, quit_on_signal, loop);
  g_message ("Serving %s on %s port %u, TLS fingerprint %s", options->state_dir, address,
             cud_server_get_port (server), fingerprint);
  printf ("listening on https://%s%s%s:%u\ntls-fingerprint %s\n",
          strchr (address, ':') != NULL ? "[" : "", address,
          strchr (address, ':') != NULL ? "]" : "", cud_server_get_port (server), fingerprint);
  fflush (stdout);
  g_main_loop_run (loop);
  g_source_remove (term_id);
  g_source_remove (int_id);
  /* The server goes before the engine (g_autoptr order): no request runs
   * on a closed engine. */
  g_clear_pointer (&server, cud_server_free);
  return TRUE;
}

/* The process holds unit keys and credentials: no core dumps.  Except in
 * AddressSanitizer test builds, whose LeakSanitizer cannot inspect a process
 * that is not dumpable. */
static void
disable_core_dumps (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return;
#endif
#endif
  prctl (PR_SET_DUMPABLE, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  Options options = { 0 };
  const char *command = argc > 1 ? argv[1] : "";
  gboolean ok = FALSE;

  setlocale (LC_ALL, "");
  /* stdout is for what the commands print (credential, listening line). */
  g_log_writer_default_set_use_stderr (TRUE);
  disable_core_dumps ();
  if (argc > 1)
    {
      argv[1] = argv[0];
      argc--;
      argv++;
    }
  if (!parse_options (command, &argc, &argv, &options, &error))
    goto out;
  if (strcmp (command, "init") == 0)
    ok = run_init (&options, &error);
  else if (strcmp (command, "credential") == 0)
    ok = run_credential (&options, &error);
  else if (strcmp (command, "fingerprint") == 0)
    ok = run_fingerprint (&options, &error);
  else if (strcmp (command, "serve") == 0)
    ok = run_serve (&options, &error);
  else
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                 "Unknown command \"%s\": use init, credential, fingerprint or serve", command);

out:
  if (!ok)
    fprintf (stderr, "cryptounitd: %s\n", error != NULL ? error->message : "failed");
  options_clear (&options);
  return ok ? 0 : 1;
}
