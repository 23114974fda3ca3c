/* card-session.c: a connection to the card in one reader with one applet selected.
 *
 * The session notices a reset made by another program (reconnects, makes sure it is
 * the same card, selects the applet again, and tells the user that the PIN state is
 * lost) and a swapped card (refused).  PIN entry goes to the reader's PIN pad; a
 * reader without PIN pad is refused unless host PIN entry was allowed explicitly. */
#include "card-private.h"

#include <string.h>

static const guint8 aid_ca[] = { 0xF0, 0x54, 0x4B, 0x45, 0x43, 0x41, 0x01 };
static const guint8 aid_ep11[] = { 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };

enum
{
  PIN_DIGITS = 6,
  PIN_BLOCK_LEN = 8,
};

static gboolean
select_applet (CardSession *session, GError **error)
{
  CardApdu select = { .cla = 0x00, .ins = 0xA4, .p1 = 0x04, .p2 = 0x00 };
  CardResponse resp = { 0 };
  gboolean ok;

  /* SELECT drops the PIN states of the card (docs/card-protocol.md §2), whichever
   * session sends it. */
  session->reader->unlocked_by = NULL;
  select.data = session->applet == CARD_APPLET_CA ? aid_ca : aid_ep11;
  select.data_len = session->applet == CARD_APPLET_CA ? sizeof aid_ca : sizeof aid_ep11;
  ok = card_session_command (session, CARD_OP_OTHER, &select, &resp, error);
  if (ok
      && (resp.len != 2 || resp.data[0] > CARD_TYPE_EP11
          || resp.data[1] > CARD_STATE_CA_BACKUP_TARGET))
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The card answered SELECT with something this program does not understand");
      ok = FALSE;
    }
  if (ok)
    card_session_set_state (session, resp.data[0], resp.data[1]);
  card_response_clear (&resp);
  return ok;
}

/* After a reset (@reset TRUE: made by this session; FALSE: CARD_RESET seen, made by
 * another program): reconnect, check that it is the same card, select again. */
static gboolean
reconnect_after_reset (CardSession *session, gboolean reset, GError **error)
{
  CardBackend *backend = session->ctx->backend;
  g_autoptr (GBytes) identity = NULL;

  if (!backend->klass->reconnect (backend, session->conn, reset, error))
    return FALSE;
  identity = backend->klass->get_identity (backend, session->conn, error);
  if (identity == NULL)
    return FALSE;
  if (!g_bytes_equal (identity, session->identity))
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_SWAPPED,
                   "The card in %s was replaced by another card; insert the card you started "
                   "with and start again",
                   session->reader->name);
      return FALSE;
    }
  return select_applet (session, error);
}

static gboolean
select_in_transaction (CardSession *session, GError **error)
{
  gboolean ok;

  if (!card_session_begin (session, error))
    return FALSE;
  ok = select_applet (session, error);
  card_session_end (session);
  return ok;
}

CardSession *
card_session_open (CardReader *reader, CardApplet applet, GError **error)
{
  CardBackend *backend = reader->ctx->backend;
  CardSession *session = g_new0 (CardSession, 1);

  session->ctx = reader->ctx;
  session->reader = reader;
  session->applet = applet;
  session->conn = backend->klass->connect (backend, reader->name, error);
  if (session->conn == NULL)
    goto fail;
  session->identity = backend->klass->get_identity (backend, session->conn, error);
  if (session->identity == NULL)
    goto fail;
  if (!select_in_transaction (session, error))
    goto fail;
  return session;

fail:
  card_session_close (session);
  return NULL;
}

void
card_session_close (CardSession *session)
{
  CardBackend *backend;

  if (session == NULL)
    return;
  backend = session->ctx->backend;
  /* Nobody can use the PIN verified through it any more: the next session selects. */
  if (session->reader->unlocked_by == session)
    session->reader->unlocked_by = NULL;
  if (session->in_transaction)
    card_session_end (session);
  if (session->conn != NULL)
    backend->klass->disconnect (backend, session->conn);
  g_clear_pointer (&session->identity, g_bytes_unref);
  g_free (session);
}

CardReader *
card_session_get_reader (CardSession *session)
{
  return session->reader;
}

