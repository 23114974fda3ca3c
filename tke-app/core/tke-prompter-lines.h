/* tke-prompter-lines.h: a prompter that asks in text and reads one line per
 * answer; the terminal and the scripted prompters differ only in where the
 * lines come from and where the text goes. */
#pragma once

#include "tke-core.h"

typedef struct _TkeLinePrompter TkeLinePrompter;

struct _TkeLinePrompter
{
  TkePrompter parent;
  /* The next answer without its newline; NULL at end of input. */
  char *(*read_line) (TkeLinePrompter *self, gboolean secret);
  /* Writes @text as it is (the caller adds newlines). */
  void (*write) (TkeLinePrompter *self, const char *text);
  void (*finalize) (TkeLinePrompter *self);
};

/* Sets up @self (allocated by the caller, zeroed) with the shared vtable. */
void tke_line_prompter_init (TkeLinePrompter *self);
