/* ifd-opentke.c: libifd-opentke.so, an IFD handler (pcsc-lite driver) with
 * virtual PIN-pad readers that run the OpenTKE applets on the card deck.
 *
 * Each reader.conf entry is one reader with one slot.  DEVICENAME is
 * "DECKDIR:N": the deck directory and the deck's reader number (1 or 2); an
 * empty DECKDIR (":1") means the deck's default ($OPENTKE_DECK, else
 * $XDG_DATA_HOME/opentke/deck of the user pcscd runs as).  Card presence,
 * ATR and APDUs come from the deck (applets/include/opentke-vdeck.h); the
 * part-10 PIN features take their digits from the deck's PIN-pad queue.
 *
 * pcscd may call the driver from one thread per reader (TAG_IFD_THREAD_SAFE):
 * each channel has its own deck handle and mutex; the deck serialises
 * processes and handles with its own lock.  Nothing here logs APDU data.
 */
#include "ifd-device-name.h"
#include "ifd-watch.h"
#include "opentke-vdeck.h"
#include "pcsc-part10.h"
#include "secure.h"

#include <PCSC/ifdhandler.h>
#include <PCSC/reader.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CHANNELS 16
/* Control codes of our features: SCARD_CTL_CODE(0x330000 + tag), as the CCID
 * driver numbers them, so that tools that hard-code them still work. */
#define FEATURE_CTL_CODE(tag) PART10_CTL_CODE (0x330000u + (tag))
/* bTimerOut 0 means "the reader's default". */
#define DEFAULT_TIMEOUT_S 30
/* What our pad reports in GET_TLV_PROPERTIES: the deck's PIN formatter takes
 * up to 14 digits (ISO 9564 format 2). */
#define PAD_MIN_DIGITS          4
#define PAD_MAX_DIGITS          14
#define ENTRY_VALIDATION_OK_KEY 0x02

typedef struct
{
  DWORD lun;
  int reader; /* 1 or 2 */
  otk_vdeck *deck;
  pthread_mutex_t lock;
  uint8_t atr[OTK_VDECK_ATR_MAX];
  size_t atr_len;          /* 0 while the card is not powered */
  uint64_t seen_insertion; /* insertion counter last reported present */
  int seen_valid;
  IfdWatch watch;                      /* fds -1 when inotify is not available: pcscd then polls */
  uint8_t rsp[OTK_VDECK_RESPONSE_MAX]; /* PIN-pad answers; wiped after use */
} IfdChannel;

static IfdChannel *channels[MAX_CHANNELS];
static pthread_mutex_t channels_lock = PTHREAD_MUTEX_INITIALIZER;

static IfdChannel *
channel_find (DWORD lun)
{
  IfdChannel *found = NULL;

  pthread_mutex_lock (&channels_lock);
  for (int i = 0; i < MAX_CHANNELS; i++)
    if (channels[i] != NULL && channels[i]->lun == lun)
      found = channels[i];
  pthread_mutex_unlock (&channels_lock);
  return found;
}

static RESPONSECODE
channel_open (DWORD lun, const char *deck_dir, int reader)
{
  RESPONSECODE rc = IFD_COMMUNICATION_ERROR;
  IfdChannel *ch = calloc (1, sizeof *ch);

  if (ch == NULL)
    return rc;
  ch->lun = lun;
  ch->reader = reader;
  ch->watch.inotify_fd = ch->watch.stop_fd = -1;
  pthread_mutex_init (&ch->lock, NULL);
  if (otk_vdeck_open (deck_dir, &ch->deck) != OTK_VDECK_OK)
    goto out;
  ifd_watch_open (&ch->watch, otk_vdeck_get_path (ch->deck), reader);
  pthread_mutex_lock (&channels_lock);
  for (int i = 0; i < MAX_CHANNELS && rc != IFD_SUCCESS; i++)
    if (channels[i] == NULL)
      {
        channels[i] = ch;
        rc = IFD_SUCCESS;
      }
  pthread_mutex_unlock (&channels_lock);
out:
  if (rc != IFD_SUCCESS)
    {
      ifd_watch_close (&ch->watch);
      otk_vdeck_close (ch->deck);
      pthread_mutex_destroy (&ch->lock);
      free (ch);
    }
  return rc;
}

