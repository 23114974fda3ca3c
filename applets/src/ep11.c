/* ep11.c: the EP11 applet (docs/card-protocol.md §6). */
#include "card.h"

#include <string.h>

#include "secure.h"

enum
{
  EP11_PIN_BIT = 0x01,
  EP11_PIN_REF = 0x81,
  UNBLOCK_DATA_LEN = OTK_SIG_LEN + OTK_PIN_BLOCK_LEN,
  COPY_TRAILER_LEN = OTK_CERT_LEN + OTK_SIG_LEN,
  /* str name, private key, count, parts */
  COPY_PAYLOAD_MAX
  = 1 + OTK_NAME_MAX + OTK_EC_PRIV_LEN + 1 + OTK_MAX_PARTS * (1 + 1 + OTK_DESC_MAX + OTK_PART_LEN),
  IMPORT_PAYLOAD_MAX = 1 + 1 + OTK_DESC_MAX + OTK_EC_PRIV_LEN,
};

_Static_assert(OTK_SEAL_OVERHEAD + COPY_PAYLOAD_MAX + COPY_TRAILER_LEN <= OTK_CARD_RESPONSE_MAX,
               "copy blob fits the response buffer");

static uint16_t
need_state (const otk_card *card, uint8_t state)
{
  return otk_card_in_state (card, OTK_TYPE_EP11, state) ? SW_OK : SW_CONDITIONS;
}

static uint16_t
need_pin (const otk_card *card)
{
  return otk_need_pins (card, OTK_TYPE_EP11, OTK_EP11_PERSONALIZED, EP11_PIN_BIT);
}

static int
part_count (const otk_card *card)
{
  int n = 0;
  for (int i = 0; i < OTK_MAX_PARTS; i++)
    n += card->nv.parts[i].used != 0;
  return n;
}

static int
free_part (const otk_card *card)
{
  for (int i = 0; i < OTK_MAX_PARTS; i++)
    if (!card->nv.parts[i].used)
      return i;
  return -1;
}

/* Slot of key part index @p1 (1..85), or NULL; *sw says why not. */
static otk_part_slot *
used_part (otk_card *card, uint8_t p1, uint16_t *sw)
{
  if (p1 < 1 || p1 > OTK_MAX_PARTS)
    {
      *sw = SW_WRONG_P1P2;
      return NULL;
    }
  if (!card->nv.parts[p1 - 1].used)
    {
      *sw = SW_NO_DATA;
      return NULL;
    }
  return &card->nv.parts[p1 - 1];
}

static void
fill_part (otk_part_slot *slot, const uint8_t *desc, uint8_t desc_len,
           const uint8_t part[OTK_PART_LEN])
{
  slot->used = 1;
  otk_copy_str (slot->desc, &slot->desc_len, desc, desc_len);
  memcpy (slot->part, part, OTK_PART_LEN);
}

/* Stores a key part in the lowest free slot and answers index || VP; commits. */
static uint16_t
add_part (otk_card *card, const uint8_t *desc, uint8_t desc_len, const uint8_t part[OTK_PART_LEN],
          otk_rsp *rsp)
{
  int i = free_part (card);
  uint8_t index;
  uint8_t vp[OTK_SHA256_LEN];

  if (i < 0)
    return SW_NO_MEMORY;
  if (otk_vp (part, vp) != 0)
    return SW_INTERNAL;
  fill_part (&card->nv.parts[i], desc, desc_len, part);
  index = (uint8_t)(i + 1);
  otk_rsp_put (rsp, &index, 1);
  otk_rsp_put (rsp, vp, sizeof vp);
  return otk_card_commit (card);
}

/* Sets the signature key from its private scalar; commits. */
static uint16_t
set_signature_key (otk_card *card, const uint8_t *name, uint8_t name_len,
                   const uint8_t priv[OTK_EC_PRIV_LEN], otk_rsp *rsp)
{
  if (card->nv.name_len != 0)
    return SW_EXISTS;
  if (otk_hal_ec_public (priv, card->nv.sig_pub) != 0)
    return SW_WRONG_DATA;
  memcpy (card->nv.sig_priv, priv, OTK_EC_PRIV_LEN);
  otk_copy_str (card->nv.name, &card->nv.name_len, name, name_len);
  otk_rsp_put (rsp, card->nv.sig_pub, OTK_EC_POINT_LEN);
  return otk_card_commit (card);
}

