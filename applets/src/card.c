/* card.c: the card runtime: APDU parsing, SELECT, GET RESPONSE, dispatch to the applets,
 * and the commit of the persistent state.  docs/card-protocol.md §1-§3. */
#include "card.h"

#include <string.h>

#include "secure.h"

static const uint8_t aid_ca[] = { 0xF0, 0x54, 0x4B, 0x45, 0x43, 0x41, 0x01 };
static const uint8_t aid_ep11[] = { 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };

int
otk_card_load (otk_card *card, const otk_store_io *io, void *io_ctx)
{
  return otk_store_load (&card->store, io, io_ctx, (uint8_t *)&card->nv, sizeof card->nv);
}

void
otk_card_reset (otk_card *card)
{
  card->selected = 0;
  card->pin_verified = 0;
  card->have_challenge = 0;
  secure_clear (card->challenge, sizeof card->challenge);
  card->response_len = 0;
  card->response_sent = 0;
}

void
otk_card_wipe (otk_card *card)
{
  secure_clear (&card->nv, sizeof card->nv);
}

uint16_t
otk_card_commit (otk_card *card)
{
  if (otk_store_commit (&card->store, (const uint8_t *)&card->nv) == 0)
    return SW_OK;
  /* The card lost power in the middle: RAM is what the store holds now. */
  otk_store_load (&card->store, card->store.io, card->store.ctx, (uint8_t *)&card->nv,
                  sizeof card->nv);
  otk_card_reset (card);
  return SW_MEMORY;
}

/* ISO 7816-3 cases 1-4, short and extended.  0 or -1 (wrong length). */
static int
parse_apdu (const uint8_t *b, size_t len, otk_apdu *a)
{
  memset (a, 0, sizeof *a);
  if (len < 4)
    return -1;
  a->cla = b[0];
  a->ins = b[1];
  a->p1 = b[2];
  a->p2 = b[3];
  if (len == 4)
    return 0;
  if (len == 5)
    {
      a->ne = b[4] == 0 ? 256 : b[4];
      return 0;
    }
  if (b[4] != 0)
    {
      a->lc = b[4];
      a->data = b + 5;
      if (len == 5 + a->lc)
        return 0;
      if (len == 6 + a->lc)
        {
          a->ne = b[len - 1] == 0 ? 256 : b[len - 1];
          return 0;
        }
      return -1;
    }
  if (len < 7)
    return -1;
  if (len == 7)
    {
      size_t le = (size_t)b[5] << 8 | b[6];
      a->ne = le == 0 ? 65536 : le;
      return 0;
    }
  a->lc = (size_t)b[5] << 8 | b[6];
  a->data = b + 7;
  if (a->lc == 0)
    return -1;
  if (len == 7 + a->lc)
    return 0;
  if (len == 9 + a->lc)
    {
      size_t le = (size_t)b[len - 2] << 8 | b[len - 1];
      a->ne = le == 0 ? 65536 : le;
      return 0;
    }
  return -1;
}

/* Sends the next part of the pending response (at most @ne bytes) and the status word. */
static size_t
emit_pending (otk_card *card, size_t ne, uint8_t *rsp, size_t cap)
{
  size_t left = card->response_len - card->response_sent;
  size_t n = left;
  uint16_t sw = SW_OK;

  if (n > ne)
    n = ne;
  if (n > cap - 2)
    n = cap - 2;
  memcpy (rsp, card->response + card->response_sent, n);
  card->response_sent += n;
  left -= n;
  if (left > 0)
    sw = (uint16_t)(0x6100 | (left > 255 ? 0 : left));
  else
    card->response_len = card->response_sent = 0;
  rsp[n] = (uint8_t)(sw >> 8);
  rsp[n + 1] = (uint8_t)sw;
  return n + 2;
}

static uint16_t
select_applet (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t type = 0;

  card->selected = 0;
  card->pin_verified = 0;
  card->have_challenge = 0;
  if (a->p1 != 0x04 || a->p2 != 0x00)
    return SW_WRONG_P1P2;
  if (a->lc == sizeof aid_ca && memcmp (a->data, aid_ca, sizeof aid_ca) == 0)
    type = OTK_TYPE_CA;
  else if (a->lc == sizeof aid_ep11 && memcmp (a->data, aid_ep11, sizeof aid_ep11) == 0)
    type = OTK_TYPE_EP11;
  if (type == 0 || (card->nv.type != OTK_TYPE_BLANK && card->nv.type != type))
    return SW_NOT_FOUND;
  card->selected = type;
  otk_rsp_put (rsp, &card->nv.type, 1);
  otk_rsp_put (rsp, &card->nv.state, 1);
  return SW_OK;
}

static uint16_t
dispatch (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  if (a->cla & 0x10)
    return SW_NO_CHAINING;
  if (a->cla != 0x00 && a->cla != 0x80)
    return SW_CLA;
  if (a->cla == 0x00 && a->ins == 0xA4)
    return select_applet (card, a, rsp);
  if (card->selected == OTK_TYPE_EP11)
    return otk_ep11_process (card, a, rsp);
  if (card->selected == OTK_TYPE_CA)
    return otk_ca_process (card, a, rsp);
  return SW_CONDITIONS;
}

size_t
otk_card_process (otk_card *card, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap)
{
  otk_apdu a;
  otk_rsp out = { card->response, 0, sizeof card->response };
  uint16_t sw;

  if (cap < 2)
    return 0;
  if (parse_apdu (cmd, len, &a) != 0)
    {
      sw = SW_WRONG_LENGTH;
      goto status;
    }
  if (a.cla == 0x00 && a.ins == 0xC0)
    {
      if (card->response_sent >= card->response_len)
        {
          sw = SW_CONDITIONS;
          goto status;
        }
      return emit_pending (card, a.ne == 0 ? 256 : a.ne, rsp, cap);
    }
  card->response_len = card->response_sent = 0;
  sw = dispatch (card, &a, &out);
  /* A refused command leaves no trace: drop what it changed in RAM. */
  if (sw != SW_OK)
    otk_store_load (&card->store, card->store.io, card->store.ctx, (uint8_t *)&card->nv,
                    sizeof card->nv);
  if (sw == SW_OK && out.len > 0)
    {
      card->response_len = out.len;
      return emit_pending (card, a.ne == 0 ? 256 : a.ne, rsp, cap);
    }
status:
  secure_clear (card->response, out.len);
  rsp[0] = (uint8_t)(sw >> 8);
  rsp[1] = (uint8_t)sw;
  return 2;
}