RESPONSECODE
IFDHCreateChannelByName (DWORD Lun, LPSTR DeviceName)
{
  char dir[4096];
  int reader;

  if (!ifd_device_name_parse (DeviceName, dir, sizeof dir, &reader))
    return IFD_COMMUNICATION_ERROR;
  return channel_open (Lun, dir[0] ? dir : NULL, reader);
}

/* Without DEVICENAME: CHANNELID is the reader number, on the default deck. */
RESPONSECODE
IFDHCreateChannel (DWORD Lun, DWORD Channel)
{
  if (Channel != 1 && Channel != 2)
    return IFD_COMMUNICATION_ERROR;
  return channel_open (Lun, NULL, (int)Channel);
}

RESPONSECODE
IFDHCloseChannel (DWORD Lun)
{
  IfdChannel *ch = NULL;

  pthread_mutex_lock (&channels_lock);
  for (int i = 0; i < MAX_CHANNELS; i++)
    if (channels[i] != NULL && channels[i]->lun == Lun)
      {
        ch = channels[i];
        channels[i] = NULL;
      }
  pthread_mutex_unlock (&channels_lock);
  if (ch == NULL)
    return IFD_COMMUNICATION_ERROR;
  ifd_watch_close (&ch->watch);
  otk_vdeck_close (ch->deck);
  pthread_mutex_destroy (&ch->lock);
  secure_clear (ch->rsp, sizeof ch->rsp);
  free (ch);
  return IFD_SUCCESS;
}

static RESPONSECODE
put_value (PDWORD Length, PUCHAR Value, const void *data, DWORD len)
{
  if (*Length < len)
    return IFD_ERROR_INSUFFICIENT_BUFFER;
  memcpy (Value, data, len);
  *Length = len;
  return IFD_SUCCESS;
}

/* pcscd's card-event thread: returns when the deck's file of this reader
 * changes (then pcscd asks IFDHICCPresence), on timeout, or when stopped. */
static RESPONSECODE
wait_card_event (DWORD Lun, int timeout_ms)
{
  IfdChannel *ch = channel_find (Lun);

  if (ch == NULL)
    return IFD_COMMUNICATION_ERROR;
  if (ifd_watch_wait (&ch->watch, timeout_ms) < 0)
    usleep (400 * 1000); /* pcscd's own poll rate, never a busy loop */
  return IFD_SUCCESS;
}

static RESPONSECODE
stop_card_event (DWORD Lun)
{
  IfdChannel *ch = channel_find (Lun);

  if (ch != NULL)
    ifd_watch_stop (&ch->watch);
  return IFD_SUCCESS;
}