static uint16_t
cmd_initialize (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  if (card->nv.type != OTK_TYPE_BLANK)
    return SW_CONDITIONS;
  return otk_card_create (card, a, OTK_TYPE_EP11, OTK_EP11_INITIALIZED, rsp);
}

static uint16_t
cmd_enrol (otk_card *card, const otk_apdu *a)
{
  const uint8_t *device, *zone;
  size_t n_roots;
  uint16_t sw;

  if ((sw = need_state (card, OTK_EP11_INITIALIZED)) != SW_OK)
    return sw;
  if (a->lc < 2 * OTK_CERT_LEN || a->lc % OTK_CERT_LEN != 0
      || a->lc / OTK_CERT_LEN - 2 > OTK_MAX_ROOTS)
    return SW_WRONG_LENGTH;
  /* Pointers into the data only once its length is known. */
  device = a->data;
  zone = a->data + OTK_CERT_LEN;
  n_roots = a->lc / OTK_CERT_LEN - 2;
  if (otk_cert_verify_zone (zone) != 0
      || otk_cert_verify (device, OTK_CERT_EP11_DEVICE, otk_cert_pub (zone)) != 0
      || memcmp (otk_cert_subject (device), card->nv.card_id, OTK_ID_LEN) != 0
      || memcmp (otk_cert_pub (device), card->nv.key_pub, OTK_EC_POINT_LEN) != 0)
    return SW_VERIFY_FAILED;
  if ((sw = otk_set_roots (card, zone + OTK_CERT_LEN, n_roots)) != SW_OK)
    return sw;
  memcpy (card->nv.device_cert, device, OTK_CERT_LEN);
  memcpy (card->nv.zone_cert, zone, OTK_CERT_LEN);
  card->nv.state = OTK_EP11_ENROLLED;
  return otk_card_commit (card);
}

static uint16_t
cmd_personalize (otk_card *card, const otk_apdu *a)
{
  const uint8_t *desc;
  uint8_t desc_len;
  size_t pos = OTK_PIN_BLOCK_LEN;
  uint16_t sw;

  if ((sw = need_state (card, OTK_EP11_ENROLLED)) != SW_OK)
    return sw;
  if (a->lc < OTK_PIN_BLOCK_LEN + 2)
    return SW_WRONG_LENGTH;
  if (otk_read_str (a->data, a->lc, &pos, 255, &desc, &desc_len) != 0 || pos != a->lc)
    return SW_WRONG_LENGTH;
  if (!otk_valid_desc (desc, desc_len))
    return SW_WRONG_DATA;
  if ((sw = otk_pin_set (&card->nv.pin1, a->data)) != SW_OK)
    return sw;
  otk_copy_str (card->nv.desc, &card->nv.desc_len, desc, desc_len);
  card->nv.tries = OTK_EP11_TRIES;
  card->nv.state = OTK_EP11_PERSONALIZED;
  return otk_card_commit (card);
}

static uint16_t
cmd_get_info (otk_card *card, otk_rsp *rsp)
{
  uint8_t bitmap[(OTK_MAX_PARTS + 7) / 8] = { 0 };
  uint8_t ski[OTK_SHA256_LEN];
  uint8_t count = (uint8_t)part_count (card);
  int enrolled = card->nv.state >= OTK_EP11_ENROLLED;
  int rc = 0;

  if (card->nv.type == OTK_TYPE_BLANK)
    return otk_blank_info (rsp);
  for (int i = 0; i < OTK_MAX_PARTS; i++)
    if (card->nv.parts[i].used)
      bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
  if (enrolled)
    rc |= otk_ski (otk_cert_pub (card->nv.zone_cert), ski);
  rc |= otk_put_info_header (card, enrolled ? ski : NULL, rsp);
  rc |= otk_rsp_put_str (rsp, card->nv.desc, card->nv.desc_len);
  rc |= otk_rsp_put_str (rsp, card->nv.name, card->nv.name_len);
  if (card->nv.name_len != 0)
    rc |= otk_rsp_put_ski (rsp, card->nv.sig_pub);
  rc |= otk_rsp_put (rsp, &count, 1);
  rc |= otk_rsp_put (rsp, bitmap, sizeof bitmap);
  return rc == 0 ? SW_OK : SW_INTERNAL;
}

