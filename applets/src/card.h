/* card.h: the card runtime shared by the CA and EP11 applets.
 *
 * One otk_card is one card: its persistent state (otk_card_nv, committed atomically by the
 * store) and its RAM state (selected applet, PINs verified, challenge, pending response).
 * Everything is fixed-size: the applets never allocate.  See docs/card-protocol.md. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "store.h"

enum
{
  OTK_ID_LEN = 32,
  OTK_CERT_LEN = 331,
  OTK_DESC_MAX = 32,
  OTK_NAME_MAX = 30,
  OTK_MAX_ROOTS = 4,
  OTK_MAX_PARTS = 85,
  OTK_PART_LEN = 32,
  OTK_PIN_BLOCK_LEN = 8,
  OTK_PIN_DIGITS = 6,
  OTK_SALT_LEN = 16,
  OTK_EP11_TRIES = 3,
  OTK_CA_TRIES = 5,
  OTK_CARD_RESPONSE_MAX = 8192,
};

/* Card types and states (GET INFO, SELECT). */
enum
{
  OTK_TYPE_BLANK = 0,
  OTK_TYPE_CA = 1,
  OTK_TYPE_EP11 = 2,
};
enum
{
  OTK_EP11_INITIALIZED = 1,
  OTK_EP11_ENROLLED = 2,
  OTK_EP11_PERSONALIZED = 3,
  OTK_CA_INITIALIZED = 1,
  OTK_CA_PIN1_SET = 2,
  OTK_CA_PERSONALIZED = 3,
  OTK_CA_BACKUP_TARGET = 4,
};

/* Certificate types (docs/interfaces.md). */
enum
{
  OTK_CERT_CU_ROOT = 1,
  OTK_CERT_CU_DEVICE = 2,
  OTK_CERT_CU_IMPORTER = 3,
  OTK_CERT_ZONE = 4,
  OTK_CERT_EP11_DEVICE = 5,
};

/* Status words. */
enum
{
  SW_OK = 0x9000,
  SW_VERIFY_FAILED = 0x6300,
  SW_MEMORY = 0x6581,
  SW_WRONG_LENGTH = 0x6700,
  SW_NO_CHAINING = 0x6884,
  SW_SECURITY = 0x6982,
  SW_BLOCKED = 0x6983,
  SW_NO_CHALLENGE = 0x6984,
  SW_CONDITIONS = 0x6985,
  SW_WRONG_DATA = 0x6A80,
  SW_NOT_FOUND = 0x6A82,
  SW_NO_MEMORY = 0x6A84,
  SW_WRONG_P1P2 = 0x6A86,
  SW_NO_DATA = 0x6A88,
  SW_EXISTS = 0x6A89,
  SW_INS = 0x6D00,
  SW_CLA = 0x6E00,
  SW_INTERNAL = 0x6F00,
};

/* All fields are byte arrays, so the layout has no padding and the image is portable. */
typedef struct
{
  uint8_t salt[OTK_SALT_LEN];
  uint8_t hash[OTK_SHA256_LEN];
} otk_pin_record;

typedef struct
{
  uint8_t used;
  uint8_t desc_len;
  uint8_t desc[OTK_DESC_MAX];
  uint8_t part[OTK_PART_LEN];
} otk_part_slot;

typedef struct
{
  uint8_t type;
  uint8_t state;
  uint8_t tries;
  uint8_t card_id[OTK_ID_LEN];
  /* EP11: device key; CA: zone key, or the transport key while a backup target. */
  uint8_t key_priv[OTK_EC_PRIV_LEN];
  uint8_t key_pub[OTK_EC_POINT_LEN];
  uint8_t device_cert[OTK_CERT_LEN]; /* EP11 */
  uint8_t zone_cert[OTK_CERT_LEN];
  uint8_t root_count;
  uint8_t roots[OTK_MAX_ROOTS][OTK_CERT_LEN];
  otk_pin_record pin1;
  otk_pin_record pin2;   /* CA */
  uint8_t zone_desc_len; /* CA */
  uint8_t zone_desc[OTK_DESC_MAX];
  uint8_t desc_len;
  uint8_t desc[OTK_DESC_MAX];
  uint8_t name_len; /* EP11: admin name; 0 = no signature key */
  uint8_t name[OTK_NAME_MAX];
  uint8_t sig_priv[OTK_EC_PRIV_LEN];
  uint8_t sig_pub[OTK_EC_POINT_LEN];
  otk_part_slot parts[OTK_MAX_PARTS];
} otk_card_nv;

