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
 * a PIN.  Operations that need the PIN do not ask for it themselves: call
 * card_ep11_verify_pin() / card_ca_verify_pins() first (after telling the user to
 * type on the PIN pad); the card stays unlocked until it is removed or reset, or an
 * applet is selected on it again (card_session_open() selects: keep the session open).
 * card_reader_is_unlocked() tells the status area whether a reader's card is unlocked.
 *
 * Threads: a context, its readers and sessions are used from one thread at a
 * time (card I/O blocks: never on the GTK main thread).  Every function that fails sets a GError in
 * the CARD_ERROR domain whose message is written for the security officer at the workstation.
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

/* The reader of @role is the one whose name contains @substring (the user's saved
 * choice); NULL or "" goes back to the default order.  OPENTKE_READER1/2, when set,
 * still win. */
void card_context_set_reader_match (CardContext *ctx, CardReaderRole role, const char *substring);

/* Called around each entry on a reader's PIN pad (not host entry), on the thread of
 * the card call: @begin TRUE before the reader waits for the user, FALSE once the
 * entry is over (done, cancelled or failed).  @what says what is typed: "PIN",
 * "new PIN twice", "current PIN, then new PIN twice", with the number on a CA card
 * ("PIN 1", "new PIN 2 twice").  @timeout_s: the PIN pad's timeout for it. */
typedef void (*CardPinPromptFunc) (CardReaderRole role, const char *what, guint timeout_s,
                                   gboolean begin, gpointer user_data);
void card_context_set_pin_prompt_func (CardContext *ctx, CardPinPromptFunc func,
                                       gpointer user_data);

/* PIN-pad timeout in seconds for each PIN entry (default 60, clamped to 30..90). */
void card_context_set_pin_timeout (CardContext *ctx, guint seconds);

/* Readers in name order, as CardReader* owned by the context (the array is the
 * caller's; free it with g_ptr_array_unref).  Refreshes the list. */
GPtrArray *card_context_list_readers (CardContext *ctx, GError **error);

/* The reader of @role: OPENTKE_READER1 / OPENTKE_READER2 (a substring of the
 * reader name) if set, else the match of card_context_set_reader_match() if
 * set, else the first two readers in name order, PIN-pad readers first.
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

typedef enum
{
  CARD_TYPE_BLANK = 0,
  CARD_TYPE_CA = 1,
  CARD_TYPE_EP11 = 2,
} CardType;

/* Card states (docs/card-protocol.md §2). */
typedef enum
{
  CARD_STATE_BLANK = 0,
  CARD_STATE_INITIALIZED = 1,  /* CA: zone key made, no PIN; EP11: device key made */
  CARD_STATE_ENROLLED = 2,     /* EP11: certified by its zone's CA card, no PIN yet */
  CARD_STATE_CA_PIN1_SET = 2,  /* CA: PIN 1 set, PIN 2 missing */
  CARD_STATE_PERSONALIZED = 3, /* PINs set: ready for use */
  CARD_STATE_CA_BACKUP_TARGET = 4,
} CardState;

/* Type and state the card answered to SELECT (updated by every operation that
 * changes them). */
CardType card_session_get_card_type (CardSession *session);
CardState card_session_get_card_state (CardSession *session);

/* Whether the PIN (CA card: both PINs) was verified since the card was inserted, reset
 * or last selected.  FALSE without error when not.  @tries_left (nullable) gets the tries
 * left. */
gboolean card_session_is_unlocked (CardSession *session, int *tries_left, GError **error);

/* Resets the card (as pulling it out and back would): its PIN states are lost, the
 * session goes on with its applet selected again.  Locks a card on purpose. */
gboolean card_session_reset (CardSession *session, GError **error);

/* Whether the card in @reader is unlocked by this program: its PIN (CA card: both PINs)
 * was verified through a session of this context that is still open, and the card itself
 * says so now.  Not unlocked once that session is closed, the card is removed, swapped or
 * reset, a wrong PIN is entered, or any session selects an applet on it (the card forgets
 * its PIN states then).  Asks the card through that session, so it never locks the card
 * as opening a session to look would.  @type and @state (nullable) get the card's type and
 * state as that session knows them.  Context thread only, like every card call, and not
 * from a CardPinPromptFunc (the entry's transaction is still open then).  Only sessions
 * of this context count: another context (another program) has its own. */
gboolean card_reader_is_unlocked (CardReader *reader, CardType *type, CardState *state);

/* ---- card contents --------------------------------------------------------- */

enum
{
  CARD_ID_SIZE = 32,     /* card ID, zone ID, SKI, VP */
  CARD_POINT_SIZE = 133, /* P-521 public point 04 || X || Y */
  CARD_SIGNATURE_SIZE = 132,
  CARD_DIGEST_SIZE = 64, /* SHA-512 */
  CARD_CERT_SIZE = 331,  /* docs/interfaces.md */
  CARD_KEY_PART_SIZE = 32,
  CARD_KEY_PART_BLOB_SIZE = 226,
  CARD_PRIVATE_KEY_SIZE = 66,
  CARD_MAX_KEY_PARTS = 85,
  CARD_MAX_ADMIN_NAME = 30,
  CARD_MAX_DESCRIPTION = 32,
  CARD_MAX_ROOTS = 4,
};

typedef struct
{
  guint index; /* 1..85 */
  char *description;
  guint8 vp[CARD_ID_SIZE];
} CardKeyPartInfo;

typedef struct
{
  CardState state;
  int tries_left;
  guint8 card_id[CARD_ID_SIZE];
  guint8 zone_id[CARD_ID_SIZE];   /* zeros before enrolment */
  char *description;              /* "" before personalization */
  char *admin_name;               /* NULL: no signature key */
  guint8 admin_ski[CARD_ID_SIZE]; /* only with admin_name */
  GPtrArray *key_parts;           /* CardKeyPartInfo*, by index */
} CardEp11Info;
void card_ep11_info_free (CardEp11Info *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardEp11Info, card_ep11_info_free)

