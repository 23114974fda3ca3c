/* test-deck-cache.h: the deck cases of the readers test (test-deck-cache.c). */
#pragma once

void add_deck_cache_tests (void);