RESPONSECODE
IFDHGetCapabilities (DWORD Lun, DWORD Tag, PDWORD Length, PUCHAR Value)
{
  IfdChannel *ch = channel_find (Lun);
  RESPONSECODE rc = IFD_ERROR_TAG;
  UCHAR byte;
  DWORD dword;

  if (ch == NULL)
    return IFD_COMMUNICATION_ERROR;
  pthread_mutex_lock (&ch->lock);
  switch (Tag)
    {
      case TAG_IFD_ATR:
        rc = put_value (Length, Value, ch->atr, (DWORD)ch->atr_len);
        break;
      case TAG_IFD_SLOTS_NUMBER:
        byte = 1;
        rc = put_value (Length, Value, &byte, 1);
        break;
      case TAG_IFD_SIMULTANEOUS_ACCESS:
        byte = MAX_CHANNELS;
        rc = put_value (Length, Value, &byte, 1);
        break;
      case TAG_IFD_THREAD_SAFE:
        byte = 1; /* one deck handle and mutex per reader */
        rc = put_value (Length, Value, &byte, 1);
        break;
      case TAG_IFD_SLOT_THREAD_SAFE:
        byte = 0; /* one slot per reader anyway */
        rc = put_value (Length, Value, &byte, 1);
        break;
      case SCARD_ATTR_MAXINPUT:
        /* pcscd refuses APDUs longer than this: extended APDUs are allowed. */
        dword = MAX_BUFFER_SIZE_EXTENDED;
        rc = put_value (Length, Value, &dword, sizeof dword);
        break;
      case TAG_IFD_POLLING_THREAD_WITH_TIMEOUT:
        if (ch->watch.inotify_fd >= 0)
          {
            RESPONSECODE (*fn) (DWORD, int) = wait_card_event;

            rc = put_value (Length, Value, &fn, sizeof fn);
          }
        break;
      case TAG_IFD_STOP_POLLING_THREAD:
        if (ch->watch.inotify_fd >= 0)
          {
            RESPONSECODE (*fn) (DWORD) = stop_card_event;

            rc = put_value (Length, Value, &fn, sizeof fn);
          }
        break;
      case SCARD_ATTR_VENDOR_NAME:
        rc = put_value (Length, Value, "OpenTKE", sizeof "OpenTKE");
        break;
      default:
        break;
    }
  pthread_mutex_unlock (&ch->lock);
  return rc;
}

RESPONSECODE
IFDHSetCapabilities (DWORD Lun, DWORD Tag, DWORD Length, PUCHAR Value)
{
  return IFD_NOT_SUPPORTED;
}

RESPONSECODE
IFDHSetProtocolParameters (DWORD Lun, DWORD Protocol, UCHAR Flags, UCHAR PTS1, UCHAR PTS2,
                           UCHAR PTS3)
{
  if (channel_find (Lun) == NULL)
    return IFD_COMMUNICATION_ERROR;
  /* The ATR offers T=0 then T=1; APDUs pass whole either way (no TPDU layer). */
  return Protocol == SCARD_PROTOCOL_T1 || Protocol == SCARD_PROTOCOL_T0
             ? IFD_SUCCESS
             : IFD_PROTOCOL_NOT_SUPPORTED;
}

RESPONSECODE
IFDHPowerICC (DWORD Lun, DWORD Action, PUCHAR Atr, PDWORD AtrLength)
{
  IfdChannel *ch = channel_find (Lun);
  RESPONSECODE rc = IFD_SUCCESS;
  DWORD capacity = *AtrLength;
  int st;

  *AtrLength = 0;
  if (ch == NULL)
    return IFD_COMMUNICATION_ERROR;
  pthread_mutex_lock (&ch->lock);
  switch (Action)
    {
      case IFD_POWER_DOWN:
        /* The deck has no power-down: the next power-up drops the card's RAM. */
        ch->atr_len = 0;
        break;
      case IFD_POWER_UP:
      case IFD_RESET:
        st = otk_vdeck_power_up (ch->deck, ch->reader, ch->atr, &ch->atr_len);
        if (st != OTK_VDECK_OK)
          {
            ch->atr_len = 0;
            rc = st == OTK_VDECK_ERR_NO_CARD ? IFD_ICC_NOT_PRESENT : IFD_ERROR_POWER_ACTION;
            break;
          }
        if (capacity < ch->atr_len)
          {
            rc = IFD_ERROR_INSUFFICIENT_BUFFER;
            break;
          }
        memcpy (Atr, ch->atr, ch->atr_len);
        *AtrLength = (DWORD)ch->atr_len;
        break;
      default:
        rc = IFD_NOT_SUPPORTED;
        break;
    }
  pthread_mutex_unlock (&ch->lock);
  return rc;
}

