/* Tests of the reader layer that need no daemon: the PC/SC part-10 codec
 * shared by libcard and the virtual PIN-pad driver, the driver's DEVICENAME,
 * the mapping of PC/SC return codes to errors, and the USB CCID descriptor
 * parsing behind "reader plugged in but not seen by pcscd", and the deck as the
 * driver keeps it (test-deck-cache.c). */
#include "card-usb.h"
#include "ifd-device-name.h"
#include "opentke-card.h"
#include "pcsc-private.h"
#include "test-deck-cache.h"

#include <PCSC/pcsclite.h>
#include <string.h>

/* ---- part 10: PIN_VERIFY / PIN_MODIFY ---------------------------------- */

/* VERIFY of the EP11 PIN with a placeholder block at data offset 0
 * (docs/card-protocol.md §4). */
static const uint8_t verify_apdu[]
    = { 0x00, 0x20, 0x00, 0x81, 0x08, 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static void
test_build_verify_bytes (void)
{
  const Part10Iso9564Entry in
      = { .entries = 1, .offset_new = 0, .min_digits = 6, .max_digits = 6, .timeout_s = 45 };
  uint8_t out[128];
  size_t len = 0;

  g_assert_cmpint (
      part10_build_iso9564 (&in, verify_apdu, sizeof verify_apdu, out, sizeof out, &len), ==,
      PART10_OK);
  g_assert_cmpuint (len, ==, PART10_VERIFY_HEADER_LEN + sizeof verify_apdu);
  /* The bytes a part-10 reader reads (docs/card-protocol.md §4). */
  g_assert_cmphex (out[0], ==, 45);   /* bTimerOut */
  g_assert_cmphex (out[2], ==, 0x89); /* bmFormatString */
  g_assert_cmphex (out[3], ==, 0x47); /* bmPINBlockString */
  g_assert_cmphex (out[4], ==, 0x04); /* bmPINLengthFormat */
  g_assert_cmphex (out[5], ==, 0x06); /* wPINMaxExtraDigit, little endian */
  g_assert_cmphex (out[6], ==, 0x06);
  g_assert_cmphex (out[7], ==, 0x02);                /* OK key */
  g_assert_cmphex (out[15], ==, sizeof verify_apdu); /* ulDataLength, little endian */
  g_assert_cmphex (out[16] | out[17] | out[18], ==, 0);
  g_assert_cmpmem (out + PART10_VERIFY_HEADER_LEN, len - PART10_VERIFY_HEADER_LEN, verify_apdu,
                   sizeof verify_apdu);
}

static void
check_round_trip (const Part10Iso9564Entry *in, const uint8_t *apdu, size_t apdu_len)
{
  Part10Iso9564Entry back;
  const uint8_t *back_apdu = NULL;
  size_t back_len = 0, len = 0;
  uint8_t out[PART10_MODIFY_HEADER_LEN + PART10_MAX_APDU_LEN];

  g_assert_cmpint (part10_build_iso9564 (in, apdu, apdu_len, out, sizeof out, &len), ==, PART10_OK);
  g_assert_cmpint (part10_parse_iso9564 (in->entries != 1, out, len, &back, &back_apdu, &back_len),
                   ==, PART10_OK);
  g_assert_cmpuint (back.entries, ==, in->entries);
  g_assert_cmpuint (back.offset_new, ==, in->offset_new);
  g_assert_cmpuint (back.offset_old, ==, in->entries == 3 ? in->offset_old : 0);
  g_assert_cmpuint (back.min_digits, ==, in->min_digits);
  g_assert_cmpuint (back.max_digits, ==, in->max_digits);
  g_assert_cmpuint (back.timeout_s, ==, in->timeout_s);
  g_assert_cmpmem (back_apdu, back_len, apdu, apdu_len);
}

static void
test_round_trips (void)
{
  uint8_t change[5 + 16], unblock[5 + 140];
  const Part10Iso9564Entry verify
      = { .entries = 1, .offset_new = 0, .min_digits = 6, .max_digits = 6, .timeout_s = 30 };
  const Part10Iso9564Entry personalize
      = { .entries = 2, .offset_new = 0, .min_digits = 6, .max_digits = 6, .timeout_s = 90 };
  const Part10Iso9564Entry change_pin = { .entries = 3,
                                          .offset_old = 0,
                                          .offset_new = 8,
                                          .min_digits = 6,
                                          .max_digits = 6,
                                          .timeout_s = 60 };
  const Part10Iso9564Entry ep11_unblock
      = { .entries = 2, .offset_new = 132, .min_digits = 4, .max_digits = 12, .timeout_s = 30 };

  memset (change, 0xFF, sizeof change);
  memcpy (change, "\x00\x24\x00\x81\x10", 5);
  memset (unblock, 0xFF, sizeof unblock);
  memcpy (unblock, "\x80\x70\x00\x00\x8c", 5);
  check_round_trip (&verify, verify_apdu, sizeof verify_apdu);
  check_round_trip (&personalize, verify_apdu, sizeof verify_apdu);
  check_round_trip (&change_pin, change, sizeof change);
  check_round_trip (&ep11_unblock, unblock, sizeof unblock);
}

static void
test_build_refuses (void)
{
  uint8_t out[256];
  size_t len;
  Part10Iso9564Entry e = { .entries = 1, .offset_new = 1, .min_digits = 6, .max_digits = 6 };

  /* PIN_VERIFY has no insertion offset: the block must be at offset 0. */
  g_assert_cmpint (
      part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, out, sizeof out, &len), ==,
      PART10_ERR_PARAMETER);
  e = (Part10Iso9564Entry){ .entries = 3, .offset_old = 256, .min_digits = 6, .max_digits = 6 };
  g_assert_cmpint (
      part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, out, sizeof out, &len), ==,
      PART10_ERR_PARAMETER);
  e = (Part10Iso9564Entry){ .entries = 4, .min_digits = 6, .max_digits = 6 };
  g_assert_cmpint (
      part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, out, sizeof out, &len), ==,
      PART10_ERR_PARAMETER);
  e = (Part10Iso9564Entry){ .entries = 1, .min_digits = 7, .max_digits = 6 };
  g_assert_cmpint (
      part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, out, sizeof out, &len), ==,
      PART10_ERR_PARAMETER);
  e = (Part10Iso9564Entry){ .entries = 1, .min_digits = 6, .max_digits = 15 };
  g_assert_cmpint (
      part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, out, sizeof out, &len), ==,
      PART10_ERR_PARAMETER);
  e = (Part10Iso9564Entry){ .entries = 1, .min_digits = 6, .max_digits = 6 };
  g_assert_cmpint (part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, out, 20, &len), ==,
                   PART10_ERR_BUFFER);
}

