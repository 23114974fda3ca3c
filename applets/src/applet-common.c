/* applet-common.c: what the CA and EP11 applets share: response building, length-checked
 * field parsing, state and PIN gates, card creation, the GET INFO / GET CERTIFICATES
 * fields both answer (docs/card-protocol.md §5), and the ends of the signed sealed transfers
 * (CA backup, EP11 card copy). */
#include "card.h"

#include <string.h>

#include "secure.h"

int
otk_rsp_put (otk_rsp *rsp, const void *data, size_t len)
{
  if (len > rsp->cap - rsp->len)
    return -1;
  memcpy (rsp->data + rsp->len, data, len);
  rsp->len += len;
  return 0;
}

int
otk_rsp_put_str (otk_rsp *rsp, const uint8_t *s, uint8_t len)
{
  if (otk_rsp_put (rsp, &len, 1) != 0)
    return -1;
  return otk_rsp_put (rsp, s, len);
}

int
otk_read_str (const uint8_t *data, size_t len, size_t *pos, size_t max, const uint8_t **s,
              uint8_t *s_len)
{
  if (*pos >= len)
    return -1;
  size_t n = data[*pos];
  if (n == 0 || n > max || len - *pos - 1 < n)
    return -1;
  *s = data + *pos + 1;
  *s_len = (uint8_t)n;
  *pos += 1 + n;
  return 0;
}

/* 1..@max bytes, no control character; bytes above 0x7F only when @utf8. */
static int
valid_text (const uint8_t *s, size_t len, size_t max, int utf8)
{
  if (len == 0 || len > max)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] < 0x20 || s[i] == 0x7F || (s[i] > 0x7F && !utf8))
      return 0;
  return 1;
}

int
otk_valid_desc (const uint8_t *s, size_t len)
{
  return valid_text (s, len, OTK_DESC_MAX, 1);
}

int
otk_valid_name (const uint8_t *s, size_t len)
{
  return valid_text (s, len, OTK_NAME_MAX, 0);
}

int
otk_ski (const uint8_t pub[OTK_EC_POINT_LEN], uint8_t ski[OTK_SHA256_LEN])
{
  otk_hal_chunk c = { pub, OTK_EC_POINT_LEN };
  return otk_hal_sha256 (&c, 1, ski);
}

int
otk_rsp_put_ski (otk_rsp *rsp, const uint8_t pub[OTK_EC_POINT_LEN])
{
  uint8_t ski[OTK_SHA256_LEN];

  if (otk_ski (pub, ski) != 0)
    return -1;
  return otk_rsp_put (rsp, ski, sizeof ski);
}

uint16_t
otk_blank_info (otk_rsp *rsp)
{
  uint8_t info[3 + 2 * OTK_ID_LEN] = { 0 };
  return otk_rsp_put (rsp, info, sizeof info) == 0 ? SW_OK : SW_INTERNAL;
}

int
otk_vp (const uint8_t part[OTK_PART_LEN], uint8_t vp[OTK_SHA256_LEN])
{
  static const char label[] = "OpenTKE-VP-v1";
  otk_hal_chunk c[2] = { { (const uint8_t *)label, sizeof label - 1 }, { part, OTK_PART_LEN } };
  return otk_hal_sha256 (c, 2, vp);
}

int
otk_unblock_digest (const uint8_t card_id[OTK_ID_LEN], const uint8_t challenge[OTK_ID_LEN],
                    uint8_t digest[OTK_SHA512_LEN])
{
  static const char label[] = "OpenTKE unblock v1";
  otk_hal_chunk c[3] = { { (const uint8_t *)label, sizeof label - 1 },
                         { card_id, OTK_ID_LEN },
                         { challenge, OTK_ID_LEN } };
  return otk_hal_sha512 (c, 3, digest);
}

uint16_t
otk_put_zone_certs (const otk_card *card, otk_rsp *rsp)
{
  if (otk_rsp_put (rsp, card->nv.zone_cert, OTK_CERT_LEN) != 0)
    return SW_INTERNAL;
  for (unsigned i = 0; i < card->nv.root_count && i < OTK_MAX_ROOTS; i++)
    if (otk_rsp_put (rsp, card->nv.roots[i], OTK_CERT_LEN) != 0)
      return SW_INTERNAL;
  return SW_OK;
}

uint16_t
otk_set_roots (otk_card *card, const uint8_t *certs, size_t count)
{
  if (count > OTK_MAX_ROOTS)
    return SW_NO_MEMORY;
  for (size_t i = 0; i < count; i++)
    if (otk_cert_verify_self (certs + i * OTK_CERT_LEN, OTK_CERT_CU_ROOT) != 0)
      return SW_VERIFY_FAILED;
  memcpy (card->nv.roots, certs, count * OTK_CERT_LEN);
  card->nv.root_count = (uint8_t)count;
  return SW_OK;
}

