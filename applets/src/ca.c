/* ca.c: the CA applet (docs/card-protocol.md §7). */
#include "card.h"

#include <string.h>

#include "secure.h"

enum
{
  CA_PIN1 = 0x01,
  CA_PIN2 = 0x02,
  CA_BOTH_PINS = CA_PIN1 | CA_PIN2,
  KEY_REQUEST_LEN = OTK_ID_LEN + OTK_EC_POINT_LEN, /* card ID || point */
  PIN_RECORD_LEN = OTK_SALT_LEN + OTK_SHA256_LEN,
  BACKUP_PAYLOAD_MAX = OTK_EC_PRIV_LEN + OTK_CERT_LEN + 2 * (1 + OTK_DESC_MAX) + 2 * PIN_RECORD_LEN
                       + 1 + OTK_MAX_ROOTS * OTK_CERT_LEN,
};

_Static_assert(sizeof (otk_pin_record) == PIN_RECORD_LEN, "PIN record layout");
_Static_assert(OTK_SEAL_OVERHEAD + BACKUP_PAYLOAD_MAX + OTK_SIG_LEN <= OTK_CARD_RESPONSE_MAX,
               "backup blob fits the response buffer");

static int
is_ca (const otk_card *card, uint8_t state)
{
  return otk_card_in_state (card, OTK_TYPE_CA, state);
}

/* The gate of ENROL CARD, AUTHORIZE UNBLOCK, ADD ROOT and BACKUP EXPORT. */
static uint16_t
need_both_pins (const otk_card *card)
{
  return otk_need_pins (card, OTK_TYPE_CA, OTK_CA_PERSONALIZED, CA_BOTH_PINS);
}

/* ENROL CARD and BACKUP EXPORT take card ID || public point. */
static uint16_t
check_key_request (const otk_card *card, const otk_apdu *a)
{
  uint16_t sw;

  if ((sw = need_both_pins (card)) != SW_OK)
    return sw;
  if (a->lc != KEY_REQUEST_LEN)
    return SW_WRONG_LENGTH;
  if (otk_hal_ec_check_point (a->data + OTK_ID_LEN) != 0)
    return SW_WRONG_DATA;
  return SW_OK;
}

static uint16_t
cmd_initialize (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  const uint8_t *zone_desc = NULL, *card_desc = NULL;
  uint8_t zone_desc_len = 0, card_desc_len = 0;
  uint8_t zone_id[OTK_ID_LEN];
  size_t pos = 0, n_roots;
  uint16_t sw;

  if (card->nv.type != OTK_TYPE_BLANK)
    return SW_CONDITIONS;
  /* Backup target: a transport key that the source CA card encrypts to. */
  if (a->p1 == 0x01)
    return otk_card_create (card, a, OTK_TYPE_CA, OTK_CA_BACKUP_TARGET, rsp);
  if (a->p1 != 0)
    return SW_WRONG_P1P2;
  if (otk_read_str (a->data, a->lc, &pos, 255, &zone_desc, &zone_desc_len) != 0
      || otk_read_str (a->data, a->lc, &pos, 255, &card_desc, &card_desc_len) != 0 || pos >= a->lc)
    return SW_WRONG_LENGTH;
  n_roots = a->data[pos++];
  if (n_roots > OTK_MAX_ROOTS)
    return SW_NO_MEMORY;
  if (a->lc - pos != n_roots * OTK_CERT_LEN)
    return SW_WRONG_LENGTH;
  if (!otk_valid_desc (zone_desc, zone_desc_len) || !otk_valid_desc (card_desc, card_desc_len))
    return SW_WRONG_DATA;
  if ((sw = otk_set_roots (card, a->data + pos, n_roots)) != SW_OK)
    return sw;
  if (otk_hal_random (card->nv.card_id, OTK_ID_LEN) != 0
      || otk_hal_ec_generate (card->nv.key_priv, card->nv.key_pub) != 0
      || otk_ski (card->nv.key_pub, zone_id) != 0
      || otk_cert_make (card->nv.zone_cert, OTK_CERT_ZONE, zone_id, card->nv.key_pub,
                        card->nv.key_priv, card->nv.key_pub)
             != 0)
    return SW_INTERNAL;
  otk_copy_str (card->nv.zone_desc, &card->nv.zone_desc_len, zone_desc, zone_desc_len);
  otk_copy_str (card->nv.desc, &card->nv.desc_len, card_desc, card_desc_len);
  card->nv.type = OTK_TYPE_CA;
  card->nv.state = OTK_CA_INITIALIZED;
  card->nv.tries = OTK_CA_TRIES;
  otk_rsp_put (rsp, card->nv.card_id, OTK_ID_LEN);
  otk_rsp_put (rsp, zone_id, OTK_ID_LEN);
  return otk_card_commit (card);
}

