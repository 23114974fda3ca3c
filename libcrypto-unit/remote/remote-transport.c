/* remote-transport.c: the client transport over HTTPS to cryptounitd.
 *
 * Synchronous libsoup 3 calls, serialised by a mutex, so the client may be
 * used from any one worker thread at a time (the GUI calls it off the main
 * thread).  The server's self-signed certificate is trusted only by its
 * pinned SHA-256 fingerprint: from configuration, or pinned at first use in
 * the pin store (tls-pin.h); a changed certificate is refused. */
#include <libsoup/soup.h>
#include <string.h>

#include "http-error.h"
#include "json-fields.h"
#include "opentke-common.h"
#include "opentke-crypto-unit.h"
#include "cu-zones.h"
#include "remote-transport.h"
#include "tls-pin.h"
#include "wire-json.h"

/* Replies come from the pinned service, but are still bounded: a whole
 * reply (a key list of 20000 keys is about 1.3 MB), and each binary value. */
#define MAX_REPLY_BYTES   (32 * 1024 * 1024)
#define MAX_VALUE_BYTES   (64 * 1024)
#define REQUEST_TIMEOUT_S 300

typedef struct
{
  GMutex lock;
  SoupSession *session;
  char *base_url; /* "https://host:port" */
  char *endpoint; /* "host:port", the key of the pin store */
  char *instance;
  OtkSecretStr *authorization; /* "Bearer <credential>" */
  char *pinned;                /* fingerprint, or NULL until first use */
  gboolean pin_from_config;
  char *pin_store;
} CuRemote;

/* What accept-certificate saw during one request. */
typedef struct
{
  CuRemote *remote;
  char *presented; /* fingerprint of the server's certificate */
} TlsCheck;

static gboolean
accept_certificate (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors,
                    gpointer user_data)
{
  TlsCheck *check = user_data;

  g_free (check->presented);
  check->presented = cu_tls_fingerprint (certificate);
  if (check->presented == NULL)
    return FALSE;
  /* Not pinned yet: trust on first use, pinned once the reply arrived. */
  return check->remote->pinned == NULL || strcmp (check->remote->pinned, check->presented) == 0;
}

static GError *
pin_mismatch_error (CuRemote *remote, const char *presented)
{
  return g_error_new (CU_ERROR, CU_ERROR_TLS,
                      "The crypto unit service at %s presented a different TLS certificate "
                      "(fingerprint %s) than the one pinned%s (%s). Someone may be intercepting "
                      "the connection, or the service got a new certificate: check its "
                      "fingerprint with the operator (cryptounitd fingerprint) before trusting "
                      "it.",
                      remote->endpoint, presented,
                      remote->pin_from_config ? " in the configuration" : " at first use",
                      remote->pinned);
}

/* Turns a transport failure into CU_ERROR_UNREACHABLE or CU_ERROR_TLS. */
static GError *
transport_error (CuRemote *remote, const TlsCheck *check, const GError *local)
{
  if (check->presented != NULL && remote->pinned != NULL
      && strcmp (check->presented, remote->pinned) != 0)
    return pin_mismatch_error (remote, check->presented);
  if (local->domain == G_TLS_ERROR)
    return g_error_new (CU_ERROR, CU_ERROR_TLS, "TLS with the crypto unit service at %s failed: %s",
                        remote->endpoint, local->message);
  return g_error_new (CU_ERROR, CU_ERROR_UNREACHABLE,
                      "The crypto unit service at %s cannot be reached: %s. Check that "
                      "cryptounitd is running and the address is right.",
                      remote->endpoint, local->message);
}

/* After a reply: the certificate must be the pinned one; pins it at first use. */
static gboolean
check_pin (CuRemote *remote, SoupMessage *msg, GError **error)
{
  GTlsCertificate *peer = soup_message_get_tls_peer_certificate (msg);
  g_autofree char *presented = peer != NULL ? cu_tls_fingerprint (peer) : NULL;
  g_autoptr (GError) local = NULL;

  if (presented == NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_TLS,
                   "The crypto unit service at %s did not present a certificate", remote->endpoint);
      return FALSE;
    }
  if (remote->pinned != NULL)
    {
      if (strcmp (remote->pinned, presented) == 0)
        return TRUE;
      g_propagate_error (error, pin_mismatch_error (remote, presented));
      return FALSE;
    }
  if (!cu_pin_store_add (remote->pin_store, remote->endpoint, presented, &local))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_TLS, "Cannot pin the certificate of %s: %s",
                   remote->endpoint, local->message);
      return FALSE;
    }
  g_message ("Pinned the TLS certificate of %s at first use: %s", remote->endpoint, presented);
  remote->pinned = g_steal_pointer (&presented);
  return TRUE;
}

