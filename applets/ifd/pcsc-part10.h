/* pcsc-part10.h: the bytes of PC/SC part 10 (PIN pads), as pure functions.
 *
 * Shared by both ends of the PIN pad: libcard's PC/SC backend builds
 * PIN_VERIFY/PIN_MODIFY structures and parses the reader's feature list and
 * properties; the virtual PIN-pad driver (libifd-opentke.so) parses the
 * structures and builds the feature list and properties.  Plain C, no heap,
 * no GLib, every length checked, so that the driver's parser can be fuzzed
 * and the two ends cannot disagree about the layout.
 *
 * Multi-byte fields of the structures are little endian (CCID byte order);
 * control codes in the feature TLVs are big endian (part 10, 2.2).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define PART10_CTL_CODE(code)     (0x42000000u + (code))
#define PART10_IOCTL_GET_FEATURES PART10_CTL_CODE (3400)
#define PART10_VERIFY_HEADER_LEN  19u
#define PART10_MODIFY_HEADER_LEN  24u
#define PART10_FEATURE_TLV_LEN    6u
#define PART10_PIN_PROPERTIES_LEN 4u
/* A PIN command is small; a longer abData is refused rather than trusted. */
#define PART10_MAX_APDU_LEN 1024u
/* bTimerOut the host asks for (seconds); readers treat 0 as "their default",
 * which may be forever, so the host never sends 0. */
#define PART10_TIMER_OUT_MIN 30u
#define PART10_TIMER_OUT_MAX 90u

/* Feature tags (part 10, 2.3). */
enum
{
  PART10_FEATURE_VERIFY_PIN_DIRECT = 0x06,
  PART10_FEATURE_MODIFY_PIN_DIRECT = 0x07,
  PART10_FEATURE_IFD_PIN_PROPERTIES = 0x0A,
  PART10_FEATURE_GET_TLV_PROPERTIES = 0x12,
};

/* Tags of GET_TLV_PROPERTIES (part 10, 2.6.14). */
enum
{
  PART10_PROP_WLCDLAYOUT = 0x01,
  PART10_PROP_BENTRYVALIDATIONCONDITION = 0x02,
  PART10_PROP_BTIMEOUT2 = 0x03,
  PART10_PROP_BMINPINSIZE = 0x06,
  PART10_PROP_BMAXPINSIZE = 0x07,
  PART10_PROP_DWMAXAPDUDATASIZE = 0x0A,
  PART10_PROP_WIDVENDOR = 0x0B,
  PART10_PROP_WIDPRODUCT = 0x0C,
};

/* Status words a PIN pad answers instead of the card's (part 10, 2.6.x). */
enum
{
  PART10_SW_TIMEOUT = 0x6400,
  PART10_SW_CANCELLED = 0x6401,
  PART10_SW_PIN_MISMATCH = 0x6402,
  PART10_SW_PIN_LENGTH = 0x6403,
  PART10_SW_INVALID_PARAMETER = 0x6B80,
};

/* bConfirmPIN bits of PIN_MODIFY_STRUCTURE. */
#define PART10_CONFIRM_NEW_PIN 0x01u /* new PIN entered twice */
#define PART10_ENTER_OLD_PIN   0x02u /* current PIN entered first */

typedef enum
{
  PART10_OK = 0,
  PART10_ERR_LENGTH,    /* input too short, too long, or inconsistent */
  PART10_ERR_PARAMETER, /* a field has a value this code does not accept */
  PART10_ERR_BUFFER,    /* the output buffer is too small */
} Part10Status;

/* One PIN entry as carried by PIN_VERIFY_STRUCTURE or PIN_MODIFY_STRUCTURE.
 * The modify-only fields are ignored for a verify. */
typedef struct
{
  uint8_t timer_out;         /* bTimerOut, seconds */
  uint8_t timer_out2;        /* bTimerOut2 */
  uint8_t format_string;     /* bmFormatString */
  uint8_t pin_block_string;  /* bmPINBlockString */
  uint8_t pin_length_format; /* bmPINLengthFormat */
  uint8_t min_pin_len;       /* high byte of wPINMaxExtraDigit */
  uint8_t max_pin_len;       /* low byte of wPINMaxExtraDigit */
  uint8_t entry_validation;  /* bEntryValidationCondition */
  uint8_t number_message;    /* bNumberMessage */
  uint16_t lang_id;          /* wLangId */
  uint8_t msg_index[3];      /* bMsgIndex (verify) or bMsgIndex1..3 (modify) */
  uint8_t teo_prologue[3];
  uint8_t insertion_offset_old; /* modify: byte offset of the current PIN */
  uint8_t insertion_offset_new; /* modify: byte offset of the new PIN */
  uint8_t confirm_pin;          /* modify: PART10_CONFIRM_* bits */
  const uint8_t *apdu;          /* abData: the APDU template */
  size_t apdu_len;
} Part10PinEntry;

