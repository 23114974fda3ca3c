/* tke-stall-meter.c: with OPENTKE_STALL_REPORT=FILE in the environment, tke measures the
 * longest gap between two ticks of a 1 ms timer on its main loop over its whole run and
 * appends it to FILE when it quits.  bench/tke-startup/ceremony-stall.sh runs the GUI
 * ceremony tests this way.  A benchmark's instrument: without the variable nothing runs. */
#include "tke.h"

#include <stdio.h>
#include <unistd.h>

typedef struct
{
  char *path;
  guint tick_id;
  gint64 start;
  gint64 last_tick;
  gint64 longest;
} StallMeter;

static gboolean
on_tick (gpointer data)
{
  StallMeter *meter = data;
  gint64 now = g_get_monotonic_time ();

  if (meter->last_tick != 0 && now - meter->last_tick > meter->longest)
    meter->longest = now - meter->last_tick;
  meter->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
on_shutdown (GApplication *app, gpointer data)
{
  StallMeter *meter = data;
  FILE *report = fopen (meter->path, "a");

  g_source_remove (meter->tick_id);
  if (report != NULL)
    {
      fprintf (report, "tke %d: longest main loop stall %.1f ms in %.1f s\n", (int)getpid (),
               meter->longest / 1000.0, (g_get_monotonic_time () - meter->start) / 1e6);
      fclose (report);
    }
  g_free (meter->path);
  g_free (meter);
}

void
tke_stall_meter_start_from_env (GApplication *app)
{
  const char *path = g_getenv ("OPENTKE_STALL_REPORT");
  StallMeter *meter;

  if (path == NULL || *path == '\0')
    return;
  meter = g_new0 (StallMeter, 1);
  meter->path = g_strdup (path);
  meter->start = g_get_monotonic_time ();
  meter->tick_id = g_timeout_add (1, on_tick, meter);
  g_signal_connect_after (app, "shutdown", G_CALLBACK (on_shutdown), meter);
}