gboolean
card_session_begin (CardSession *session, GError **error)
{
  CardBackend *backend = session->ctx->backend;
  GError *local = NULL;

  g_return_val_if_fail (!session->in_transaction, FALSE);
  if (!backend->klass->begin_transaction (backend, session->conn, &local))
    {
      if (!g_error_matches (local, CARD_ERROR, CARD_ERROR_CARD_RESET))
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      /* Reset by someone else since our last command: the card is
       * usable again once it is known to be the same card; PIN states are
       * lost, and the operation that follows finds that out itself. */
      g_clear_error (&local);
      if (!reconnect_after_reset (session, FALSE, error))
        return FALSE;
      if (!backend->klass->begin_transaction (backend, session->conn, error))
        return FALSE;
    }
  session->in_transaction = TRUE;
  return TRUE;
}

void
card_session_end (CardSession *session)
{
  CardBackend *backend = session->ctx->backend;

  if (!session->in_transaction)
    return;
  backend->klass->end_transaction (backend, session->conn);
  session->in_transaction = FALSE;
}

/* Keeps the session usable after a reset met in the middle of a command, and
 * reports the reset: the command was not (or not knowingly) carried out. */
static void
handle_transport_error (CardSession *session, GError **error)
{
  GError *recover_error = NULL;

  if (error == NULL || !g_error_matches (*error, CARD_ERROR, CARD_ERROR_CARD_RESET))
    return;
  if (!reconnect_after_reset (session, FALSE, &recover_error))
    {
      g_clear_error (error);
      g_propagate_error (error, recover_error);
      return;
    }
  g_clear_error (error);
  g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_RESET,
               "The card in %s was reset by another program; enter the PIN again and "
               "repeat the operation",
               session->reader->name);
}

gboolean
card_session_command (CardSession *session, CardOp op, const CardApdu *apdu, CardResponse *resp,
                      GError **error)
{
  GError *local = NULL;

  if (!card_apdu_exchange (session, apdu, resp, &local))
    {
      handle_transport_error (session, &local);
      g_propagate_error (error, local);
      return FALSE;
    }
  /* A refusal may come with data: callers own @resp only on success. */
  if (!card_status_check (session->applet, op, resp->sw, error))
    {
      card_response_clear (resp);
      return FALSE;
    }
  return TRUE;
}

/* ISO 9564-1 format 2 block of @pin into @block (8 bytes). */
static void
format2_block (const char *pin, guint8 *block)
{
  gsize n = strlen (pin);

  memset (block, 0xFF, PIN_BLOCK_LEN);
  block[0] = (guint8)(0x20 | n);
  for (gsize i = 0; i < n; i++)
    {
      guint8 digit = (guint8)(pin[i] - '0');
      gsize at = 1 + i / 2;

      if (i % 2 == 0)
        block[at] = (guint8)((digit << 4) | 0x0F);
      else
        block[at] = (guint8)((block[at] & 0xF0) | digit);
    }
}

