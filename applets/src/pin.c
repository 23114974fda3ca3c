/* pin.c: PIN blocks, PIN records and the retry counter (docs/card-protocol.md §4). */
#include "card.h"

#include <string.h>

#include "secure.h"

int
otk_pin_block_check (const uint8_t block[OTK_PIN_BLOCK_LEN])
{
  if (block[0] != (0x20 | OTK_PIN_DIGITS))
    return -1;
  for (int i = 0; i < OTK_PIN_DIGITS; i++)
    {
      uint8_t nib = (uint8_t)((block[1 + i / 2] >> (i % 2 ? 0 : 4)) & 0x0F);
      if (nib > 9)
        return -1;
    }
  for (int i = 1 + OTK_PIN_DIGITS / 2; i < OTK_PIN_BLOCK_LEN; i++)
    if (block[i] != 0xFF)
      return -1;
  return 0;
}

static int
pin_hash (const uint8_t salt[OTK_SALT_LEN], const uint8_t block[OTK_PIN_BLOCK_LEN],
          uint8_t out[OTK_SHA256_LEN])
{
  otk_hal_chunk c[2] = { { salt, OTK_SALT_LEN }, { block, OTK_PIN_BLOCK_LEN } };
  return otk_hal_sha256 (c, 2, out);
}

int
otk_pin_record_set (otk_pin_record *rec, const uint8_t block[OTK_PIN_BLOCK_LEN])
{
  if (otk_hal_random (rec->salt, OTK_SALT_LEN) != 0)
    return -1;
  return pin_hash (rec->salt, block, rec->hash);
}

uint16_t
otk_pin_set (otk_pin_record *rec, const uint8_t block[OTK_PIN_BLOCK_LEN])
{
  if (otk_pin_block_check (block) != 0)
    return SW_WRONG_DATA;
  return otk_pin_record_set (rec, block) == 0 ? SW_OK : SW_INTERNAL;
}

/* 63Cx with the tries left, or SW_BLOCKED. */
static uint16_t
tries_left (const otk_card *card)
{
  return card->nv.tries == 0 ? SW_BLOCKED : (uint16_t)(0x63C0 | card->nv.tries);
}

uint16_t
otk_pin_try (otk_card *card, const otk_pin_record *rec, uint8_t max_tries,
             const uint8_t block[OTK_PIN_BLOCK_LEN])
{
  uint8_t hash[OTK_SHA256_LEN];
  uint16_t sw;
  int match;

  if (card->nv.tries == 0)
    return SW_BLOCKED;
  if (otk_pin_block_check (block) != 0)
    return SW_WRONG_DATA;
  /* Decrement first: pulling the card during the compare must cost a try. */
  card->nv.tries--;
  sw = otk_card_commit (card);
  if (sw != SW_OK)
    return sw;
  if (pin_hash (rec->salt, block, hash) != 0)
    return SW_INTERNAL;
  match = secure_memequal (hash, rec->hash, OTK_SHA256_LEN);
  secure_clear (hash, sizeof hash);
  if (!match)
    return tries_left (card);
  card->nv.tries = max_tries;
  return SW_OK;
}

/* Clears @bit and compares @block; on a match makes @new_block's record (when given), commits
 * the counter reset with it and sets @bit. */
static uint16_t
try_and_commit (otk_card *card, otk_pin_record *rec, uint8_t max_tries, uint8_t bit,
                const uint8_t block[OTK_PIN_BLOCK_LEN], const uint8_t *new_block)
{
  uint16_t sw;

  card->pin_verified &= (uint8_t)~bit;
  sw = otk_pin_try (card, rec, max_tries, block);
  if (sw != SW_OK)
    return sw;
  if (new_block != NULL && otk_pin_record_set (rec, new_block) != 0)
    {
      otk_card_commit (card);
      return SW_INTERNAL;
    }
  sw = otk_card_commit (card);
  if (sw == SW_OK)
    card->pin_verified |= bit;
  return sw;
}

uint16_t
otk_pin_verify_cmd (otk_card *card, const otk_apdu *apdu, otk_pin_record *rec, uint8_t max_tries,
                    uint8_t bit)
{
  if (apdu->p1 != 0)
    return SW_WRONG_P1P2;
  if (apdu->lc == 0)
    {
      if (card->pin_verified & bit)
        return SW_OK;
      return tries_left (card);
    }
  if (apdu->lc != OTK_PIN_BLOCK_LEN)
    return SW_WRONG_LENGTH;
  return try_and_commit (card, rec, max_tries, bit, apdu->data, NULL);
}

uint16_t
otk_pin_change_cmd (otk_card *card, const otk_apdu *apdu, otk_pin_record *rec, uint8_t max_tries,
                    uint8_t bit)
{
  const uint8_t *new_block;

  if (apdu->p1 != 0)
    return SW_WRONG_P1P2;
  if (apdu->lc != 2 * OTK_PIN_BLOCK_LEN)
    return SW_WRONG_LENGTH;
  /* Only now: without data apdu->data is NULL, and NULL + 8 is undefined. */
  new_block = apdu->data + OTK_PIN_BLOCK_LEN;
  if (otk_pin_block_check (new_block) != 0)
    return SW_WRONG_DATA;
  /* Counter reset and new PIN in one commit. */
  return try_and_commit (card, rec, max_tries, bit, apdu->data, new_block);
}

uint16_t
otk_pin_iso_cmd (otk_card *card, const otk_apdu *apdu, otk_pin_record *rec, uint8_t max_tries,
                 uint8_t bit)
{
  return apdu->ins == 0x20 ? otk_pin_verify_cmd (card, apdu, rec, max_tries, bit)
                           : otk_pin_change_cmd (card, apdu, rec, max_tries, bit);
}