RESPONSECODE
IFDHTransmitToICC (DWORD Lun, SCARD_IO_HEADER SendPci, PUCHAR TxBuffer, DWORD TxLength,
                   PUCHAR RxBuffer, PDWORD RxLength, PSCARD_IO_HEADER RecvPci)
{
  IfdChannel *ch = channel_find (Lun);
  size_t len = *RxLength;
  int st;

  *RxLength = 0;
  if (ch == NULL)
    return IFD_COMMUNICATION_ERROR;
  pthread_mutex_lock (&ch->lock);
  st = ch->atr_len == 0
           ? OTK_VDECK_ERR_CARD_CHANGED
           : otk_vdeck_transmit (ch->deck, ch->reader, TxBuffer, TxLength, RxBuffer, &len);
  /* Swapped since power-up: the card we powered is gone.  Never power the
   * new one up behind the host's back (it must see the swap). */
  if (st == OTK_VDECK_ERR_CARD_CHANGED)
    ch->atr_len = 0;
  pthread_mutex_unlock (&ch->lock);
  if (RecvPci != NULL)
    RecvPci->Protocol = SendPci.Protocol;
  switch (st)
    {
      case OTK_VDECK_OK:
        *RxLength = (DWORD)len;
        return IFD_SUCCESS;
      case OTK_VDECK_ERR_NO_CARD:
      case OTK_VDECK_ERR_CARD_CHANGED:
      case OTK_VDECK_ERR_TORN:
        return IFD_ICC_NOT_PRESENT; /* pcscd: SCARD_E_NO_SMARTCARD */
      case OTK_VDECK_ERR_BUFFER:
        return IFD_ERROR_INSUFFICIENT_BUFFER;
      default:
        return IFD_COMMUNICATION_ERROR; /* an I/O error of the deck */
    }
}

/* Answers a PIN-pad structure: the card's response, or the part-10 status
 * word of the pad.  A structure this pad cannot honour is answered 6B80. */
static RESPONSECODE
control_pin_entry (IfdChannel *ch, int modify, const UCHAR *tx, DWORD tx_len, PUCHAR rx,
                   DWORD rx_len, LPDWORD returned)
{
  Part10Iso9564Entry entry;
  otk_vdeck_pin_entry pad = { 0 };
  const uint8_t *apdu = NULL;
  size_t apdu_len = 0, len = sizeof ch->rsp;
  RESPONSECODE rc = IFD_COMMUNICATION_ERROR;
  int st;

  if (part10_parse_iso9564 (modify, tx, tx_len, &entry, &apdu, &apdu_len) != PART10_OK)
    {
      ch->rsp[0] = PART10_SW_INVALID_PARAMETER >> 8;
      ch->rsp[1] = PART10_SW_INVALID_PARAMETER & 0xFF;
      len = 2;
    }
  else
    {
      pad.entries = entry.entries;
      pad.offset_old = entry.offset_old;
      pad.offset_new = entry.offset_new;
      pad.block_len = PART10_ISO9564_BLOCK_LEN;
      pad.min_digits = entry.min_digits;
      pad.max_digits = entry.max_digits;
      pad.timeout_s = entry.timeout_s ? entry.timeout_s : DEFAULT_TIMEOUT_S;
      st = otk_vdeck_pinpad_entry (ch->deck, ch->reader, &pad, apdu, apdu_len, ch->rsp, &len);
      if (st == OTK_VDECK_ERR_NO_CARD)
        {
          rc = IFD_ICC_NOT_PRESENT;
          goto out;
        }
      if (st != OTK_VDECK_OK)
        goto out;
    }
  if (len > rx_len)
    {
      rc = IFD_ERROR_INSUFFICIENT_BUFFER;
      goto out;
    }
  memcpy (rx, ch->rsp, len);
  *returned = (DWORD)len;
  rc = IFD_SUCCESS;
out:
  secure_clear (ch->rsp, len);
  return rc;
}

/* The answer of a control code that builds bytes: @st and @len come from
 * the builder, which must have run before this call. */
