/* test-card-engine.c: the APDU engine and the session layer against a scripted
 * card: GET RESPONSE, 6Cxx, extended length, reset recovery and swap refusal,
 * malformed answers.  Backend-independent: runs the same under any
 * OPENTKE_TEST_BACKEND. */
#include "card-script-backend.h"
#include "test-card-engine.h"

#include <string.h>

static const guint8 select_ep11_ok[] = { 0x02, 0x03, 0x90, 0x00 };
static const guint8 sw_ok[] = { 0x90, 0x00 };

typedef struct
{
  ScriptBackend *script;
  CardContext *ctx;
  CardSession *session;
} Engine;

static void
engine_setup (Engine *e, gconstpointer data)
{
  GError *error = NULL;

  e->ctx = script_context_new (&e->script);
  script_add_response (e->script, select_ep11_ok, sizeof select_ep11_ok);
  e->session = card_session_open (card_context_get_reader (e->ctx, CARD_READER_1, &error),
                                  CARD_APPLET_EP11, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card_session_get_card_type (e->session), ==, CARD_TYPE_EP11);
  g_assert_cmpint (card_session_get_card_state (e->session), ==, CARD_STATE_PERSONALIZED);
}

static void
engine_teardown (Engine *e, gconstpointer data)
{
  card_session_close (e->session);
  card_context_free (e->ctx);
}

/* GET INFO of a personalized EP11 card with no key and no key part. */
static GByteArray *
ep11_info_bytes (void)
{
  GByteArray *info = g_byte_array_new ();
  guint8 id[32];

  g_byte_array_append (info, (const guint8[]){ 0x02, 0x03, 0x02 }, 3);
  memset (id, 0x11, sizeof id);
  g_byte_array_append (info, id, 32);
  memset (id, 0x22, sizeof id);
  g_byte_array_append (info, id, 32);
  g_byte_array_append (info, (const guint8[]){ 4, 'c', 'a', 'r', 'd', 0 }, 6);
  g_byte_array_append (info, (const guint8[12]){ 0 }, 12); /* count + bitmap */
  return info;
}

static GBytes *
command (Engine *e, guint i)
{
  GPtrArray *commands = script_get_commands (e->script);

  g_assert_cmpuint (i, <, commands->len);
  return g_ptr_array_index (commands, i);
}

static void
test_get_response (Engine *e, gconstpointer data)
{
  g_autoptr (GByteArray) info = ep11_info_bytes ();
  g_autoptr (CardEp11Info) parsed = NULL;
  g_autoptr (GByteArray) part1 = g_byte_array_new ();
  g_autoptr (GByteArray) part2 = g_byte_array_new ();
  const guint8 get_response[] = { 0x00, 0xC0, 0x00, 0x00, 0x00 };
  GError *error = NULL;

  /* The card splits its answer: 40 bytes and 61 00, then the rest. */
  g_byte_array_append (part1, info->data, 40);
  g_byte_array_append (part1, (const guint8[]){ 0x61, 0x00 }, 2);
  g_byte_array_append (part2, info->data + 40, info->len - 40);
  g_byte_array_append (part2, sw_ok, 2);
  script_add_response (e->script, part1->data, part1->len);
  script_add_response (e->script, part2->data, part2->len);
  card_ep11_get_info (e->session, &parsed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->description, ==, "card");
  g_assert_cmpint (parsed->tries_left, ==, 2);
  g_assert_cmpuint (script_get_commands (e->script)->len, ==, 3);
  g_assert_cmpmem (g_bytes_get_data (command (e, 2), NULL), g_bytes_get_size (command (e, 2)),
                   get_response, sizeof get_response);
}

static void
test_wrong_le (Engine *e, gconstpointer data)
{
  g_autoptr (GByteArray) answer = g_byte_array_new ();
  g_autofree char *name = NULL;
  guint8 point[CARD_POINT_SIZE];
  const guint8 *resent;
  gsize len = 0;
  GError *error = NULL;

  g_byte_array_append (answer, (const guint8[]){ 3, 'B', 'o', 'b', 0x04 }, 5);
  for (int i = 0; i < CARD_POINT_SIZE - 1; i++)
    g_byte_array_append (answer, (const guint8[]){ (guint8)i }, 1);
  g_byte_array_append (answer, sw_ok, 2);
  script_add_response (e->script, (const guint8[]){ 0x6C, 0x89 }, 2);
  script_add_response (e->script, answer->data, answer->len);
  card_ep11_read_signature_key (e->session, &name, point, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "Bob");
  g_assert_cmpmem (point, CARD_POINT_SIZE, answer->data + 4, CARD_POINT_SIZE);
  /* The command went again with the Le the card asked for. */
  resent = g_bytes_get_data (command (e, 2), &len);
  g_assert_cmpuint (len, ==, 5);
  g_assert_cmpuint (resent[4], ==, 0x89);
}

