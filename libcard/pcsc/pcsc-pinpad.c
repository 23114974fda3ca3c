/* pcsc-pinpad.c: PIN entry on the reader's PIN pad, by PC/SC part 10.
 *
 * The host sends the command APDU with placeholder PIN blocks; the reader
 * asks for the digits on its own keypad, fills the blocks and sends the
 * command, so the PIN never crosses the host.  The reader answers with the
 * card's status word, or with its own 6400/6401/6402/6403/6B80, which the
 * session maps to errors (card-status.c).
 */
#include "pcsc-private.h"

#include <PCSC/pcsclite.h>
#include <PCSC/reader.h>
#include <string.h>

gboolean
card_pcsc_read_features (SCARDHANDLE handle, Part10Features *features, GError **error)
{
  guint8 buf[MAX_BUFFER_SIZE];
  DWORD len = 0;
  LONG rv = SCardControl (handle, PART10_IOCTL_GET_FEATURES, NULL, 0, buf, sizeof buf, &len);

  memset (features, 0, sizeof *features);
  /* A reader without part 10 refuses the control code: no features. */
  if (rv != SCARD_S_SUCCESS)
    return TRUE;
  if (part10_parse_features (buf, len, features) != PART10_OK)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
                   "The reader sent a malformed list of PIN-pad features (%u bytes)",
                   (unsigned)len);
      return FALSE;
    }
  return TRUE;
}

gboolean
card_pcsc_has_pin_pad (const Part10Features *features)
{
  return features->verify_pin_direct != 0 && features->modify_pin_direct != 0;
}

static gboolean
conn_features (CardBackendConn *conn, Part10Features *features, GError **error)
{
  if (!card_pcsc_read_features (conn->handle, features, error))
    return FALSE;
  if (!card_pcsc_has_pin_pad (features))
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NO_PIN_PAD,
                   "The reader %s has no PIN pad: use a reader with a PIN pad", conn->reader);
      return FALSE;
    }
  return TRUE;
}

gboolean
card_pcsc_get_pin_pad_caps (CardBackend *backend, CardBackendConn *conn, CardPinPadCaps *caps,
                            GError **error)
{
  Part10Features features;
  Part10Properties props;
  guint8 buf[MAX_BUFFER_SIZE];
  DWORD len = 0;
  LONG rv;

  memset (caps, 0, sizeof *caps);
  if (!conn_features (conn, &features, error))
    return FALSE;
  /* Sizes are optional: a pad without GET_TLV_PROPERTIES leaves them 0. */
  if (features.get_tlv_properties == 0)
    return TRUE;
  rv = SCardControl (conn->handle, features.get_tlv_properties, NULL, 0, buf, sizeof buf, &len);
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, conn->reader);
      return FALSE;
    }
  if (part10_parse_properties (buf, len, &props) != PART10_OK)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
                   "The reader %s sent malformed PIN-pad properties", conn->reader);
      return FALSE;
    }
  caps->min_pin = props.min_pin_len;
  caps->max_pin = props.max_pin_len;
  caps->max_apdu_data = props.max_apdu_data_size;
  return TRUE;
}

gboolean
card_pcsc_pin_pad_entry (CardBackend *backend, CardBackendConn *conn, const CardPinEntry *entry,
                         guint16 *sw, GError **error)
{
  Part10Features features;
  Part10Iso9564Entry e = {
    .entries = entry->op == CARD_PIN_OP_VERIFY   ? 1
               : entry->op == CARD_PIN_OP_MODIFY ? 2
                                                 : 3,
    .offset_old = entry->offset_old,
    .offset_new = entry->offset_new,
    .min_digits = entry->min_len,
    .max_digits = entry->max_len,
    .timeout_s = part10_clamp_timer_out (entry->timeout_s),
  };
  guint8 structure[PART10_MODIFY_HEADER_LEN + PART10_MAX_APDU_LEN];
  guint8 rsp[MAX_BUFFER_SIZE];
  size_t structure_len = 0;
  DWORD rsp_len = 0;
  LONG rv;

  if (!conn_features (conn, &features, error))
    return FALSE;
  if (entry->block_len != PART10_ISO9564_BLOCK_LEN
      || part10_build_iso9564 (&e, entry->apdu, entry->apdu_len, structure, sizeof structure,
                               &structure_len)
             != PART10_OK)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PIN_PAD_INVALID_PARAMETER,
                   "This PIN command cannot be sent to a PIN pad (internal error)");
      return FALSE;
    }
  rv = SCardControl (conn->handle,
                     e.entries == 1 ? features.verify_pin_direct : features.modify_pin_direct,
                     structure, (DWORD)structure_len, rsp, sizeof rsp, &rsp_len);
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, conn->reader);
      return FALSE;
    }
  if (rsp_len < 2)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
                   "The PIN pad of %s answered without a status word", conn->reader);
      return FALSE;
    }
  *sw = (guint16)(rsp[rsp_len - 2] << 8 | rsp[rsp_len - 1]);
  return TRUE;
}
