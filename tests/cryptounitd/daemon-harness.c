/* daemon-harness.c: start, stop and talk raw HTTPS to cryptounitd. */
#include "daemon-harness.h"

#include "opentke-common.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

static char *daemon_binary;

void
test_daemon_set_binary (const char *path)
{
  g_free (daemon_binary);
  daemon_binary = g_strdup (path);
}

char *
test_daemon_main_init (int *argc, char ***argv, guint n_paths, const char *more_usage,
                       const char *prefix)
{
  g_autofree char *tmpl = g_strconcat (prefix, "-XXXXXX", NULL);
  g_autofree char *config = NULL;
  char *root;

  g_test_init (argc, argv, NULL);
  if (*argc < (int)n_paths + 1)
    {
      g_printerr ("usage: %s [--tap] PATH-TO-CRYPTOUNITD%s\n", (*argv)[0], more_usage);
      exit (1);
    }
  test_daemon_set_binary ((*argv)[1]);
  root = g_dir_make_tmp (tmpl, NULL);
  g_assert_nonnull (root);
  /* Set before GLib caches the user directories. */
  config = g_build_filename (root, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  return root;
}

char *
test_daemon_run_command (char **stderr_out, const char *first_arg, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list ap;

  g_ptr_array_add (argv, daemon_binary);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process
      = g_subprocess_newv ((const char *const *)argv->pdata,
                           G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (stderr_out != NULL)
    *stderr_out = g_strdup (err);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    return NULL;
  return g_steal_pointer (&out);
}

char *
test_daemon_field (const char *text, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *prefix = g_strconcat (key, " ", NULL);

  for (size_t i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  return NULL;
}

char *
test_daemon_init_instance (const char *state_dir, const char *instance, guint operational,
                           guint recovery, char **fingerprint)
{
  g_autofree char *n_op = g_strdup_printf ("%u", operational);
  g_autofree char *n_rec = g_strdup_printf ("%u", recovery);
  g_autofree char *err = NULL;
  g_autofree char *out
      = test_daemon_run_command (&err, "init", "--state", state_dir, "--instance", instance,
                                 "--operational", n_op, "--recovery", n_rec, NULL);
  char *credential;

  if (out == NULL)
    g_error ("cryptounitd init failed: %s", err);
  credential = test_daemon_field (out, "credential");
  g_assert_nonnull (credential);
  if (fingerprint != NULL)
    *fingerprint = test_daemon_field (out, "tls-fingerprint");
  return credential;
}

char *
test_daemon_init_zones (const char *root, const char *instance, guint operational, guint recovery,
                        guint zones, char ***fingerprints)
{
  g_autofree char *n_op = g_strdup_printf ("%u", operational);
  g_autofree char *n_rec = g_strdup_printf ("%u", recovery);
  g_autofree char *n_zones = g_strdup_printf ("%u", zones);
  g_autofree char *err = NULL;
  g_autofree char *out = test_daemon_run_command (&err, "init", "--state", root, "--instance",
                                                  instance, "--operational", n_op, "--recovery",
                                                  n_rec, "--zones", n_zones, NULL);
  g_autoptr (GPtrArray) fps = g_ptr_array_new_with_free_func (g_free);
  char *credential;

  if (out == NULL)
    g_error ("cryptounitd init --zones failed: %s", err);
  credential = test_daemon_field (out, "credential");
  g_assert_nonnull (credential);
  for (guint z = 1; z <= zones; z++)
    {
      g_autofree char *key = g_strdup_printf ("zone %u state", z);
      g_autofree char *line = test_daemon_field (out, key);
      g_autofree char *dir = g_strdup_printf ("%s/zone-%u", root, z);
      g_auto (GStrv) words = NULL;

      g_assert_nonnull (line);
      words = g_strsplit (line, " ", -1);
      g_assert_cmpuint (g_strv_length (words), ==, 3);
      g_assert_cmpstr (words[0], ==, dir);
      g_assert_cmpstr (words[1], ==, "tls-fingerprint");
      g_assert_cmpuint (strlen (words[2]), ==, 64);
      g_ptr_array_add (fps, g_strdup (words[2]));
    }
  g_ptr_array_add (fps, NULL);
  if (fingerprints != NULL)
    *fingerprints = (char **)g_ptr_array_free (g_steal_pointer (&fps), FALSE);
  return credential;
}

/* In the daemon before exec: it ends with the test, also when an assertion aborts the
 * test before its teardown could stop it (no daemons left behind on a red run). */
static void
die_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

TestDaemon *
test_daemon_start (const char *state_dir, guint16 port)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *line = NULL;
  g_autofree char *fp_line = NULL;
  g_autofree char *lsan = NULL;
  TestDaemon *daemon = g_new0 (TestDaemon, 1);
  const char *url;

  daemon->state_dir = g_strdup (state_dir);
  daemon->log_path = g_build_filename (state_dir, "daemon.log", NULL);
  /* Debug logging on, so the test can check that no secret is logged. */
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  /* LeakSanitizer of clang 14 crashes scanning the thread-local storage of
   * modules that GIO loads (gnutls) with this glibc; leaks are still found. */
  lsan = g_strconcat (g_getenv ("LSAN_OPTIONS") != NULL ? g_getenv ("LSAN_OPTIONS") : "",
                      ":use_tls=0", NULL);
  g_subprocess_launcher_setenv (launcher, "LSAN_OPTIONS", lsan, TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, daemon->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  daemon->process = g_subprocess_launcher_spawn (launcher, &error, daemon_binary, "serve",
                                                 "--state", state_dir, "--listen", listen, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "listening on https://127.0.0.1:"))
    {
      g_autofree char *log = test_daemon_read_log (daemon);
      g_error ("cryptounitd did not start (%s): %s", line != NULL ? line : "no output", log);
    }
  url = line + strlen ("listening on ");
  daemon->base_url = g_strdup (url);
  daemon->port = (guint16)g_ascii_strtoull (strrchr (url, ':') + 1, NULL, 10);
  g_assert_cmpuint (daemon->port, !=, 0);
  fp_line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fp_line);
  daemon->fingerprint = test_daemon_field (fp_line, "tls-fingerprint");
  g_assert_nonnull (daemon->fingerprint);
  return daemon;
}

void
test_daemon_stop (TestDaemon *daemon)
{
  g_autoptr (GError) error = NULL;

  if (daemon->process == NULL)
    return;
  g_subprocess_send_signal (daemon->process, SIGTERM);
  g_subprocess_wait (daemon->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (daemon->process));
  g_assert_cmpint (g_subprocess_get_exit_status (daemon->process), ==, 0);
  g_clear_object (&daemon->process);
}

char *
test_daemon_read_log (TestDaemon *daemon)
{
  char *log = NULL;

  if (!g_file_get_contents (daemon->log_path, &log, NULL, NULL))
    return g_strdup ("");
  return log;
}

void
test_daemon_free (TestDaemon *daemon)
{
  if (daemon == NULL)
    return;
  if (daemon->process != NULL)
    {
      g_subprocess_force_exit (daemon->process);
      g_subprocess_wait (daemon->process, NULL, NULL);
      g_object_unref (daemon->process);
    }
  g_free (daemon->state_dir);
  g_free (daemon->log_path);
  g_free (daemon->base_url);
  g_free (daemon->fingerprint);
  g_free (daemon);
}

void
test_assert_device_certificate (CuClient *client, const char *unit_id, GBytes *root)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) device = cu_client_get_device_certificate (client, unit_id, &error);
  uint8_t subject[32], id[CU_UNIT_ID_LEN];
  CuCertType type = 0;

  g_assert_no_error (error);
  g_assert_true (
      cu_certificate_verify_chain (g_bytes_get_data (device, NULL), g_bytes_get_size (device),
                                   g_bytes_get_data (root, NULL), &type, subject, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (type, ==, CU_CERT_DEVICE);
  g_assert_true (otk_hex_decode (unit_id, id, sizeof id));
  g_assert_cmpmem (subject, 32, id, sizeof id);
}

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors,
            gpointer user_data)
{
  return TRUE;
}

guint
test_raw_request (const char *method, const char *url, const char *bearer, const char *body,
                  gsize body_len, char **reply)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json",
                                              g_bytes_new (body, body_len));
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *reply = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}
