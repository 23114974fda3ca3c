/* card-backend.h: the reader abstraction of libcard (internal).
 *
 * A backend reaches readers and cards: the in-process virtual backend
 * (card-backend-virtual.c, over the card deck of applets/) and the PC/SC backend
 * (pcsc/).  Everything above it (APDU engine, sessions, card operations) is shared,
 * so a backend only moves raw bytes:
 *
 *   - transmit() sends ONE command APDU as given and returns the card's answer as
 *     is (data + SW1 SW2).  It never does GET RESPONSE, 6Cxx re-sends or chaining:
 *     the APDU engine (card-apdu.c) does that once for both backends.
 *   - every function that fails sets a CARD_ERROR GError; the PC/SC backend maps
 *     its return codes to CardError in exactly one function of its own.
 *   - the backend never logs APDU data; tracing is done by the engine.
 *
 * Errors a backend reports (CARD_ERROR domain):
 *   NO_SERVICE, NO_READERS, READER_NOT_FOUND, NO_CARD, CARD_REMOVED (card gone),
 *   CARD_RESET (the card was reset since the last call: call reconnect()),
 *   SHARING_VIOLATION, TIMEOUT, CANCELLED, TRANSPORT (anything else).
 *
 * Threads: a backend and its connections are used from one thread at a time.
 */
#pragma once

#include "opentke-card.h"

G_BEGIN_DECLS

typedef struct _CardBackend CardBackend;
typedef struct _CardBackendConn CardBackendConn; /* a backend's connection to a card */

typedef struct
{
  char *name;
  gboolean has_pin_pad; /* the reader announces VERIFY_PIN_DIRECT and MODIFY_PIN_DIRECT */
  gboolean card_present;
} CardBackendReader;

CardBackendReader *card_backend_reader_new (const char *name, gboolean has_pin_pad,
                                            gboolean card_present);
void card_backend_reader_free (CardBackendReader *reader);

/* PIN-pad properties (FEATURE_IFD_PIN_PROPERTIES / FEATURE_GET_TLV_PROPERTIES). */
typedef struct
{
  guint8 min_pin;        /* bMinPINSize, 0 when unknown */
  guint8 max_pin;        /* bMaxPINSize, 0 when unknown */
  guint32 max_apdu_data; /* dwMaxAPDUDataSize, 0 when unknown (short APDUs only) */
} CardPinPadCaps;

typedef enum
{
  CARD_PIN_OP_VERIFY, /* enter one PIN (FEATURE_VERIFY_PIN_DIRECT) */
  CARD_PIN_OP_MODIFY, /* enter a new PIN twice, no old PIN (MODIFY, bConfirmPIN = 1) */
  CARD_PIN_OP_CHANGE, /* old PIN, then the new PIN twice (MODIFY, bConfirmPIN = 3) */
} CardPinOp;

/* One PIN-pad entry.  The command APDU is a complete command APDU (short or
 * extended) whose data field holds placeholder PIN blocks at the offsets; the reader
 * writes the PINs typed into them and sends it.  PIN block format (as the virtual deck,
 * applets/include/opentke-vdeck.h): ISO 9564-1 format 2, 8 bytes, 0x2L then the digits
 * in BCD padded with 0xF (part 10: bmFormatString 0x89, bmPINBlockString 0x47,
 * bmPINLengthFormat 0x04, wPINMaxExtraDigit min<<8|max, bEntryValidationCondition 0x02).
 * Offsets count from the first byte of the command data (part-10 bInsertionOffset). */
typedef struct
{
  CardPinOp op;
  const guint8 *apdu; /* template */
  gsize apdu_len;
  guint16 offset_old; /* CHANGE only: the old PIN block */
  guint16 offset_new; /* VERIFY: the PIN block; MODIFY/CHANGE: the new PIN block */
  guint8 block_len;   /* 8 */
  guint8 min_len;     /* digits */
  guint8 max_len;     /* digits */
  guint8 timeout_s;   /* bTimerOut */
} CardPinEntry;

typedef struct
{
  const char *name;
  void (*free) (CardBackend *backend);

  /* Readers in any order; a GPtrArray of CardBackendReader* with
   * card_backend_reader_free as free function.  An empty array is not an error. */
  GPtrArray *(*list_readers) (CardBackend *backend, GError **error);

  /* Waits until a card is present in @reader (@present TRUE) or absent.
   * @timeout_ms 0 = no limit; TIMEOUT / CANCELLED / READER_NOT_FOUND. */
  gboolean (*wait_card) (CardBackend *backend, const char *reader, gboolean present,
                         guint timeout_ms, GCancellable *cancellable, GError **error);

  /* Shared connection to the card in @reader (T=1 or T=0). */
  CardBackendConn *(*connect) (CardBackend *backend, const char *reader, GError **error);
  /* Leaves the card as is (no reset).  NULL is ignored. */
  void (*disconnect) (CardBackend *backend, CardBackendConn *conn);
  /* Reconnects after CARD_RESET (@reset FALSE), or resets the card itself
   * (@reset TRUE: PIN states on the card are lost). */
  gboolean (*reconnect) (CardBackend *backend, CardBackendConn *conn, gboolean reset,
                         GError **error);

  /* Exclusive use of the card for a sequence of APDUs. */
  gboolean (*begin_transaction) (CardBackend *backend, CardBackendConn *conn, GError **error);
  void (*end_transaction) (CardBackend *backend, CardBackendConn *conn);

  /* One raw APDU.  @resp has room for @resp_size bytes (at least 65538);
   * *@resp_len gets the length of the answer including SW1 SW2 (>= 2). */
  gboolean (*transmit) (CardBackend *backend, CardBackendConn *conn, const guint8 *apdu,
                        gsize apdu_len, guint8 *resp, gsize resp_size, gsize *resp_len,
                        GError **error);

  /* Bytes that change when another card (or the same card again) is inserted:
   * PC/SC the ATR and the reader's event counter; virtual the card name and the
   * insertion count.  The session compares it with the card ID as well. */
  GBytes *(*get_identity) (CardBackend *backend, CardBackendConn *conn, GError **error);

  /* PIN pad of the reader of @conn.  FALSE with NO_PIN_PAD if it has none. */
  gboolean (*get_pin_pad_caps) (CardBackend *backend, CardBackendConn *conn, CardPinPadCaps *caps,
                                GError **error);

  /* One PIN-pad entry.  TRUE when the entry ran: *@sw is the card's status word for
   * the completed command, or the reader's outcome 6400 (timeout), 6401
   * (cancelled), 6402 (new PINs differ), 6403 (PIN length wrong), 6B80 (invalid
   * parameter).  FALSE only for transport errors. */
  gboolean (*pin_pad_entry) (CardBackend *backend, CardBackendConn *conn, const CardPinEntry *entry,
                             guint16 *sw, GError **error);
} CardBackendClass;

struct _CardBackend
{
  const CardBackendClass *klass;
};

/* Constructors (each backend's own file). */
CardBackend *card_backend_virtual_new (const char *deck_dir, GError **error);
CardBackend *card_backend_pcsc_new (GError **error);

G_END_DECLS