typedef struct
{
  CardState state;
  int tries_left;
  guint8 card_id[CARD_ID_SIZE];
  guint8 zone_id[CARD_ID_SIZE];
  char *zone_description;
  char *card_description;
  guint n_roots;
  guint8 root_skis[CARD_MAX_ROOTS][CARD_ID_SIZE]; /* trusted crypto-unit roots */
} CardCaInfo;
void card_ca_info_free (CardCaInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardCaInfo, card_ca_info_free)

/* ---- CA card operations (session opened with CARD_APPLET_CA) ----------------
 * "both PINs": call card_ca_verify_pins() first. */

/* Blank card -> CA card: the zone key is generated on the card.  @roots: 0..4
 * crypto-unit root certificates (type 1, 331 bytes each) the zone trusts. */
gboolean card_ca_initialize (CardSession *ca, const char *zone_description,
                             const char *card_description, const guint8 *roots, gsize roots_len,
                             GError **error);
/* Sets PIN 1 then PIN 2 (each entered twice on the PIN pad); continues where a
 * previous attempt stopped. */
gboolean card_ca_personalize (CardSession *ca, GError **error);
/* Enters PIN 1 and PIN 2 on the PIN pad (those not verified yet). */
gboolean card_ca_verify_pins (CardSession *ca, GError **error);
gboolean card_ca_get_info (CardSession *ca, CardCaInfo **info, GError **error);
/* Both PINs.  @root: a self-signed crypto-unit root certificate (331 bytes). */
gboolean card_ca_add_trusted_root (CardSession *ca, const guint8 *root, GError **error);
/* Both PINs on @ca; @target: a blank card, opened with CARD_APPLET_CA, that
 * becomes a CA card of the same zone (same PINs and descriptions). */
gboolean card_ca_backup (CardSession *ca, CardSession *target, GError **error);
/* Both PINs on @ca; @ep11: a blank card opened with CARD_APPLET_EP11.  Makes the
 * device key on the EP11 card and certifies it: the card joins the CA's zone. */
gboolean card_ca_enrol_ep11 (CardSession *ca, CardSession *ep11, GError **error);

/* ---- EP11 card operations (session opened with CARD_APPLET_EP11) -------------
 * "PIN": call card_ep11_verify_pin() first. */

/* Enrolled card: PIN entered twice on the PIN pad, and the card description. */
gboolean card_ep11_personalize (CardSession *ep11, const char *description, GError **error);
gboolean card_ep11_verify_pin (CardSession *ep11, GError **error);
/* Old PIN, then the new PIN twice, on the PIN pad. */
gboolean card_ep11_change_pin (CardSession *ep11, GError **error);
/* Both PINs on @ca (the CA card of the EP11 card's zone); the new PIN is entered
 * twice on the PIN pad of @ep11's reader. */
gboolean card_ep11_unblock (CardSession *ep11, CardSession *ca, GError **error);
/* Public contents, key parts included. */
gboolean card_ep11_get_info (CardSession *ep11, CardEp11Info **info, GError **error);
/* PIN.  P-521 key made on the card; @public_key (nullable) gets the 133-byte point. */
gboolean card_ep11_generate_signature_key (CardSession *ep11, const char *admin_name,
                                           guint8 *public_key, GError **error);
/* The admin name and public key (133 bytes) of the card's signature key. */
gboolean card_ep11_read_signature_key (CardSession *ep11, char **admin_name, guint8 *public_key,
                                       GError **error);
/* PIN; the card must be in reader 1.  Signs a SHA-512 digest; @signature gets
 * r || s (132 bytes). */
gboolean card_ep11_sign (CardSession *ep11, const guint8 *digest, guint8 *signature,
                         GError **error);
/* PIN.  A random 32-byte key part at the lowest free index. */
gboolean card_ep11_generate_key_part (CardSession *ep11, const char *description, guint *index,
                                      guint8 *vp, GError **error);
gboolean card_ep11_delete_key_part (CardSession *ep11, guint index, GError **error);
/* PIN.  Key part @index encrypted to a crypto unit's importer key; @chain is the
 * importer certificate (type 3) then the unit device certificate (type 2), 662
 * bytes.  @blob gets the 226-byte blob of docs/interfaces.md. */
gboolean card_ep11_export_key_part (CardSession *ep11, guint index, const guint8 *chain,
                                    gsize chain_len, guint8 *blob, GError **error);
/* PIN on both cards.  Copies signature key and key parts of @source to @target,
 * an empty personalized EP11 card of the same zone. */
gboolean card_ep11_copy (CardSession *source, CardSession *target, GError **error);
/* PIN.  Signature key or key part from a key file, sealed on the host to the
 * card's device key (checked against the card's zone certificate first). */
gboolean card_ep11_import_signature_key (CardSession *ep11, const char *admin_name,
                                         const guint8 *private_key, guint8 *public_key,
                                         GError **error);
gboolean card_ep11_import_key_part (CardSession *ep11, const char *description,
                                    const guint8 *key_part, guint *index, guint8 *vp,
                                    GError **error);
/* No PIN needed (a blocked card can be reused): erases everything, card is blank. */
gboolean card_ep11_zeroize (CardSession *ep11, GError **error);

G_END_DECLS

/* Key files (libcard/keyfile/) are part of this library and of this header; the
 * check lets the header compile while that part is not in the tree yet. */
#if __has_include("keyfile/card-keyfile.h")
#include "keyfile/card-keyfile.h"
#endif
#include "usb/card-usb.h"