typedef struct
{
  otk_store store;
  otk_card_nv nv;
  /* RAM state, dropped at reset. */
  uint8_t selected;     /* OTK_TYPE_CA / OTK_TYPE_EP11 / 0 */
  uint8_t pin_verified; /* bit 0 PIN 1, bit 1 PIN 2 */
  uint8_t have_challenge;
  uint8_t challenge[OTK_ID_LEN];
  uint8_t response[OTK_CARD_RESPONSE_MAX];
  size_t response_len;
  size_t response_sent;
} otk_card;

/* A parsed command APDU. */
typedef struct
{
  uint8_t cla, ins, p1, p2;
  const uint8_t *data;
  size_t lc;
  size_t ne; /* expected response length, 0 = none requested */
} otk_apdu;

/* The response an applet builds: data in card->response, a status word. */
typedef struct
{
  uint8_t *data;
  size_t len;
  size_t cap;
} otk_rsp;

/* ---- runtime (card.c) ---- */

/* Loads the card's persistent state from its store, keeping the RAM state (a host process
 * reloads it before every command); -1 when the image is unreadable. */
int otk_card_load (otk_card *card, const otk_store_io *io, void *io_ctx);
/* Power-up/reset: drops the RAM state. */
void otk_card_reset (otk_card *card);
/* Processes one command APDU; writes data + SW into @rsp (capacity @cap, at least 2) and
 * returns the response length. */
size_t otk_card_process (otk_card *card, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap);
/* Writes the persistent state; SW_OK or SW_MEMORY (then the RAM copy is reloaded). */
uint16_t otk_card_commit (otk_card *card);
/* Wipes the persistent state in RAM (not committed). */
void otk_card_wipe (otk_card *card);

/* ---- helpers shared by the applets (applet-common.c) ---- */
/* Append to a response (or any bounded buffer); 0, or -1 when it does not fit. */
int otk_rsp_put (otk_rsp *rsp, const void *data, size_t len);
int otk_rsp_put_str (otk_rsp *rsp, const uint8_t *s, uint8_t len);
/* Reads a length-prefixed string of 1..max bytes at *pos of data[0..len); advances *pos. */
int otk_read_str (const uint8_t *data, size_t len, size_t *pos, size_t max, const uint8_t **s,
                  uint8_t *s_len);
/* 1 when @s is a valid description (no control characters) / admin name (printable ASCII). */
int otk_valid_desc (const uint8_t *s, size_t len);
int otk_valid_name (const uint8_t *s, size_t len);
/* SKI = SHA-256 of a point. */
int otk_ski (const uint8_t pub[OTK_EC_POINT_LEN], uint8_t ski[OTK_SHA256_LEN]);
/* Appends the SKI of @pub; 0 or -1. */
int otk_rsp_put_ski (otk_rsp *rsp, const uint8_t pub[OTK_EC_POINT_LEN]);

/* VP = SHA-256("OpenTKE-VP-v1" || part) (docs/interfaces.md). */
int otk_vp (const uint8_t part[OTK_PART_LEN], uint8_t vp[OTK_SHA256_LEN]);
/* What the CA card signs to authorize an unblock: SHA-512("OpenTKE unblock v1" || card ID ||
 * challenge). */
int otk_unblock_digest (const uint8_t card_id[OTK_ID_LEN], const uint8_t challenge[OTK_ID_LEN],
                        uint8_t digest[OTK_SHA512_LEN]);
/* GET CERTIFICATES body shared by both applets: zone cert || roots. */
uint16_t otk_put_zone_certs (const otk_card *card, otk_rsp *rsp);

/* Checks @count self-signed crypto-unit root certs at @certs and stores them as the trusted
 * roots (in RAM).  SW_OK, SW_VERIFY_FAILED or SW_NO_MEMORY. */
uint16_t otk_set_roots (otk_card *card, const uint8_t *certs, size_t count);

/* Copies a string of @len bytes and its length into a card field. */
void otk_copy_str (uint8_t *dst, uint8_t *dst_len, const uint8_t *s, uint8_t len);
/* Splits the @lc bytes of a command that carries sealed(payload) || trailer (@trailer bytes)
 * with a payload of @pt_min..@pt_max bytes: SW_OK with the sealed and payload lengths, or
 * SW_WRONG_LENGTH. */
uint16_t otk_sealed_lengths (size_t lc, size_t pt_min, size_t pt_max, size_t trailer,
                             size_t *sealed_len, size_t *pt_len);
