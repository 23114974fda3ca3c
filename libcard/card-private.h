/* card-private.h: declarations shared by the files of libcard (not public). */
#pragma once

#include "card-backend.h"
#include "opentke-card.h"
#include "opentke-common.h"

G_BEGIN_DECLS

struct _CardContext
{
  CardBackend *backend;
  GPtrArray *readers; /* CardReader*, every reader seen so far, owned */
  CardTraceFunc trace_func;
  gpointer trace_data;
  CardHostPinFunc host_pin_func;
  gpointer host_pin_data;
  CardPinPromptFunc pin_prompt_func;
  gpointer pin_prompt_data;
  guint pin_timeout_s;
  char *reader_match[3]; /* [1], [2]: name substrings set by the app, or NULL */
};

struct _CardReader
{
  CardContext *ctx;
  char *name;
  gboolean has_pin_pad;
  gboolean card_present;
  gboolean attached; /* in the backend's last list */
  CardReaderRole role;
  /* The open session through which a PIN of the card in this reader was last verified,
   * or NULL: card_reader_is_unlocked() asks the card through it.  Cleared when it is
   * closed, when any session selects an applet on this reader (which locks the card
   * again) and when the card is reset or a PIN entry fails. */
  CardSession *unlocked_by;
};

enum
{
  CARD_ID_LEN = 32, /* card ID and zone ID: docs/card-protocol.md */
};

struct _CardSession
{
  CardContext *ctx;
  CardReader *reader;
  CardBackendConn *conn;
  CardApplet applet;
  GBytes *identity; /* backend identity at open */
  gboolean in_transaction;
  CardType card_type; /* from SELECT, kept up to date by the operations */
  CardState card_state;
};

/* One command APDU as the card operations see it; the engine encodes it (short,
 * extended or chained). */
typedef struct
{
  guint8 cla, ins, p1, p2;
  const guint8 *data;
  gsize data_len;
  gboolean want_data; /* the command returns data (Le = maximum) */
  gboolean secret;    /* the data is withheld from debug logs */
} CardApdu;

/* A response: data without SW, wiped when cleared. */
typedef struct
{
  guint8 *data;
  gsize len;
  guint16 sw;
} CardResponse;

void card_response_clear (CardResponse *resp);

/* card-error.c: sets the tries left carried by a CARD_ERROR_WRONG_PIN error. */
void card_error_set_retries (GError *error, int retries);

/* What a command was, for the status words whose meaning to the user depends on it. */
typedef enum
{
  CARD_OP_OTHER,
  CARD_OP_VERIFY,          /* 6985: not personalized */
  CARD_OP_INITIALIZE,      /* 6985: not blank */
  CARD_OP_ZONE,            /* 6300: another zone (copy, unblock, enrol) */
  CARD_OP_EXPORT_KEY_PART, /* 6300: untrusted importer */
  CARD_OP_IMPORT_CARD,     /* 6985: target not empty */
  CARD_OP_SIGN,            /* 6A88: no signature key */
  CARD_OP_READ_SIGNATURE_KEY,
} CardOp;

/* card-status.c: the one place where status words become errors.  Returns TRUE
 * for 9000, else sets @error and returns FALSE. */
gboolean card_status_check (CardApplet applet, CardOp op, guint16 sw, GError **error);

/* card-apdu.c: sends @apdu over @session (chaining or extended length, GET RESPONSE,
 * 6Cxx) and collects the whole response.  Only transport and protocol errors are
 * reported here; the SW is in @resp. */
gboolean card_apdu_exchange (CardSession *session, const CardApdu *apdu, CardResponse *resp,
                             GError **error);
/* One raw APDU through the backend with tracing; *rsp_len includes the SW. */
gboolean card_apdu_transmit_raw (CardSession *session, const guint8 *cmd, gsize cmd_len,
                                 gboolean secret, guint8 *rsp, gsize rsp_size, gsize *rsp_len,
                                 GError **error);
void card_apdu_trace (CardContext *ctx, gboolean is_command, const guint8 *bytes, gsize len,
                      gboolean secret);

/* card-session.c */
/* card_apdu_exchange() and card_status_check(): the usual way to send a command. */
gboolean card_session_command (CardSession *session, CardOp op, const CardApdu *apdu,
                               CardResponse *resp, GError **error);
gboolean card_session_begin (CardSession *session, GError **error);
void card_session_end (CardSession *session);
/* PIN entry on the reader's PIN pad (or host entry when allowed) of @entry; the
 * resulting SW goes through card_status_check(). */
