/* Fuzz target: the JSON request handling of cryptounitd, and the client's
 * parsing of replies.
 *
 * Input: "METHOD PATH[?QUERY]\n" then the request body.  The request goes
 * through cud_request_parse() and cud_api_dispatch() on a real engine (one
 * instance in a temporary state directory), and the reply through the
 * error mapping; the body is also parsed as a reply by the client side. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "http-error.h"
#include "json-fields.h"
#include "request.h"
#include "wire-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static CuEngine *engine;
static CudApi *api;
static char *state_dir;

static int
remove_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove (path);
}

static void
cleanup (void)
{
  cud_api_free (api);
  cu_engine_free (engine);
  if (state_dir != NULL)
    nftw (state_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
  g_free (state_dir);
}

static void
setup_once (void)
{
  g_autoptr (GError) error = NULL;

  if (api != NULL)
    return;
  state_dir = g_dir_make_tmp ("fuzz-cryptounitd-XXXXXX", &error);
  if (state_dir == NULL || (engine = cu_engine_open (state_dir, &error)) == NULL
      || !cu_engine_create_instance (engine, "alpha", 1, 0, 1, &error))
    g_error ("fuzz setup: %s", error->message);
  api = cud_api_new (engine);
  atexit (cleanup);
}

/* What the client does with a reply body. */
static void
parse_as_reply (const char *body, size_t len)
{
  g_autoptr (JsonObject) reply = cu_json_parse_object (body, len);
  g_autoptr (GError) error = cu_http_error_from_response (409, body, len);
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  CuUnitState state;

  g_assert_nonnull (error); /* a refusal always becomes an error */
  if (reply == NULL)
    return;
  (void)cu_wire_parse_unit_state (reply, &state);
  units = cu_wire_parse_array (cu_json_get_array (reply, "units"), sizeof (CuUnitInfo), 16,
                               (CuWireParseFunc)cu_wire_parse_unit_info);
  entries = cu_wire_parse_array (cu_json_get_array (reply, "entries"), sizeof (CuAuditEntry), 1000,
                                 (CuWireParseFunc)cu_wire_parse_audit_entry);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *newline = memchr (data, '\n', size);
  g_autofree char *line = NULL;
  g_autoptr (CudRequest) request = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_autoptr (GError) error = NULL;
  const char *body, *space;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  char *query;
  size_t body_len;

  setup_once ();
  if (newline == NULL)
    return 0;
  line = g_strndup ((const char *)data, (gsize)(newline - (const char *)data));
  body = newline + 1;
  body_len = size - (size_t)(body - (const char *)data);
  parse_as_reply (body, body_len);

  space = strchr (line, ' ');
  if (space == NULL)
    return 0;
  method = g_strndup (line, (gsize)(space - line));
  path = g_strdup (space + 1);
  query = strchr (path, '?');
  if (query != NULL)
    *query++ = '\0';

  request = cud_request_parse (method, path, query, body, body_len, &error);
  if (request != NULL)
    result = cud_api_dispatch (api, request, &error);
  if (result == NULL)
    {
      g_autoptr (JsonNode) reply = NULL;
      g_autofree char *text = NULL;
      guint status;

      g_assert_nonnull (error);
      status = cu_http_status_from_error (error);
      g_assert_true (status >= 400 && status < 600);
      reply = cu_http_error_body (error);
      text = cu_json_to_string (reply);
      /* The client gets back an error with the same code. */
      {
        g_autoptr (GError) back = cu_http_error_from_response (status, text, strlen (text));
        g_assert_true (back->domain == CU_ERROR);
        if (error->domain == CU_ERROR)
          g_assert_cmpint (back->code, ==, error->code);
      }
    }
  return 0;
}
