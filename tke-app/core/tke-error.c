/* tke-error.c: the TKE_ERROR domain of the ceremony core. */
#include "tke-core.h"

G_DEFINE_QUARK (opentke - tke - error - quark, tke_error)
