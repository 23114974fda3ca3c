/* bench-card-setup: how many APDUs and how long a full EP11 card setup takes on
 * the in-process virtual backend (issue 3).
 *
 * A "full setup" is what a security officer does with a new EP11 card in SCUP
 * and TKE: enrol it with the zone's CA card (CA in reader 1, both PINs already
 * entered), personalize it (PIN twice on the PIN pad), enter the PIN, generate
 * the admin signature key and one key part.  The CA card is made once, before
 * the clock starts.  Prints the APDU count and the time per card (median and
 * worst of N cards).
 *
 * Usage: bench-card-setup [N]   (default 20; the deck is a temporary folder)
 */
#include "opentke-card.h"
#include "opentke-common.h"
#include "opentke-vdeck.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#define CA_PIN1  "111111"
#define CA_PIN2  "222222"
#define EP11_PIN "123456"

static guint apdu_count;

static void
count_apdu (gboolean is_command, const guint8 *apdu, gsize len, gpointer user_data)
{
  if (is_command)
    apdu_count++;
}

static void
die_on (GError *error, const char *what)
{
  if (error == NULL)
    return;
  g_printerr ("bench-card-setup: %s: %s\n", what, error->message);
  exit (1);
}

static void
queue_pin (otk_vdeck *deck, int reader, const char *digits)
{
  if (otk_vdeck_pinpad_queue (deck, reader, OTK_VDECK_PINPAD_DIGITS, digits) != OTK_VDECK_OK)
    {
      g_printerr ("bench-card-setup: cannot queue PIN-pad digits\n");
      exit (1);
    }
}

static void
insert_card (otk_vdeck *deck, int reader, const char *name)
{
  if (otk_vdeck_card_new (deck, name) != OTK_VDECK_OK
      || otk_vdeck_eject (deck, reader) != OTK_VDECK_OK
      || otk_vdeck_insert (deck, reader, name) != OTK_VDECK_OK)
    {
      g_printerr ("bench-card-setup: cannot make card %s\n", name);
      exit (1);
    }
}

static CardSession *
make_ca_card (otk_vdeck *deck, CardReader *reader1)
{
  GError *error = NULL;
  CardSession *ca;

  insert_card (deck, 1, "bench-ca");
  ca = card_session_open (reader1, CARD_APPLET_CA, &error);
  die_on (error, "open CA card");
  card_ca_initialize (ca, "Bench zone", "Bench CA card", NULL, 0, &error);
  die_on (error, "initialize CA card");
  queue_pin (deck, 1, CA_PIN1);
  queue_pin (deck, 1, CA_PIN1);
  queue_pin (deck, 1, CA_PIN2);
  queue_pin (deck, 1, CA_PIN2);
  card_ca_personalize (ca, &error);
  die_on (error, "personalize CA card");
  queue_pin (deck, 1, CA_PIN1);
  queue_pin (deck, 1, CA_PIN2);
  card_ca_verify_pins (ca, &error);
  die_on (error, "enter the CA PINs");
  return ca;
}

/* One EP11 card from blank to "admin signature key and one key part". */
static void
set_up_ep11_card (otk_vdeck *deck, CardSession *ca, CardReader *reader2, guint serial)
{
  g_autofree char *name = g_strdup_printf ("bench-ep11-%u", serial);
  g_autofree char *admin = g_strdup_printf ("Admin %u", serial);
  GError *error = NULL;
  CardSession *ep11;
  guint index = 0;

  ep11 = card_session_open (reader2, CARD_APPLET_EP11, &error);
  die_on (error, "open EP11 card");
  card_ca_enrol_ep11 (ca, ep11, &error);
  die_on (error, "enrol");
  queue_pin (deck, 2, EP11_PIN);
  queue_pin (deck, 2, EP11_PIN);
  card_ep11_personalize (ep11, name, &error);
  die_on (error, "personalize");
  queue_pin (deck, 2, EP11_PIN);
  card_ep11_verify_pin (ep11, &error);
  die_on (error, "verify PIN");
  card_ep11_generate_signature_key (ep11, admin, NULL, &error);
  die_on (error, "generate signature key");
  card_ep11_generate_key_part (ep11, "Bench key part", &index, NULL, &error);
  die_on (error, "generate key part");
  card_session_close (ep11);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint)strtoul (argv[1], NULL, 10) : 20;
  g_autofree char *dir = g_dir_make_tmp ("opentke-bench-XXXXXX", NULL);
  g_autofree double *ms = NULL;
  otk_vdeck *deck = NULL;
  CardContext *ctx;
  CardReader *reader1, *reader2;
  CardSession *ca;
  GError *error = NULL;
  guint apdus_per_card = 0;

  if (n == 0 || dir == NULL || otk_vdeck_open (dir, &deck) != OTK_VDECK_OK)
    {
      g_printerr ("usage: bench-card-setup [N>0]\n");
      return 2;
    }
  ms = g_new0 (double, n);
  ctx = card_context_new_virtual (dir, &error);
  die_on (error, "virtual backend");
  card_context_set_trace_func (ctx, count_apdu, NULL);
  reader1 = card_context_get_reader (ctx, CARD_READER_1, &error);
  die_on (error, "reader 1");
  reader2 = card_context_get_reader (ctx, CARD_READER_2, &error);
  die_on (error, "reader 2");
  ca = make_ca_card (deck, reader1);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("bench-ep11-%u", i);
      gint64 start;

      insert_card (deck, 2, name);
      apdu_count = 0;
      start = g_get_monotonic_time ();
      set_up_ep11_card (deck, ca, reader2, i);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      apdus_per_card = apdu_count;
    }
  qsort (ms, n, sizeof *ms, compare_doubles);
  g_print ("EP11 card setup on the in-process virtual backend (%u cards%s)\n", n,
           g_getenv ("OPENTKE_VDECK_NO_SYNC") != NULL ? ", deck writes not synced" : "");
  g_print ("  APDUs per card:  %u (enrol, personalize, PIN, signature key, key part)\n",
           apdus_per_card);
  g_print ("  time per card:   median %.1f ms, worst %.1f ms\n", ms[n / 2], ms[n - 1]);

  card_session_close (ca);
  card_context_free (ctx);
  otk_vdeck_close (deck);
  otk_remove_tree (dir);
  return 0;
}