static uint16_t
cmd_personalize (otk_card *card, const otk_apdu *a)
{
  otk_pin_record *rec;
  uint16_t sw;

  if (a->p2 == 0x81 && is_ca (card, OTK_CA_INITIALIZED))
    rec = &card->nv.pin1;
  else if (a->p2 == 0x82 && is_ca (card, OTK_CA_PIN1_SET))
    rec = &card->nv.pin2;
  else
    return a->p2 == 0x81 || a->p2 == 0x82 ? SW_CONDITIONS : SW_WRONG_P1P2;
  if (a->lc != OTK_PIN_BLOCK_LEN)
    return SW_WRONG_LENGTH;
  if ((sw = otk_pin_set (rec, a->data)) != SW_OK)
    return sw;
  card->nv.state++;
  return otk_card_commit (card);
}

static uint16_t
cmd_get_info (otk_card *card, otk_rsp *rsp)
{
  int backup = card->nv.state == OTK_CA_BACKUP_TARGET;
  int rc = 0;

  if (card->nv.type == OTK_TYPE_BLANK)
    return otk_blank_info (rsp);
  rc |= otk_put_info_header (card, backup ? NULL : otk_cert_subject (card->nv.zone_cert), rsp);
  rc |= otk_rsp_put_str (rsp, card->nv.zone_desc, card->nv.zone_desc_len);
  rc |= otk_rsp_put_str (rsp, card->nv.desc, card->nv.desc_len);
  rc |= otk_rsp_put (rsp, &card->nv.root_count, 1);
  for (unsigned i = 0; i < card->nv.root_count && i < OTK_MAX_ROOTS; i++)
    rc |= otk_rsp_put_ski (rsp, otk_cert_pub (card->nv.roots[i]));
  return rc == 0 ? SW_OK : SW_INTERNAL;
}

static uint16_t
cmd_enrol_card (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t cert[OTK_CERT_LEN];
  uint16_t sw;

  if ((sw = check_key_request (card, a)) != SW_OK)
    return sw;
  if (otk_cert_make (cert, OTK_CERT_EP11_DEVICE, a->data, a->data + OTK_ID_LEN, card->nv.key_priv,
                     card->nv.key_pub)
      != 0)
    return SW_INTERNAL;
  otk_rsp_put (rsp, cert, sizeof cert);
  return SW_OK;
}

static uint16_t
cmd_authorize_unblock (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t digest[OTK_SHA512_LEN];
  uint16_t sw;

  if ((sw = need_both_pins (card)) != SW_OK)
    return sw;
  if (a->lc != OTK_CERT_LEN + OTK_ID_LEN)
    return SW_WRONG_LENGTH;
  if (otk_cert_verify (a->data, OTK_CERT_EP11_DEVICE, card->nv.key_pub) != 0)
    return SW_VERIFY_FAILED;
  if (otk_unblock_digest (otk_cert_subject (a->data), a->data + OTK_CERT_LEN, digest) != 0)
    return SW_INTERNAL;
  return otk_rsp_sign (rsp, card->nv.key_priv, digest);
}

