/* tke-deck-person.h: the person at a virtual workstation, for tests and
 * benches.  Attached to a scripted prompter, it answers card requests by
 * moving the named card into (or out of) the reader on the virtual deck, and
 * PIN-pad notices by typing the PIN(s) of the card in that reader on the
 * reader's virtual PIN pad.  Not part of tkectl or the TKE application. */
#pragma once

#include "tke-core.h"

typedef struct _TkeDeckPerson TkeDeckPerson;

/* Opens the deck folder @deck_dir (created by the caller). */
TkeDeckPerson *tke_deck_person_new (const char *deck_dir, GError **error);
void tke_deck_person_free (TkeDeckPerson *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TkeDeckPerson, tke_deck_person_free)

/* A new blank card named @name. */
gboolean tke_deck_person_new_card (TkeDeckPerson *person, const char *name, GError **error);
/* The PINs typed: @ca_pin1/@ca_pin2 for cards whose name starts with "ca",
 * @ep11_pin for the others. */
void tke_deck_person_set_pins (TkeDeckPerson *person, const char *ca_pin1, const char *ca_pin2,
                               const char *ep11_pin);
/* When asked for the PIN of @card, pull the card out instead. */
void tke_deck_person_pull_at_pin (TkeDeckPerson *person, const char *card);
/* Makes @scripted (a scripted prompter) call this person. */
void tke_deck_person_attach (TkeDeckPerson *person, TkePrompter *scripted);
/* Takes every card out of both readers. */
void tke_deck_person_empty_readers (TkeDeckPerson *person);
