/* ifd-device-name.h: the DEVICENAME of a reader.conf entry of libifd-opentke.so. */
#pragma once

#include <stddef.h>

/* "DECKDIR:N" with N = 1 or 2 (the deck's reader); DECKDIR may be empty (the
 * deck's default location) and may itself contain ':' (the last one counts).
 * Returns 1 and fills @dir (NUL-terminated, "" for the default) and @reader,
 * or 0 for anything else, including a DECKDIR longer than @dir_len - 1. */
int ifd_device_name_parse (const char *name, char *dir, size_t dir_len, int *reader);