static JsonObject *
malformed_reply (CuRemote *remote, GError **error)
{
  g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL,
               "The crypto unit service at %s sent a malformed reply", remote->endpoint);
  return NULL;
}

/* Reads the whole reply body, refusing one larger than MAX_REPLY_BYTES
 * before it is all in memory.  A reply may carry decrypted key-storage
 * data: every buffer it passes through is wiped (growing copies too). */
static GBytes *
read_reply (CuRemote *remote, const TlsCheck *check, GInputStream *stream, GError **error)
{
  g_autoptr (GError) local = NULL;
  guint8 chunk[16 * 1024];
  guint8 *buffer = NULL;
  gsize len = 0, size = 0;
  GBytes *reply = NULL;
  gssize n;

  while ((n = g_input_stream_read (stream, chunk, sizeof chunk, NULL, &local)) > 0)
    {
      if (len + (gsize)n > MAX_REPLY_BYTES)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_PROTOCOL,
                       "The crypto unit service sent a reply larger than %d bytes",
                       MAX_REPLY_BYTES);
          goto out;
        }
      if (len + (gsize)n > size)
        {
          gsize new_size = MAX (2 * size, len + (gsize)n);
          guint8 *bigger = g_malloc (new_size);

          if (len > 0)
            memcpy (bigger, buffer, len);
          secure_clear (buffer, size);
          g_free (buffer);
          buffer = bigger;
          size = new_size;
        }
      memcpy (buffer + len, chunk, (gsize)n);
      len += (gsize)n;
    }
  if (n < 0)
    {
      g_propagate_error (error, transport_error (remote, check, local));
      goto out;
    }
  reply = cu_bytes_new_wiped (buffer != NULL ? g_steal_pointer (&buffer) : g_malloc (1), len);
out:
  secure_clear (chunk, sizeof chunk);
  secure_clear (buffer, size);
  g_free (buffer);
  return reply;
}

/* One request: @method on @path (after /v1/instances/<instance>) with @body
 * (may be NULL).  Returns the JSON object of a 2xx reply. */
static JsonObject *
remote_call (CuRemote *remote, const char *method, const char *path, JsonNode *body, GError **error)
{
  g_autofree char *url
      = g_strconcat (remote->base_url, "/v1/instances/", remote->instance, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) local = NULL;
  TlsCheck check = { remote, NULL };
  JsonObject *result = NULL;
  const char *data;
  gsize len = 0;
  guint status;

  if (msg == NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT, "Invalid service URL %s", url);
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                remote->authorization);
  if (body != NULL)
    {
      /* Data to encrypt travels in the body: wiped when libsoup lets go. */
      g_autoptr (GBytes) text = cu_json_to_wiped_bytes (body);
      soup_message_set_request_body_from_bytes (msg, "application/json", text);
    }
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate), &check);

  g_mutex_lock (&remote->lock);
  stream = soup_session_send (remote->session, msg, NULL, &local);
  if (stream == NULL)
    g_propagate_error (error, transport_error (remote, &check, local));
  /* The pin is checked before a byte of the reply is read. */
  else if (check_pin (remote, msg, error))
    reply = read_reply (remote, &check, stream, error);
  if (reply != NULL)
    {
      status = soup_message_get_status (msg);
      data = g_bytes_get_data (reply, &len);
      g_debug ("%s %s: HTTP %u, %" G_GSIZE_FORMAT " bytes", method, path, status, len);
      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        g_propagate_error (error, cu_http_error_from_response (status, data, len));
      else if ((result = cu_json_parse_object (data, len)) == NULL)
        malformed_reply (remote, error);
    }
  g_mutex_unlock (&remote->lock);
  g_signal_handlers_disconnect_by_data (msg, &check);
  g_free (check.presented);
  return result;
}

/* "/units/<unit_id><suffix>", or NULL with an error for a malformed ID. */
static char *
unit_path (const char *unit_id, const char *key_id, const char *suffix, GError **error)
{
  if (!cu_wire_is_hex_id (unit_id, CU_UNIT_ID_HEX_LEN)
      || (key_id != NULL && !cu_wire_is_hex_id (key_id, CU_KEY_ID_HEX_LEN)))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A unit ID is 64 and a key ID 32 lower-case hex digits");
      return NULL;
    }
  if (key_id != NULL)
    return g_strconcat ("/units/", unit_id, "/keys/", key_id, suffix, NULL);
  return g_strconcat ("/units/", unit_id, suffix, NULL);
}

