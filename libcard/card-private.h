/* card-private.h: declarations shared by the files of libcard (not public). */
#pragma once

#include "opentke-card.h"

G_BEGIN_DECLS

/* Sets the tries left carried by a CARD_ERROR_WRONG_PIN error. */
void card_error_set_retries (GError *error, int retries);

G_END_DECLS