/* Properties a PIN pad reports through GET_TLV_PROPERTIES. */
typedef struct
{
  uint8_t min_pin_len;
  uint8_t max_pin_len;
  uint32_t max_apdu_data_size; /* 0 when the reader does not say */
  uint16_t vendor_id;
  uint16_t product_id;
  uint8_t entry_validation;
} Part10Properties;

/* Control codes of the features a reader offers; 0 = not offered. */
typedef struct
{
  uint32_t verify_pin_direct;
  uint32_t modify_pin_direct;
  uint32_t ifd_pin_properties;
  uint32_t get_tlv_properties;
} Part10Features;

/* Serialise @entry into @out; writes *out_len bytes. */
Part10Status part10_build_verify (const Part10PinEntry *entry, uint8_t *out, size_t out_cap,
                                  size_t *out_len);
Part10Status part10_build_modify (const Part10PinEntry *entry, uint8_t *out, size_t out_cap,
                                  size_t *out_len);

/* Parse a structure received from a host.  entry->apdu points into @in.
 * Refuses a length that does not match ulDataLength, an APDU shorter than a
 * header (4 bytes) or longer than PART10_MAX_APDU_LEN. */
Part10Status part10_parse_verify (const uint8_t *in, size_t in_len, Part10PinEntry *entry);
Part10Status part10_parse_modify (const uint8_t *in, size_t in_len, Part10PinEntry *entry);

/* The one PIN format of OpenTKE's cards and virtual PIN pad: an ISO 9564-1
 * format 2 block of 8 bytes (0x2L, then the digits in BCD padded with 0xF),
 * part 10 bmFormatString 0x89, bmPINBlockString 0x47, bmPINLengthFormat 0x04.
 * Offsets count from the first byte of the command data.  A PIN_VERIFY
 * structure has no insertion offset: a verify's block is at offset 0, where
 * part-10 readers put the digits (byte 1) and the length (bit 4). */
#define PART10_ISO9564_BLOCK_LEN 8u

typedef struct
{
  uint8_t entries;     /* 1 verify; 2 new PIN + confirmation; 3 old, new, confirmation */
  uint16_t offset_old; /* entries == 3 only */
  uint16_t offset_new; /* the new PIN's block; 0 for a verify */
  uint8_t min_digits;
  uint8_t max_digits;
  uint8_t timeout_s; /* bTimerOut */
} Part10Iso9564Entry;

/* Builds PIN_VERIFY_STRUCTURE (entries 1) or PIN_MODIFY_STRUCTURE around
 * @apdu.  PART10_ERR_PARAMETER when an offset cannot be expressed (verify:
 * other than 0; modify: more than 255). */
Part10Status part10_build_iso9564 (const Part10Iso9564Entry *entry, const uint8_t *apdu,
                                   size_t apdu_len, uint8_t *out, size_t out_cap, size_t *out_len);
/* Parses what part10_build_iso9564() builds; @modify tells which structure
 * the control code announced.  PART10_ERR_PARAMETER for any other PIN format
 * or a modify that is not "new PIN twice" with or without the old PIN. */
Part10Status part10_parse_iso9564 (int modify, const uint8_t *in, size_t in_len,
                                   Part10Iso9564Entry *entry, const uint8_t **apdu,
                                   size_t *apdu_len);

/* CM_IOCTL_GET_FEATURE_REQUEST answer: TLVs of 6 bytes. */
Part10Status part10_parse_features (const uint8_t *in, size_t in_len, Part10Features *features);
Part10Status part10_build_features (const Part10Features *features, uint8_t *out, size_t out_cap,
                                    size_t *out_len);

/* GET_TLV_PROPERTIES answer: tag, length, little-endian value. Unknown tags
 * are skipped; a truncated TLV is refused. */
Part10Status part10_parse_properties (const uint8_t *in, size_t in_len, Part10Properties *props);
Part10Status part10_build_properties (const Part10Properties *props, uint8_t *out, size_t out_cap,
                                      size_t *out_len);

/* IFD_PIN_PROPERTIES answer (PIN_PROPERTIES_STRUCTURE, 4 bytes). */
Part10Status part10_build_pin_properties (uint8_t entry_validation, uint8_t *out, size_t out_cap,
                                          size_t *out_len);

/* Clamp a host timeout into PART10_TIMER_OUT_MIN..MAX. */
uint8_t part10_clamp_timer_out (unsigned seconds);
