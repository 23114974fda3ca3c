/* card-apdu.c: the APDU engine, the same for every backend.
 *
 * Encodes a command as a short APDU, or, when the data exceeds 255 bytes, as an
 * extended-length APDU (the applets and both backends accept extended length);
 * collects responses split by the card with 61xx (GET RESPONSE) and re-sends a
 * command the card answered 6Cxx with the right Le.  Every APDU passes through
 * card_apdu_trace(): the debug log (secret data withheld) and the trace hook. */
#include "card-private.h"

#include <string.h>

enum
{
  SHORT_MAX = 255,
  EXTENDED_MAX = 65535,
  RESPONSE_MAX = 65536,
  RSP_BUF = RESPONSE_MAX + 2,
  INS_GET_RESPONSE = 0xC0,
  MAX_GET_RESPONSE = 300, /* 256 bytes each: more than any answer of the protocol */
};

void
card_response_clear (CardResponse *resp)
{
  if (resp->data != NULL)
    {
      secure_clear (resp->data, resp->len);
      g_free (resp->data);
    }
  resp->data = NULL;
  resp->len = 0;
  resp->sw = 0;
}

void
card_apdu_trace (CardContext *ctx, gboolean is_command, const guint8 *bytes, gsize len,
                 gboolean secret)
{
  otk_log_apdu (G_LOG_DOMAIN, is_command ? "=>" : "<=", bytes, len, secret);
  if (ctx->trace_func != NULL)
    ctx->trace_func (is_command, bytes, len, ctx->trace_data);
}

gboolean
card_apdu_transmit_raw (CardSession *session, const guint8 *cmd, gsize cmd_len, gboolean secret,
                        guint8 *rsp, gsize rsp_size, gsize *rsp_len, GError **error)
{
  CardBackend *backend = session->ctx->backend;

  card_apdu_trace (session->ctx, TRUE, cmd, cmd_len, secret);
  if (!backend->klass->transmit (backend, session->conn, cmd, cmd_len, rsp, rsp_size, rsp_len,
                                 error))
    return FALSE;
  if (*rsp_len < 2 || *rsp_len > rsp_size)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The card gave an answer without status word; remove it and try again");
      return FALSE;
    }
  card_apdu_trace (session->ctx, FALSE, rsp, *rsp_len, secret);
  return TRUE;
}

/* Encodes @apdu into @out (room for 4 + 3 + 65535 + 2 bytes); @le is the Le value
 * (0 = none; 256 or 65536 = maximum).  Returns the length. */
static gsize
encode_apdu (const CardApdu *apdu, guint le, guint8 *out)
{
  gboolean extended = apdu->data_len > SHORT_MAX || le > 256;
  gsize n = 0;

  out[n++] = apdu->cla;
  out[n++] = apdu->ins;
  out[n++] = apdu->p1;
  out[n++] = apdu->p2;
  if (apdu->data_len > 0)
    {
      if (extended)
        {
          out[n++] = 0x00;
          out[n++] = (guint8)(apdu->data_len >> 8);
          out[n++] = (guint8)apdu->data_len;
        }
      else
        out[n++] = (guint8)apdu->data_len;
      memcpy (out + n, apdu->data, apdu->data_len);
      n += apdu->data_len;
    }
  if (le > 0)
    {
      if (extended)
        {
          if (apdu->data_len == 0)
            out[n++] = 0x00;
          out[n++] = (guint8)((le >= RESPONSE_MAX ? 0 : le) >> 8);
          out[n++] = (guint8)(le >= RESPONSE_MAX ? 0 : le);
        }
      else
        out[n++] = (guint8)(le >= 256 ? 0 : le);
    }
  return n;
}

static gboolean
append_data (CardResponse *resp, const guint8 *data, gsize len, GError **error)
{
  guint8 *grown;

  if (len == 0)
    return TRUE;
  if (resp->len + len > RESPONSE_MAX)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The card sent a longer answer than any command has; remove it and try "
                   "again");
      return FALSE;
    }
  /* Grown by copy so that the old buffer can be wiped (responses may hold
   * encrypted secrets; nothing is left behind in freed memory). */
  grown = g_malloc (resp->len + len);
  if (resp->len > 0)
    memcpy (grown, resp->data, resp->len);
  memcpy (grown + resp->len, data, len);
  if (resp->data != NULL)
    {
      secure_clear (resp->data, resp->len);
      g_free (resp->data);
    }
  resp->data = grown;
  resp->len += len;
  return TRUE;
}

/* One APDU; the previous answer in @rsp is wiped first. */
static gboolean
send_one (CardSession *session, const guint8 *cmd, gsize cmd_len, gboolean secret, guint8 *rsp,
          gsize *rsp_len, guint8 *sw1, guint8 *sw2, GError **error)
{
  secure_clear (rsp, *rsp_len);
  if (!card_apdu_transmit_raw (session, cmd, cmd_len, secret, rsp, RSP_BUF, rsp_len, error))
    return FALSE;
  *sw1 = rsp[*rsp_len - 2];
  *sw2 = rsp[*rsp_len - 1];
  return TRUE;
}

gboolean
card_apdu_exchange (CardSession *session, const CardApdu *apdu, CardResponse *resp, GError **error)
{
  gsize cmd_cap = 4 + 3 + apdu->data_len + 3;
  guint8 *cmd = g_malloc (cmd_cap);
  guint8 *rsp = g_malloc (RSP_BUF);
  gsize cmd_len, rsp_len = 0;
  guint le = apdu->want_data ? (apdu->data_len > SHORT_MAX ? RESPONSE_MAX : 256) : 0;
  gboolean ok = FALSE;
  guint8 sw1, sw2;

  card_response_clear (resp);
  if (apdu->data_len > EXTENDED_MAX)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL, "Command too long for a card");
      goto out;
    }

  cmd_len = encode_apdu (apdu, le, cmd);
  if (!send_one (session, cmd, cmd_len, apdu->secret, rsp, &rsp_len, &sw1, &sw2, error))
    goto out;

  /* 6Cxx: wrong Le, the card says how many bytes it has: send again once. */
  if (sw1 == 0x6C)
    {
      cmd_len = encode_apdu (apdu, sw2 == 0 ? 256 : sw2, cmd);
      if (!send_one (session, cmd, cmd_len, apdu->secret, rsp, &rsp_len, &sw1, &sw2, error))
        goto out;
    }
  if (!append_data (resp, rsp, rsp_len - 2, error))
    goto out;

  /* 61xx: more data waits; fetch it with GET RESPONSE. */
  for (guint i = 0; sw1 == 0x61; i++)
    {
      guint8 get[5] = { apdu->cla & 0x03, INS_GET_RESPONSE, 0x00, 0x00, sw2 };

      if (i >= MAX_GET_RESPONSE)
        {
          g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                       "The card does not stop sending data; remove it and try again");
          goto out;
        }
      if (!send_one (session, get, sizeof get, apdu->secret, rsp, &rsp_len, &sw1, &sw2, error)
          || !append_data (resp, rsp, rsp_len - 2, error))
        goto out;
    }
  resp->sw = (guint16)(sw1 << 8 | sw2);
  ok = TRUE;

out:
  secure_clear (cmd, cmd_cap);
  secure_clear (rsp, RSP_BUF);
  g_free (cmd);
  g_free (rsp);
  if (!ok)
    card_response_clear (resp);
  return ok;
}
