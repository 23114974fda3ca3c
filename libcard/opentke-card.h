/* opentke-card.h: the one public header of libcard, the host side of the
 * OpenTKE smart cards (CA and EP11 cards, DESIGN.md §3–§4).
 *
 * Layers, bottom up:
 *   CardContext   readers of one backend (in-process virtual deck or PC/SC),
 *                 reader roles 1 and 2, host PIN entry policy, APDU trace hook;
 *   CardReader    one reader: name, PIN pad, card present, wait for insert/remove;
 *   CardSession   a connection to the card in a reader with one applet selected;
 *                 survives a reset of the card, refuses a swapped card;
 *   card_ca_* / card_ep11_*   one function per card operation of docs/card-protocol.md.
 *
 * PINs are entered on the PIN pad of the reader: no function of this header takes
 * a PIN.  Every function that fails sets a GError in the CARD_ERROR domain whose
 * message is written for the security officer at the workstation.
 */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* ---- errors ------------------------------------------------------------- */

#define CARD_ERROR (card_error_quark ())
GQuark card_error_quark (void);

typedef enum
{
  /* transport: readers, connections, the backend */
  CARD_ERROR_NO_SERVICE = 1,    /* no pcscd (or the deck cannot be opened) */
  CARD_ERROR_NO_READERS,        /* no smart card reader at all */
  CARD_ERROR_READER_NOT_FOUND,  /* the reader asked for is not attached */
  CARD_ERROR_NO_CARD,           /* no card in the reader */
  CARD_ERROR_CARD_REMOVED,      /* the card was removed during the session */
  CARD_ERROR_CARD_SWAPPED,      /* another card was inserted during the session */
  CARD_ERROR_CARD_RESET,        /* the card was reset by another program (PIN lost) */
  CARD_ERROR_SHARING_VIOLATION, /* another program holds the card exclusively */
  CARD_ERROR_NOT_READER_1,      /* a signature card must be in reader 1 */
  CARD_ERROR_TIMEOUT,           /* waiting for a card insert/removal timed out */
  CARD_ERROR_CANCELLED,         /* the caller cancelled the wait */
  CARD_ERROR_TRANSPORT,         /* any other reader or backend failure */

  /* protocol: the card answered something this library does not understand */
  CARD_ERROR_PROTOCOL = 100,

  /* PIN pad outcomes (PC/SC part 10 status words) and PIN entry policy */
  CARD_ERROR_PIN_PAD_TIMEOUT = 200,     /* 64 00 */
  CARD_ERROR_PIN_PAD_CANCELLED,         /* 64 01 */
  CARD_ERROR_PIN_MISMATCH,              /* 64 02: the two entries of the new PIN differ */
  CARD_ERROR_PIN_LENGTH,                /* 64 03: the PIN is not six digits */
  CARD_ERROR_PIN_PAD_INVALID_PARAMETER, /* 6B 80 */
  CARD_ERROR_NO_PIN_PAD,                /* reader without PIN pad, host entry not allowed */

  /* card refusals */
  CARD_ERROR_WRONG_PIN = 300,    /* 63 Cx, x > 0 tries left (card_error_get_retries) */
  CARD_ERROR_BLOCKED,            /* 69 83 or 63 C0 */
  CARD_ERROR_WRONG_CARD_TYPE,    /* not the applet or card state the operation needs */
  CARD_ERROR_WRONG_ZONE,         /* the other card belongs to another zone */
  CARD_ERROR_NOT_PERSONALIZED,   /* the card has no PIN yet */
  CARD_ERROR_FULL,               /* 85 key parts already */
  CARD_ERROR_HAS_SIGNATURE_KEY,  /* the card already holds a signature key */
  CARD_ERROR_NO_SUCH_KEY,        /* no key part at that index, or no signature key */
  CARD_ERROR_SECURITY_STATUS,    /* 69 82: the PIN was not entered */
  CARD_ERROR_UNTRUSTED_IMPORTER, /* importer key does not chain to a trusted root */
  CARD_ERROR_INVALID_DATA,       /* the card refused the data (e.g. admin name > 30) */
  CARD_ERROR_NOT_BLANK,          /* the target card must be blank for this operation */
  CARD_ERROR_CARD,               /* any other status word */

  /* key files (libcard/keyfile/) */
  CARD_ERROR_KEYFILE_BAD_PASSWORD = 400,
  CARD_ERROR_KEYFILE_BAD_FORMAT,
  CARD_ERROR_KEYFILE_IO,
} CardError;