static uint16_t
cmd_get_part_info (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t vp[OTK_SHA256_LEN];
  uint16_t sw;
  otk_part_slot *slot;

  if ((sw = need_state (card, OTK_EP11_PERSONALIZED)) != SW_OK)
    return sw;
  if ((slot = used_part (card, a->p1, &sw)) == NULL)
    return sw;
  if (otk_vp (slot->part, vp) != 0)
    return SW_INTERNAL;
  otk_rsp_put (rsp, &a->p1, 1);
  otk_rsp_put_str (rsp, slot->desc, slot->desc_len);
  otk_rsp_put (rsp, vp, sizeof vp);
  return SW_OK;
}

static uint16_t
cmd_get_certificates (otk_card *card, otk_rsp *rsp)
{
  if (card->nv.type != OTK_TYPE_EP11 || card->nv.state < OTK_EP11_ENROLLED)
    return SW_CONDITIONS;
  if (otk_rsp_put (rsp, card->nv.device_cert, OTK_CERT_LEN) != 0)
    return SW_INTERNAL;
  return otk_put_zone_certs (card, rsp);
}

static uint16_t
cmd_generate_signature_key (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t priv[OTK_EC_PRIV_LEN];
  uint8_t pub[OTK_EC_POINT_LEN];
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if (!otk_valid_name (a->data, a->lc))
    return SW_WRONG_DATA;
  if (card->nv.name_len != 0)
    return SW_EXISTS;
  if (otk_hal_ec_generate (priv, pub) != 0)
    sw = SW_INTERNAL;
  else
    sw = set_signature_key (card, a->data, (uint8_t)a->lc, priv, rsp);
  secure_clear (priv, sizeof priv);
  return sw;
}

static uint16_t
cmd_read_signature_key (otk_card *card, otk_rsp *rsp)
{
  uint16_t sw;

  if ((sw = need_state (card, OTK_EP11_PERSONALIZED)) != SW_OK)
    return sw;
  if (card->nv.name_len == 0)
    return SW_NO_DATA;
  otk_rsp_put_str (rsp, card->nv.name, card->nv.name_len);
  otk_rsp_put (rsp, card->nv.sig_pub, OTK_EC_POINT_LEN);
  return SW_OK;
}

static uint16_t
cmd_sign (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if (a->lc != OTK_SHA512_LEN)
    return SW_WRONG_LENGTH;
  if (card->nv.name_len == 0)
    return SW_NO_DATA;
  return otk_rsp_sign (rsp, card->nv.sig_priv, a->data);
}

static uint16_t
cmd_generate_key_part (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t part[OTK_PART_LEN];
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if (!otk_valid_desc (a->data, a->lc))
    return SW_WRONG_DATA;
  if (free_part (card) < 0)
    return SW_NO_MEMORY;
  if (otk_hal_random (part, sizeof part) != 0)
    return SW_INTERNAL;
  sw = add_part (card, a->data, (uint8_t)a->lc, part, rsp);
  secure_clear (part, sizeof part);
  return sw;
}

static uint16_t
cmd_delete_key_part (otk_card *card, const otk_apdu *a)
{
  otk_part_slot *slot;
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if ((slot = used_part (card, a->p1, &sw)) == NULL)
    return sw;
  secure_clear (slot, sizeof *slot);
  return otk_card_commit (card);
}

/* The root the card trusts whose SKI is @ski, or NULL. */
static const uint8_t *
trusted_root (const otk_card *card, const uint8_t ski[OTK_SHA256_LEN])
{
  uint8_t root_ski[OTK_SHA256_LEN];

  for (unsigned i = 0; i < card->nv.root_count && i < OTK_MAX_ROOTS; i++)
    if (otk_ski (otk_cert_pub (card->nv.roots[i]), root_ski) == 0
        && memcmp (root_ski, ski, OTK_SHA256_LEN) == 0)
      return card->nv.roots[i];
  return NULL;
}

