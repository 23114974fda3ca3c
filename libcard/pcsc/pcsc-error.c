/* pcsc-error.c: PC/SC return codes as errors a security officer can act on. */
#include "pcsc-private.h"

#include <PCSC/pcsclite.h>

void
card_pcsc_set_error (GError **error, LONG rv, const char *reader)
{
  const char *name = reader != NULL ? reader : "the reader";

  g_debug ("PC/SC error 0x%08lx (%s) on %s", (unsigned long)rv, pcsc_stringify_error (rv), name);
  switch (rv)
    {
      case SCARD_E_NO_SERVICE:
      case SCARD_E_SERVICE_STOPPED:
        g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SERVICE,
                     "pcscd is not running: start the smart card service "
                     "(systemctl start pcscd.socket) and try again");
        break;
      case SCARD_E_NO_READERS_AVAILABLE:
        g_set_error (error, CARD_ERROR, CARD_ERROR_NO_READERS,
                     "No smart card readers found: connect the two PIN-pad readers");
        break;
      case SCARD_E_UNKNOWN_READER:
      case SCARD_E_READER_UNAVAILABLE:
        g_set_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND,
                     "The reader \"%s\" is not connected any more: plug it in again", name);
        break;
      case SCARD_E_NO_SMARTCARD:
        g_set_error (error, CARD_ERROR, CARD_ERROR_NO_CARD, "There is no card in %s: insert one",
                     name);
        break;
      case SCARD_W_REMOVED_CARD:
        g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_REMOVED,
                     "The card was removed from %s: insert it again and repeat the step", name);
        break;
      case SCARD_W_RESET_CARD:
        g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_RESET,
                     "The card in %s was reset by another program: its PIN must be entered again",
                     name);
        break;
      case SCARD_E_SHARING_VIOLATION:
        g_set_error (error, CARD_ERROR, CARD_ERROR_SHARING_VIOLATION,
                     "The card in %s is held by another program (sharing violation): stop "
                     "scdaemon (gpgconf --kill scdaemon) or the other smart card program, "
                     "then try again",
                     name);
        break;
      case SCARD_E_TIMEOUT:
        g_set_error (error, CARD_ERROR, CARD_ERROR_TIMEOUT, "Waiting for %s timed out", name);
        break;
      case SCARD_E_CANCELLED:
        g_set_error_literal (error, CARD_ERROR, CARD_ERROR_CANCELLED, "Cancelled");
        break;
      case SCARD_W_UNPOWERED_CARD:
      case SCARD_W_UNRESPONSIVE_CARD:
      case SCARD_W_UNSUPPORTED_CARD:
        g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
                     "The card in %s does not answer: check that it is inserted the right way "
                     "round (%s)",
                     name, pcsc_stringify_error (rv));
        break;
      default:
        g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT, "Smart card service error on %s: %s",
                     name, pcsc_stringify_error (rv));
        break;
    }
}
