/* daemon-harness.h: run real cryptounitd processes for the tests.
 *
 * Each daemon has its own temporary state directory and listens on a free
 * loopback port; the harness reads the port and the TLS fingerprint from the
 * daemon's stdout, and keeps its stderr (the log) in a file. */
#pragma once

#include <gio/gio.h>

#include "opentke-crypto-unit.h"

G_BEGIN_DECLS

typedef struct
{
  char *state_dir;
  char *log_path;
  GSubprocess *process;
  guint16 port;
  char *base_url;    /* https://127.0.0.1:<port> */
  char *fingerprint; /* TLS fingerprint printed by the daemon */
} TestDaemon;

/* The cryptounitd binary to run (set once by main). */
void test_daemon_set_binary (const char *path);

/* The start of the main() of these tests: g_test_init(), then the usage
 * "[--tap] PATH-TO-CRYPTOUNITD @more_usage" (exits with status 1 unless
 * @n_paths paths follow), the daemon binary from the first, and a new
 * temporary folder (returned, named after @prefix) whose "config" is
 * $XDG_CONFIG_HOME: the pin store of the run, never the user's.  No system
 * proxy lookup: libproxy throws C++ exceptions internally, which
 * AddressSanitizer cannot intercept in these C programs. */
char *test_daemon_main_init (int *argc, char ***argv, guint n_paths, const char *more_usage,
                             const char *prefix);

/* Runs "cryptounitd <args...>" to completion and returns its stdout, or
 * NULL if it failed (stderr is kept in @stderr_out when not NULL). */
char *test_daemon_run_command (char **stderr_out, const char *first_arg,
                               ...) G_GNUC_NULL_TERMINATED;

/* The value of a "key value" line in @text, or NULL. */
char *test_daemon_field (const char *text, const char *key);

/* "cryptounitd init" for @instance in @state_dir; returns the credential
 * (and the fingerprint in @fingerprint when not NULL). */
char *test_daemon_init_instance (const char *state_dir, const char *instance, guint operational,
                                 guint recovery, char **fingerprint);

/* "cryptounitd init --zones @zones" for @instance under @root; returns the
 * credential, and in @fingerprints (NULL-terminated, zone order) each
 * zone's TLS fingerprint as printed ("zone K state ROOT/zone-K
 * tls-fingerprint HEX", checked here). */
char *test_daemon_init_zones (const char *root, const char *instance, guint operational,
                              guint recovery, guint zones, char ***fingerprints);

/* Starts "cryptounitd serve" on @state_dir, on @port (0: a free port). */
TestDaemon *test_daemon_start (const char *state_dir, guint16 port);

/* SIGTERM and wait; asserts a graceful exit (status 0). */
void test_daemon_stop (TestDaemon *daemon);

/* The daemon's log so far. */
char *test_daemon_read_log (TestDaemon *daemon);

void test_daemon_free (TestDaemon *daemon);

/* Asserts that the device certificate of @unit_id, as @client fetches it,
 * verifies to @root and names that unit. */
void test_assert_device_certificate (CuClient *client, const char *unit_id, GBytes *root);

/* One raw HTTPS request that trusts any certificate (tests only): returns
 * the status, and the reply body in @reply (NUL-terminated). */
guint test_raw_request (const char *method, const char *url, const char *bearer, const char *body,
                        gsize body_len, char **reply);

G_END_DECLS
