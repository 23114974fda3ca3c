/* test-card-engine.h: the engine tests join test-card's one executable. */
#pragma once

void card_engine_tests_add (void);