static RESPONSECODE
put_control (Part10Status st, size_t len, LPDWORD returned)
{
  if (st == PART10_ERR_BUFFER)
    return IFD_ERROR_INSUFFICIENT_BUFFER;
  if (st != PART10_OK)
    return IFD_COMMUNICATION_ERROR;
  *returned = (DWORD)len;
  return IFD_SUCCESS;
}

RESPONSECODE
IFDHControl (DWORD Lun, DWORD dwControlCode, PUCHAR TxBuffer, DWORD TxLength, PUCHAR RxBuffer,
             DWORD RxLength, LPDWORD pdwBytesReturned)
{
  static const Part10Features features = {
    .verify_pin_direct = FEATURE_CTL_CODE (PART10_FEATURE_VERIFY_PIN_DIRECT),
    .modify_pin_direct = FEATURE_CTL_CODE (PART10_FEATURE_MODIFY_PIN_DIRECT),
    .ifd_pin_properties = FEATURE_CTL_CODE (PART10_FEATURE_IFD_PIN_PROPERTIES),
    .get_tlv_properties = FEATURE_CTL_CODE (PART10_FEATURE_GET_TLV_PROPERTIES),
  };
  const Part10Properties props = {
    .min_pin_len = PAD_MIN_DIGITS,
    .max_pin_len = PAD_MAX_DIGITS,
    .max_apdu_data_size = 65536,
    .entry_validation = ENTRY_VALIDATION_OK_KEY,
  };
  IfdChannel *ch = channel_find (Lun);
  RESPONSECODE rc = IFD_ERROR_NOT_SUPPORTED;
  size_t len = 0;

  *pdwBytesReturned = 0;
  if (ch == NULL)
    return IFD_COMMUNICATION_ERROR;
  pthread_mutex_lock (&ch->lock);
  if (dwControlCode == features.verify_pin_direct || dwControlCode == features.modify_pin_direct)
    rc = control_pin_entry (ch, dwControlCode == features.modify_pin_direct, TxBuffer, TxLength,
                            RxBuffer, RxLength, pdwBytesReturned);
  else
    {
      Part10Status st = PART10_ERR_PARAMETER;

      if (dwControlCode == PART10_IOCTL_GET_FEATURES)
        st = part10_build_features (&features, RxBuffer, RxLength, &len);
      else if (dwControlCode == features.get_tlv_properties)
        st = part10_build_properties (&props, RxBuffer, RxLength, &len);
      else if (dwControlCode == features.ifd_pin_properties)
        st = part10_build_pin_properties (ENTRY_VALIDATION_OK_KEY, RxBuffer, RxLength, &len);
      if (st != PART10_ERR_PARAMETER)
        rc = put_control (st, len, pdwBytesReturned);
    }
  pthread_mutex_unlock (&ch->lock);
  return rc;
}

RESPONSECODE
IFDHICCPresence (DWORD Lun)
{
  IfdChannel *ch = channel_find (Lun);
  RESPONSECODE rc = IFD_ICC_NOT_PRESENT;
  uint64_t insertion = 0;
  int st;

  if (ch == NULL)
    return IFD_COMMUNICATION_ERROR;
  pthread_mutex_lock (&ch->lock);
  st = otk_vdeck_reader_card (ch->deck, ch->reader, NULL, &insertion);
  if (st == OTK_VDECK_OK)
    {
      /* A swap between two polls is reported as one absent poll, so that
       * pcscd counts a removal and powers the new card up. */
      if (ch->seen_valid && insertion != ch->seen_insertion)
        {
          ch->atr_len = 0;
          /* pcscd must look again at once to see the new card present. */
          ifd_watch_stop (&ch->watch);
        }
      else
        rc = IFD_ICC_PRESENT;
      ch->seen_insertion = insertion;
      ch->seen_valid = 1;
    }
  else if (st == OTK_VDECK_ERR_NO_CARD)
    {
      ch->atr_len = 0;
      ch->seen_valid = 0;
    }
  else
    rc = IFD_COMMUNICATION_ERROR;
  pthread_mutex_unlock (&ch->lock);
  return rc;
}
