/* tke-dialog-step.c: what every prompt dialog of a step shares: titled with the step,
 * over the main window, the step's name in bold at the top (the title bar alone is easy
 * to overlook), and not modal, so that the Virtual card deck window (another window of
 * this program) stays usable. */
#include "tke.h"

void
tke_dialog_set_step (GtkWindow *dialog, GtkLabel *heading, GtkWindow *parent, const char *title)
{
  gtk_window_set_title (dialog, title);
  gtk_window_set_transient_for (dialog, parent);
  gtk_label_set_text (heading, title);
}