static gboolean
pin_is_valid (const char *pin)
{
  if (pin == NULL || strlen (pin) != PIN_DIGITS)
    return FALSE;
  for (const char *c = pin; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return TRUE;
}

/* Host PIN entry, only when allowed: the PINs are asked for, checked like a PIN
 * pad does, placed into a copy of the template and sent as a secret command. */
static gboolean
host_pin_entry (CardSession *session, CardPinOp op, const guint8 *apdu, gsize apdu_len,
                guint16 offset_old, guint16 offset_new, guint16 *sw, GError **error)
{
  CardContext *ctx = session->ctx;
  g_autoptr (OtkSecretStr) old_pin = NULL;
  g_autoptr (OtkSecretStr) new_pin = NULL;
  g_autoptr (OtkSecretStr) again = NULL;
  guint8 *cmd = NULL;
  guint8 rsp[258];
  gsize rsp_len = 0;
  gsize data_len = apdu_len > 5 ? apdu_len - 5 : 0;
  gboolean ok = FALSE;

  if (op == CARD_PIN_OP_CHANGE)
    old_pin = ctx->host_pin_func (session->reader->name, "current PIN", ctx->host_pin_data);
  new_pin = ctx->host_pin_func (session->reader->name, op == CARD_PIN_OP_VERIFY ? "PIN" : "new PIN",
                                ctx->host_pin_data);
  if (op != CARD_PIN_OP_VERIFY)
    again = ctx->host_pin_func (session->reader->name, "new PIN again", ctx->host_pin_data);

  if (new_pin == NULL || (op != CARD_PIN_OP_VERIFY && again == NULL)
      || (op == CARD_PIN_OP_CHANGE && old_pin == NULL))
    {
      *sw = 0x6401;
      ok = TRUE;
      goto out;
    }
  if (!pin_is_valid (new_pin) || (old_pin != NULL && !pin_is_valid (old_pin))
      || (again != NULL && !pin_is_valid (again)))
    {
      *sw = 0x6403;
      ok = TRUE;
      goto out;
    }
  if (again != NULL && strcmp (new_pin, again) != 0)
    {
      *sw = 0x6402;
      ok = TRUE;
      goto out;
    }
  if ((gsize)offset_new + PIN_BLOCK_LEN > data_len
      || (op == CARD_PIN_OP_CHANGE && (gsize)offset_old + PIN_BLOCK_LEN > data_len))
    {
      *sw = 0x6B80;
      ok = TRUE;
      goto out;
    }
  cmd = g_memdup2 (apdu, apdu_len);
  if (op == CARD_PIN_OP_CHANGE)
    format2_block (old_pin, cmd + 5 + offset_old);
  format2_block (new_pin, cmd + 5 + offset_new);
  if (!card_apdu_transmit_raw (session, cmd, apdu_len, TRUE, rsp, sizeof rsp, &rsp_len, error))
    goto out;
  *sw = (guint16)(rsp[rsp_len - 2] << 8 | rsp[rsp_len - 1]);
  ok = TRUE;

out:
  if (cmd != NULL)
    secure_clear (cmd, apdu_len);
  g_free (cmd);
  secure_clear (rsp, sizeof rsp);
  return ok;
}

/* A PIN pad that announces its PIN sizes must accept six digits. */
static gboolean
pin_pad_fits (CardSession *session, GError **error)
{
  CardBackend *backend = session->ctx->backend;
  CardPinPadCaps caps = { 0 };

  if (!backend->klass->get_pin_pad_caps (backend, session->conn, &caps, error))
    return FALSE;
  if ((caps.min_pin != 0 && caps.min_pin > PIN_DIGITS)
      || (caps.max_pin != 0 && caps.max_pin < PIN_DIGITS))
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PIN_PAD_INVALID_PARAMETER,
                   "The PIN pad of %s takes PINs of %u to %u digits, not six; use another "
                   "reader",
                   session->reader->name, caps.min_pin, caps.max_pin);
      return FALSE;
    }
  return TRUE;
}

/* What the user types for @pin_op, in the words of CardPinPromptFunc; a CA card has
 * two PINs, told apart by P2 (0x81, 0x82). */
static char *
describe_pin_entry (CardSession *session, CardPinOp pin_op, const guint8 *apdu, gsize apdu_len)
{
  g_autofree char *pin = NULL;

  if (session->applet == CARD_APPLET_CA && apdu_len > 3 && (apdu[3] == 0x81 || apdu[3] == 0x82))
    pin = g_strdup_printf ("PIN %d", apdu[3] & 0x0f);
  else
    pin = g_strdup ("PIN");
  switch (pin_op)
    {
      case CARD_PIN_OP_MODIFY:
        return g_strdup_printf ("new %s twice", pin);
      case CARD_PIN_OP_CHANGE:
        return g_strdup_printf ("current %s, then new %s twice", pin, pin);
      case CARD_PIN_OP_VERIFY:
      default:
        return g_steal_pointer (&pin);
    }
}

static void
announce_pin_entry (CardSession *session, const char *what, gboolean begin)
{
  CardContext *ctx = session->ctx;

  if (ctx->pin_prompt_func != NULL)
    ctx->pin_prompt_func (session->reader->role, what, ctx->pin_timeout_s, begin,
                          ctx->pin_prompt_data);
}

/* The status word of a PIN entry as an error, and what it did to the card's PIN state:
 * a verified PIN (VERIFY, or CHANGE, which counts as one) is remembered for
 * card_reader_is_unlocked(); a wrong PIN or a blocked card clears the card's state. */
