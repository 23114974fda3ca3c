/* scup-main.c: the Smart Card Utility Program.
 *
 *   scup                  real readers through pcscd
 *   scup --virtual[=DECK] the virtual card deck (default $OPENTKE_DECK, else
 *                         $XDG_DATA_HOME/opentke/deck) and its "Virtual card deck" window
 *   scup --virtual --pcsc the same deck through pcscd and the virtual PIN-pad driver
 */
#include "scup.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sys/prctl.h>

static char *deck_dir;
static gboolean use_virtual;
static gboolean use_pcsc;

static gboolean
on_virtual_option (const char *option, const char *value, gpointer data, GError **error)
{
  use_virtual = TRUE;
  g_free (deck_dir);
  deck_dir = g_strdup (value != NULL ? value : "");
  return TRUE;
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "virtual", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_virtual_option,
      N_ ("Use the virtual card deck DECK (a test device) and open its window"), N_ ("DECK") },
    { "pcsc", 0, 0, G_OPTION_ARG_NONE, &use_pcsc,
      N_ ("With --virtual: reach the deck through pcscd and the virtual PIN-pad driver"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ScupApplication) app = NULL;
  int status;

  /* No core dump may hold what passed through this process. */
  prctl (PR_SET_DUMPABLE, 0);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, SCUP_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  options = g_option_context_new (NULL);
  g_option_context_set_summary (options, _ ("Smart Card Utility Program: set up the CA and "
                                            "EP11 smart cards of a key ceremony."));
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (options, gtk_get_option_group (FALSE));
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("scup: %s\n", error->message);
      return 2;
    }
  if (use_pcsc && !use_virtual)
    {
      g_printerr ("scup: %s\n", _ ("--pcsc goes with --virtual"));
      return 2;
    }

  app = scup_application_new (use_virtual ? deck_dir : NULL, use_pcsc);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  g_free (deck_dir);
  return status;
}
