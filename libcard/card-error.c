/* card-error.c: the CARD_ERROR domain.  An extended GError domain so that a
 * wrong-PIN error carries the tries left as a number, not only in its message. */
#include "card-private.h"

typedef struct
{
  int retries;
} CardErrorPrivate;

static void
card_error_private_init (CardErrorPrivate *priv)
{
  priv->retries = -1;
}

static void
card_error_private_copy (const CardErrorPrivate *src, CardErrorPrivate *dest)
{
  dest->retries = src->retries;
}

static void
card_error_private_clear (CardErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (CardError, card_error)

int
card_error_get_retries (const GError *error)
{
  if (error == NULL || error->domain != CARD_ERROR)
    return -1;
  return card_error_get_private (error)->retries;
}

void
card_error_set_retries (GError *error, int retries)
{
  if (error != NULL && error->domain == CARD_ERROR)
    card_error_get_private (error)->retries = retries;
}
