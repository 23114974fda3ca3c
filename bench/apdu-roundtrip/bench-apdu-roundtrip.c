/* bench-apdu-roundtrip: APDUs per second for one trivial command (SELECT of the EP11
 * applet), side by side in one run:
 *
 *   (a) libcard's in-process virtual backend on the deck $OPENTKE_DECK,
 *   (b) libcard's PC/SC backend through pcscd and our driver (libifd-opentke.so),
 *   (c) the same PC/SC backend through pcscd, vsmartcard's vpcd driver and vicc,
 *   (d) pcscd's floor: SCardListReaders, one round trip to pcscd without a card,
 *
 * then the ratios b/c and b/d.  Run it through run-bench.sh, which starts the private
 * pcscd with both drivers and vicc; a path whose reader is missing is reported as
 * such and left out.  It prints figures and never judges them: no timed assertion.
 *
 *   bench-apdu-roundtrip [--seconds S]     (S per path, default 2)
 */
#include <PCSC/winscard.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "card-backend.h"

/* SELECT by name of the EP11 applet (docs/card-protocol.md). */
static const guint8 select_ep11[]
    = { 0x00, 0xA4, 0x04, 0x00, 0x09, 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };

enum
{
  WARM_UP = 20,
  RESP_SIZE = 65538,
  READERS_BUF = 4096,
};

typedef struct
{
  const char *label;
  double rate; /* per second; 0 = not measured */
  guint count;
  guint16 sw;
} Figure;

static double seconds = 2.0;

/* The first reader of @backend whose name contains @part, or NULL. */
static char *
find_reader (CardBackend *backend, const char *part)
{
  g_autoptr (GPtrArray) readers = backend->klass->list_readers (backend, NULL);
  for (guint i = 0; readers != NULL && i < readers->len; i++)
    {
      CardBackendReader *r = g_ptr_array_index (readers, i);
      if (strstr (r->name, part) != NULL)
        return g_strdup (r->name);
    }
  return NULL;
}

/* Calls @once until `seconds` have passed and fills the rate and count of @fig; FALSE
 * as soon as a call fails. */
static gboolean
time_round_trips (gboolean (*once) (gpointer data), gpointer data, Figure *fig)
{
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + (gint64)(seconds * G_USEC_PER_SEC), now;
  guint n = 0;

  do
    {
      if (!once (data))
        return FALSE;
      n++;
      now = g_get_monotonic_time ();
    }
  while (now < end);
  fig->count = n;
  fig->rate = n / ((now - start) / (double)G_USEC_PER_SEC);
  return TRUE;
}

typedef struct
{
  CardBackend *backend;
  CardBackendConn *conn;
  guint8 *resp;
  gsize len;
  GError *error;
} Exchange;

static gboolean
exchange_once (gpointer data)
{
  Exchange *x = data;
  return x->backend->klass->transmit (x->backend, x->conn, select_ep11, sizeof select_ep11, x->resp,
                                      RESP_SIZE, &x->len, &x->error);
}

/* Sends the command over a fresh connection to the reader named @part for
 * `seconds` (after a warm-up) and fills @fig. */
static void
measure_backend (CardBackend *backend, const char *part, Figure *fig)
{
  g_autofree char *reader = find_reader (backend, part);
  g_autofree guint8 *resp = g_malloc (RESP_SIZE);
  Exchange x = { backend, NULL, resp, 0, NULL };

  if (reader == NULL)
    {
      printf ("# %s: no reader \"%s\"\n", fig->label, part);
      return;
    }
  /* vicc connects to vpcd a moment after it starts. */
  if (!backend->klass->wait_card (backend, reader, TRUE, 10000, NULL, &x.error)
      || (x.conn = backend->klass->connect (backend, reader, &x.error)) == NULL)
    goto out;
  for (guint i = 0; i < WARM_UP; i++)
    if (!exchange_once (&x))
      goto out;
  if (time_round_trips (exchange_once, &x, fig))
    fig->sw = (guint16)(resp[x.len - 2] << 8 | resp[x.len - 1]);
out:
  if (x.error != NULL)
    {
      fig->rate = 0;
      printf ("# %s: %s\n", fig->label, x.error->message);
      g_error_free (x.error);
    }
  if (x.conn != NULL)
    backend->klass->disconnect (backend, x.conn);
}

typedef struct
{
  SCARDCONTEXT context;
  LONG rv;
} ListReaders;

static gboolean
list_readers_once (gpointer data)
{
  ListReaders *l = data;
  char names[READERS_BUF];
  DWORD len = sizeof names;

  l->rv = SCardListReaders (l->context, NULL, names, &len);
  return l->rv == SCARD_S_SUCCESS;
}

/* pcscd's own round trip: SCardListReaders into a buffer big enough (one request). */
static void
measure_floor (Figure *fig)
{
  ListReaders l = { 0 };

  l.rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &l.context);
  if (l.rv == SCARD_S_SUCCESS)
    {
      time_round_trips (list_readers_once, &l, fig);
      SCardReleaseContext (l.context);
    }
  if (l.rv != SCARD_S_SUCCESS)
    printf ("# %s: %s\n", fig->label, pcsc_stringify_error (l.rv));
}

static void
print_ratio (const char *label, const Figure *x, const Figure *y)
{
  if (x->rate > 0 && y->rate > 0)
    printf ("%-44s %12.2f\n", label, x->rate / y->rate);
  else
    printf ("%-44s %12s\n", label, "n/a");
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Seconds per path (default 2)", "S" },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("- APDU round trips per second");
  g_autoptr (GError) error = NULL;
  Figure a = { "(a) in-process virtual backend" }, b = { "(b) pcscd + libifd-opentke" },
         c = { "(c) pcscd + vpcd + vicc" }, d = { "(d) pcscd floor: SCardListReaders" };
  const Figure *all[] = { &a, &b, &c, &d };
  CardBackend *backend;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || seconds <= 0)
    {
      fprintf (stderr, "%s\n", error != NULL ? error->message : "--seconds must be positive");
      return 2;
    }

  if ((backend = card_backend_virtual_new (NULL, &error)) != NULL)
    {
      measure_backend (backend, "OpenTKE Virtual PIN Pad 2", &a);
      backend->klass->free (backend);
    }
  else
    printf ("# %s: %s\n", a.label, error->message);
  g_clear_error (&error);

  if ((backend = card_backend_pcsc_new (&error)) != NULL)
    {
      measure_backend (backend, "OpenTKE Virtual PIN Pad 2", &b);
      measure_backend (backend, "Virtual PCD", &c);
      backend->klass->free (backend);
    }
  else
    printf ("# (b), (c): %s\n", error->message);
  measure_floor (&d);

  printf ("%-44s %12s %8s %6s\n", "path (SELECT EP11 applet)", "APDUs/s", "count", "SW");
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      const Figure *f = all[i];
      if (f->rate <= 0)
        printf ("%-44s %12s\n", f->label, "not measured");
      else if (f == &d)
        printf ("%-44s %12.0f %8u %6s\n", f->label, f->rate, f->count, "-");
      else
        printf ("%-44s %12.0f %8u %02X %02X\n", f->label, f->rate, f->count, f->sw >> 8,
                f->sw & 0xFF);
    }
  print_ratio ("b/c", &b, &c);
  print_ratio ("b/d (target >= 0.67, and b >= 5000/s)", &b, &d);
  return 0;
}
