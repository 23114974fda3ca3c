/* tke-vcard: manages the virtual card deck (DESIGN.md §4): make cards, insert them into
 * virtual reader 1 or 2, type on the virtual PIN pad. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentke-vdeck.h"
#include "secure.h"

static void
usage (FILE *out)
{
  fputs ("Usage: tke-vcard [--deck DIR] COMMAND\n"
         "  new NAME                     make a blank virtual card\n"
         "  list                         list the cards and where they are\n"
         "  show NAME                    show a card's public contents\n"
         "  insert NAME --reader 1|2     insert a card into a virtual reader\n"
         "  remove --reader 1|2          take the card out of a reader\n"
         "  pinpad --reader 1|2 DIGITS   type DIGITS and OK on the reader's PIN pad\n"
         "                               (DIGITS '-' reads them from standard input)\n"
         "  pinpad --reader 1|2 --cancel | --no-answer\n"
         "  rm NAME                      delete a card (not while in a reader)\n"
         "The deck is DIR, else $OPENTKE_DECK, else $XDG_DATA_HOME/opentke/deck.\n",
         out);
}

typedef struct
{
  otk_vdeck *deck;
} list_ctx;

static int
print_card (const char *name, void *user)
{
  list_ctx *ctx = user;
  char in[OTK_VDECK_NAME_MAX + 1];
  const char *where = "";

  for (int r = 1; r <= 2; r++)
    if (otk_vdeck_reader_card (ctx->deck, r, in, NULL) == OTK_VDECK_OK && strcmp (in, name) == 0)
      where = r == 1 ? "\tin reader 1" : "\tin reader 2";
  printf ("%s%s\n", name, where);
  return 0;
}

/* Reads digits from stdin into @buf (without the newline). */
static int
read_digits (char *buf, size_t len)
{
  if (fgets (buf, (int)len, stdin) == NULL)
    return -1;
  buf[strcspn (buf, "\r\n")] = '\0';
  return 0;
}

int
main (int argc, char **argv)
{
  const char *dir = NULL, *cmd = NULL, *arg = NULL;
  int reader = 0, key = OTK_VDECK_PINPAD_DIGITS, rc;
  otk_vdeck *deck = NULL;
  char digits[64] = "";
  static char text[65536];

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--deck") == 0 && i + 1 < argc)
        dir = argv[++i];
      else if (strcmp (argv[i], "--reader") == 0 && i + 1 < argc)
        {
          const char *r = argv[++i];
          reader = strcmp (r, "1") == 0 ? 1 : strcmp (r, "2") == 0 ? 2 : -1;
        }
      else if (strcmp (argv[i], "--cancel") == 0)
        key = OTK_VDECK_PINPAD_CANCEL;
      else if (strcmp (argv[i], "--no-answer") == 0)
        key = OTK_VDECK_PINPAD_NO_ANSWER;
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage (stdout);
          return 0;
        }
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          fprintf (stderr, "tke-vcard: unknown option %s\n", argv[i]);
          return 2;
        }
      else if (cmd == NULL)
        cmd = argv[i];
      else if (arg == NULL)
        arg = argv[i];
      else
        {
          usage (stderr);
          return 2;
        }
    }
  if (cmd == NULL || reader < 0)
    {
      usage (stderr);
      return 2;
    }
  rc = otk_vdeck_open (dir, &deck);
  if (rc != OTK_VDECK_OK)
    goto out;
  if (strcmp (cmd, "new") == 0 && arg != NULL)
    rc = otk_vdeck_card_new (deck, arg);
  else if (strcmp (cmd, "list") == 0 && arg == NULL)
    {
      list_ctx ctx = { deck };
      rc = otk_vdeck_card_list (deck, print_card, &ctx);
    }
  else if (strcmp (cmd, "show") == 0 && arg != NULL)
    {
      rc = otk_vdeck_card_show (deck, arg, text, sizeof text);
      if (rc == OTK_VDECK_OK)
        fputs (text, stdout);
    }
  else if (strcmp (cmd, "insert") == 0 && arg != NULL && reader > 0)
    rc = otk_vdeck_insert (deck, reader, arg);
  else if (strcmp (cmd, "remove") == 0 && arg == NULL && reader > 0)
    rc = otk_vdeck_eject (deck, reader);
  else if (strcmp (cmd, "pinpad") == 0 && reader > 0
           && (key == OTK_VDECK_PINPAD_DIGITS) == (arg != NULL))
    {
      if (arg != NULL && strcmp (arg, "-") == 0)
        {
          if (read_digits (digits, sizeof digits) != 0)
            {
              fprintf (stderr, "tke-vcard: no digits on standard input\n");
              rc = OTK_VDECK_ERR_INVALID;
              goto out;
            }
          arg = digits;
        }
      rc = otk_vdeck_pinpad_queue (deck, reader, key, arg);
    }
  else if (strcmp (cmd, "rm") == 0 && arg != NULL)
    rc = otk_vdeck_card_remove (deck, arg);
  else
    {
      usage (stderr);
      rc = OTK_VDECK_ERR_INVALID;
      secure_clear (digits, sizeof digits);
      otk_vdeck_close (deck);
      return 2;
    }
out:
  secure_clear (digits, sizeof digits);
  if (rc != OTK_VDECK_OK)
    fprintf (stderr, "tke-vcard: %s: %s\n", cmd, otk_vdeck_strerror (rc));
  otk_vdeck_close (deck);
  return rc == OTK_VDECK_OK ? 0 : 1;
}
