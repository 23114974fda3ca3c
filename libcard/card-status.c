/* card-status.c: the one place where status words become CardError codes, with
 * messages for the security officer at the workstation (docs/card-protocol.md §3).
 * @op says what the command was, because 6300, 6985 and 6A89 mean different things
 * to the user for different commands. */
#include "card-private.h"

static const char *
applet_name (CardApplet applet)
{
  return applet == CARD_APPLET_CA ? "CA card" : "EP11 card";
}

gboolean
card_status_check (CardApplet applet, CardOp op, guint16 sw, GError **error)
{
  guint8 sw1 = (guint8)(sw >> 8), sw2 = (guint8)sw;
  const char *card = applet_name (applet);

  if (sw == 0x9000)
    return TRUE;

  if (sw1 == 0x63 && (sw2 & 0xF0) == 0xC0 && (sw2 & 0x0F) > 0)
    {
      int left = sw2 & 0x0F;

      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_PIN,
                   "Wrong PIN: %d %s left before the %s is blocked", left,
                   left == 1 ? "try" : "tries", card);
      card_error_set_retries (error != NULL ? *error : NULL, left);
      return FALSE;
    }

  switch (sw)
    {
      case 0x63C0:
      case 0x6983:
        if (applet == CARD_APPLET_CA)
          g_set_error (error, CARD_ERROR, CARD_ERROR_BLOCKED,
                       "The CA card is blocked for good after five wrong PINs; use the backup CA "
                       "card of this zone");
        else
          g_set_error (error, CARD_ERROR, CARD_ERROR_BLOCKED,
                       "The EP11 card is blocked after three wrong PINs; unblock it with the CA "
                       "card of its zone (Smart Card Utility Program, EP11 Smart Card > Unblock)");
        break;
      case 0x6400:
        g_set_error (error, CARD_ERROR, CARD_ERROR_PIN_PAD_TIMEOUT,
                     "No PIN was entered on the PIN pad in time; try again");
        break;
      case 0x6401:
        g_set_error (error, CARD_ERROR, CARD_ERROR_PIN_PAD_CANCELLED,
                     "PIN entry was cancelled on the PIN pad");
        break;
      case 0x6402:
        g_set_error (error, CARD_ERROR, CARD_ERROR_PIN_MISMATCH,
                     "The two entries of the new PIN differ; the PIN was not changed. Try again");
        break;
      case 0x6403:
        g_set_error (error, CARD_ERROR, CARD_ERROR_PIN_LENGTH,
                     "A PIN must be exactly six digits; try again");
        break;
      case 0x6B80:
        g_set_error (error, CARD_ERROR, CARD_ERROR_PIN_PAD_INVALID_PARAMETER,
                     "The PIN pad refused the PIN entry parameters; this reader may not be "
                     "usable as a PIN pad");
        break;
      case 0x6300:
        if (op == CARD_OP_EXPORT_KEY_PART)
          g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER,
                       "The EP11 card refused to export the key part: the crypto unit's importer "
                       "key does not chain to a crypto-unit root that the card's zone trusts");
        else if (op == CARD_OP_ZONE || op == CARD_OP_IMPORT_CARD)
          g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_ZONE,
                       "The cards belong to different smart card zones; use cards of the same "
                       "zone");
        else
          g_set_error (error, CARD_ERROR, CARD_ERROR_CARD,
                       "The %s refused a certificate or signature that does not verify", card);
        break;
      case 0x6982:
        g_set_error (error, CARD_ERROR, CARD_ERROR_SECURITY_STATUS,
                     applet == CARD_APPLET_CA ? "Both PINs of the CA card must be entered first"
                                              : "The PIN of the EP11 card must be entered first");
        break;
      case 0x6984:
        g_set_error (error, CARD_ERROR, CARD_ERROR_CARD,
                     "The EP11 card has no unblock challenge; start the unblock again");
        break;
      case 0x6985:
        if (op == CARD_OP_IMPORT_CARD)
          g_set_error (error, CARD_ERROR, CARD_ERROR_NOT_BLANK,
                       "The target EP11 card already holds a signature key or key parts; use an "
                       "empty personalized card of the same zone");
        else if (op == CARD_OP_VERIFY)
          g_set_error (error, CARD_ERROR, CARD_ERROR_NOT_PERSONALIZED,
                       "The %s has no PIN yet; personalize it first", card);
        else if (op == CARD_OP_INITIALIZE)
          g_set_error (error, CARD_ERROR, CARD_ERROR_NOT_BLANK,
                       "The card is not blank; zeroize it first or use a blank card");
        else
          g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                       "The %s is not in the state this operation needs (not yet initialized, "
                       "enrolled or personalized, or already done)",
                       card);
        break;
      case 0x6A80:
        g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                     "The %s refused the data: a name of more than 30 characters, a description "
                     "of more than 32 bytes, a PIN that is not six digits, or a malformed value",
                     card);
        break;
      case 0x6A82:
        g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                     "Wrong card: this is not the %s this operation needs", card);
        break;
      case 0x6A84:
        if (applet == CARD_APPLET_EP11)
          g_set_error (error, CARD_ERROR, CARD_ERROR_FULL,
                       "The EP11 card is full: it already holds 85 key parts");
        else
          g_set_error (error, CARD_ERROR, CARD_ERROR_FULL,
                       "The CA card already trusts 4 crypto-unit roots, its maximum");
        break;
      case 0x6A88:
        g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SUCH_KEY,
                     op == CARD_OP_SIGN || op == CARD_OP_READ_SIGNATURE_KEY
                         ? "The EP11 card has no signature key"
                         : "The EP11 card has no key part at that index");
        break;
      case 0x6A89:
        if (applet == CARD_APPLET_EP11)
          g_set_error (error, CARD_ERROR, CARD_ERROR_HAS_SIGNATURE_KEY,
                       "The EP11 card already holds a signature key; a card holds only one");
        else
          g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                       "The CA card already trusts this crypto-unit root");
        break;
      case 0x6581:
        g_set_error (error, CARD_ERROR, CARD_ERROR_CARD,
                     "The %s could not write its memory; the command was not carried out", card);
        break;
      case 0x6700:
      case 0x6884:
      case 0x6A86:
      case 0x6D00:
      case 0x6E00:
        g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                     "The %s does not understand the command (status %04X); it may have an "
                     "applet version this program does not support",
                     card, sw);
        break;
      default:
        g_set_error (error, CARD_ERROR, CARD_ERROR_CARD, "The %s refused the command (status %04X)",
                     card, sw);
        break;
    }
  return FALSE;
}