gboolean card_session_enter_pin (CardSession *session, CardOp op, CardPinOp pin_op,
                                 const guint8 *apdu, gsize apdu_len, guint16 offset_old,
                                 guint16 offset_new, GError **error);

/* card-context.c */
void card_context_refresh_readers (CardContext *ctx, GError **error);
/* A context over any backend (takes it); the fuzz target passes its own. */
CardContext *card_context_new_for_backend (CardBackend *backend);

G_END_DECLS

G_BEGIN_DECLS

/* card-parse.c: reading card responses, every length checked. */
typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
} CardParser;

/* The next @n bytes, or NULL when fewer are left. */
const guint8 *card_parser_take (CardParser *parser, gsize n);
gboolean card_parser_byte (CardParser *parser, guint8 *out);
/* A length byte and that many bytes of at most @max, as a valid UTF-8 string
 * (invalid sequences replaced); NULL when malformed. */
char *card_parser_str (CardParser *parser, gsize max);
/* Sets a PROTOCOL error naming @what unless the whole response was read. */
gboolean card_parser_finish (CardParser *parser, gboolean ok, const char *what, GError **error);

/* Appends a length byte and @s (1..255 bytes) to a command. */
gboolean card_append_str (GByteArray *out, const char *s, GError **error);

/* Response parsers (also the fuzz target's entry points). */
gboolean card_ep11_info_parse (const guint8 *data, gsize len, CardEp11Info **info, guint8 *bitmap,
                               GError **error);
gboolean card_key_part_info_parse (const guint8 *data, gsize len, CardKeyPartInfo **part,
                                   GError **error);
gboolean card_ca_info_parse (const guint8 *data, gsize len, CardCaInfo **info, GError **error);
void card_key_part_info_free (CardKeyPartInfo *part);

/* card-crypto.c: the host side of docs/card-protocol.md §6.3 and certificate checks. */
void card_crypto_ski (const guint8 *point, guint8 *ski);
/* The certificate's signature verifies under @issuer_point, and its issuer SKI
 * names that key (the caller checks the certificate type). */
gboolean card_crypto_cert_verify (const guint8 *cert, const guint8 *issuer_point, GError **error);

enum
{
  CARD_CERT_TYPE_ZONE = 4,
  CARD_CERT_TYPE_EP11_DEVICE = 5,
};
/* sealed(@plain) for @recipient_point / @subject_id under @label: 194 + @plain_len
 * bytes into @out. */
gboolean card_crypto_seal (const char *label, const guint8 *recipient_point,
                           const guint8 *subject_id, const guint8 *plain, gsize plain_len,
                           guint8 *out, GError **error);

enum
{
  CARD_CERT_TYPE_OFF = 1,
  CARD_CERT_SUBJECT_OFF = 2,
  CARD_CERT_POINT_OFF = 34,
  CARD_CERT_ISSUER_OFF = 167,
  CARD_CERT_SIG_OFF = 199,
  CARD_SEAL_OVERHEAD = 194,
};

/* card-session.c: one command in its own transaction. */
gboolean card_session_transact (CardSession *session, CardOp op, const CardApdu *apdu,
                                CardResponse *resp, GError **error);
/* A PIN command: data = @before || PIN block(s) || @after, the blocks filled on the
 * PIN pad (CHANGE: old then new). */
gboolean card_session_pin_command (CardSession *session, CardOp op, CardPinOp pin_op, guint8 cla,
                                   guint8 ins, guint8 p1, guint8 p2, const guint8 *before,
                                   gsize before_len, const guint8 *after, gsize after_len,
                                   GError **error);
/* VERIFY without data for PIN @ref: TRUE when verified; *tries_left set. */
gboolean card_session_pin_status (CardSession *session, guint8 ref, gboolean *verified,
                                  int *tries_left, GError **error);
void card_session_set_state (CardSession *session, CardType type, CardState state);
/* A proprietary command (CLA 80) of @applet in its own transaction; the response
 * data must be @want bytes (0: none, G_MAXSIZE: any length). */
gboolean card_session_app_command (CardSession *session, CardApplet applet, CardOp op, guint8 ins,
                                   guint8 p1, const guint8 *data, gsize len, gsize want,
                                   CardResponse *resp, GError **error);

/* Halves of the two-card sequences (card-ca.c / card-ep11.c). */
gboolean card_ep11_initialize (CardSession *ep11, CardResponse *id_point, GError **error);
gboolean card_ep11_enrol (CardSession *ep11, const guint8 *certs, gsize len, GError **error);
gboolean card_ca_authorize_unblock (CardSession *ca, const guint8 *request, gsize len,
                                    CardResponse *sig, GError **error);

G_END_DECLS