int
otk_put_info_header (const otk_card *card, const uint8_t zone_id[OTK_ID_LEN], otk_rsp *rsp)
{
  static const uint8_t zeros[OTK_ID_LEN] = { 0 };
  int rc = 0;

  rc |= otk_rsp_put (rsp, &card->nv.type, 1);
  rc |= otk_rsp_put (rsp, &card->nv.state, 1);
  rc |= otk_rsp_put (rsp, &card->nv.tries, 1);
  rc |= otk_rsp_put (rsp, card->nv.card_id, OTK_ID_LEN);
  rc |= otk_rsp_put (rsp, zone_id != NULL ? zone_id : zeros, OTK_ID_LEN);
  return rc;
}

void
otk_copy_str (uint8_t *dst, uint8_t *dst_len, const uint8_t *s, uint8_t len)
{
  memcpy (dst, s, len);
  *dst_len = len;
}

uint16_t
otk_sealed_lengths (size_t lc, size_t pt_min, size_t pt_max, size_t trailer, size_t *sealed_len,
                    size_t *pt_len)
{
  if (lc < OTK_SEAL_OVERHEAD + pt_min + trailer || lc > OTK_SEAL_OVERHEAD + pt_max + trailer)
    return SW_WRONG_LENGTH;
  *sealed_len = lc - trailer;
  *pt_len = *sealed_len - OTK_SEAL_OVERHEAD;
  return SW_OK;
}

int
otk_card_in_state (const otk_card *card, uint8_t type, uint8_t state)
{
  return card->nv.type == type && card->nv.state == state;
}

uint16_t
otk_need_pins (const otk_card *card, uint8_t type, uint8_t state, uint8_t bits)
{
  if (!otk_card_in_state (card, type, state))
    return SW_CONDITIONS;
  if (card->nv.tries == 0)
    return SW_BLOCKED;
  return (card->pin_verified & bits) == bits ? SW_OK : SW_SECURITY;
}

uint16_t
otk_rsp_sign (otk_rsp *rsp, const uint8_t priv[OTK_EC_PRIV_LEN],
              const uint8_t digest[OTK_SHA512_LEN])
{
  uint8_t sig[OTK_SIG_LEN];

  if (otk_hal_ecdsa_sign (priv, digest, sig) != 0)
    return SW_INTERNAL;
  otk_rsp_put (rsp, sig, sizeof sig);
  return SW_OK;
}

int
otk_card_unseal (const otk_card *card, const char *label, const uint8_t *in, size_t in_len,
                 uint8_t *pt)
{
  return otk_unseal (label, card->nv.key_priv, card->nv.key_pub, card->nv.card_id, in, in_len, pt);
}

uint16_t
otk_card_create (otk_card *card, const otk_apdu *a, uint8_t type, uint8_t state, otk_rsp *rsp)
{
  if (a->lc != 0)
    return SW_WRONG_LENGTH;
  if (otk_hal_random (card->nv.card_id, OTK_ID_LEN) != 0
      || otk_hal_ec_generate (card->nv.key_priv, card->nv.key_pub) != 0)
    {
      /* No half-made key stays in RAM. */
      otk_card_wipe (card);
      return SW_INTERNAL;
    }
  card->nv.type = type;
  card->nv.state = state;
  /* The answer goes out only when the commit succeeds (otk_card_process drops it). */
  otk_rsp_put (rsp, card->nv.card_id, OTK_ID_LEN);
  otk_rsp_put (rsp, card->nv.key_pub, OTK_EC_POINT_LEN);
  return otk_card_commit (card);
}

uint16_t
otk_export_payload (const otk_card *card, otk_payload_build build, uint8_t *payload, size_t cap,
                    const char *label, const uint8_t recipient_pub[OTK_EC_POINT_LEN],
                    const uint8_t subject[OTK_ID_LEN], const uint8_t *cert, otk_rsp *rsp)
{
  otk_rsp w = { payload, 0, cap };
  uint16_t sw;

  if (build (card, &w) != 0)
    sw = SW_INTERNAL;
  else
    sw = otk_seal_signed (label, recipient_pub, subject, payload, w.len, card->nv.key_priv, cert,
                          rsp);
  secure_clear (payload, cap);
  return sw;
}

uint16_t
otk_import_payload (otk_card *card, uint16_t sw, otk_payload_apply apply, uint8_t *payload,
                    size_t cap, size_t len)
{
  if (sw == SW_OK)
    sw = apply (card, payload, len);
  if (sw == SW_OK)
    sw = otk_card_commit (card);
  secure_clear (payload, cap);
  return sw;
}