/* POST (or GET when @body_member is NULL and @post is FALSE) a unit path
 * and return member @reply_member as bytes of @min..@max length. */
static GBytes *
call_for_bytes (CuRemote *remote, const char *method, const char *path, const char *body_member,
                GBytes *body_bytes, const char *reply_member, gsize min, gsize max, GError **error)
{
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonObject) reply = NULL;
  GBytes *bytes;

  if (strcmp (method, "POST") == 0)
    body = cu_json_object_with_base64 (body_member, body_bytes);
  reply = remote_call (remote, method, path, body, error);
  if (reply == NULL)
    return NULL;
  bytes = cu_json_get_base64 (reply, reply_member, max);
  if (bytes == NULL || g_bytes_get_size (bytes) < min)
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      malformed_reply (remote, error);
    }
  return bytes;
}

static GPtrArray *
call_for_array (CuRemote *remote, const char *path, const char *member, gsize size, guint max,
                CuWireParseFunc parse, GError **error)
{
  g_autoptr (JsonObject) reply = remote_call (remote, "GET", path, NULL, error);
  GPtrArray *items;

  if (reply == NULL)
    return NULL;
  items = cu_wire_parse_array (cu_json_get_array (reply, member), size, max, parse);
  if (items == NULL)
    malformed_reply (remote, error);
  return items;
}

static GPtrArray *
remote_list_units (gpointer self, GError **error)
{
  return call_for_array (self, "/units", "units", sizeof (CuUnitInfo),
                         CU_MAX_OPERATIONAL * 2 + CU_RECOVERY_UNITS,
                         (CuWireParseFunc)cu_wire_parse_unit_info, error);
}

static CuUnitState *
remote_get_unit_state (gpointer self, const char *unit_id, GError **error)
{
  g_autofree char *path = unit_path (unit_id, NULL, "", error);
  g_autoptr (JsonObject) reply = NULL;
  g_autofree CuUnitState *state = NULL;

  if (path == NULL || (reply = remote_call (self, "GET", path, NULL, error)) == NULL)
    return NULL;
  state = g_new0 (CuUnitState, 1);
  if (!cu_wire_parse_unit_state (reply, state))
    {
      malformed_reply (self, error);
      return NULL;
    }
  return g_steal_pointer (&state);
}

static GBytes *
remote_get_root_certificate (gpointer self, GError **error)
{
  return call_for_bytes (self, "GET", "/root-certificate", NULL, NULL, "certificate", CU_CERT_LEN,
                         CU_CERT_LEN, error);
}

static GBytes *
remote_get_device_certificate (gpointer self, const char *unit_id, GError **error)
{
  g_autofree char *path = unit_path (unit_id, NULL, "/device-certificate", error);

  return path != NULL ? call_for_bytes (self, "GET", path, NULL, NULL, "certificate", CU_CERT_LEN,
                                        CU_CERT_LEN, error)
                      : NULL;
}

static GBytes *
remote_create_importer (gpointer self, const char *unit_id, GError **error)
{
  g_autofree char *path = unit_path (unit_id, NULL, "/importers", error);

  return path != NULL ? call_for_bytes (self, "POST", path, NULL, NULL, "chain", 2 * CU_CERT_LEN,
                                        2 * CU_CERT_LEN, error)
                      : NULL;
}

static gboolean
remote_execute (gpointer self, const char *unit_id, GBytes *command, GBytes **output,
                GError **error)
{
  g_autofree char *path = unit_path (unit_id, NULL, "/commands", error);
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonObject) reply = NULL;
  JsonNode *out_node;
  GBytes *out = NULL;

  if (output != NULL)
    *output = NULL;
  if (path == NULL)
    return FALSE;
  body = cu_json_object_with_base64 ("command", command);
  reply = remote_call (self, "POST", path, body, error);
  if (reply == NULL)
    {
      /* The connection may have dropped after the unit ran the command. */
      if (error != NULL && *error != NULL
          && g_error_matches (*error, CU_ERROR, CU_ERROR_UNREACHABLE))
        g_prefix_error (error, "The command may or may not have run: the unit's transaction "
                               "counter tells, and sending it again is refused as a replay. ");
      return FALSE;
    }
  out_node = json_object_get_member (reply, "output");
  if (out_node == NULL
      || (!JSON_NODE_HOLDS_NULL (out_node)
          && (out = cu_json_get_base64 (reply, "output", MAX_VALUE_BYTES)) == NULL))
    {
      malformed_reply (self, error);
      return FALSE;
    }
  if (output != NULL)
    *output = out;
  else if (out != NULL)
    g_bytes_unref (out);
  return TRUE;
}

