/* pcsc-part10.c: PC/SC part 10 structures, both directions (see the header). */
#include "pcsc-part10.h"

#include <string.h>

/* CLA INS P1 P2: the shortest command APDU. */
#define APDU_MIN_LEN 4u

/* ISO 9564-1 format 2 in part-10 terms (see the header). */
#define ISO9564_FORMAT_STRING   0x89u /* bytes, digits at byte 1 of the block, left, BCD */
#define ISO9564_BLOCK_STRING    0x47u /* 4-bit length field, 7 bytes of digits */
#define ISO9564_LENGTH_FORMAT   0x04u /* length at bit 4 of the block */
#define ISO9564_MAX_DIGITS      14u
#define ENTRY_VALIDATION_OK_KEY 0x02u

static void
put_le16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v & 0xFF);
  p[1] = (uint8_t)(v >> 8);
}

static void
put_le32 (uint8_t *p, uint32_t v)
{
  for (unsigned i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t
get_le16 (const uint8_t *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
get_le32 (const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Where the fields of the two structures are (part 10, 2.5.2 and 2.5.3): the
 * modify structure inserts its own fields, so one table per structure drives
 * one serialiser and one parser. */
typedef struct
{
  size_t header_len;
  size_t extra_digit; /* wPINMaxExtraDigit */
  size_t entry_validation;
  size_t msg_index;
  size_t msg_count; /* bMsgIndex, or bMsgIndex1..3 */
  size_t data_length;
  int modify; /* bInsertionOffsetOld/New at 5, 6 and bConfirmPIN at 9 */
} StructLayout;

static const StructLayout verify_layout = { PART10_VERIFY_HEADER_LEN, 5, 7, 11, 1, 15, 0 };
static const StructLayout modify_layout = { PART10_MODIFY_HEADER_LEN, 7, 10, 14, 3, 20, 1 };

static Part10Status
build_structure (const StructLayout *l, const Part10PinEntry *e, uint8_t *out, size_t out_cap,
                 size_t *out_len)
{
  if (e->apdu_len > PART10_MAX_APDU_LEN)
    return PART10_ERR_LENGTH;
  if (out_cap < l->header_len + e->apdu_len)
    return PART10_ERR_BUFFER;
  out[0] = e->timer_out;
  out[1] = e->timer_out2;
  out[2] = e->format_string;
  out[3] = e->pin_block_string;
  out[4] = e->pin_length_format;
  if (l->modify)
    {
      out[5] = e->insertion_offset_old;
      out[6] = e->insertion_offset_new;
      out[9] = e->confirm_pin;
    }
  put_le16 (out + l->extra_digit, (uint16_t)(e->min_pin_len << 8 | e->max_pin_len));
  out[l->entry_validation] = e->entry_validation;
  out[l->entry_validation + 1] = e->number_message;
  put_le16 (out + l->entry_validation + 2, e->lang_id);
  memcpy (out + l->msg_index, e->msg_index, l->msg_count);
  memcpy (out + l->msg_index + l->msg_count, e->teo_prologue, 3);
  put_le32 (out + l->data_length, (uint32_t)e->apdu_len);
  memcpy (out + l->header_len, e->apdu, e->apdu_len);
  *out_len = l->header_len + e->apdu_len;
  return PART10_OK;
}

/* abData must be exactly what follows the header. */
static Part10Status
parse_structure (const StructLayout *l, const uint8_t *in, size_t in_len, Part10PinEntry *e)
{
  uint16_t extra;
  uint32_t data_len;

  memset (e, 0, sizeof *e);
  if (in == NULL || in_len < l->header_len)
    return PART10_ERR_LENGTH;
  e->timer_out = in[0];
  e->timer_out2 = in[1];
  e->format_string = in[2];
  e->pin_block_string = in[3];
  e->pin_length_format = in[4];
  if (l->modify)
    {
      e->insertion_offset_old = in[5];
      e->insertion_offset_new = in[6];
      e->confirm_pin = in[9];
    }
  extra = get_le16 (in + l->extra_digit);
  e->min_pin_len = (uint8_t)(extra >> 8);
  e->max_pin_len = (uint8_t)(extra & 0xFF);
  e->entry_validation = in[l->entry_validation];
  e->number_message = in[l->entry_validation + 1];
  e->lang_id = get_le16 (in + l->entry_validation + 2);
  memcpy (e->msg_index, in + l->msg_index, l->msg_count);
  memcpy (e->teo_prologue, in + l->msg_index + l->msg_count, 3);
  data_len = get_le32 (in + l->data_length);
  if (data_len != in_len - l->header_len || data_len < APDU_MIN_LEN
      || data_len > PART10_MAX_APDU_LEN)
    return PART10_ERR_LENGTH;
  e->apdu = in + l->header_len;
  e->apdu_len = data_len;
  return PART10_OK;
}

Part10Status
part10_build_verify (const Part10PinEntry *e, uint8_t *out, size_t out_cap, size_t *out_len)
{
  return build_structure (&verify_layout, e, out, out_cap, out_len);
}

Part10Status
part10_build_modify (const Part10PinEntry *e, uint8_t *out, size_t out_cap, size_t *out_len)
{
  return build_structure (&modify_layout, e, out, out_cap, out_len);
}

Part10Status
part10_parse_verify (const uint8_t *in, size_t in_len, Part10PinEntry *e)
{
  return parse_structure (&verify_layout, in, in_len, e);
}

Part10Status
part10_parse_modify (const uint8_t *in, size_t in_len, Part10PinEntry *e)
{
  return parse_structure (&modify_layout, in, in_len, e);
}

Part10Status
part10_build_iso9564 (const Part10Iso9564Entry *in, const uint8_t *apdu, size_t apdu_len,
                      uint8_t *out, size_t out_cap, size_t *out_len)
{
  Part10PinEntry e = { 0 };

  if (in->min_digits == 0 || in->min_digits > in->max_digits || in->max_digits > ISO9564_MAX_DIGITS)
    return PART10_ERR_PARAMETER;
  e.timer_out = in->timeout_s;
  e.format_string = ISO9564_FORMAT_STRING;
  e.pin_block_string = ISO9564_BLOCK_STRING;
  e.pin_length_format = ISO9564_LENGTH_FORMAT;
  e.min_pin_len = in->min_digits;
  e.max_pin_len = in->max_digits;
  e.entry_validation = ENTRY_VALIDATION_OK_KEY;
  e.apdu = apdu;
  e.apdu_len = apdu_len;
  if (in->entries == 1)
    {
      /* No insertion offset in PIN_VERIFY: readers put the block at the
       * start of the command data. */
      if (in->offset_new != 0)
        return PART10_ERR_PARAMETER;
      return part10_build_verify (&e, out, out_cap, out_len);
    }
  if ((in->entries != 2 && in->entries != 3) || in->offset_new > 0xFF || in->offset_old > 0xFF)
    return PART10_ERR_PARAMETER;
  e.number_message = in->entries; /* one prompt per entry */
  e.confirm_pin = PART10_CONFIRM_NEW_PIN | (in->entries == 3 ? PART10_ENTER_OLD_PIN : 0);
  e.insertion_offset_old = in->entries == 3 ? (uint8_t)in->offset_old : 0;
  e.insertion_offset_new = (uint8_t)in->offset_new;
  e.msg_index[1] = 1;
  e.msg_index[2] = 2;
  return part10_build_modify (&e, out, out_cap, out_len);
}

Part10Status
part10_parse_iso9564 (int modify, const uint8_t *in, size_t in_len, Part10Iso9564Entry *out,
                      const uint8_t **apdu, size_t *apdu_len)
{
  Part10PinEntry e;
  Part10Status st
      = modify ? part10_parse_modify (in, in_len, &e) : part10_parse_verify (in, in_len, &e);
  memset (out, 0, sizeof *out);
  if (st != PART10_OK)
    return st;
  if (e.format_string != ISO9564_FORMAT_STRING || e.pin_block_string != ISO9564_BLOCK_STRING
      || e.pin_length_format != ISO9564_LENGTH_FORMAT || e.min_pin_len == 0
      || e.min_pin_len > e.max_pin_len || e.max_pin_len > ISO9564_MAX_DIGITS)
    return PART10_ERR_PARAMETER;
  out->min_digits = e.min_pin_len;
  out->max_digits = e.max_pin_len;
  out->timeout_s = e.timer_out;
  if (!modify)
    out->entries = 1; /* the block at the start of the command data */
  else
    {
      /* Only "the new PIN twice", with or without the old PIN first. */
      if (!(e.confirm_pin & PART10_CONFIRM_NEW_PIN)
          || (e.confirm_pin & ~(PART10_CONFIRM_NEW_PIN | PART10_ENTER_OLD_PIN)))
        return PART10_ERR_PARAMETER;
      out->entries = (e.confirm_pin & PART10_ENTER_OLD_PIN) ? 3 : 2;
      out->offset_old = out->entries == 3 ? e.insertion_offset_old : 0;
      out->offset_new = e.insertion_offset_new;
    }
  *apdu = e.apdu;
  *apdu_len = e.apdu_len;
  return PART10_OK;
}

Part10Status
part10_parse_features (const uint8_t *in, size_t in_len, Part10Features *f)
{
  memset (f, 0, sizeof *f);
  if (in_len % PART10_FEATURE_TLV_LEN != 0)
    return PART10_ERR_LENGTH;
  for (size_t i = 0; i < in_len; i += PART10_FEATURE_TLV_LEN)
    {
      uint32_t code;

      if (in[i + 1] != 4)
        return PART10_ERR_LENGTH;
      code = ((uint32_t)in[i + 2] << 24) | ((uint32_t)in[i + 3] << 16) | ((uint32_t)in[i + 4] << 8)
             | in[i + 5];
      switch (in[i])
        {
          case PART10_FEATURE_VERIFY_PIN_DIRECT:
            f->verify_pin_direct = code;
            break;
          case PART10_FEATURE_MODIFY_PIN_DIRECT:
            f->modify_pin_direct = code;
            break;
          case PART10_FEATURE_IFD_PIN_PROPERTIES:
            f->ifd_pin_properties = code;
            break;
          case PART10_FEATURE_GET_TLV_PROPERTIES:
            f->get_tlv_properties = code;
            break;
          default:
            break; /* features we do not use */
        }
    }
  return PART10_OK;
}

Part10Status
part10_build_features (const Part10Features *f, uint8_t *out, size_t out_cap, size_t *out_len)
{
  const struct
  {
    uint8_t tag;
    uint32_t code;
  } all[] = {
    { PART10_FEATURE_VERIFY_PIN_DIRECT, f->verify_pin_direct },
    { PART10_FEATURE_MODIFY_PIN_DIRECT, f->modify_pin_direct },
    { PART10_FEATURE_IFD_PIN_PROPERTIES, f->ifd_pin_properties },
    { PART10_FEATURE_GET_TLV_PROPERTIES, f->get_tlv_properties },
  };
  size_t n = 0;

  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    {
      if (all[i].code == 0)
        continue;
      if (out_cap - n < PART10_FEATURE_TLV_LEN)
        return PART10_ERR_BUFFER;
      out[n] = all[i].tag;
      out[n + 1] = 4;
      for (unsigned b = 0; b < 4; b++)
        out[n + 2 + b] = (uint8_t)(all[i].code >> (24 - 8 * b));
      n += PART10_FEATURE_TLV_LEN;
    }
  *out_len = n;
  return PART10_OK;
}

static uint32_t
get_le_n (const uint8_t *p, size_t n)
{
  uint32_t v = 0;

  for (size_t i = n; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

Part10Status
part10_parse_properties (const uint8_t *in, size_t in_len, Part10Properties *p)
{
  size_t i = 0;

  memset (p, 0, sizeof *p);
  while (i < in_len)
    {
      uint8_t tag, len;
      uint32_t v;

      if (in_len - i < 2)
        return PART10_ERR_LENGTH;
      tag = in[i];
      len = in[i + 1];
      if (in_len - i - 2 < len)
        return PART10_ERR_LENGTH;
      v = len <= 4 ? get_le_n (in + i + 2, len) : 0; /* longer: strings such as sFirmwareID */
      switch (tag)
        {
          case PART10_PROP_BMINPINSIZE:
            p->min_pin_len = (uint8_t)v;
            break;
          case PART10_PROP_BMAXPINSIZE:
            p->max_pin_len = (uint8_t)v;
            break;
          case PART10_PROP_DWMAXAPDUDATASIZE:
            p->max_apdu_data_size = v;
            break;
          case PART10_PROP_WIDVENDOR:
            p->vendor_id = (uint16_t)v;
            break;
          case PART10_PROP_WIDPRODUCT:
            p->product_id = (uint16_t)v;
            break;
          case PART10_PROP_BENTRYVALIDATIONCONDITION:
            p->entry_validation = (uint8_t)v;
            break;
          default:
            break;
        }
      i += 2u + len;
    }
  return PART10_OK;
}

Part10Status
part10_build_properties (const Part10Properties *p, uint8_t *out, size_t out_cap, size_t *out_len)
{
  const struct
  {
    uint8_t tag;
    uint8_t len;
    uint32_t value;
  } all[] = {
    { PART10_PROP_BENTRYVALIDATIONCONDITION, 1, p->entry_validation },
    { PART10_PROP_BMINPINSIZE, 1, p->min_pin_len },
    { PART10_PROP_BMAXPINSIZE, 1, p->max_pin_len },
    { PART10_PROP_DWMAXAPDUDATASIZE, 4, p->max_apdu_data_size },
    { PART10_PROP_WIDVENDOR, 2, p->vendor_id },
    { PART10_PROP_WIDPRODUCT, 2, p->product_id },
  };
  size_t n = 0;

  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    {
      if (out_cap - n < 2u + all[i].len)
        return PART10_ERR_BUFFER;
      out[n] = all[i].tag;
      out[n + 1] = all[i].len;
      for (unsigned b = 0; b < all[i].len; b++)
        out[n + 2 + b] = (uint8_t)(all[i].value >> (8 * b));
      n += 2u + all[i].len;
    }
  *out_len = n;
  return PART10_OK;
}

Part10Status
part10_build_pin_properties (uint8_t entry_validation, uint8_t *out, size_t out_cap,
                             size_t *out_len)
{
  if (out_cap < PART10_PIN_PROPERTIES_LEN)
    return PART10_ERR_BUFFER;
  put_le16 (out, 0); /* wLcdLayout: no display */
  out[2] = entry_validation;
  out[3] = 0; /* bTimeOut2 */
  *out_len = PART10_PIN_PROPERTIES_LEN;
  return PART10_OK;
}

uint8_t
part10_clamp_timer_out (unsigned seconds)
{
  if (seconds < PART10_TIMER_OUT_MIN)
    return PART10_TIMER_OUT_MIN;
  if (seconds > PART10_TIMER_OUT_MAX)
    return PART10_TIMER_OUT_MAX;
  return (uint8_t)seconds;
}
