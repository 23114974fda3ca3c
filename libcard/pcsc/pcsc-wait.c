/* pcsc-wait.c: wait for a card to be inserted into or removed from a reader.
 *
 * SCardGetStatusChange blocks in pcscd until a state differs from the one we
 * pass, so each call passes back the state it returned (passing UNAWARE every
 * time would return at once: a busy loop).  The special reader
 * \\?PnP?\Notification wakes us when readers come and go, so that a reader
 * unplugged during the wait and plugged in again is followed.  A
 * GCancellable cancels through SCardCancel on a context of this wait only.
 */
#include "pcsc-private.h"

#include <PCSC/pcsclite.h>
#include <string.h>

/* SCardCancel sent just before SCardGetStatusChange starts is lost; waiting
 * in slices of this length bounds how late such a cancel is noticed. */
#define WAIT_SLICE_MS 1000

typedef struct
{
  SCARDCONTEXT context;
} WaitCancel;

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  WaitCancel *wc = data;

  SCardCancel (wc->context);
}

static gboolean
reader_is_listed (SCARDCONTEXT context, const char *reader)
{
  g_autofree char *names = NULL;

  if (card_pcsc_reader_names (context, &names) != SCARD_S_SUCCESS)
    return FALSE;
  for (const char *p = names; *p != '\0'; p += strlen (p) + 1)
    if (strcmp (p, reader) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
state_matches (DWORD event_state, gboolean present)
{
  if (event_state & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE))
    return FALSE;
  return ((event_state & SCARD_STATE_PRESENT) != 0) == present;
}

gboolean
card_pcsc_wait_card (CardBackend *backend, const char *reader, gboolean present, guint timeout_ms,
                     GCancellable *cancellable, GError **error)
{
  SCARD_READERSTATE states[2] = {
    { .szReader = reader, .dwCurrentState = SCARD_STATE_UNAWARE },
    { .szReader = PCSC_PNP_READER, .dwCurrentState = SCARD_STATE_UNAWARE },
  };
  WaitCancel wc = { 0 };
  gint64 deadline = timeout_ms ? g_get_monotonic_time () + (gint64)timeout_ms * 1000 : 0;
  gboolean reader_gone = FALSE, ok = FALSE;
  gulong handler = 0;
  LONG rv;

  rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &wc.context);
  if (rv != SCARD_S_SUCCESS)
    {
      card_pcsc_set_error (error, rv, reader);
      return FALSE;
    }
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), &wc, NULL);
  /* The current state first, without waiting. */
  rv = SCardGetStatusChange (wc.context, 0, states, 2);
  if (rv == SCARD_E_UNKNOWN_READER
      || (rv == SCARD_S_SUCCESS && (states[0].dwEventState & SCARD_STATE_UNKNOWN)))
    {
      card_pcsc_set_error (error, SCARD_E_UNKNOWN_READER, reader);
      goto out;
    }
  for (;;)
    {
      DWORD slice = WAIT_SLICE_MS;

      if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
        {
          card_pcsc_set_error (error, rv, reader);
          goto out;
        }
      if (rv == SCARD_S_SUCCESS && !reader_gone && state_matches (states[0].dwEventState, present))
        {
          ok = TRUE;
          goto out;
        }
      if (g_cancellable_is_cancelled (cancellable))
        {
          card_pcsc_set_error (error, SCARD_E_CANCELLED, reader);
          goto out;
        }
      if (deadline)
        {
          gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;

          if (left_ms <= 0)
            {
              card_pcsc_set_error (error, SCARD_E_TIMEOUT, reader);
              goto out;
            }
          slice = (DWORD)MIN (left_ms, (gint64)WAIT_SLICE_MS);
        }
      if (rv == SCARD_S_SUCCESS)
        for (int i = 0; i < 2; i++)
          states[i].dwCurrentState = states[i].dwEventState & ~SCARD_STATE_CHANGED;
      if (states[0].dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE))
        reader_gone = TRUE;
      if (reader_gone)
        {
          /* Unplugged: wait for readers to change, then look for it again. */
          rv = SCardGetStatusChange (wc.context, slice, &states[1], 1);
          if (rv == SCARD_S_SUCCESS && reader_is_listed (wc.context, reader))
            {
              reader_gone = FALSE;
              states[0].dwCurrentState = SCARD_STATE_UNAWARE;
              rv = SCardGetStatusChange (wc.context, 0, states, 1);
            }
          continue;
        }
      rv = SCardGetStatusChange (wc.context, slice, states, 2);
    }
out:
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  SCardReleaseContext (wc.context);
  return ok;
}