static uint16_t
cmd_add_root (otk_card *card, const otk_apdu *a)
{
  uint16_t sw;

  if ((sw = need_both_pins (card)) != SW_OK)
    return sw;
  if (a->lc != OTK_CERT_LEN)
    return SW_WRONG_LENGTH;
  if (otk_cert_verify_self (a->data, OTK_CERT_CU_ROOT) != 0)
    return SW_VERIFY_FAILED;
  for (unsigned i = 0; i < card->nv.root_count && i < OTK_MAX_ROOTS; i++)
    if (memcmp (otk_cert_pub (card->nv.roots[i]), otk_cert_pub (a->data), OTK_EC_POINT_LEN) == 0)
      return SW_EXISTS;
  if (card->nv.root_count >= OTK_MAX_ROOTS)
    return SW_NO_MEMORY;
  memcpy (card->nv.roots[card->nv.root_count++], a->data, OTK_CERT_LEN);
  return otk_card_commit (card);
}

/* zone key || zone cert || str zone desc || str card desc || PIN 1 || PIN 2 || count || roots;
 * 0, or -1 when it does not fit @w. */
static int
backup_payload (const otk_card *card, otk_rsp *w)
{
  int rc = 0;

  rc |= otk_rsp_put (w, card->nv.key_priv, OTK_EC_PRIV_LEN);
  rc |= otk_rsp_put (w, card->nv.zone_cert, OTK_CERT_LEN);
  rc |= otk_rsp_put_str (w, card->nv.zone_desc, card->nv.zone_desc_len);
  rc |= otk_rsp_put_str (w, card->nv.desc, card->nv.desc_len);
  rc |= otk_rsp_put (w, &card->nv.pin1, PIN_RECORD_LEN);
  rc |= otk_rsp_put (w, &card->nv.pin2, PIN_RECORD_LEN);
  rc |= otk_rsp_put (w, &card->nv.root_count, 1);
  rc |= otk_rsp_put (w, card->nv.roots, (size_t)card->nv.root_count * OTK_CERT_LEN);
  return rc;
}

static uint16_t
cmd_backup_export (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  uint8_t payload[BACKUP_PAYLOAD_MAX];
  uint16_t sw;

  if ((sw = check_key_request (card, a)) != SW_OK)
    return sw;
  return otk_export_payload (card, backup_payload, payload, sizeof payload, OTK_LABEL_CA_BACKUP,
                             a->data + OTK_ID_LEN, a->data, NULL, rsp);
}

/* Parses a backup payload into the card (RAM); checks the zone key against its cert. */
static uint16_t
apply_backup_payload (otk_card *card, const uint8_t *p, size_t len)
{
  const uint8_t *zone_desc, *card_desc;
  uint8_t zone_desc_len, card_desc_len, pub[OTK_EC_POINT_LEN];
  size_t pos = OTK_EC_PRIV_LEN + OTK_CERT_LEN, n_roots;
  const uint8_t *cert = p + OTK_EC_PRIV_LEN;
  uint16_t sw;

  if (len < pos || otk_cert_verify_zone (cert) != 0 || otk_hal_ec_public (p, pub) != 0
      || memcmp (pub, otk_cert_pub (cert), sizeof pub) != 0)
    return SW_VERIFY_FAILED;
  if (otk_read_str (p, len, &pos, OTK_DESC_MAX, &zone_desc, &zone_desc_len) != 0
      || otk_read_str (p, len, &pos, OTK_DESC_MAX, &card_desc, &card_desc_len) != 0
      || len - pos < 2 * PIN_RECORD_LEN + 1)
    return SW_WRONG_DATA;
  memcpy (&card->nv.pin1, p + pos, PIN_RECORD_LEN);
  memcpy (&card->nv.pin2, p + pos + PIN_RECORD_LEN, PIN_RECORD_LEN);
  pos += 2 * PIN_RECORD_LEN;
  n_roots = p[pos++];
  if (n_roots > OTK_MAX_ROOTS || len - pos != n_roots * OTK_CERT_LEN)
    return SW_WRONG_DATA;
  if ((sw = otk_set_roots (card, p + pos, n_roots)) != SW_OK)
    return sw;
  memcpy (card->nv.key_priv, p, OTK_EC_PRIV_LEN);
  memcpy (card->nv.key_pub, pub, OTK_EC_POINT_LEN);
  memcpy (card->nv.zone_cert, cert, OTK_CERT_LEN);
  otk_copy_str (card->nv.zone_desc, &card->nv.zone_desc_len, zone_desc, zone_desc_len);
  otk_copy_str (card->nv.desc, &card->nv.desc_len, card_desc, card_desc_len);
  card->nv.tries = OTK_CA_TRIES;
  card->nv.state = OTK_CA_PERSONALIZED;
  return SW_OK;
}