/* Tries left carried by a CARD_ERROR_WRONG_PIN error, or -1 for any other error. */
int card_error_get_retries (const GError *error);

/* ---- context and readers ------------------------------------------------ */

typedef struct _CardContext CardContext;
typedef struct _CardReader CardReader;
typedef struct _CardSession CardSession;

typedef enum
{
  CARD_READER_1 = 1, /* the card whose signature key signs */
  CARD_READER_2 = 2, /* cards whose key parts are loaded; cards being set up in SCUP */
} CardReaderRole;

/* In-process virtual backend on the card deck @deck_dir (NULL: $OPENTKE_DECK, else
 * $XDG_DATA_HOME/opentke/deck). */
CardContext *card_context_new_virtual (const char *deck_dir, GError **error);
/* PC/SC backend (pcsc-lite). */
CardContext *card_context_new_pcsc (GError **error);
void card_context_free (CardContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardContext, card_context_free)

/* Called for every APDU exchanged, with the raw bytes (command, then response with
 * its status word).  For tests and diagnostics: the bytes are what crosses the wire,
 * so they never hold a PIN entered on a PIN pad, but a host-entered PIN would be in
 * them.  @is_command tells the direction. */
typedef void (*CardTraceFunc) (gboolean is_command, const guint8 *apdu, gsize len,
                               gpointer user_data);
void card_context_set_trace_func (CardContext *ctx, CardTraceFunc func, gpointer user_data);

/* Host PIN entry, for readers without PIN pad, is refused unless the user allowed it
 * explicitly: then @func is asked for the PIN (NUL-terminated, wiped and freed by the
 * library).  @prompt says which PIN ("PIN", "new PIN", "new PIN again", ...). */
typedef char *(*CardHostPinFunc) (const char *reader_name, const char *prompt, gpointer user_data);
void card_context_set_host_pin_entry (CardContext *ctx, CardHostPinFunc func, gpointer user_data);

/* PIN-pad timeout in seconds for each PIN entry (default 60, clamped to 30..90). */
void card_context_set_pin_timeout (CardContext *ctx, guint seconds);

/* Readers in name order, as CardReader* owned by the context (the array is the
 * caller's; free it with g_ptr_array_unref).  Refreshes the list. */
GPtrArray *card_context_list_readers (CardContext *ctx, GError **error);

/* The reader of @role: OPENTKE_READER1 / OPENTKE_READER2 (a substring of the reader
 * name) if set, else the first two readers in name order, PIN-pad readers first.
 * Owned by the context. */
CardReader *card_context_get_reader (CardContext *ctx, CardReaderRole role, GError **error);

const char *card_reader_get_name (CardReader *reader);
gboolean card_reader_has_pin_pad (CardReader *reader);
/* 0 when the reader has no role. */
CardReaderRole card_reader_get_role (CardReader *reader);
gboolean card_reader_is_card_present (CardReader *reader, GError **error);
/* Waits until a card is present (@present TRUE) or absent; @timeout_ms 0 waits
 * for ever.  CARD_ERROR_TIMEOUT / CARD_ERROR_CANCELLED. */
gboolean card_reader_wait (CardReader *reader, gboolean present, guint timeout_ms,
                           GCancellable *cancellable, GError **error);

/* ---- sessions ------------------------------------------------------------ */

typedef enum
{
  CARD_APPLET_CA = 1,
  CARD_APPLET_EP11 = 2,
} CardApplet;

/* Connects (shared) to the card in @reader and selects @applet. */
CardSession *card_session_open (CardReader *reader, CardApplet applet, GError **error);
void card_session_close (CardSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardSession, card_session_close)
CardReader *card_session_get_reader (CardSession *session);

G_END_DECLS

/* Key files (libcard/keyfile/) are part of this library and of this header; the
 * check lets the header compile while that part is not in the tree yet. */
#if __has_include("keyfile/card-keyfile.h")
#include "keyfile/card-keyfile.h"
#endif