static uint16_t
cmd_export_key_part (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  const uint8_t *importer, *device, *root;
  otk_part_slot *slot;
  uint8_t blob[OTK_SEAL_OVERHEAD + OTK_PART_LEN];
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if ((slot = used_part (card, a->p1, &sw)) == NULL)
    return sw;
  if (a->lc != 2 * OTK_CERT_LEN)
    return SW_WRONG_LENGTH;
  /* Only now is there data to point into (a->data is NULL without it). */
  importer = a->data;
  device = a->data + OTK_CERT_LEN;
  root = trusted_root (card, otk_cert_issuer (device));
  if (root == NULL || otk_cert_verify (device, OTK_CERT_CU_DEVICE, otk_cert_pub (root)) != 0
      || otk_cert_verify (importer, OTK_CERT_CU_IMPORTER, otk_cert_pub (device)) != 0)
    return SW_VERIFY_FAILED;
  if (otk_seal (OTK_LABEL_KEY_PART, otk_cert_pub (importer), otk_cert_subject (importer),
                slot->part, OTK_PART_LEN, blob)
      != 0)
    return SW_INTERNAL;
  otk_rsp_put (rsp, blob, sizeof blob);
  return SW_OK;
}

/* 0 when @cert is the device cert of another EP11 card of this card's zone. */
static int
check_zone_peer (const otk_card *card, const uint8_t cert[OTK_CERT_LEN])
{
  if (otk_cert_verify (cert, OTK_CERT_EP11_DEVICE, otk_cert_pub (card->nv.zone_cert)) != 0)
    return -1;
  return memcmp (otk_cert_subject (cert), card->nv.card_id, OTK_ID_LEN) == 0 ? -1 : 0;
}

/* str name || [signature key] || count || per part: index || str desc || part;
 * 0, or -1 when it does not fit @w. */
static int
copy_payload (const otk_card *card, otk_rsp *w)
{
  uint8_t count = 0;
  size_t count_pos;
  int rc = 0;

  rc |= otk_rsp_put_str (w, card->nv.name, card->nv.name_len);
  if (card->nv.name_len != 0)
    rc |= otk_rsp_put (w, card->nv.sig_priv, OTK_EC_PRIV_LEN);
  count_pos = w->len;
  rc |= otk_rsp_put (w, &count, 1);
  for (int i = 0; i < OTK_MAX_PARTS; i++)
    {
      const otk_part_slot *slot = &card->nv.parts[i];
      uint8_t index = (uint8_t)(i + 1);
      if (!slot->used)
        continue;
      rc |= otk_rsp_put (w, &index, 1);
      rc |= otk_rsp_put_str (w, slot->desc, slot->desc_len);
      rc |= otk_rsp_put (w, slot->part, OTK_PART_LEN);
      count++;
    }
  if (rc == 0)
    w->data[count_pos] = count;
  return rc;
}

static uint16_t
cmd_export_card (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t payload[COPY_PAYLOAD_MAX];
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if (a->lc != OTK_CERT_LEN)
    return SW_WRONG_LENGTH;
  if (check_zone_peer (card, a->data) != 0)
    return SW_VERIFY_FAILED;
  return otk_export_payload (card, copy_payload, payload, sizeof payload, OTK_LABEL_CARD_COPY,
                             otk_cert_pub (a->data), otk_cert_subject (a->data),
                             card->nv.device_cert, rsp);
}