/* A valid verify structure, then each field broken in turn. */
static void
test_parse_refuses (void)
{
  const Part10Iso9564Entry e = { .entries = 1, .min_digits = 6, .max_digits = 6, .timeout_s = 30 };
  const Part10Iso9564Entry m = { .entries = 3, .offset_new = 8, .min_digits = 6, .max_digits = 6 };
  uint8_t good[64], bad[64], mod[64];
  size_t len = 0, mlen = 0;
  Part10Iso9564Entry out;
  const uint8_t *apdu;
  size_t apdu_len;

  g_assert_cmpint (
      part10_build_iso9564 (&e, verify_apdu, sizeof verify_apdu, good, sizeof good, &len), ==,
      PART10_OK);
  /* Too short for the header; ulDataLength larger and smaller than what came. */
  g_assert_cmpint (
      part10_parse_iso9564 (0, good, PART10_VERIFY_HEADER_LEN - 1, &out, &apdu, &apdu_len), ==,
      PART10_ERR_LENGTH);
  g_assert_cmpint (part10_parse_iso9564 (0, good, len - 1, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_LENGTH);
  memcpy (bad, good, len);
  bad[len] = 0;
  g_assert_cmpint (part10_parse_iso9564 (0, bad, len + 1, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_LENGTH);
  /* A 3-byte "APDU". */
  memcpy (bad, good, len);
  bad[15] = 3;
  g_assert_cmpint (
      part10_parse_iso9564 (0, bad, PART10_VERIFY_HEADER_LEN + 3, &out, &apdu, &apdu_len), ==,
      PART10_ERR_LENGTH);
  /* Another PIN format (ASCII, as OpenPGP cards use) is not ours. */
  memcpy (bad, good, len);
  bad[2] = 0x82;
  g_assert_cmpint (part10_parse_iso9564 (0, bad, len, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_PARAMETER);
  /* Digits at position 0 leave no room for the 0x2L byte; position 2 is
   * not where part-10 readers look for a format-2 block. */
  memcpy (bad, good, len);
  bad[2] = 0x81;
  g_assert_cmpint (part10_parse_iso9564 (0, bad, len, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_PARAMETER);
  bad[2] = 0x91;
  g_assert_cmpint (part10_parse_iso9564 (0, bad, len, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_PARAMETER);
  /* min > max, and 0 digits. */
  memcpy (bad, good, len);
  bad[6] = 7;
  g_assert_cmpint (part10_parse_iso9564 (0, bad, len, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_PARAMETER);
  memcpy (bad, good, len);
  bad[6] = 0;
  g_assert_cmpint (part10_parse_iso9564 (0, bad, len, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_PARAMETER);

  /* Modify: without confirmation, or with unknown bConfirmPIN bits. */
  g_assert_cmpint (
      part10_build_iso9564 (&m, verify_apdu, sizeof verify_apdu, mod, sizeof mod, &mlen), ==,
      PART10_OK);
  g_assert_cmphex (mod[9], ==, PART10_CONFIRM_NEW_PIN | PART10_ENTER_OLD_PIN);
  memcpy (bad, mod, mlen);
  bad[9] = PART10_ENTER_OLD_PIN;
  g_assert_cmpint (part10_parse_iso9564 (1, bad, mlen, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_PARAMETER);
  bad[9] = 0x07;
  g_assert_cmpint (part10_parse_iso9564 (1, bad, mlen, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_PARAMETER);
  /* A verify structure read as a modify has the wrong length. */
  g_assert_cmpint (part10_parse_iso9564 (1, good, len, &out, &apdu, &apdu_len), ==,
                   PART10_ERR_LENGTH);
}

/* ---- part 10: features and properties ---------------------------------- */

static void
test_features (void)
{
  /* As a CCID reader answers: verify, modify, an unknown tag, TLV properties. */
  const uint8_t tlv[] = {
    0x06, 4, 0x42, 0x33, 0x00, 0x06, 0x07, 4, 0x42, 0x33, 0x00, 0x07,
    0x13, 4, 0x42, 0x33, 0x00, 0x13, 0x12, 4, 0x42, 0x33, 0x00, 0x12,
  };
  Part10Features f, back;
  uint8_t out[64];
  size_t len = 0;

  g_assert_cmpint (part10_parse_features (tlv, sizeof tlv, &f), ==, PART10_OK);
  g_assert_cmphex (f.verify_pin_direct, ==, 0x42330006);
  g_assert_cmphex (f.modify_pin_direct, ==, 0x42330007);
  g_assert_cmphex (f.get_tlv_properties, ==, 0x42330012);
  g_assert_cmphex (f.ifd_pin_properties, ==, 0);
  g_assert_true (card_pcsc_has_pin_pad (&f));
  /* Truncated list, and a TLV whose length byte is not 4. */
  g_assert_cmpint (part10_parse_features (tlv, sizeof tlv - 1, &f), ==, PART10_ERR_LENGTH);
  {
    uint8_t bad[sizeof tlv];

    memcpy (bad, tlv, sizeof tlv);
    bad[7] = 5;
    g_assert_cmpint (part10_parse_features (bad, sizeof bad, &f), ==, PART10_ERR_LENGTH);
  }
  /* No part 10 at all: no PIN pad. */
  g_assert_cmpint (part10_parse_features (tlv, 0, &f), ==, PART10_OK);
  g_assert_false (card_pcsc_has_pin_pad (&f));
  /* A verify-only reader is not a PIN pad for OpenTKE (PINs are set twice). */
  g_assert_cmpint (part10_parse_features (tlv, 6, &f), ==, PART10_OK);
  g_assert_false (card_pcsc_has_pin_pad (&f));

  f = (Part10Features){ 1, 2, 3, 4 };
  g_assert_cmpint (part10_build_features (&f, out, sizeof out, &len), ==, PART10_OK);
  g_assert_cmpuint (len, ==, 4 * PART10_FEATURE_TLV_LEN);
  g_assert_cmpint (part10_parse_features (out, len, &back), ==, PART10_OK);
  g_assert_cmpmem (&f, sizeof f, &back, sizeof back);
  g_assert_cmpint (part10_build_features (&f, out, 23, &len), ==, PART10_ERR_BUFFER);
}

static void
test_properties (void)
{
  /* wLcdLayout (2), sFirmwareID (a string), bMinPINSize, bMaxPINSize,
   * dwMaxAPDUDataSize, wIdVendor, wIdProduct. */
  const uint8_t tlv[]
      = { 0x01, 2,    0x00, 0x00, 0x08, 5,    'V',  '7',  '.', '0',  '0',  0x06, 1, 4,    0x07, 1,
          12,   0x0A, 4,    0x00, 0x01, 0x00, 0x00, 0x0B, 2,   0xE6, 0x04, 0x0C, 2, 0x03, 0xE0 };
  Part10Properties p, back;
  uint8_t out[64];
  size_t len = 0;

  g_assert_cmpint (part10_parse_properties (tlv, sizeof tlv, &p), ==, PART10_OK);
  g_assert_cmpuint (p.min_pin_len, ==, 4);
  g_assert_cmpuint (p.max_pin_len, ==, 12);
  g_assert_cmpuint (p.max_apdu_data_size, ==, 256);
  g_assert_cmphex (p.vendor_id, ==, 0x04E6);
  g_assert_cmphex (p.product_id, ==, 0xE003);
  /* A value that runs past the end, and a lone tag byte. */
  g_assert_cmpint (part10_parse_properties (tlv, sizeof tlv - 1, &p), ==, PART10_ERR_LENGTH);
  g_assert_cmpint (part10_parse_properties (tlv, 1, &p), ==, PART10_ERR_LENGTH);

  p = (Part10Properties){ .min_pin_len = 6,
                          .max_pin_len = 8,
                          .max_apdu_data_size = 65536,
                          .vendor_id = 1,
                          .product_id = 2,
                          .entry_validation = 2 };
  g_assert_cmpint (part10_build_properties (&p, out, sizeof out, &len), ==, PART10_OK);
  g_assert_cmpint (part10_parse_properties (out, len, &back), ==, PART10_OK);
  g_assert_cmpmem (&p, sizeof p, &back, sizeof back);
  g_assert_cmpint (part10_build_properties (&p, out, 10, &len), ==, PART10_ERR_BUFFER);

  g_assert_cmpint (part10_build_pin_properties (2, out, sizeof out, &len), ==, PART10_OK);
  g_assert_cmpuint (len, ==, 4);
  g_assert_cmphex (out[2], ==, 2);
  g_assert_cmpint (part10_build_pin_properties (2, out, 3, &len), ==, PART10_ERR_BUFFER);
}

static void
test_timer_out_clamp (void)
{
  g_assert_cmpuint (part10_clamp_timer_out (0), ==, 30);
  g_assert_cmpuint (part10_clamp_timer_out (29), ==, 30);
  g_assert_cmpuint (part10_clamp_timer_out (60), ==, 60);
  g_assert_cmpuint (part10_clamp_timer_out (91), ==, 90);
  g_assert_cmpuint (part10_clamp_timer_out (100000), ==, 90);
}

/* ---- the driver's DEVICENAME ------------------------------------------- */

static void
test_device_name (void)
{
  char dir[32];
  int reader = 0;

  g_assert_true (ifd_device_name_parse ("/var/lib/opentke/deck:1", dir, sizeof dir, &reader));
  g_assert_cmpstr (dir, ==, "/var/lib/opentke/deck");
  g_assert_cmpint (reader, ==, 1);
  g_assert_true (ifd_device_name_parse (":2", dir, sizeof dir, &reader));
  g_assert_cmpstr (dir, ==, "");
  g_assert_cmpint (reader, ==, 2);
  g_assert_true (ifd_device_name_parse ("/a:b/deck:2", dir, sizeof dir, &reader));
  g_assert_cmpstr (dir, ==, "/a:b/deck");
  g_assert_false (ifd_device_name_parse ("/deck", dir, sizeof dir, &reader));
  g_assert_false (ifd_device_name_parse ("/deck:3", dir, sizeof dir, &reader));
  g_assert_false (ifd_device_name_parse ("/deck:", dir, sizeof dir, &reader));
  g_assert_false (ifd_device_name_parse ("/deck:12", dir, sizeof dir, &reader));
  g_assert_false (ifd_device_name_parse (NULL, dir, sizeof dir, &reader));
  g_assert_false (ifd_device_name_parse ("/a/directory/name/longer/than/the/buffer:1", dir,
                                         sizeof dir, &reader));
}

/* ---- PC/SC return codes ------------------------------------------------ */

static void
check_mapping (LONG rv, gint code, const char *words)
{
  g_autoptr (GError) error = NULL;

  card_pcsc_set_error (&error, rv, "SCM SPR332 00 00");
  g_assert_error (error, CARD_ERROR, code);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_pcsc_errors (void)
{
  check_mapping (SCARD_E_NO_SERVICE, CARD_ERROR_NO_SERVICE, "pcscd is not running");
  check_mapping (SCARD_E_SERVICE_STOPPED, CARD_ERROR_NO_SERVICE, "pcscd is not running");
  check_mapping (SCARD_E_NO_READERS_AVAILABLE, CARD_ERROR_NO_READERS,
                 "No smart card readers found");
  check_mapping (SCARD_E_SHARING_VIOLATION, CARD_ERROR_SHARING_VIOLATION,
                 "held by another program (sharing violation)");
  check_mapping (SCARD_E_SHARING_VIOLATION, CARD_ERROR_SHARING_VIOLATION, "scdaemon");
  check_mapping (SCARD_E_UNKNOWN_READER, CARD_ERROR_READER_NOT_FOUND, "SCM SPR332 00 00");
  check_mapping (SCARD_E_NO_SMARTCARD, CARD_ERROR_NO_CARD, "no card");
  check_mapping (SCARD_W_REMOVED_CARD, CARD_ERROR_CARD_REMOVED, "removed");
  check_mapping (SCARD_W_RESET_CARD, CARD_ERROR_CARD_RESET, "reset");
  check_mapping (SCARD_E_TIMEOUT, CARD_ERROR_TIMEOUT, "timed out");
  check_mapping (SCARD_E_CANCELLED, CARD_ERROR_CANCELLED, "Cancelled");
  check_mapping (SCARD_F_COMM_ERROR, CARD_ERROR_TRANSPORT, "SCM SPR332 00 00");
}

/* ---- USB CCID descriptors ---------------------------------------------- */

static void
put_le32 (uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* The 54-byte CCID class descriptor from the field values of a recorded
 * descriptor dump (CCID project, its readers folder). */
typedef struct
{
  uint8_t max_slot, voltage;
  uint32_t protocols, default_clock, max_clock, data_rate, max_data_rate, max_ifsd, features,
      max_msg;
  uint8_t get_response, envelope, pin_support, busy_slots;
} CcidFields;

static void
ccid_descriptor (uint8_t d[54], const CcidFields *f)
{
  memset (d, 0, 54);
  d[0] = 54;
  d[1] = 0x21;
  d[2] = 0x00; /* bcdCCID 1.00 */
  d[3] = 0x01;
  d[4] = f->max_slot;
  d[5] = f->voltage;
  put_le32 (d + 6, f->protocols);
  put_le32 (d + 10, f->default_clock);
  put_le32 (d + 14, f->max_clock);
  put_le32 (d + 19, f->data_rate);
  put_le32 (d + 23, f->max_data_rate);
  put_le32 (d + 28, f->max_ifsd);
  put_le32 (d + 40, f->features);
  put_le32 (d + 44, f->max_msg);
  d[48] = f->get_response;
  d[49] = f->envelope;
  d[52] = f->pin_support;
  d[53] = f->busy_slots;
}

/* SCM SPRx32 (04e6:e003, the SPR332's family): interface class 0xFF, PIN pad. */
static const CcidFields spr532
    = { 0, 0x01, 3, 4000, 12000, 9600, 307200, 252, 0x000100BA, 263, 255, 255, 0x03, 1 };
/* Feitian SCR310 (096e:0505): no PIN pad. */
static const CcidFields scr310
    = { 0, 0x07, 3, 4000, 8000, 10752, 600000, 248, 0x00010230, 271, 0, 0, 0x00, 0 };

static void
test_ccid_descriptor (void)
{
  uint8_t extra[9 + 54];
  guint8 pin = 0xEE, slots = 0xEE;
  CardUsbReader reader = { 0 };

  ccid_descriptor (extra, &spr532);
  g_assert_true (card_usb_parse_ccid_extra (extra, 54, &pin, &slots));
  g_assert_cmphex (pin, ==, CARD_USB_PIN_VERIFY | CARD_USB_PIN_MODIFY);
  g_assert_cmpuint (slots, ==, 0);
  reader.pin_support = pin;
  g_assert_true (card_usb_reader_has_pin_pad (&reader));

  ccid_descriptor (extra, &scr310);
  g_assert_true (card_usb_parse_ccid_extra (extra, 54, &pin, &slots));
  g_assert_cmphex (pin, ==, 0);
  reader.pin_support = pin;
  g_assert_false (card_usb_reader_has_pin_pad (&reader));
  reader.pin_support = CARD_USB_PIN_VERIFY; /* verify only: not enough */
  g_assert_false (card_usb_reader_has_pin_pad (&reader));

  /* After another class descriptor (9 bytes, type 0x24) in the same extra. */
  memset (extra, 0, 9);
  extra[0] = 9;
  extra[1] = 0x24;
  ccid_descriptor (extra + 9, &spr532);
  g_assert_true (card_usb_parse_ccid_extra (extra, sizeof extra, &pin, &slots));
  g_assert_cmphex (pin, ==, 0x03);
  /* A chain whose first length runs past the end, or is 0 (would loop). */
  extra[0] = 200;
  g_assert_false (card_usb_parse_ccid_extra (extra, sizeof extra, &pin, &slots));
  extra[0] = 0;
  g_assert_false (card_usb_parse_ccid_extra (extra, sizeof extra, &pin, &slots));
  /* Truncated CCID descriptor; a 0x21 descriptor of another length (HID). */
  ccid_descriptor (extra, &spr532);
  g_assert_false (card_usb_parse_ccid_extra (extra, 53, &pin, &slots));
  extra[0] = 9;
  g_assert_false (card_usb_parse_ccid_extra (extra, 9, &pin, &slots));
  g_assert_false (card_usb_parse_ccid_extra (NULL, 0, &pin, &slots));
}

static void
test_unseen_readers (void)
{
  g_autoptr (GPtrArray) usb = g_ptr_array_new_with_free_func ((GDestroyNotify)card_usb_reader_free);
  CardUsbReader *spr = g_new0 (CardUsbReader, 1), *anon = g_new0 (CardUsbReader, 1);
  const char *const names[] = { "SCM Microsystems Inc. SPRx32 USB Smart Card Reader 00 00", NULL };
  const char *const none[] = { NULL };
  g_autoptr (GPtrArray) unseen = NULL;

  spr->product = g_strdup ("SPRx32 USB Smart Card Reader");
  g_ptr_array_add (usb, spr);
  g_ptr_array_add (usb, anon); /* names unreadable (no permission) */
  unseen = card_usb_find_unseen (usb, names);
  g_assert_cmpuint (unseen->len, ==, 0);
  g_clear_pointer (&unseen, g_ptr_array_unref);
  unseen = card_usb_find_unseen (usb, none);
  g_assert_cmpuint (unseen->len, ==, 2);
  g_clear_pointer (&unseen, g_ptr_array_unref);
  g_free (spr->product);
  spr->product = g_strdup ("Other Reader");
  unseen = card_usb_find_unseen (usb, names);
  g_assert_cmpuint (unseen->len, ==, 1);
  g_assert_true (unseen->pdata[0] == spr);
}

/* On this machine, whatever it has: the report says plainly what it found.
 * CI has no USB reader and no pcscd context here. */
static void
test_report_without_pcscd (void)
{
  g_autoptr (GError) why = NULL;
  g_autoptr (CardReaderReport) report = NULL;
  g_autofree char *text = NULL;

  card_pcsc_set_error (&why, SCARD_E_NO_SERVICE, NULL);
  report = card_reader_report_new (NULL, why);
  text = card_reader_report_to_text (report);
  g_assert_nonnull (strstr (text, "pcscd is not running"));
  g_assert_cmpuint (report->readers->len, ==, 0);
  if (report->usb_error != NULL)
    g_assert_nonnull (strstr (text, report->usb_error->message));
  else if (report->usb_readers->len == 0)
    g_assert_nonnull (strstr (text, "No USB smart card reader is plugged in."));
  else
    /* Readers on the bus and none in PC/SC: every one is flagged. */
    g_assert_cmpuint (report->unseen->len, ==, report->usb_readers->len);
  for (guint i = 0; i < report->unseen->len; i++)
    g_assert_nonnull (strstr (text, "plugged in but not seen by pcscd"));
}

static void
on_usb_event (gboolean arrived, const CardUsbReader *reader, gpointer user_data)
{
  (*(guint *)user_data)++;
}

/* The hotplug monitor starts its thread and stops it again (under the
 * sanitizers: no leak, no use after free), or says plainly why it cannot. */
static void
test_usb_monitor (void)
{
  g_autoptr (GError) error = NULL;
  guint events = 0;
  CardUsbMonitor *monitor = card_usb_monitor_new (on_usb_event, &events, &error);

  if (monitor == NULL)
    {
      g_assert_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT);
      g_test_skip (error->message);
      return;
    }
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  card_usb_monitor_free (monitor);
  /* Nothing was plugged in meanwhile on a test machine. */
  g_assert_cmpuint (events, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/part10/verify-bytes", test_build_verify_bytes);
  g_test_add_func ("/part10/round-trips", test_round_trips);
  g_test_add_func ("/part10/build-refuses", test_build_refuses);
  g_test_add_func ("/part10/parse-refuses", test_parse_refuses);
  g_test_add_func ("/part10/features", test_features);
  g_test_add_func ("/part10/properties", test_properties);
  g_test_add_func ("/part10/timer-out-clamp", test_timer_out_clamp);
  g_test_add_func ("/ifd/device-name", test_device_name);
  g_test_add_func ("/pcsc/error-messages", test_pcsc_errors);
  g_test_add_func ("/usb/ccid-descriptor", test_ccid_descriptor);
  g_test_add_func ("/usb/unseen-readers", test_unseen_readers);
  g_test_add_func ("/usb/report-without-pcscd", test_report_without_pcscd);
  g_test_add_func ("/usb/monitor", test_usb_monitor);
  add_deck_cache_tests ();
  return g_test_run ();
}
