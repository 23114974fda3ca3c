/* tke-cards.c: the smart card steps of seed 003 (admins from the card in
 * reader 1, key parts from cards in reader 2).  They need the EP11 card
 * operations of libcard, which this build does not have yet. */
#include "tke-ceremony-private.h"

static gboolean
cards_unavailable (GError **error)
{
  g_set_error_literal (error, TKE_ERROR, TKE_ERROR_UNSUPPORTED,
                       "Smart card operations are not available in this build yet; use the key "
                       "file approach (without --card)");
  return FALSE;
}

gboolean
tke_ceremony_admin_from_card (TkeCeremony *c, char *name, gsize name_size,
                              guint8 point[CU_POINT_LEN], GError **error)
{
  return cards_unavailable (error);
}

gboolean
tke_ceremony_mk_load_from_cards (TkeCeremony *c, GError **error)
{
  return cards_unavailable (error);
}
