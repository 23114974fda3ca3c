/* tke-main.c: the TKE application (seed 003).
 *
 *   tke                  real PIN-pad readers through pcscd
 *   tke --virtual[=DECK] the virtual card deck (default $OPENTKE_DECK, else
 *                        $XDG_DATA_HOME/opentke/deck) and its "Virtual card deck" window;
 *                        also with OPENTKE_CARD_BACKEND=virtual in the environment
 *   tke --virtual --pcsc the same deck through pcscd and the virtual PIN-pad driver
 */
#include "tke.h"

#include <glib/gi18n.h>

/* The ceremony core opens its own card context from OPENTKE_CARD_BACKEND and
 * OPENTKE_DECK: they must say what the command line says.  Set before any thread starts. */
static void
share_card_backend (OtkWorkstationOptions *options)
{
  if (!options->use_virtual && g_strcmp0 (g_getenv ("OPENTKE_CARD_BACKEND"), "virtual") == 0)
    {
      options->use_virtual = TRUE;
      options->deck_dir = g_strdup ("");
    }
  if (!options->use_virtual)
    return;
  if (options->use_pcsc)
    g_unsetenv ("OPENTKE_CARD_BACKEND");
  else
    g_setenv ("OPENTKE_CARD_BACKEND", "virtual", TRUE);
  if (options->deck_dir[0] != '\0')
    g_setenv ("OPENTKE_DECK", options->deck_dir, TRUE);
}

int
main (int argc, char **argv)
{
  OtkWorkstationOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (TkeApplication) app = NULL;
  int status;

  if (!otk_workstation_parse_options (&argc, &argv,
                                      _ ("Trusted Key Entry: load the master key of the "
                                         "crypto units of a service instance from smart "
                                         "cards."),
                                      TKE_LOCALEDIR, &options, &error))
    {
      g_printerr ("tke: %s\n", error->message);
      otk_workstation_options_clear (&options);
      return 2;
    }
  share_card_backend (&options);
  app = tke_application_new_for (&options);
  tke_stall_meter_start_from_env (G_APPLICATION (app));
  status = g_application_run (G_APPLICATION (app), argc, argv);
  otk_workstation_options_clear (&options);
  return status;
}
