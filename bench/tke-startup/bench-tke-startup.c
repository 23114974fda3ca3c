/* bench-tke-startup.c: how fast tke shows itself, and how long its main loop stalls.
 *
 *   bench-tke-startup [ROUNDS]      (needs a display: run it under xvfb-run -a)
 *
 * Each round starts the TKE application on a fresh temporary workstation with the
 * virtual card deck, and prints the time from the start to the first drawn main
 * window, to the first filled tables (the first Refresh Panel, which creates the local
 * service instance on the card queue), and the longest gap between two ticks of a 1 ms
 * timer on the main loop in between: the longest stall a user could feel while the
 * first step runs on the worker. */
#include "tke.h"

#include <glib/gstdio.h>
#include <stdlib.h>

typedef struct
{
  TkeApplication *app;
  TkeWindow *window;
  gint64 start;
  gint64 drawn;  /* first draw of the main window */
  gint64 filled; /* the first step ended: the tables are filled */
  gint64 last_tick;
  gint64 longest_stall;
} Round;

static gboolean
on_draw (GtkWidget *widget, cairo_t *cr, gpointer data)
{
  Round *round = data;

  if (round->drawn == 0)
    round->drawn = g_get_monotonic_time ();
  return FALSE;
}

static gboolean
on_tick (gpointer data)
{
  Round *round = data;
  gint64 now = g_get_monotonic_time ();

  /* Stalls once the window is on screen: building it is counted in the first figure. */
  if (round->last_tick != 0 && round->drawn != 0 && round->filled == 0)
    round->longest_stall = MAX (round->longest_stall, now - round->last_tick);
  round->last_tick = now;
  if (round->window != NULL && round->drawn != 0 && round->filled == 0
      && !tke_window_is_busy (round->window))
    {
      round->filled = now;
      /* The Virtual card deck window would keep the application running. */
      g_application_quit (G_APPLICATION (round->app));
    }
  return G_SOURCE_CONTINUE;
}

static void
on_window_added (GtkApplication *app, GtkWindow *window, gpointer data)
{
  Round *round = data;

  if (!TKE_IS_WINDOW (window) || round->window != NULL)
    return;
  round->window = TKE_WINDOW (window);
  g_signal_connect_after (window, "draw", G_CALLBACK (on_draw), round);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileEnumerator) children = g_file_enumerate_children (
      file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

static void
run_round (guint n)
{
  g_autofree char *home = g_dir_make_tmp ("opentke-bench-tke-XXXXXX", NULL);
  g_autofree char *deck = g_build_filename (home, "deck", NULL);
  Round round = { 0 };
  OtkWorkstationOptions options = { .use_virtual = TRUE, .deck_dir = deck };
  char *argv[] = { (char *)"tke", NULL };
  guint tick;

  g_setenv ("XDG_DATA_HOME", home, TRUE);
  /* The ceremony core opens its own card context from the environment, as
   * tke's main() arranges for --virtual. */
  g_setenv ("OPENTKE_CARD_BACKEND", "virtual", TRUE);
  g_setenv ("OPENTKE_DECK", deck, TRUE);
  round.start = g_get_monotonic_time ();
  round.app = tke_application_new_for (&options);
  g_signal_connect (round.app, "window-added", G_CALLBACK (on_window_added), &round);
  tick = g_timeout_add (1, on_tick, &round);
  g_application_run (G_APPLICATION (round.app), 1, argv);
  g_clear_handle_id (&tick, g_source_remove);
  g_object_unref (round.app);
  g_print ("round %u: first drawn window %.1f ms, tables filled %.1f ms, longest main loop "
           "stall in between %.1f ms\n",
           n, (round.drawn - round.start) / 1000.0, (round.filled - round.start) / 1000.0,
           round.longest_stall / 1000.0);
  remove_tree (home);
}

/* Each round in a process of its own: a GtkApplication (and the deck window's timers)
 * is made to run once per process. */
static int
run_rounds (const char *self, guint rounds)
{
  for (guint i = 1; i <= rounds; i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i);
      const char *argv[] = { self, "--round", n, NULL };
      g_autoptr (GError) error = NULL;
      int status = 0;

      if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
                         NULL, &status, &error))
        {
          g_printerr ("bench-tke-startup: %s\n", error->message);
          return 1;
        }
      if (!g_spawn_check_wait_status (status, &error))
        {
          g_printerr ("bench-tke-startup: round %u: %s\n", i, error->message);
          return 1;
        }
    }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && g_strcmp0 (argv[1], "--round") == 0)
    {
      if (!gtk_init_check (&argc, &argv))
        {
          g_printerr ("bench-tke-startup: no display (run it under xvfb-run -a)\n");
          return 77;
        }
      g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
      run_round ((guint)strtoul (argv[2], NULL, 10));
      return 0;
    }
  return run_rounds (argv[0], argc > 1 ? (guint)strtoul (argv[1], NULL, 10) : 3);
}
