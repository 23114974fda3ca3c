/* otk-workstation.c: what tke and scup do alike at start: the command line (real
 * readers or the virtual card deck), the settings, the card context, the deck window
 * beside the main window. */
#include "otk-widgets.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>
#include <sys/prctl.h>

static gboolean
on_virtual_option (const char *option, const char *value, gpointer data, GError **error)
{
  OtkWorkstationOptions *options = data;

  options->use_virtual = TRUE;
  g_free (options->deck_dir);
  options->deck_dir = g_strdup (value != NULL ? value : "");
  return TRUE;
}

gboolean
otk_workstation_parse_options (int *argc, char ***argv, const char *summary, const char *localedir,
                               OtkWorkstationOptions *options, GError **error)
{
  const GOptionEntry entries[] = {
    { "virtual", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_virtual_option,
      N_ ("Use the virtual card deck DECK (a test device) and open its window"), N_ ("DECK") },
    { "pcsc", 0, 0, G_OPTION_ARG_NONE, &options->use_pcsc,
      N_ ("With --virtual: reach the deck through pcscd and the virtual PIN-pad driver"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  GOptionGroup *group;

  /* No core dump may hold what passed through this process. */
  prctl (PR_SET_DUMPABLE, 0);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  memset (options, 0, sizeof *options);
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, summary);
  group = g_option_group_new (NULL, NULL, NULL, options, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);
  g_option_context_add_group (context, gtk_get_option_group (FALSE));
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (options->use_pcsc && !options->use_virtual)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _ ("--pcsc goes with --virtual"));
      return FALSE;
    }
  return TRUE;
}

void
otk_workstation_options_clear (OtkWorkstationOptions *options)
{
  g_clear_pointer (&options->deck_dir, g_free);
}

static const char *
deck_or_default (const OtkWorkstationOptions *options)
{
  return options->deck_dir != NULL && options->deck_dir[0] != '\0' ? options->deck_dir : NULL;
}

CardContext *
otk_workstation_open_context (const OtkWorkstationOptions *options, GError **error)
{
  if (!options->use_virtual || options->use_pcsc)
    return card_context_new_pcsc (error);
#ifdef OTK_HAVE_DECK_WINDOW
  return card_context_new_virtual (deck_or_default (options), error);
#else
  g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SERVICE,
               _ ("This build has no virtual card deck."));
  return NULL;
#endif
}

#ifdef OTK_HAVE_DECK_WINDOW
/* The work area of the screen @window is on, or FALSE when there is no monitor. */
static gboolean
get_workarea (GtkWindow *window, GdkRectangle *area)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));
  GdkMonitor *monitor = gdk_display_get_primary_monitor (display);

  if (monitor == NULL)
    monitor = gdk_display_get_monitor (display, 0);
  if (monitor == NULL)
    return FALSE;
  gdk_monitor_get_workarea (monitor, area);
  return TRUE;
}

/* The deck window grows with its list of cards: it moves left rather than leave the
 * screen, so that its PIN pads stay usable. */
static gboolean
on_deck_configure (GtkWidget *widget, GdkEventConfigure *event, gpointer unused)
{
  GdkRectangle area;
  int right;

  if (!get_workarea (GTK_WINDOW (widget), &area))
    return FALSE;
  right = area.x + area.width;
  if (event->x + event->width > right && event->x > area.x)
    gtk_window_move (GTK_WINDOW (widget), MAX (area.x, right - event->width), event->y);
  return FALSE;
}

/* Puts @window beside @main_window, both on the screen, so that both can be used at
 * once: as wide as the room beside the main window leaves (at least its own minimum
 * width, then overlapping the main window rather than leaving the screen). */
static void
place_beside (GtkWindow *window, GtkWindow *main_window)
{
  GdkRectangle area = { 0, 0, 0, 0 };
  int main_width = 0, min_width = 0, width, height = 0, x;

  if (!get_workarea (window, &area))
    return;
  gtk_window_get_size (main_window, &main_width, NULL);
  gtk_window_get_default_size (window, &width, &height);
  gtk_widget_get_preferred_width (GTK_WIDGET (window), &min_width, NULL);
  width = MAX (min_width, MIN (width, area.width - main_width - 16));
  x = MAX (area.x, MIN (area.x + main_width + 16, area.x + area.width - width));
  gtk_window_set_default_size (window, width, MIN (height, area.height));
  gtk_window_move (window, x, area.y);
  g_signal_connect (window, "configure-event", G_CALLBACK (on_deck_configure), NULL);
}
#endif

void
otk_workstation_present_deck (GtkApplication *app, GtkWindow *main_window,
                              const OtkWorkstationOptions *options)
{
#ifdef OTK_HAVE_DECK_WINDOW
  OtkDeckWindow *deck;

  if (!options->use_virtual)
    return;
  deck = otk_deck_window_new (app, deck_or_default (options));
  place_beside (GTK_WINDOW (deck), main_window);
  gtk_window_present (GTK_WINDOW (deck));
#endif
}

GSettings *
otk_workstation_open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.opentke", TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema org.opentke not installed: the defaults apply, nothing is saved");
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

void
otk_workstation_settings_load (OtkWorkstationSettings *out, GSettings *settings)
{
  out->reader1 = settings != NULL ? g_settings_get_string (settings, "reader1") : g_strdup ("");
  out->reader2 = settings != NULL ? g_settings_get_string (settings, "reader2") : g_strdup ("");
  out->allow_host_pin_entry
      = settings != NULL && g_settings_get_boolean (settings, "allow-host-pin-entry");
}

void
otk_workstation_settings_clear (OtkWorkstationSettings *settings)
{
  g_clear_pointer (&settings->reader1, g_free);
  g_clear_pointer (&settings->reader2, g_free);
}

void
otk_workstation_apply_settings (CardContext *ctx, const OtkWorkstationSettings *settings)
{
  card_context_set_reader_match (ctx, CARD_READER_1, settings->reader1);
  card_context_set_reader_match (ctx, CARD_READER_2, settings->reader2);
  card_context_set_host_pin_entry (ctx, settings->allow_host_pin_entry ? otk_host_pin_ask : NULL,
                                   NULL);
}
