/* card-crypto.c: the little cryptography the host does for the cards
 * (docs/card-protocol.md §6.3, docs/interfaces.md): SKIs, checking a card
 * certificate before trusting its key, and sealing a key file's secret to a
 * card's device key.  The implementation is common/otk-crypto.c; this file
 * adds libcard's GError messages. */
#include "card-private.h"

#include "otk-crypto.h"

void
card_crypto_ski (const guint8 *point, guint8 *ski)
{
  if (otk_crypto_ski (point, ski) != OTK_CRYPTO_OK)
    g_error ("SHA-256 is not available");
}

gboolean
card_crypto_cert_verify (const guint8 *cert, const guint8 *issuer_point, GError **error)
{
  if (otk_crypto_cert_verify (cert, issuer_point) == OTK_CRYPTO_OK)
    return TRUE;
  g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_ZONE,
               "The card's certificate is not signed by its zone; the card cannot be trusted");
  return FALSE;
}

gboolean
card_crypto_seal (const char *label, const guint8 *recipient_point, const guint8 *subject_id,
                  const guint8 *plain, gsize plain_len, guint8 *out, GError **error)
{
  int rc = otk_crypto_seal (label, recipient_point, subject_id, plain, plain_len, out);

  if (rc == OTK_CRYPTO_OK)
    return TRUE;
  g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL, "%s",
               rc == OTK_CRYPTO_ERR_INVALID ? "The card's device key is not a valid P-521 key"
                                            : "Encryption for the card failed");
  return FALSE;
}
