/* test-ceremony.h: what the files of test-ceremony share. */
#pragma once

#include "opentke-common.h"
#include "tke-core.h"

/* A new private folder for one test (on tmpfs when there is one). */
char *test_make_home (void);
/* Registers the smart card tests (test-ceremony-cards.c). */
void test_ceremony_add_card_tests (void);