/* 1 when the card is of @type (OTK_TYPE_*) and in @state. */
int otk_card_in_state (const otk_card *card, uint8_t type, uint8_t state);
/* The gate of a PIN-protected command: SW_OK when the card is of @type in @state, not
 * blocked, and every PIN of @bits verified; else SW_CONDITIONS, SW_BLOCKED or SW_SECURITY. */
uint16_t otk_need_pins (const otk_card *card, uint8_t type, uint8_t state, uint8_t bits);
/* Signs @digest with @priv and appends the signature: SW_OK or SW_INTERNAL. */
uint16_t otk_rsp_sign (otk_rsp *rsp, const uint8_t priv[OTK_EC_PRIV_LEN],
                       const uint8_t digest[OTK_SHA512_LEN]);
/* INITIALIZE of a blank card that answers card ID || public key (no data): draws the card ID
 * and key pair, sets @type and @state, commits. */
uint16_t otk_card_create (otk_card *card, const otk_apdu *a, uint8_t type, uint8_t state,
                          otk_rsp *rsp);

/* Builds the payload of a sealed transfer into a bounded buffer; 0, or -1 when it does not
 * fit. */
typedef int (*otk_payload_build) (const otk_card *card, otk_rsp *w);
/* Parses an opened payload into the card (RAM only): SW_OK or the refusal. */
typedef uint16_t (*otk_payload_apply) (otk_card *card, const uint8_t *p, size_t len);
/* The end of BACKUP EXPORT and EXPORT CARD, once the request is checked: builds the payload
 * with @build in @payload (@cap bytes), appends sealed(payload) || [@cert] || sig by the
 * card's own key (otk_seal_signed) to @rsp, and wipes @payload. */
uint16_t otk_export_payload (const otk_card *card, otk_payload_build build, uint8_t *payload,
                             size_t cap, const char *label,
                             const uint8_t recipient_pub[OTK_EC_POINT_LEN],
                             const uint8_t subject[OTK_ID_LEN], const uint8_t *cert, otk_rsp *rsp);
/* The end of BACKUP IMPORT and IMPORT CARD: when @sw is SW_OK (the blob was opened into
 * @payload and its signature verified, in the order each command documents), applies the
 * @len bytes with @apply and commits; wipes @payload (@cap bytes) on every path. */
uint16_t otk_import_payload (otk_card *card, uint16_t sw, otk_payload_apply apply, uint8_t *payload,
                             size_t cap, size_t len);

/* Labels of the sealed transfers (docs/card-protocol.md §6.3). */
#define OTK_LABEL_KEY_PART    "OpenTKE key part v1"
#define OTK_LABEL_CARD_COPY   "OpenTKE card copy v1"
#define OTK_LABEL_CARD_IMPORT "OpenTKE card import v1"
#define OTK_LABEL_CA_BACKUP   "OpenTKE CA backup v1"

/* ---- PINs (pin.c) ---- */
/* Checks a format-2 block of six digits; 0 or -1. */
int otk_pin_block_check (const uint8_t block[OTK_PIN_BLOCK_LEN]);
/* Makes a record (new salt) for a PIN block already checked. */
int otk_pin_record_set (otk_pin_record *rec, const uint8_t block[OTK_PIN_BLOCK_LEN]);
/* Checks a new PIN block and makes its record: SW_OK, SW_WRONG_DATA or SW_INTERNAL. */
uint16_t otk_pin_set (otk_pin_record *rec, const uint8_t block[OTK_PIN_BLOCK_LEN]);
/* Compares with the retry counter: decrements and commits first, then compares.  On a
 * match returns SW_OK with the counter set back to @max_tries in RAM only: the caller
 * commits it together with its own change.  Else 63Cx, SW_BLOCKED, SW_WRONG_DATA or
 * SW_MEMORY. */
uint16_t otk_pin_try (otk_card *card, const otk_pin_record *rec, uint8_t max_tries,
                      const uint8_t block[OTK_PIN_BLOCK_LEN]);
/* VERIFY and CHANGE REFERENCE DATA for one PIN reference (bit in pin_verified). */
uint16_t otk_pin_verify_cmd (otk_card *card, const otk_apdu *apdu, otk_pin_record *rec,
                             uint8_t max_tries, uint8_t bit);
uint16_t otk_pin_change_cmd (otk_card *card, const otk_apdu *apdu, otk_pin_record *rec,
                             uint8_t max_tries, uint8_t bit);
