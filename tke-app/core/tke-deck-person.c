/* tke-deck-person.c: the person at a virtual workstation (tests, benches). */
#include "tke-deck-person.h"

#include <string.h>

#include "opentke-vdeck.h"

struct _TkeDeckPerson
{
  otk_vdeck *deck;
  OtkSecretStr *ca_pin1, *ca_pin2, *ep11_pin; /* wiped when freed */
  char *pull_at_pin;
};

TkeDeckPerson *
tke_deck_person_new (const char *deck_dir, GError **error)
{
  TkeDeckPerson *person = g_new0 (TkeDeckPerson, 1);

  if (otk_vdeck_open (deck_dir, &person->deck) != OTK_VDECK_OK)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_CONFIG, "Cannot open the virtual deck %s", deck_dir);
      g_free (person);
      return NULL;
    }
  tke_deck_person_set_pins (person, "135790", "246802", "123456");
  return person;
}

void
tke_deck_person_free (TkeDeckPerson *person)
{
  if (!person)
    return;
  otk_vdeck_close (person->deck);
  otk_secret_str_free (person->ca_pin1);
  otk_secret_str_free (person->ca_pin2);
  otk_secret_str_free (person->ep11_pin);
  g_free (person->pull_at_pin);
  g_free (person);
}

gboolean
tke_deck_person_new_card (TkeDeckPerson *person, const char *name, GError **error)
{
  if (otk_vdeck_card_new (person->deck, name) != OTK_VDECK_OK)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_CONFIG, "Cannot make the virtual card %s", name);
      return FALSE;
    }
  return TRUE;
}

void
tke_deck_person_set_pins (TkeDeckPerson *person, const char *ca_pin1, const char *ca_pin2,
                          const char *ep11_pin)
{
  otk_secret_str_free (person->ca_pin1);
  otk_secret_str_free (person->ca_pin2);
  otk_secret_str_free (person->ep11_pin);
  person->ca_pin1 = g_strdup (ca_pin1);
  person->ca_pin2 = g_strdup (ca_pin2);
  person->ep11_pin = g_strdup (ep11_pin);
}

void
tke_deck_person_pull_at_pin (TkeDeckPerson *person, const char *card)
{
  g_free (person->pull_at_pin);
  person->pull_at_pin = g_strdup (card);
}

void
tke_deck_person_empty_readers (TkeDeckPerson *person)
{
  otk_vdeck_eject (person->deck, 1);
  otk_vdeck_eject (person->deck, 2);
}

/* The card in @reader, or "" when it is empty. */
static void
card_in (TkeDeckPerson *person, int reader, char name[OTK_VDECK_NAME_MAX + 1])
{
  if (otk_vdeck_reader_card (person->deck, reader, name, NULL) != OTK_VDECK_OK)
    name[0] = '\0';
}

static void
on_card (guint reader, gboolean insert, const char *answer, gpointer data)
{
  TkeDeckPerson *person = data;

  otk_vdeck_eject (person->deck, (int)reader);
  if (!insert)
    return;
  for (int other = 1; other <= 2; other++)
    {
      char name[OTK_VDECK_NAME_MAX + 1];
      card_in (person, other, name);
      if (strcmp (name, answer) == 0)
        otk_vdeck_eject (person->deck, other);
    }
  otk_vdeck_insert (person->deck, (int)reader, answer);
}

static void
type_pin (TkeDeckPerson *person, int reader, const char *pin, guint times)
{
  for (guint i = 0; i < times; i++)
    otk_vdeck_pinpad_queue (person->deck, reader, OTK_VDECK_PINPAD_DIGITS, pin);
}

/* The notice says what to type: a CA card's two PINs (twice each when they
 * are set), or an EP11 card's PIN (twice for a new PIN, old + new twice for
 * a change). */
static void
on_pin (guint reader, const char *what, gpointer data)
{
  TkeDeckPerson *person = data;
  char name[OTK_VDECK_NAME_MAX + 1];
  gboolean twice = strstr (what, "twice") != NULL;

  card_in (person, (int)reader, name);
  if (person->pull_at_pin && strcmp (name, person->pull_at_pin) == 0)
    {
      otk_vdeck_eject (person->deck, (int)reader);
      return;
    }
  if (g_str_has_prefix (name, "ca"))
    {
      type_pin (person, (int)reader, person->ca_pin1, twice ? 2 : 1);
      type_pin (person, (int)reader, person->ca_pin2, twice ? 2 : 1);
      return;
    }
  if (strstr (what, "current PIN"))
    type_pin (person, (int)reader, person->ep11_pin, 1);
  type_pin (person, (int)reader, person->ep11_pin, twice ? 2 : 1);
}

void
tke_deck_person_attach (TkeDeckPerson *person, TkePrompter *scripted)
{
  tke_prompter_scripted_set_hooks (scripted, on_card, on_pin, person);
}