static gboolean
pin_entry_outcome (CardSession *session, CardOp op, CardPinOp pin_op, guint16 sw, GError **error)
{
  GError *local = NULL;

  if (card_status_check (session->applet, op, sw, &local))
    {
      if (pin_op != CARD_PIN_OP_MODIFY)
        session->reader->unlocked_by = session;
      return TRUE;
    }
  if (g_error_matches (local, CARD_ERROR, CARD_ERROR_WRONG_PIN)
      || g_error_matches (local, CARD_ERROR, CARD_ERROR_BLOCKED))
    session->reader->unlocked_by = NULL;
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
card_session_enter_pin (CardSession *session, CardOp op, CardPinOp pin_op, const guint8 *apdu,
                        gsize apdu_len, guint16 offset_old, guint16 offset_new, GError **error)
{
  CardContext *ctx = session->ctx;
  CardBackend *backend = ctx->backend;
  GError *local = NULL;
  guint16 sw = 0;
  guint8 sw_bytes[2];

  if (session->reader->has_pin_pad)
    {
      CardPinEntry entry = {
        .op = pin_op,
        .apdu = apdu,
        .apdu_len = apdu_len,
        .offset_old = offset_old,
        .offset_new = offset_new,
        .block_len = PIN_BLOCK_LEN,
        .min_len = PIN_DIGITS,
        .max_len = PIN_DIGITS,
        .timeout_s = (guint8)ctx->pin_timeout_s,
      };

      g_autofree char *what = NULL;
      gboolean entered;

      if (!pin_pad_fits (session, error))
        return FALSE;
      /* The template holds placeholders only: traced like any command. */
      card_apdu_trace (ctx, TRUE, apdu, apdu_len, FALSE);
      what = describe_pin_entry (session, pin_op, apdu, apdu_len);
      announce_pin_entry (session, what, TRUE);
      entered = backend->klass->pin_pad_entry (backend, session->conn, &entry, &sw, &local);
      announce_pin_entry (session, what, FALSE);
      if (!entered)
        {
          handle_transport_error (session, &local);
          g_propagate_error (error, local);
          return FALSE;
        }
      sw_bytes[0] = (guint8)(sw >> 8);
      sw_bytes[1] = (guint8)sw;
      card_apdu_trace (ctx, FALSE, sw_bytes, sizeof sw_bytes, FALSE);
    }
  else if (ctx->host_pin_func != NULL)
    {
      if (!host_pin_entry (session, pin_op, apdu, apdu_len, offset_old, offset_new, &sw, &local))
        {
          handle_transport_error (session, &local);
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  else
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NO_PIN_PAD,
                   "%s has no PIN pad: PINs are entered on the reader's PIN pad. Use a PIN-pad "
                   "reader, or allow PIN entry on this computer explicitly",
                   session->reader->name);
      return FALSE;
    }
  return pin_entry_outcome (session, op, pin_op, sw, error);
}

void
card_session_set_state (CardSession *session, CardType type, CardState state)
{
  session->card_type = type;
  session->card_state = state;
}

CardType
card_session_get_card_type (CardSession *session)
{
  return session->card_type;
}

CardState
card_session_get_card_state (CardSession *session)
{
  return session->card_state;
}

gboolean
card_session_transact (CardSession *session, CardOp op, const CardApdu *apdu, CardResponse *resp,
                       GError **error)
{
  gboolean ok;

  if (!card_session_begin (session, error))
    return FALSE;
  ok = card_session_command (session, op, apdu, resp, error);
  card_session_end (session);
  return ok;
}

gboolean
card_session_pin_command (CardSession *session, CardOp op, CardPinOp pin_op, guint8 cla, guint8 ins,
                          guint8 p1, guint8 p2, const guint8 *before, gsize before_len,
                          const guint8 *after, gsize after_len, GError **error)
{
  static const guint8 placeholder[PIN_BLOCK_LEN]
      = { 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
  gsize blocks = pin_op == CARD_PIN_OP_CHANGE ? 2 : 1;
  gsize data_len = before_len + blocks * PIN_BLOCK_LEN + after_len;
  g_autoptr (GByteArray) apdu = NULL;
  guint16 offset_old = (guint16)before_len;
  guint16 offset_new = (guint16)(before_len + (blocks - 1) * PIN_BLOCK_LEN);
  gboolean ok;

  /* Every PIN command of the protocol is short: the reader's PIN pad builds it. */
  g_return_val_if_fail (data_len <= 255, FALSE);
  apdu = g_byte_array_sized_new ((guint)(5 + data_len));
  g_byte_array_append (apdu, (const guint8[]){ cla, ins, p1, p2, (guint8)data_len }, 5);
  if (before_len > 0)
    g_byte_array_append (apdu, before, (guint)before_len);
  for (gsize i = 0; i < blocks; i++)
    g_byte_array_append (apdu, placeholder, PIN_BLOCK_LEN);
  if (after_len > 0)
    g_byte_array_append (apdu, after, (guint)after_len);

  if (!card_session_begin (session, error))
    return FALSE;
  ok = card_session_enter_pin (session, op, pin_op, apdu->data, apdu->len, offset_old, offset_new,
                               error);
  card_session_end (session);
  return ok;
}

gboolean
card_session_pin_status (CardSession *session, guint8 ref, gboolean *verified, int *tries_left,
                         GError **error)
{
  CardApdu query = { .cla = 0x00, .ins = 0x20, .p1 = 0x00, .p2 = ref };
  CardResponse resp = { 0 };
  GError *local = NULL;

  *verified = card_session_transact (session, CARD_OP_VERIFY, &query, &resp, &local);
  card_response_clear (&resp);
  if (*verified)
    {
      if (tries_left != NULL)
        *tries_left = -1;
      return TRUE;
    }
  /* 63Cx answers the query: not verified, x tries left. */
  if (g_error_matches (local, CARD_ERROR, CARD_ERROR_WRONG_PIN))
    {
      if (tries_left != NULL)
        *tries_left = card_error_get_retries (local);
      g_clear_error (&local);
      return TRUE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
card_session_is_unlocked (CardSession *session, int *tries_left, GError **error)
{
  gboolean verified = FALSE;
  GError *local = NULL;

  if (!card_session_pin_status (session, 0x81, &verified, tries_left, &local))
    goto out;
  if (verified && session->applet == CARD_APPLET_CA)
    card_session_pin_status (session, 0x82, &verified, tries_left, &local);

out:
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return verified;
}

gboolean
card_reader_is_unlocked (CardReader *reader, CardType *type, CardState *state)
{
  CardSession *session = reader->unlocked_by;
  g_autoptr (GError) error = NULL;

  if (session == NULL)
    return FALSE;
  /* The card itself answers, through the session that unlocked it: a card removed,
   * swapped or reset since then fails here or answers "not verified". */
  if (!card_session_is_unlocked (session, NULL, &error))
    {
      g_debug ("%s: not unlocked (%s)", reader->name, error != NULL ? error->message : "PIN state");
      if (reader->unlocked_by == session)
        reader->unlocked_by = NULL;
      return FALSE;
    }
  if (type != NULL)
    *type = session->card_type;
  if (state != NULL)
    *state = session->card_state;
  return TRUE;
}

gboolean
card_session_reset (CardSession *session, GError **error)
{
  g_return_val_if_fail (!session->in_transaction, FALSE);
  return reconnect_after_reset (session, TRUE, error);
}

gboolean
card_session_app_command (CardSession *session, CardApplet applet, CardOp op, guint8 ins, guint8 p1,
                          const guint8 *data, gsize len, gsize want, CardResponse *resp,
                          GError **error)
{
  CardApdu apdu = {
    .cla = 0x80,
    .ins = ins,
    .p1 = p1,
    .data = data,
    .data_len = len,
    .want_data = want > 0,
  };

  if (session->applet != applet)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   applet == CARD_APPLET_CA ? "This operation needs the CA card"
                                            : "This operation needs an EP11 card");
      return FALSE;
    }
  if (!card_session_transact (session, op, &apdu, resp, error))
    return FALSE;
  if (want != G_MAXSIZE && resp->len != want)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The %s answered with %zu bytes where %zu were expected",
                   applet == CARD_APPLET_CA ? "CA card" : "EP11 card", resp->len, want);
      card_response_clear (resp);
      return FALSE;
    }
  return TRUE;
}
