/* card-script-backend.c: see card-script-backend.h. */
#include "card-script-backend.h"

#include <string.h>

struct _ScriptBackend
{
  CardBackend parent;
  GQueue responses; /* GBytes */
  GPtrArray *commands;
  char *identity;
  char *identity_after_reset;
  gboolean reset_pending;
  guint reconnects;
};

struct _CardBackendConn
{
  ScriptBackend *owner;
};

static void
script_free (CardBackend *backend)
{
  ScriptBackend *self = (ScriptBackend *)backend;

  g_queue_clear_full (&self->responses, (GDestroyNotify)g_bytes_unref);
  g_ptr_array_unref (self->commands);
  g_free (self->identity);
  g_free (self->identity_after_reset);
  g_free (self);
}

static GPtrArray *
script_list_readers (CardBackend *backend, GError **error)
{
  GPtrArray *readers = g_ptr_array_new_with_free_func ((GDestroyNotify)card_backend_reader_free);

  g_ptr_array_add (readers, card_backend_reader_new ("Script reader", TRUE, TRUE));
  return readers;
}

static gboolean
script_wait_card (CardBackend *backend, const char *reader, gboolean present, guint timeout_ms,
                  GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static CardBackendConn *
script_connect (CardBackend *backend, const char *reader, GError **error)
{
  CardBackendConn *conn = g_new0 (CardBackendConn, 1);

  conn->owner = (ScriptBackend *)backend;
  return conn;
}

static void
script_disconnect (CardBackend *backend, CardBackendConn *conn)
{
  g_free (conn);
}

static gboolean
script_reconnect (CardBackend *backend, CardBackendConn *conn, gboolean reset, GError **error)
{
  ScriptBackend *self = (ScriptBackend *)backend;

  self->reconnects++;
  if (self->identity_after_reset != NULL)
    {
      g_free (self->identity);
      self->identity = g_steal_pointer (&self->identity_after_reset);
    }
  return TRUE;
}

static gboolean
script_begin (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  ScriptBackend *self = (ScriptBackend *)backend;

  if (!self->reset_pending)
    return TRUE;
  self->reset_pending = FALSE;
  g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_RESET, "reset by another program");
  return FALSE;
}

static void
script_end (CardBackend *backend, CardBackendConn *conn)
{
}

/* The next scripted response; an exhausted script is a removed card. */
static gboolean
next_response (ScriptBackend *self, guint8 *resp, gsize resp_size, gsize *resp_len, GError **error)
{
  GBytes *next = g_queue_pop_head (&self->responses);
  gsize n = 0;
  const guint8 *data;

  if (next == NULL)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_CARD_REMOVED, "the script has ended");
      return FALSE;
    }
  data = g_bytes_get_data (next, &n);
  n = MIN (n, resp_size);
  if (n > 0)
    memcpy (resp, data, n);
  *resp_len = n;
  g_bytes_unref (next);
  return TRUE;
}

static gboolean
script_transmit (CardBackend *backend, CardBackendConn *conn, const guint8 *apdu, gsize apdu_len,
                 guint8 *resp, gsize resp_size, gsize *resp_len, GError **error)
{
  ScriptBackend *self = (ScriptBackend *)backend;

  g_ptr_array_add (self->commands, g_bytes_new (apdu, apdu_len));
  return next_response (self, resp, resp_size, resp_len, error);
}

static GBytes *
script_identity (CardBackend *backend, CardBackendConn *conn, GError **error)
{
  ScriptBackend *self = (ScriptBackend *)backend;

  return g_bytes_new (self->identity, strlen (self->identity));
}

static gboolean
script_caps (CardBackend *backend, CardBackendConn *conn, CardPinPadCaps *caps, GError **error)
{
  memset (caps, 0, sizeof *caps);
  return TRUE;
}

static gboolean
script_pin_pad_entry (CardBackend *backend, CardBackendConn *conn, const CardPinEntry *entry,
                      guint16 *sw, GError **error)
{
  ScriptBackend *self = (ScriptBackend *)backend;
  guint8 resp[258];
  gsize len = 0;

  g_ptr_array_add (self->commands, g_bytes_new (entry->apdu, entry->apdu_len));
  if (!next_response (self, resp, sizeof resp, &len, error))
    return FALSE;
  *sw = len >= 2 ? (guint16)(resp[len - 2] << 8 | resp[len - 1]) : 0x6F00;
  return TRUE;
}

static const CardBackendClass script_class = {
  .name = "script",
  .free = script_free,
  .list_readers = script_list_readers,
  .wait_card = script_wait_card,
  .connect = script_connect,
  .disconnect = script_disconnect,
  .reconnect = script_reconnect,
  .begin_transaction = script_begin,
  .end_transaction = script_end,
  .transmit = script_transmit,
  .get_identity = script_identity,
  .get_pin_pad_caps = script_caps,
  .pin_pad_entry = script_pin_pad_entry,
};

CardContext *
script_context_new (ScriptBackend **backend)
{
  ScriptBackend *self = g_new0 (ScriptBackend, 1);

  self->parent.klass = &script_class;
  g_queue_init (&self->responses);
  self->commands = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  self->identity = g_strdup ("card A");
  *backend = self;
  return card_context_new_for_backend (&self->parent);
}

void
script_add_response (ScriptBackend *backend, const guint8 *bytes, gsize len)
{
  g_queue_push_tail (&backend->responses, g_bytes_new (bytes, len));
}

void
script_add_responses (ScriptBackend *backend, const guint8 *data, gsize len)
{
  gsize pos = 0;

  while (len - pos >= 2)
    {
      gsize n = (gsize)data[pos] << 8 | data[pos + 1];

      pos += 2;
      n = MIN (n, len - pos);
      script_add_response (backend, data + pos, n);
      pos += n;
    }
}

void
script_reset_next_begin (ScriptBackend *backend, const char *identity_after)
{
  backend->reset_pending = TRUE;
  g_free (backend->identity_after_reset);
  backend->identity_after_reset = g_strdup (identity_after);
}

GPtrArray *
script_get_commands (ScriptBackend *backend)
{
  return backend->commands;
}

guint
script_get_reconnects (ScriptBackend *backend)
{
  return backend->reconnects;
}
