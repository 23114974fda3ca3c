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
  guint pin_timeout_s;
};

struct _CardReader
{
  CardContext *ctx;
  char *name;
  gboolean has_pin_pad;
  gboolean card_present;
  gboolean attached; /* in the backend's last list */
  CardReaderRole role;
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

G_END_DECLS