/* Parses and applies a copy payload to the (empty) card, in RAM. */
static uint16_t
apply_copy_payload (otk_card *card, const uint8_t *p, size_t len)
{
  size_t pos = 0;
  uint8_t name_len, count;

  if (len < 2 || (name_len = p[pos++]) > OTK_NAME_MAX)
    return SW_WRONG_DATA;
  if (name_len != 0)
    {
      if (len - pos < (size_t)name_len + OTK_EC_PRIV_LEN || !otk_valid_name (p + pos, name_len))
        return SW_WRONG_DATA;
      memcpy (card->nv.name, p + pos, name_len);
      pos += name_len;
      memcpy (card->nv.sig_priv, p + pos, OTK_EC_PRIV_LEN);
      pos += OTK_EC_PRIV_LEN;
      if (otk_hal_ec_public (card->nv.sig_priv, card->nv.sig_pub) != 0)
        return SW_WRONG_DATA;
      card->nv.name_len = name_len;
    }
  if (pos >= len || (count = p[pos++]) > OTK_MAX_PARTS)
    return SW_WRONG_DATA;
  for (unsigned i = 0; i < count; i++)
    {
      const uint8_t *desc;
      uint8_t desc_len, index;
      if (pos >= len || (index = p[pos++]) < 1 || index > OTK_MAX_PARTS
          || card->nv.parts[index - 1].used)
        return SW_WRONG_DATA;
      if (otk_read_str (p, len, &pos, OTK_DESC_MAX, &desc, &desc_len) != 0
          || !otk_valid_desc (desc, desc_len) || len - pos < OTK_PART_LEN)
        return SW_WRONG_DATA;
      fill_part (&card->nv.parts[index - 1], desc, desc_len, p + pos);
      pos += OTK_PART_LEN;
    }
  return pos == len ? SW_OK : SW_WRONG_DATA;
}

static uint16_t
cmd_import_card (otk_card *card, const otk_apdu *a)
{
  uint8_t payload[COPY_PAYLOAD_MAX];
  const uint8_t *source, *sig;
  size_t sealed_len, len = 0;
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if (card->nv.name_len != 0 || part_count (card) != 0)
    return SW_CONDITIONS;
  if ((sw = otk_sealed_lengths (a->lc, 2, COPY_PAYLOAD_MAX, COPY_TRAILER_LEN, &sealed_len, &len))
      != SW_OK)
    return sw;
  /* The source cert and the signature travel outside the sealed payload, so they are checked
   * before anything is decrypted (docs/card-protocol.md §6.5). */
  source = a->data + sealed_len;
  sig = source + OTK_CERT_LEN;
  if (check_zone_peer (card, source) != 0
      || otk_sealed_verify (a->data, sealed_len, otk_cert_pub (source), sig) != 0
      || otk_card_unseal (card, OTK_LABEL_CARD_COPY, a->data, sealed_len, payload) != 0)
    sw = SW_VERIFY_FAILED;
  return otk_import_payload (card, sw, apply_copy_payload, payload, sizeof payload, len);
}

static uint16_t
cmd_import_key (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t payload[IMPORT_PAYLOAD_MAX];
  const uint8_t *s;
  uint8_t s_len;
  size_t sealed_len, len, pos = 1;
  uint16_t sw;

  if ((sw = need_pin (card)) != SW_OK)
    return sw;
  if ((sw = otk_sealed_lengths (a->lc, 1, IMPORT_PAYLOAD_MAX, 0, &sealed_len, &len)) != SW_OK)
    return sw;
  if (otk_card_unseal (card, OTK_LABEL_CARD_IMPORT, a->data, sealed_len, payload) != 0)
    return SW_VERIFY_FAILED;
  sw = SW_WRONG_DATA;
  if (payload[0] == 1)
    {
      if (otk_read_str (payload, len, &pos, OTK_NAME_MAX, &s, &s_len) == 0
          && otk_valid_name (s, s_len) && len - pos == OTK_EC_PRIV_LEN)
        sw = set_signature_key (card, s, s_len, payload + pos, rsp);
    }
  else if (payload[0] == 2)
    {
      if (otk_read_str (payload, len, &pos, OTK_DESC_MAX, &s, &s_len) == 0
          && otk_valid_desc (s, s_len) && len - pos == OTK_PART_LEN)
        sw = add_part (card, s, s_len, payload + pos, rsp);
    }
  secure_clear (payload, sizeof payload);
  return sw;
}