static GPtrArray *
remote_get_audit_log (gpointer self, const char *unit_id, guint64 from, GError **error)
{
  g_autofree char *suffix = g_strdup_printf ("/audit?from=%" G_GUINT64_FORMAT, MAX (from, 1));
  g_autofree char *path = unit_path (unit_id, NULL, suffix, error);

  return path != NULL ? call_for_array (self, path, "entries", sizeof (CuAuditEntry), G_MAXINT,
                                        (CuWireParseFunc)cu_wire_parse_audit_entry, error)
                      : NULL;
}

static char *
remote_key_create (gpointer self, const char *unit_id, GError **error)
{
  g_autofree char *path = unit_path (unit_id, NULL, "/keys", error);
  g_autoptr (JsonNode) body = cu_json_object_with_base64 (NULL, NULL);
  g_autoptr (JsonObject) reply = NULL;
  const char *key_id;

  if (path == NULL || (reply = remote_call (self, "POST", path, body, error)) == NULL)
    return NULL;
  key_id = cu_json_get_string (reply, "key_id");
  if (!cu_wire_is_hex_id (key_id, CU_KEY_ID_HEX_LEN))
    {
      malformed_reply (self, error);
      return NULL;
    }
  return g_strdup (key_id);
}

static GPtrArray *
remote_key_list (gpointer self, const char *unit_id, GError **error)
{
  g_autofree char *path = unit_path (unit_id, NULL, "/keys", error);

  return path != NULL ? call_for_array (self, path, "keys", sizeof (CuKeyInfo), CU_MAX_KEYS,
                                        (CuWireParseFunc)cu_wire_parse_key_info, error)
                      : NULL;
}

static gboolean
remote_key_delete (gpointer self, const char *unit_id, const char *key_id, GError **error)
{
  g_autofree char *path = unit_path (unit_id, key_id, "", error);
  g_autoptr (JsonObject) reply = NULL;

  if (path == NULL)
    return FALSE;
  reply = remote_call (self, "DELETE", path, NULL, error);
  return reply != NULL;
}

static GBytes *
remote_key_crypt (gpointer self, const char *unit_id, const char *key_id, const char *operation,
                  const char *in_member, GBytes *in, const char *out_member, GError **error)
{
  g_autofree char *path = unit_path (unit_id, key_id, operation, error);

  return path != NULL ? call_for_bytes (self, "POST", path, in_member, in, out_member, 0,
                                        MAX_VALUE_BYTES, error)
                      : NULL;
}

static GBytes *
remote_key_encrypt (gpointer self, const char *unit_id, const char *key_id, GBytes *plaintext,
                    GError **error)
{
  return remote_key_crypt (self, unit_id, key_id, "/encrypt", "plaintext", plaintext, "ciphertext",
                           error);
}

static GBytes *
remote_key_decrypt (gpointer self, const char *unit_id, const char *key_id, GBytes *ciphertext,
                    GError **error)
{
  return remote_key_crypt (self, unit_id, key_id, "/decrypt", "ciphertext", ciphertext, "plaintext",
                           error);
}

static void
remote_free (gpointer self)
{
  CuRemote *remote = self;

  if (remote == NULL)
    return;
  g_clear_object (&remote->session);
  g_mutex_clear (&remote->lock);
  g_free (remote->base_url);
  g_free (remote->endpoint);
  g_free (remote->instance);
  otk_secret_str_free (remote->authorization);
  g_free (remote->pinned);
  g_free (remote->pin_store);
  g_free (remote);
}

const CuTransportVtable cu_remote_transport_vtable = {
  .list_units = remote_list_units,
  .get_unit_state = remote_get_unit_state,
  .get_root_certificate = remote_get_root_certificate,
  .get_device_certificate = remote_get_device_certificate,
  .create_importer = remote_create_importer,
  .execute = remote_execute,
  .get_audit_log = remote_get_audit_log,
  .key_create = remote_key_create,
  .key_list = remote_key_list,
  .key_delete = remote_key_delete,
  .key_encrypt = remote_key_encrypt,
  .key_decrypt = remote_key_decrypt,
  .free = remote_free,
};