static uint16_t
cmd_backup_import (otk_card *card, const otk_apdu *a)
{
  uint8_t payload[BACKUP_PAYLOAD_MAX];
  size_t sealed_len, len;
  uint16_t sw = SW_OK;

  if (!is_ca (card, OTK_CA_BACKUP_TARGET))
    return SW_CONDITIONS;
  if (otk_sealed_lengths (a->lc, 0, BACKUP_PAYLOAD_MAX, OTK_SIG_LEN, &sealed_len, &len) != SW_OK)
    return SW_WRONG_LENGTH;
  /* The payload carries the zone cert; the blob must be signed by that zone key, so it is
   * decrypted first (docs/card-protocol.md §7). */
  if (otk_card_unseal (card, OTK_LABEL_CA_BACKUP, a->data, sealed_len, payload) != 0
      || len < OTK_EC_PRIV_LEN + OTK_CERT_LEN
      || otk_sealed_verify (a->data, sealed_len, otk_cert_pub (payload + OTK_EC_PRIV_LEN),
                            a->data + sealed_len)
             != 0)
    sw = SW_VERIFY_FAILED;
  return otk_import_payload (card, sw, apply_backup_payload, payload, sizeof payload, len);
}

static uint16_t
iso_command (otk_card *card, const otk_apdu *a)
{
  otk_pin_record *rec;
  uint8_t bit;

  if (a->ins != 0x20 && a->ins != 0x24)
    return SW_INS;
  if (!is_ca (card, OTK_CA_PERSONALIZED))
    return SW_CONDITIONS;
  if (a->p2 == 0x81)
    rec = &card->nv.pin1, bit = CA_PIN1;
  else if (a->p2 == 0x82)
    rec = &card->nv.pin2, bit = CA_PIN2;
  else
    return SW_WRONG_P1P2;
  return otk_pin_iso_cmd (card, a, rec, OTK_CA_TRIES, bit);
}

uint16_t
otk_ca_process (otk_card *card, const otk_apdu *a, otk_rsp *rsp)
{
  if (a->cla == 0x00)
    return iso_command (card, a);
  if (card->nv.type == OTK_TYPE_BLANK && a->ins != 0x10 && a->ins != 0x30)
    return SW_CONDITIONS;
  if ((a->p1 != 0 && a->ins != 0x10) || (a->p2 != 0 && a->ins != 0x14))
    return SW_WRONG_P1P2;
  switch (a->ins)
    {
      case 0x10:
        return cmd_initialize (card, a, rsp);
      case 0x14:
        return cmd_personalize (card, a);
      case 0x30:
        return cmd_get_info (card, rsp);
      case 0x34:
        if (card->nv.type != OTK_TYPE_CA || card->nv.state < OTK_CA_INITIALIZED
            || card->nv.state > OTK_CA_PERSONALIZED)
          return SW_CONDITIONS;
        return otk_put_zone_certs (card, rsp);
      case 0x20:
        return cmd_enrol_card (card, a, rsp);
      case 0x22:
        return cmd_authorize_unblock (card, a, rsp);
      case 0x24:
        return cmd_add_root (card, a);
      case 0x28:
        return cmd_backup_export (card, a, rsp);
      case 0x2A:
        return cmd_backup_import (card, a);
      default:
        return SW_INS;
    }
}