static uint16_t
cmd_get_challenge (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint16_t sw;

  if ((sw = need_state (card, OTK_EP11_PERSONALIZED)) != SW_OK)
    return sw;
  if (a->p1 != 0 || a->p2 != 0)
    return SW_WRONG_P1P2;
  if (otk_hal_random (card->challenge, OTK_ID_LEN) != 0)
    return SW_INTERNAL;
  card->have_challenge = 1;
  otk_rsp_put (rsp, card->challenge, OTK_ID_LEN);
  return SW_OK;
}

static uint16_t
cmd_unblock (otk_card *card, const otk_apdu *a)
{
  uint8_t digest[OTK_SHA512_LEN];
  uint16_t sw;

  if ((sw = need_state (card, OTK_EP11_PERSONALIZED)) != SW_OK)
    return sw;
  if (a->lc != UNBLOCK_DATA_LEN)
    return SW_WRONG_LENGTH;
  if (!card->have_challenge)
    return SW_NO_CHALLENGE;
  card->have_challenge = 0; /* one attempt per challenge */
  if (otk_pin_block_check (a->data + OTK_SIG_LEN) != 0)
    return SW_WRONG_DATA;
  if (otk_unblock_digest (card->nv.card_id, card->challenge, digest) != 0
      || otk_hal_ecdsa_verify (otk_cert_pub (card->nv.zone_cert), digest, a->data) != 0)
    return SW_VERIFY_FAILED;
  if (otk_pin_record_set (&card->nv.pin1, a->data + OTK_SIG_LEN) != 0)
    return SW_INTERNAL;
  card->nv.tries = OTK_EP11_TRIES;
  card->pin_verified = 0;
  return otk_card_commit (card);
}

static uint16_t
cmd_zeroize (otk_card *card, const otk_apdu *a)
{
  if (a->lc != 0)
    return SW_WRONG_LENGTH;
  otk_card_wipe (card);
  card->pin_verified = 0;
  card->have_challenge = 0;
  return otk_card_commit (card);
}

static uint16_t
iso_command (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  switch (a->ins)
    {
      case 0x20:
      case 0x24:
        if (need_state (card, OTK_EP11_PERSONALIZED) != SW_OK)
          return SW_CONDITIONS;
        if (a->p2 != EP11_PIN_REF)
          return SW_WRONG_P1P2;
        return otk_pin_iso_cmd (card, a, &card->nv.pin1, OTK_EP11_TRIES, EP11_PIN_BIT);
      case 0x84:
        return cmd_get_challenge (card, a, rsp);
      default:
        return SW_INS;
    }
}

uint16_t
otk_ep11_process (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  if (a->cla == 0x00)
    return iso_command (card, a, rsp);
  if (card->nv.type == OTK_TYPE_BLANK && a->ins != 0x10 && a->ins != 0x30)
    return SW_CONDITIONS;
  /* P1/P2 are zero except for the commands that take an index. */
  if (a->p2 != 0 || (a->p1 != 0 && a->ins != 0x32 && a->ins != 0x52 && a->ins != 0x54))
    return SW_WRONG_P1P2;
  switch (a->ins)
    {
      case 0x10:
        return cmd_initialize (card, a, rsp);
      case 0x12:
        return cmd_enrol (card, a);
      case 0x14:
        return cmd_personalize (card, a);
      case 0x30:
        return cmd_get_info (card, rsp);
      case 0x32:
        return cmd_get_part_info (card, a, rsp);
      case 0x34:
        return cmd_get_certificates (card, rsp);
      case 0x40:
        return cmd_generate_signature_key (card, a, rsp);
      case 0x42:
        return cmd_read_signature_key (card, rsp);
      case 0x44:
        return cmd_sign (card, a, rsp);
      case 0x50:
        return cmd_generate_key_part (card, a, rsp);
      case 0x52:
        return cmd_delete_key_part (card, a);
      case 0x54:
        return cmd_export_key_part (card, a, rsp);
      case 0x60:
        return cmd_export_card (card, a, rsp);
      case 0x62:
        return cmd_import_card (card, a);
      case 0x64:
        return cmd_import_key (card, a, rsp);
      case 0x70:
        return cmd_unblock (card, a);
      case 0x7E:
        return cmd_zeroize (card, a);
      default:
        return SW_INS;
    }
}