static void
test_extended_length (Engine *e, gconstpointer data)
{
  guint8 chain[2 * CARD_CERT_SIZE], blob[CARD_KEY_PART_BLOB_SIZE], answer[226 + 2];
  const guint8 *sent;
  gsize len = 0;
  GError *error = NULL;

  memset (chain, 0xC3, sizeof chain);
  memset (answer, 0xB1, sizeof answer);
  answer[226] = 0x90;
  answer[227] = 0x00;
  script_add_response (e->script, answer, sizeof answer);
  card_ep11_export_key_part (e->session, 5, chain, sizeof chain, blob, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (blob, sizeof blob, answer, 226);
  /* 80 54 05 00 | 00 02 96 | 662 bytes | Le 00 00 */
  sent = g_bytes_get_data (command (e, 1), &len);
  g_assert_cmpuint (len, ==, 4 + 3 + sizeof chain + 2);
  g_assert_cmpmem (sent, 7, ((const guint8[]){ 0x80, 0x54, 0x05, 0x00, 0x00, 0x02, 0x96 }), 7);
  g_assert_cmpmem (sent + 7, sizeof chain, chain, sizeof chain);
  g_assert_cmpuint (sent[len - 2], ==, 0);
  g_assert_cmpuint (sent[len - 1], ==, 0);
}

static void
test_reset_same_card (Engine *e, gconstpointer data)
{
  g_autoptr (GByteArray) info = ep11_info_bytes ();
  g_autoptr (CardEp11Info) parsed = NULL;
  GError *error = NULL;

  /* Reset by another program: reconnect, same card, SELECT again, carry on. */
  g_byte_array_append (info, sw_ok, 2);
  script_reset_next_begin (e->script, NULL);
  script_add_response (e->script, select_ep11_ok, sizeof select_ep11_ok);
  script_add_response (e->script, info->data, info->len);
  card_ep11_get_info (e->session, &parsed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (script_get_reconnects (e->script), ==, 1);
  g_assert_cmpuint (script_get_commands (e->script)->len, ==, 3);
  g_assert_cmpuint (((const guint8 *)g_bytes_get_data (command (e, 1), NULL))[1], ==, 0xA4);
}

static void
test_reset_swapped_card (Engine *e, gconstpointer data)
{
  g_autoptr (CardEp11Info) parsed = NULL;
  GError *error = NULL;

  script_reset_next_begin (e->script, "card B");
  g_assert_false (card_ep11_get_info (e->session, &parsed, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_CARD_SWAPPED);
  g_clear_error (&error);
  /* Nothing was sent to the other card. */
  g_assert_cmpuint (script_get_commands (e->script)->len, ==, 1);
}

static void
test_malformed (Engine *e, gconstpointer data)
{
  g_autoptr (GByteArray) info = ep11_info_bytes ();
  g_autoptr (CardEp11Info) parsed = NULL;
  guint8 vp[32];
  GError *error = NULL;

  /* One byte too many after GET INFO. */
  g_byte_array_append (info, (const guint8[]){ 0x00, 0x90, 0x00 }, 3);
  script_add_response (e->script, info->data, info->len);
  g_assert_false (card_ep11_get_info (e->session, &parsed, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* No status word at all. */
  script_add_response (e->script, (const guint8[]){ 0x90 }, 1);
  g_assert_false (card_ep11_generate_key_part (e->session, "x", NULL, vp, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* Key part index 0 is not an index. */
  {
    guint8 answer[1 + 32 + 2] = { 0 };

    answer[33] = 0x90;
    script_add_response (e->script, answer, sizeof answer);
    g_assert_false (card_ep11_generate_key_part (e->session, "x", NULL, vp, &error));
    g_assert_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* An unknown status word is named in the message. */
  script_add_response (e->script, (const guint8[]){ 0x6F, 0x00 }, 2);
  g_assert_false (card_ep11_generate_key_part (e->session, "x", NULL, vp, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_CARD);
  g_assert_nonnull (strstr (error->message, "6F00"));
  g_clear_error (&error);
}

void
card_engine_tests_add (void)
{
#define ADD(path, fn) g_test_add (path, Engine, NULL, engine_setup, fn, engine_teardown)
  ADD ("/card/engine/get-response", test_get_response);
  ADD ("/card/engine/wrong-le", test_wrong_le);
  ADD ("/card/engine/extended-length", test_extended_length);
  ADD ("/card/engine/reset-same-card", test_reset_same_card);
  ADD ("/card/engine/reset-swapped-card", test_reset_swapped_card);
  ADD ("/card/engine/malformed-answers", test_malformed);
#undef ADD
}