/* Checks @base_url ("https://host[:port]") and fills the endpoint. */
static gboolean
parse_base_url (CuRemote *remote, const char *base_url, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  const char *host;
  int port;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0
      || (host = g_uri_get_host (uri)) == NULL || host[0] == '\0'
      || (g_uri_get_path (uri)[0] != '\0' && strcmp (g_uri_get_path (uri), "/") != 0)
      || g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "The crypto unit service URL must look like https://host:port, not \"%s\"",
                   base_url);
      return FALSE;
    }
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443;
  remote->endpoint = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%d", host, port)
                                                : g_strdup_printf ("%s:%d", host, port);
  remote->base_url = g_strconcat ("https://", remote->endpoint, NULL);
  return TRUE;
}

const char *
cu_remote_transport_get_url (gpointer self)
{
  return ((CuRemote *)self)->base_url;
}

gpointer
cu_remote_transport_new (const char *base_url, const char *instance, const char *credential,
                         const char *tls_fingerprint, GError **error)
{
  CuRemote *remote = g_new0 (CuRemote, 1);

  g_mutex_init (&remote->lock);
  if (!parse_base_url (remote, base_url, error))
    goto fail;
  if (instance == NULL || instance[0] == '\0' || strpbrk (instance, "/?#%") != NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT, "Invalid service instance name");
      goto fail;
    }
  if (credential == NULL || credential[0] == '\0' || strpbrk (credential, "\r\n") != NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A credential for the service instance is needed");
      goto fail;
    }
  remote->instance = g_strdup (instance);
  remote->authorization = g_strconcat ("Bearer ", credential, NULL);
  remote->pin_store = cu_pin_store_default_path ();
  if (tls_fingerprint != NULL)
    {
      remote->pinned = cu_tls_fingerprint_normalize (tls_fingerprint);
      remote->pin_from_config = TRUE;
      if (remote->pinned == NULL)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                       "The TLS fingerprint must be 64 hex digits (SHA-256), as printed by "
                       "cryptounitd fingerprint");
          goto fail;
        }
    }
  else
    remote->pinned = cu_pin_store_lookup (remote->pin_store, remote->endpoint);

  remote->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S, "user-agent",
                                                   "opentke-cu", NULL);
  /* No CA store: the pinned fingerprint is the only trust, checked in
   * accept-certificate for every connection. */
  soup_session_set_tls_database (remote->session, NULL);
  return remote;

fail:
  remote_free (remote);
  return NULL;
}

CuClient *
cu_client_new_remote (const char *base_url, const char *instance, const char *credential,
                      const char *tls_fingerprint, GError **error)
{
  gpointer remote
      = cu_remote_transport_new (base_url, instance, credential, tls_fingerprint, error);

  return remote != NULL
             ? cu_client_new_with_transport (instance, &cu_remote_transport_vtable, remote)
             : NULL;
}

/* The zones, each a remote transport, behind the zones transport. */
CuClient *
cu_client_new_remote_zones (guint n_zones, const char *const *base_urls,
                            const char *const *tls_fingerprints, const char *instance,
                            const char *credential, GError **error)
{
  CuZones *zones = NULL;
  CuClient *client = NULL;
  const char *urls[CU_MAX_ZONES] = { NULL };

  if (n_zones < 1 || n_zones > CU_MAX_ZONES || base_urls == NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                   "A service instance has 1 to 3 availability zones, one URL each");
      return NULL;
    }
  if (n_zones == 1)
    return cu_client_new_remote (base_urls[0], instance, credential,
                                 tls_fingerprints != NULL ? tls_fingerprints[0] : NULL, error);
  zones = cu_zones_new ();
  for (guint z = 0; z < n_zones; z++)
    {
      gpointer remote
          = cu_remote_transport_new (base_urls[z], instance, credential,
                                     tls_fingerprints != NULL ? tls_fingerprints[z] : NULL, error);

      if (remote == NULL)
        goto out;
      urls[z] = cu_remote_transport_get_url (remote);
      for (guint y = 0; y < z; y++)
        if (strcmp (urls[z], urls[y]) == 0)
          {
            g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                         "Availability zones %u and %u have the same URL %s", y + 1, z + 1,
                         urls[y]);
            remote_free (remote);
            goto out;
          }
      cu_zones_add (zones, cu_remote_transport_get_url (remote), &cu_remote_transport_vtable,
                    remote);
    }
  client = cu_client_new_with_transport (instance, &cu_zones_vtable, g_steal_pointer (&zones));
out:
  if (zones != NULL)
    cu_zones_vtable.free (zones);
  return client;
}
