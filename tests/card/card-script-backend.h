/* card-script-backend.h: a backend whose card answers from a script (test and fuzz
 * code): responses in order, commands recorded, a reset or a swap injected.  It
 * reaches libcard's internal backend interface (card-backend.h). */
#pragma once

#include "card-private.h"

typedef struct _ScriptBackend ScriptBackend;

/* A context with one PIN-pad reader, "Script reader", holding the scripted card. */
CardContext *script_context_new (ScriptBackend **backend);
/* Appends a response (data and SW) for the next transmit or PIN-pad entry. */
void script_add_response (ScriptBackend *backend, const guint8 *bytes, gsize len);
/* Responses from a byte string: each is a 2-byte big-endian length, then that many
 * bytes (the fuzz target's input format). */
void script_add_responses (ScriptBackend *backend, const guint8 *data, gsize len);
/* The next begin_transaction() fails with CARD_ERROR_CARD_RESET (a reset by another
 * program); reconnect() then sees card @identity_after. */
void script_reset_next_begin (ScriptBackend *backend, const char *identity_after);
/* The command APDUs sent so far (GBytes), PIN-pad templates included. */
GPtrArray *script_get_commands (ScriptBackend *backend);
guint script_get_reconnects (ScriptBackend *backend);
