/* tke-main.c: the TKE application (seed 003).
 *
 *   tke                  real PIN-pad readers through pcscd
 *   tke --virtual[=DECK] the virtual card deck (default $OPENTKE_DECK, else
 *                        $XDG_DATA_HOME/opentke/deck) and its "Virtual card deck" window;
 *                        also with OPENTKE_CARD_BACKEND=virtual in the environment
 */
#include "tke.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sys/prctl.h>

static char *deck_dir;
static gboolean use_virtual;

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
  const GOptionEntry entries[]
      = { { "virtual", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_virtual_option,
            N_ ("Use the virtual card deck DECK (a test device) and open its window"),
            N_ ("DECK") },
          { NULL } };
  g_autoptr (GOptionContext) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TkeApplication) app = NULL;
  int status;

  /* No core dump may hold a password or key part that passed through this process. */
  prctl (PR_SET_DUMPABLE, 0);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, TKE_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  options = g_option_context_new (NULL);
  g_option_context_set_summary (options, _ ("Trusted Key Entry: load the master key of the "
                                            "crypto units of a service instance from smart "
                                            "cards."));
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (options, gtk_get_option_group (FALSE));
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("tke: %s\n", error->message);
      return 2;
    }

  /* The ceremony core reaches the deck through these; set before any thread starts. */
  if (!use_virtual && g_strcmp0 (g_getenv ("OPENTKE_CARD_BACKEND"), "virtual") == 0)
    {
      use_virtual = TRUE;
      deck_dir = g_strdup ("");
    }
  if (use_virtual)
    {
      g_setenv ("OPENTKE_CARD_BACKEND", "virtual", TRUE);
      if (deck_dir[0] != '\0')
        g_setenv ("OPENTKE_DECK", deck_dir, TRUE);
    }
  app = tke_application_new (use_virtual ? deck_dir : NULL);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  g_free (deck_dir);
  return status;
}
