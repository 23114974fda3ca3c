/* http-server.c: HTTPS, limits, authentication and JSON replies.
 *
 * Order of checks for every request: size (413 before the body is read),
 * request line and JSON (400/404/405), bearer credential of the instance in
 * the path (401/403), then the API.  Every reply is JSON; an error reply is
 * made by the one mapping function of http-error.c. */
#include "http-server.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "credentials.h"
#include "http-error.h"
#include "json-fields.h"
#include "opentke-common.h"
#include "request.h"

struct CudServer
{
  SoupServer *soup;
  char *state_dir;
  CudApi *api;
  guint16 port;
};

static void
reply_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  /* A reply may carry decrypted key-storage data: its text is wiped when
   * libsoup lets go of it. */
  g_autoptr (GBytes) text = cu_json_to_wiped_bytes (node);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), text);
}

static void
reply_error (SoupServerMessage *msg, const GError *error)
{
  g_autoptr (JsonNode) body = cu_http_error_body (error);
  guint status = cu_http_status_from_error (error);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"cryptounitd\"");
  if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                  "close");
  reply_json (msg, status, body);
}

/* Early handler: runs after the headers, before the body is read, so an
 * oversized body is refused without being buffered. */
static void
check_size (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  g_autoptr (GError) error = NULL;

  /* A body without Content-Length (chunked) could grow without bound. */
  if ((encoding == SOUP_ENCODING_CONTENT_LENGTH
       && soup_message_headers_get_content_length (headers) > CUD_MAX_REQUEST_BODY)
      || (encoding != SOUP_ENCODING_CONTENT_LENGTH && encoding != SOUP_ENCODING_NONE))
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                         "The request body must have a Content-Length of at most %d bytes",
                         CUD_MAX_REQUEST_BODY);
  if (error != NULL)
    {
      g_debug ("refused %s %s: %s", soup_server_message_get_method (msg), path, error->message);
      reply_error (msg, error);
    }
}

/* The credential of an "Authorization: Bearer <token>" header, or NULL. */
static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return value;
}

static gboolean
authenticate (CudServer *server, SoupServerMessage *msg, const char *instance, GError **error)
{
  switch (cud_credentials_check (server->state_dir, instance, bearer_token (msg)))
    {
      case CUD_AUTH_OK:
        return TRUE;
      case CUD_AUTH_MISSING:
        g_set_error (error, CU_ERROR, CU_ERROR_UNAUTHENTICATED,
                     "No credential: send the service instance's credential as a bearer token");
        return FALSE;
      case CUD_AUTH_UNKNOWN:
        g_set_error (error, CU_ERROR, CU_ERROR_UNAUTHENTICATED,
                     "The credential is not valid for this service");
        return FALSE;
      case CUD_AUTH_OTHER_INSTANCE:
      default:
        g_set_error (error, CU_ERROR, CU_ERROR_FORBIDDEN,
                     "The credential belongs to another service instance");
        return FALSE;
    }
}

static void
handle (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer user_data)
{
  CudServer *server = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (CudRequest) request = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_autoptr (GError) error = NULL;

  if (soup_server_message_get_status (msg) != 0)
    return; /* already refused by check_size */
  request = cud_request_parse (method, path, g_uri_get_query (soup_server_message_get_uri (msg)),
                               body->data, (gsize)body->length, &error);
  if (request == NULL || !authenticate (server, msg, request->instance, &error))
    goto out;
  result = cud_api_dispatch (server->api, request, &error);

out:
  /* The request body (data to encrypt) is not read again: wiped in
   * libsoup's buffer, which is ours until the reply is sent. */
  if (body->data != NULL && body->length > 0)
    secure_clear ((char *)body->data, (size_t)body->length);
  if (result != NULL)
    {
      g_debug ("%s %s: 200", method, path);
      reply_json (msg, SOUP_STATUS_OK, result);
    }
  else
    {
      g_debug ("%s %s: %s", method, path, error->message);
      reply_error (msg, error);
    }
}

CudServer *
cud_server_new (const char *state_dir, GTlsCertificate *identity, CudApi *api, GError **error)
{
  CudServer *server = g_new0 (CudServer, 1);

  server->state_dir = g_strdup (state_dir);
  server->api = api;
  server->soup
      = soup_server_new ("tls-certificate", identity, "server-header", "cryptounitd", NULL);
  soup_server_add_early_handler (server->soup, NULL, check_size, server, NULL);
  soup_server_add_handler (server->soup, NULL, handle, server, NULL);
  return server;
}

gboolean
cud_server_listen (CudServer *server, const char *address, guint16 port, GError **error)
{
  g_autoptr (GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr (GSocketAddress) sockaddr = NULL;
  GSList *uris;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IP address to listen on: %s", address);
      return FALSE;
    }
  sockaddr = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (server->soup, sockaddr, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;
  uris = soup_server_get_uris (server->soup);
  if (uris != NULL)
    server->port = (guint16)g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return TRUE;
}

guint16
cud_server_get_port (CudServer *server)
{
  return server->port;
}

void
cud_server_free (CudServer *server)
{
  if (server == NULL)
    return;
  if (server->soup != NULL)
    {
      soup_server_disconnect (server->soup);
      g_object_unref (server->soup);
    }
  g_free (server->state_dir);
  g_free (server);
}
