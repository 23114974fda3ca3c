/* otk-reader-probe.c: reads reader 1 and reader 2 for the status area, on the card
 * queue's thread. */
#include "otk-widgets.h"

#include <glib/gi18n-lib.h>

void
otk_reader_info_probe (CardReader *reader, OtkReaderInfo *info)
{
  g_autoptr (CardSession) session = NULL;

  info->found = TRUE;
  info->name = g_strdup (card_reader_get_name (reader));
  info->pin_pad = card_reader_has_pin_pad (reader);
  info->card_present = card_reader_is_card_present (reader, NULL);
  if (!info->card_present)
    return;
  /* A blank card answers both applets; an initialized card only its own. */
  session = card_session_open (reader, CARD_APPLET_EP11, NULL);
  if (session == NULL)
    session = card_session_open (reader, CARD_APPLET_CA, NULL);
  info->card_type = session != NULL ? otk_card_describe (card_session_get_card_type (session),
                                                         card_session_get_card_state (session))
                                    : g_strdup (_ ("Not an OpenTKE card"));
}