/* VERIFY (INS 20) or CHANGE REFERENCE DATA (INS 24), by @apdu's INS. */
uint16_t otk_pin_iso_cmd (otk_card *card, const otk_apdu *apdu, otk_pin_record *rec,
                          uint8_t max_tries, uint8_t bit);

/* ---- certificates (cert.c) ---- */
/* Builds and signs a certificate; issuer SKI computed from @issuer_pub. */
int otk_cert_make (uint8_t cert[OTK_CERT_LEN], uint8_t type, const uint8_t subject[OTK_ID_LEN],
                   const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t issuer_priv[OTK_EC_PRIV_LEN],
                   const uint8_t issuer_pub[OTK_EC_POINT_LEN]);
/* 0 when @cert has version 1, type @type, names @issuer_pub's SKI as issuer, and its
 * signature verifies under @issuer_pub. */
int otk_cert_verify (const uint8_t cert[OTK_CERT_LEN], uint8_t type,
                     const uint8_t issuer_pub[OTK_EC_POINT_LEN]);
/* A self-signed certificate of @type. */
int otk_cert_verify_self (const uint8_t cert[OTK_CERT_LEN], uint8_t type);
/* A zone cert: type 4, self-signed, subject ID = zone ID = SKI of its key. */
int otk_cert_verify_zone (const uint8_t cert[OTK_CERT_LEN]);
const uint8_t *otk_cert_subject (const uint8_t cert[OTK_CERT_LEN]);
const uint8_t *otk_cert_pub (const uint8_t cert[OTK_CERT_LEN]);
const uint8_t *otk_cert_issuer (const uint8_t cert[OTK_CERT_LEN]);

/* ---- sealing (seal.c), docs/card-protocol.md §6.3 ---- */
enum
{
  OTK_SEAL_HEADER_LEN = 1 + OTK_EC_POINT_LEN + OTK_SHA256_LEN,
  OTK_SEAL_OVERHEAD = OTK_SEAL_HEADER_LEN + OTK_GCM_NONCE_LEN + OTK_GCM_TAG_LEN,
};
/* Writes sealed(@pt) = OTK_SEAL_OVERHEAD + @len bytes at @out. */
int otk_seal (const char *label, const uint8_t recipient_pub[OTK_EC_POINT_LEN],
              const uint8_t subject[OTK_ID_LEN], const uint8_t *pt, size_t len, uint8_t *out);
/* Opens @in (@in_len bytes) with the recipient's key; @pt gets in_len - OTK_SEAL_OVERHEAD
 * bytes. */
int otk_unseal (const char *label, const uint8_t priv[OTK_EC_PRIV_LEN],
                const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t subject[OTK_ID_LEN],
                const uint8_t *in, size_t in_len, uint8_t *pt);

/* Opens @in sealed to this card (its key and card ID): otk_unseal with the card's identity. */
int otk_card_unseal (const otk_card *card, const char *label, const uint8_t *in, size_t in_len,
                     uint8_t *pt);
/* Appends sealed(@pt) || [@cert] || sig to @rsp, where sig is by @signer_priv over
 * SHA-512(sealed) (card copy: @cert = the sender's device cert; CA backup: no cert). */
uint16_t otk_seal_signed (const char *label, const uint8_t recipient_pub[OTK_EC_POINT_LEN],
                          const uint8_t subject[OTK_ID_LEN], const uint8_t *pt, size_t len,
                          const uint8_t signer_priv[OTK_EC_PRIV_LEN], const uint8_t *cert,
                          otk_rsp *rsp);
/* 0 when @sig by @signer_pub covers SHA-512(@sealed). */
int otk_sealed_verify (const uint8_t *sealed, size_t sealed_len,
                       const uint8_t signer_pub[OTK_EC_POINT_LEN], const uint8_t sig[OTK_SIG_LEN]);
/* The GET INFO fields both applets start with: type, state, tries, card ID, zone ID. */
int otk_put_info_header (const otk_card *card, const uint8_t zone_id[OTK_ID_LEN], otk_rsp *rsp);

/* ---- applets ---- */
uint16_t otk_ep11_process (otk_card *card, const otk_apdu *apdu, otk_rsp *rsp);
uint16_t otk_ca_process (otk_card *card, const otk_apdu *apdu, otk_rsp *rsp);
/* GET INFO of a blank card (shared by both applets). */
uint16_t otk_blank_info (otk_rsp *rsp);
