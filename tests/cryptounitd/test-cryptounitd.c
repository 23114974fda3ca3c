/* Tests of cryptounitd and the remote transport: a real daemon on a free
 * loopback port with a temporary state directory, driven through
 * cu_client_new_remote() and, for what the client never sends, raw HTTPS.
 *
 * Usage: test-cryptounitd [--tap] PATH-TO-CRYPTOUNITD */
#include <glib/gstdio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon-harness.h"
#include "opentke-common.h"
#include "opentke-crypto-unit.h"

/* One daemon serving two instances, shared by the tests that do not stop it. */
typedef struct
{
  char *root_dir;
  char *state_dir;
  TestDaemon *daemon;
  char *alpha_credential; /* instance "alpha": 2 operational, 1 recovery */
  char *beta_credential;  /* instance "beta": 1 operational */
  char *gamma_credential; /* instance "gamma": 1 operational */
} Shared;

static Shared shared;

static CuClient *
connect_alpha (void)
{
  g_autoptr (GError) error = NULL;
  CuClient *client
      = cu_client_new_remote (shared.daemon->base_url, "alpha", shared.alpha_credential,
                              shared.daemon->fingerprint, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

/* The unit ID of the first unit of @kind. */
static char *
first_unit (CuClient *client, CuUnitKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = cu_client_list_units (client, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < units->len; i++)
    {
      CuUnitInfo *info = g_ptr_array_index (units, i);
      if (info->kind == kind)
        return g_strdup (info->unit_id);
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
api_url (const char *suffix)
{
  return g_strconcat (shared.daemon->base_url, "/v1/instances/alpha", suffix, NULL);
}

static void
test_queries (void)
{
  g_autoptr (CuClient) client = connect_alpha ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = cu_client_list_units (client, &error);
  g_autoptr (GBytes) root = NULL;
  guint operational = 0, recovery = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 3);
  root = cu_client_get_root_certificate (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (root), ==, CU_CERT_LEN);

  for (guint i = 0; i < units->len; i++)
    {
      CuUnitInfo *info = g_ptr_array_index (units, i);
      g_autofree CuUnitState *state = cu_client_get_unit_state (client, info->unit_id, &error);

      operational += info->kind == CU_UNIT_OPERATIONAL;
      recovery += info->kind == CU_UNIT_RECOVERY;
      g_assert_no_error (error);
      g_assert_cmpstr (state->info.unit_id, ==, info->unit_id);
      g_assert_cmpint (state->info.kind, ==, info->kind);
      g_assert_cmpstr (state->instance, ==, "alpha");
      g_assert_true (cu_unit_state_is_imprint_mode (state));
      g_assert_cmpuint (state->n_admins, ==, 0);
      g_assert_cmpint (state->new_state, ==, CU_NEW_EMPTY);
      g_assert_cmpint (state->current_state, ==, CU_CURRENT_EMPTY);

      /* The device certificate crosses intact: it verifies to the root and
       * names this unit. */
      test_assert_device_certificate (client, info->unit_id, root);
    }
  g_assert_cmpuint (operational, ==, 2);
  g_assert_cmpuint (recovery, ==, 1);
}

static EVP_PKEY *
admin_key (uint8_t point[CU_POINT_LEN])
{
  g_autoptr (GError) error = NULL;
  EVP_PKEY *key = EVP_EC_gen ("P-521");

  g_assert_nonnull (key);
  g_assert_true (cu_point_from_key (key, point, &error));
  g_assert_no_error (error);
  return key;
}

static guint64
counter_of (CuClient *client, const char *unit_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *state = cu_client_get_unit_state (client, unit_id, &error);

  g_assert_no_error (error);
  return state->transaction_counter;
}

/* A signed command over HTTPS, its replay, and a refusal that must come back
 * as the same CU_ERROR code the engine raised. */
static void
test_signed_command (void)
{
  g_autoptr (CuClient) client = connect_alpha ();
  g_autofree char *unit = first_unit (client, CU_UNIT_OPERATIONAL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CuCommand) add = NULL;
  g_autoptr (CuCommand) thresholds = NULL;
  g_autoptr (CuCommand) add_unsigned = NULL;
  g_autofree CuUnitState *state = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  uint8_t alice_point[CU_POINT_LEN], bob_point[CU_POINT_LEN], ski[CU_SKI_LEN];
  EVP_PKEY *alice = admin_key (alice_point);
  EVP_PKEY *bob = admin_key (bob_point);
  guint64 counter = counter_of (client, unit);

  /* In imprint mode add-admin needs no signature. */
  add = cu_command_new_add_admin ("alpha", unit, counter, "alice", alice_point, &error);
  g_assert_no_error (error);
  g_assert_true (cu_client_execute (client, add, NULL, &error));
  g_assert_no_error (error);
  state = cu_client_get_unit_state (client, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->n_admins, ==, 1);
  g_assert_cmpstr (state->admins[0].name, ==, "alice");
  cu_ski_from_point (alice_point, ski);
  g_assert_cmpmem (state->admins[0].ski, CU_SKI_LEN, ski, CU_SKI_LEN);
  g_assert_cmpmem (state->admins[0].point, CU_POINT_LEN, alice_point, CU_POINT_LEN);
  g_assert_cmpuint (state->transaction_counter, ==, counter + 1);

  /* The same command again: a replay. */
  g_assert_false (cu_client_execute (client, add, NULL, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_REPLAY);
  g_clear_error (&error);

  /* Leave imprint mode: S = R = 1, signed by alice. */
  thresholds = cu_command_new_set_thresholds ("alpha", unit, counter + 1, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_true (cu_command_sign_with_key (thresholds, alice, &error));
  g_assert_true (cu_client_execute (client, thresholds, NULL, &error));
  g_assert_no_error (error);

  /* After imprint mode, add-admin without a signature is refused. */
  add_unsigned = cu_command_new_add_admin ("alpha", unit, counter + 2, "bob", bob_point, &error);
  g_assert_no_error (error);
  g_assert_false (cu_client_execute (client, add_unsigned, NULL, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_THRESHOLD_NOT_MET);
  g_clear_error (&error);

  g_free (state);
  state = cu_client_get_unit_state (client, unit, &error);
  g_assert_no_error (error);
  g_assert_false (cu_unit_state_is_imprint_mode (state));
  g_assert_cmpuint (state->signature_threshold, ==, 1);
  g_assert_cmpuint (state->n_admins, ==, 1);

  /* The audit log crosses intact: its hash chain verifies. */
  audit = cu_client_get_audit_log (client, unit, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, >=, 2);
  g_assert_true (cu_audit_log_verify (audit, &error));
  g_assert_no_error (error);
  g_assert_cmpint (((CuAuditEntry *)g_ptr_array_index (audit, 0))->command, ==, CU_CMD_ADD_ADMIN);

  EVP_PKEY_free (alice);
  EVP_PKEY_free (bob);
}

/* Importer chains and key storage refusals over HTTPS. */
static void
test_importer_and_key_storage (void)
{
  g_autoptr (CuClient) client = connect_alpha ();
  g_autofree char *unit = first_unit (client, CU_UNIT_RECOVERY);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) root = cu_client_get_root_certificate (client, &error);
  g_autoptr (GBytes) chain = NULL;
  g_autofree char *key_id = NULL;
  uint8_t part[CU_KEY_PART_LEN] = { 1, 2, 3 };
  uint8_t blob[CU_KEY_PART_BLOB_LEN];
  CuCertType type = 0;

  g_assert_no_error (error);
  chain = cu_client_create_importer (client, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (chain), ==, 2 * CU_CERT_LEN);
  g_assert_true (
      cu_certificate_verify_chain (g_bytes_get_data (chain, NULL), g_bytes_get_size (chain),
                                   g_bytes_get_data (root, NULL), &type, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (type, ==, CU_CERT_IMPORTER);
  /* The chain is usable by a sender. */
  g_assert_true (cu_key_part_encrypt (part, chain, g_bytes_get_data (root, NULL), blob, &error));
  g_assert_no_error (error);

  /* No master key yet: key storage refuses, with the engine's own code. */
  key_id = cu_client_key_create (client, unit, &error);
  g_assert_null (key_id);
  g_assert_error (error, CU_ERROR, CU_ERROR_WK_NOT_INITIALIZED);
}

/* Runs @cmd, signed by @signer unless NULL, and asserts success. */
static void
execute_signed (CuClient *client, CuCommand *cmd, EVP_PKEY *signer)
{
  g_autoptr (GError) error = NULL;

  if (signer != NULL)
    g_assert_true (cu_command_sign_with_key (cmd, signer, &error));
  g_assert_true (cu_client_execute (client, cmd, NULL, &error));
  g_assert_no_error (error);
}

/* The whole master key ceremony and key storage over HTTPS. */
static void
test_master_key_and_key_storage (void)
{
  static const uint8_t parts[2][CU_KEY_PART_LEN]
      = { { 0x11, 0x22, 0x33 }, { 0x44, 0x55, 0x66, 0x77 } };
  g_autoptr (CuClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *unit = NULL;
  g_autoptr (GBytes) root = NULL;
  g_autoptr (GBytes) chain = NULL;
  g_autofree CuUnitState *state = NULL;
  g_autofree char *key_id = NULL;
  g_autoptr (GBytes) plaintext = g_bytes_new_static ("data of the service", 19);
  g_autoptr (GBytes) ciphertext = NULL;
  g_autoptr (GBytes) decrypted = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  uint8_t point[CU_POINT_LEN], blobs[2 * CU_KEY_PART_BLOB_LEN], mk[CU_KEY_PART_LEN], vp[CU_VP_LEN];
  EVP_PKEY *admin = admin_key (point);
  CuCommand *cmd;

  client = cu_client_new_remote (shared.daemon->base_url, "gamma", shared.gamma_credential,
                                 shared.daemon->fingerprint, &error);
  g_assert_no_error (error);
  unit = first_unit (client, CU_UNIT_OPERATIONAL);

  /* Imprint mode: one admin, thresholds 1/1. */
  cmd = cu_command_new_add_admin ("gamma", unit, counter_of (client, unit), "admin", point, NULL);
  execute_signed (client, cmd, NULL);
  cu_command_free (cmd);
  cmd = cu_command_new_set_thresholds ("gamma", unit, counter_of (client, unit), 1, 1, NULL);
  execute_signed (client, cmd, admin);
  cu_command_free (cmd);

  /* Two key parts encrypted to the unit's importer, load, commit, set. */
  root = cu_client_get_root_certificate (client, &error);
  g_assert_no_error (error);
  chain = cu_client_create_importer (client, unit, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (cu_key_part_encrypt (parts[i], chain, g_bytes_get_data (root, NULL),
                                          blobs + i * CU_KEY_PART_BLOB_LEN, &error));
      g_assert_no_error (error);
    }
  cmd = cu_command_new_load_new ("gamma", unit, counter_of (client, unit), blobs, 2, NULL);
  execute_signed (client, cmd, admin);
  cu_command_free (cmd);
  for (size_t i = 0; i < sizeof mk; i++)
    mk[i] = parts[0][i] ^ parts[1][i];
  cu_verification_pattern (mk, vp);
  cmd = cu_command_new_commit_new ("gamma", unit, counter_of (client, unit), vp, NULL);
  execute_signed (client, cmd, admin);
  cu_command_free (cmd);
  cmd = cu_command_new_simple ("gamma", unit, counter_of (client, unit), CU_CMD_SET_IMMEDIATE,
                               NULL);
  execute_signed (client, cmd, admin);
  cu_command_free (cmd);
  state = cu_client_get_unit_state (client, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state->current_state, ==, CU_CURRENT_VALID);
  g_assert_cmpmem (state->current_vp, CU_VP_LEN, vp, sizeof vp);

  /* Key storage. */
  key_id = cu_client_key_create (client, unit, &error);
  g_assert_no_error (error);
  ciphertext = cu_client_key_encrypt (client, unit, key_id, plaintext, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (ciphertext), ==, 12 + 19 + 16);
  decrypted = cu_client_key_decrypt (client, unit, key_id, ciphertext, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (decrypted, plaintext));
  keys = cu_client_key_list (client, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_cmpstr (((CuKeyInfo *)g_ptr_array_index (keys, 0))->key_id, ==, key_id);
  g_assert_true (cu_client_key_delete (client, unit, key_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&decrypted, g_bytes_unref);
  decrypted = cu_client_key_decrypt (client, unit, key_id, ciphertext, &error);
  g_assert_null (decrypted);
  g_assert_error (error, CU_ERROR, CU_ERROR_NOT_FOUND);
  EVP_PKEY_free (admin);
}

static gpointer
list_units_repeatedly (gpointer client)
{
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) units = cu_client_list_units (client, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (units->len, ==, 3);
    }
  return NULL;
}

/* One client used from several worker threads at once. */
static void
test_client_from_threads (void)
{
  g_autoptr (CuClient) client = connect_alpha ();
  GThread *threads[4];

  for (size_t i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("client", list_units_repeatedly, client);
  for (size_t i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

static void
test_unknown_unit (void)
{
  g_autoptr (CuClient) client = connect_alpha ();
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *state = cu_client_get_unit_state (
      client, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", &error);

  g_assert_null (state);
  g_assert_error (error, CU_ERROR, CU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A malformed unit ID never reaches the network. */
  state = cu_client_get_unit_state (client, "../../etc", &error);
  g_assert_null (state);
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
}

/* A request with @bearer gets @status and error @name; the remote client
 * with @credential gets @code. */
static void
assert_credential_refused (const char *bearer, guint status, const char *name,
                           const char *credential, int code)
{
  g_autofree char *url = api_url ("/units");
  g_autofree char *reply = NULL;
  g_autofree char *name_member = g_strdup_printf ("\"name\":\"%s\"", name);
  g_autoptr (CuClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = NULL;

  g_assert_cmpuint (test_raw_request ("GET", url, bearer, NULL, 0, &reply), ==, status);
  g_assert_nonnull (strstr (reply, name_member));
  client = cu_client_new_remote (shared.daemon->base_url, "alpha", credential,
                                 shared.daemon->fingerprint, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (client, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, code);
}

static void
test_no_credential (void)
{
  g_autofree char *zeros = g_strnfill (64, '0');
  g_autofree char *nobodys = g_strconcat ("otkcu1_", zeros, NULL);

  /* No credential, and one that is nobody's. */
  assert_credential_refused (NULL, 401, "unauthenticated", nobodys, CU_ERROR_UNAUTHENTICATED);
}

static void
test_other_instance_credential (void)
{
  assert_credential_refused (shared.beta_credential, 403, "forbidden", shared.beta_credential,
                             CU_ERROR_FORBIDDEN);
}

/* Malformed requests get 400 with a JSON error, and the daemon lives on. */
static void
test_malformed_json (void)
{
  static const char *const bodies[] = {
    "{\"command\": ",          /* truncated */
    "[\"command\"]",           /* not an object */
    "{\"command\": 12}",       /* wrong type */
    "{\"command\": \"@@@\"}",  /* not base64 */
    "{\"command\": \"AAAA\"}", /* base64, but not a command */
    "\"\\ud800\"",
  };
  g_autoptr (CuClient) client = connect_alpha ();
  g_autofree char *unit = first_unit (client, CU_UNIT_OPERATIONAL);
  g_autofree char *suffix = g_strdup_printf ("/units/%s/commands", unit);
  g_autofree char *url = api_url (suffix);
  g_autoptr (GError) error = NULL;
  g_autofree CuUnitState *state = NULL;
  guint64 counter = counter_of (client, unit);

  for (size_t i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *reply = NULL;
      guint status = test_raw_request ("POST", url, shared.alpha_credential, bodies[i],
                                       strlen (bodies[i]), &reply);

      g_test_message ("body %s: HTTP %u %s", bodies[i], status, reply);
      g_assert_cmpuint (status, ==, 400);
      g_assert_true (g_str_has_prefix (reply, "{\"error\":{\"code\":"));
    }
  /* A body with a NUL inside is not JSON either. */
  {
    g_autofree char *reply = NULL;
    g_assert_cmpuint (test_raw_request ("POST", url, shared.alpha_credential, "{}\0{}", 5, &reply),
                      ==, 400);
  }
  /* Still serving, and nothing was executed. */
  state = cu_client_get_unit_state (client, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->transaction_counter, ==, counter);
}

static void
test_oversized_body (void)
{
  g_autofree char *url = api_url ("/units");
  g_autofree char *reply = NULL;
  gsize len = 1024 * 1024;
  g_autofree char *body = g_malloc (len);

  memset (body, ' ', len);
  body[0] = '{';
  body[len - 1] = '}';
  g_assert_cmpuint (test_raw_request ("POST", url, shared.alpha_credential, body, len, &reply), ==,
                    413);
}

static void
test_unknown_path_and_method (void)
{
  g_autofree char *unknown = api_url ("/nothing-here");
  g_autofree char *units = api_url ("/units");
  g_autofree char *reply = NULL;

  g_assert_cmpuint (test_raw_request ("GET", unknown, shared.alpha_credential, NULL, 0, &reply), ==,
                    404);
  g_clear_pointer (&reply, g_free);
  g_assert_cmpuint (test_raw_request ("PUT", units, shared.alpha_credential, "{}", 2, &reply), ==,
                    405);
}

/* Credentials and the TLS key: only hashes stored, files mode 0600, and the
 * credential never in the daemon's log. */
static void
test_secrets_at_rest (void)
{
  g_autofree char *cred_path
      = g_build_filename (shared.state_dir, ".cryptounitd", "credentials", "alpha", NULL);
  g_autofree char *key_path
      = g_build_filename (shared.state_dir, ".cryptounitd", "tls-key.pem", NULL);
  g_autofree char *stored = NULL;
  g_autofree char *log = NULL;
  g_autoptr (CuClient) client = connect_alpha ();
  g_autoptr (GPtrArray) units = NULL;
  struct stat st;

  units = cu_client_list_units (client, NULL);
  g_assert_nonnull (units);
  g_assert_true (g_file_get_contents (cred_path, &stored, NULL, NULL));
  g_assert_null (strstr (stored, shared.alpha_credential + strlen ("otkcu1_")));
  g_assert_cmpint (g_stat (cred_path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  log = test_daemon_read_log (shared.daemon);
  g_assert_nonnull (strstr (log, "GET")); /* debug logging was on */
  g_assert_null (strstr (log, shared.alpha_credential + strlen ("otkcu1_")));
  g_assert_null (strstr (log, shared.beta_credential + strlen ("otkcu1_")));
}

/* A daemon of its own, for the tests that stop or change it. */
static TestDaemon *
start_private_daemon (const char *name, char **credential)
{
  g_autofree char *state_dir = g_build_filename (shared.root_dir, name, NULL);

  *credential = test_daemon_init_instance (state_dir, "alpha", 1, 0, NULL);
  return test_daemon_start (state_dir, 0);
}

static void
test_pinning (void)
{
  g_autofree char *credential = NULL;
  g_autofree char *pins
      = g_build_filename (g_get_user_config_dir (), "opentke", "pinned-units", NULL);
  g_autofree char *pins_text = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *old_fingerprint = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CuClient) first = NULL;
  g_autoptr (CuClient) after = NULL;
  g_autoptr (CuClient) configured = NULL;
  g_autoptr (CuClient) wrong = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autofree char *a62 = g_strnfill (62, 'a');
  g_autofree char *wrong_fingerprint = g_strconcat ("AB:", a62, NULL);
  TestDaemon *daemon = start_private_daemon ("pinning", &credential);
  guint16 port = daemon->port;

  /* First use: no fingerprint given, the certificate gets pinned. */
  first = cu_client_new_remote (daemon->base_url, "alpha", credential, NULL, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (first, &error);
  g_assert_no_error (error);
  g_clear_pointer (&units, g_ptr_array_unref);
  g_assert_true (g_file_get_contents (pins, &pins_text, NULL, NULL));
  g_assert_nonnull (strstr (pins_text, daemon->fingerprint));

  /* A configured fingerprint that is not the server's: refused. */
  wrong = cu_client_new_remote (daemon->base_url, "alpha", credential, wrong_fingerprint, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (wrong, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "different TLS certificate"));
  g_clear_error (&error);

  /* The service gets a new TLS identity on the same address. */
  old_fingerprint = g_strdup (daemon->fingerprint);
  test_daemon_stop (daemon);
  key = g_build_filename (daemon->state_dir, ".cryptounitd", "tls-key.pem", NULL);
  cert = g_build_filename (daemon->state_dir, ".cryptounitd", "tls-cert.pem", NULL);
  g_assert_cmpint (g_unlink (key), ==, 0);
  g_assert_cmpint (g_unlink (cert), ==, 0);
  {
    g_autofree char *state_dir = g_strdup (daemon->state_dir);
    test_daemon_free (daemon);
    daemon = test_daemon_start (state_dir, port);
  }
  g_assert_cmpstr (daemon->fingerprint, !=, old_fingerprint);

  /* The pinned client, and a new one that reads the pin store, refuse it. */
  units = cu_client_list_units (first, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, old_fingerprint));
  g_clear_error (&error);
  after = cu_client_new_remote (daemon->base_url, "alpha", credential, NULL, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (after, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_TLS);
  g_clear_error (&error);

  /* Told the new fingerprint (by the operator), the client works again. */
  configured
      = cu_client_new_remote (daemon->base_url, "alpha", credential, daemon->fingerprint, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (configured, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 1);

  test_daemon_stop (daemon);
  test_daemon_free (daemon);
}

static void
test_unreachable (void)
{
  g_autofree char *credential = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CuClient) client = NULL;
  g_autoptr (GPtrArray) units = NULL;
  TestDaemon *daemon = start_private_daemon ("unreachable", &credential);
  g_autofree char *endpoint = g_strdup_printf ("127.0.0.1:%u", daemon->port);

  client
      = cu_client_new_remote (daemon->base_url, "alpha", credential, daemon->fingerprint, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (client, &error);
  g_assert_no_error (error);
  g_clear_pointer (&units, g_ptr_array_unref);

  /* SIGTERM: a graceful stop (exit status 0, asserted by the harness). */
  test_daemon_stop (daemon);
  units = cu_client_list_units (client, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, endpoint));
  test_daemon_free (daemon);
}

static void
test_client_refuses_bad_configuration (void)
{
  static const char *const urls[] = { "http://127.0.0.1:1", "https://", "not a url",
                                      "https://user@127.0.0.1:1", "https://127.0.0.1:1/x" };
  g_autoptr (GError) error = NULL;

  for (size_t i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_assert_null (cu_client_new_remote (urls[i], "alpha", "x", NULL, &error));
      g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_null (cu_client_new_remote ("https://127.0.0.1:1", "alpha", "x", "12ab", &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (cu_client_new_remote ("https://127.0.0.1:1", "alpha", "", NULL, &error));
  g_assert_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT);
}

static void
test_cli_refusals (void)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *dup = NULL;

  out = test_daemon_run_command (&err, "init", "--state", shared.state_dir, "--instance", "../evil",
                                 NULL);
  g_assert_null (out);
  g_assert_nonnull (strstr (err, "--instance"));
  g_clear_pointer (&err, g_free);
  dup = test_daemon_run_command (&err, "init", "--state", shared.state_dir, "--instance", "alpha",
                                 NULL);
  g_assert_null (dup); /* exists already */
  g_clear_pointer (&err, g_free);
  out = test_daemon_run_command (&err, "serve", "--state", shared.state_dir, "--listen",
                                 "127.0.0.1", NULL);
  g_assert_null (out);
  g_assert_nonnull (strstr (err, "ADDR:PORT"));
}

/* "credential" replaces an instance's credential, handed over in a file of
 * mode 0600 and not on stdout; the old credential stops working at once. */
static void
test_credential_rotation (void)
{
  g_autofree char *path = g_build_filename (shared.root_dir, "beta.credential", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *credential = NULL;
  g_autoptr (CuClient) old_client = NULL;
  g_autoptr (CuClient) new_client = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GError) error = NULL;
  struct stat st;

  out = test_daemon_run_command (&err, "credential", "--state", shared.state_dir, "--instance",
                                 "beta", "--credential-file", path, NULL);
  g_assert_nonnull (out);
  g_assert_null (strstr (out, "otkcu1_"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  credential = test_daemon_field (contents, "credential");
  g_assert_nonnull (credential);
  g_assert_cmpstr (credential, !=, shared.beta_credential);

  old_client = cu_client_new_remote (shared.daemon->base_url, "beta", shared.beta_credential,
                                     shared.daemon->fingerprint, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (old_client, &error);
  g_assert_null (units);
  g_assert_error (error, CU_ERROR, CU_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);

  new_client = cu_client_new_remote (shared.daemon->base_url, "beta", credential,
                                     shared.daemon->fingerprint, &error);
  g_assert_no_error (error);
  units = cu_client_list_units (new_client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 1);
  g_free (shared.beta_credential);
  shared.beta_credential = g_steal_pointer (&credential);
}

static void
shared_setup (void)
{
  g_autofree char *fingerprint = NULL;

  shared.state_dir = g_build_filename (shared.root_dir, "state", NULL);
  shared.alpha_credential
      = test_daemon_init_instance (shared.state_dir, "alpha", 2, 1, &fingerprint);
  shared.beta_credential = test_daemon_init_instance (shared.state_dir, "beta", 1, 0, NULL);
  shared.gamma_credential = test_daemon_init_instance (shared.state_dir, "gamma", 1, 0, NULL);
  shared.daemon = test_daemon_start (shared.state_dir, 0);
  /* The fingerprint printed by init is the one served. */
  g_assert_cmpstr (fingerprint, ==, shared.daemon->fingerprint);
}

static void
shared_teardown (void)
{
  test_daemon_stop (shared.daemon);
  test_daemon_free (shared.daemon);
  otk_remove_tree (shared.root_dir);
  g_free (shared.root_dir);
  g_free (shared.state_dir);
  g_free (shared.alpha_credential);
  g_free (shared.beta_credential);
  g_free (shared.gamma_credential);
}

/* See daemon-harness.c: the same LeakSanitizer limit applies to this
 * process, which loads the gnutls module of GIO too. */
const char *__lsan_default_options (void);
const char *
__lsan_default_options (void)
{
  return "use_tls=0";
}

/* libsoup allocates 24 bytes of per-thread state (pthread_setspecific)
 * that it never frees; tests/lsan.supp does not know libsoup. */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libsoup-3.0.so\n";
}

int
main (int argc, char **argv)
{
  int rc;

  shared.root_dir = test_daemon_main_init (&argc, &argv, 1, "", "test-cryptounitd");
  shared_setup ();

  g_test_add_func ("/cryptounitd/queries", test_queries);
  g_test_add_func ("/cryptounitd/signed-command", test_signed_command);
  g_test_add_func ("/cryptounitd/importer-and-key-storage", test_importer_and_key_storage);
  g_test_add_func ("/cryptounitd/master-key-and-key-storage", test_master_key_and_key_storage);
  g_test_add_func ("/cryptounitd/client-from-threads", test_client_from_threads);
  g_test_add_func ("/cryptounitd/unknown-unit", test_unknown_unit);
  g_test_add_func ("/cryptounitd/no-credential", test_no_credential);
  g_test_add_func ("/cryptounitd/other-instance-credential", test_other_instance_credential);
  g_test_add_func ("/cryptounitd/malformed-json", test_malformed_json);
  g_test_add_func ("/cryptounitd/oversized-body", test_oversized_body);
  g_test_add_func ("/cryptounitd/unknown-path-and-method", test_unknown_path_and_method);
  g_test_add_func ("/cryptounitd/secrets-at-rest", test_secrets_at_rest);
  g_test_add_func ("/cryptounitd/pinning", test_pinning);
  g_test_add_func ("/cryptounitd/unreachable", test_unreachable);
  g_test_add_func ("/cryptounitd/client-refuses-bad-configuration",
                   test_client_refuses_bad_configuration);
  g_test_add_func ("/cryptounitd/cli-refusals", test_cli_refusals);
  g_test_add_func ("/cryptounitd/credential-rotation", test_credential_rotation);
  rc = g_test_run ();
  shared_teardown ();
  return rc;
}
