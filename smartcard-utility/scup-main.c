/* scup-main.c: the Smart Card Utility Program.
 *
 *   scup                  real readers through pcscd
 *   scup --virtual[=DECK] the virtual card deck (default $OPENTKE_DECK, else
 *                         $XDG_DATA_HOME/opentke/deck) and its "Virtual card deck" window
 *   scup --virtual --pcsc the same deck through pcscd and the virtual PIN-pad driver
 */
#include "scup.h"

#include <glib/gi18n.h>

int
main (int argc, char **argv)
{
  OtkWorkstationOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (ScupApplication) app = NULL;
  int status;

  if (!otk_workstation_parse_options (&argc, &argv,
                                      _ ("Smart Card Utility Program: set up the CA and EP11 "
                                         "smart cards of a key ceremony."),
                                      SCUP_LOCALEDIR, &options, &error))
    {
      g_printerr ("scup: %s\n", error->message);
      otk_workstation_options_clear (&options);
      return 2;
    }
  app = scup_application_new (&options);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  otk_workstation_options_clear (&options);
  return status;
}
