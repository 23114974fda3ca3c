/* opentke-vdeck.h: the virtual card deck (DESIGN.md §4).
 *
 * The deck is a directory ($OPENTKE_DECK, else $XDG_DATA_HOME/opentke/deck, else
 * ~/.local/share/opentke/deck) that holds
 *   cards/NAME.card   one image per virtual card (mode 0600: a virtual card keeps its
 *                     keys in this file, as a real card keeps them in its EEPROM),
 *   reader1, reader2  which card is in each virtual reader, and an insertion counter,
 *   pinpad1, pinpad2  the entries queued on each reader's virtual PIN pad,
 *   lock              flock()ed around every operation, so several processes (tke-vcard,
 *                     the in-process backend of libcard, the pcscd driver) share one deck.
 *
 * Plain C, no GLib: the pcscd driver links it too.  A handle may be used from several threads
 * (calls are serialised).  Every function returns an
 * otk_vdeck_status; OTK_VDECK_OK is 0 and every error is negative.
 *
 * Card RAM state (selected applet, PINs verified, unblock challenge, pending response)
 * lives in the deck handle, per reader, and is dropped by otk_vdeck_power_up() and when
 * the card in the reader changes (insertion counter), exactly like a real card that loses
 * power.  Two processes that talk to the same reader each see their own RAM state.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct otk_vdeck otk_vdeck;

  typedef enum
  {
    OTK_VDECK_OK = 0,
    OTK_VDECK_ERR_IO = -1,        /* file system error (see errno) */
    OTK_VDECK_ERR_INVALID = -2,   /* bad argument: reader not 1|2, bad name, bad APDU length */
    OTK_VDECK_ERR_NOT_FOUND = -3, /* no card of that name */
    OTK_VDECK_ERR_EXISTS = -4,    /* a card of that name already exists */
    OTK_VDECK_ERR_NO_CARD = -5,   /* the reader is empty */
    OTK_VDECK_ERR_IN_USE = -6,    /* the card is inserted in a reader (remove it first) */
    OTK_VDECK_ERR_CARD_CHANGED
    = -7,                       /* the card was removed/swapped since power up: power up again */
    OTK_VDECK_ERR_BUFFER = -8,  /* the caller's buffer is too small */
    OTK_VDECK_ERR_CORRUPT = -9, /* card image unreadable (no valid slot) */
    OTK_VDECK_ERR_TORN = -10,   /* test hook: the card was pulled in the middle of a write */
  } otk_vdeck_status;

  enum
  {
    OTK_VDECK_NAME_MAX = 64, /* card names: [A-Za-z0-9._-], 1..64 chars, not starting with '.' */
    OTK_VDECK_ATR_MAX = 33,
    OTK_VDECK_APDU_MAX = 65544,     /* extended length: 4 header + 3 Lc + 65535 data + 2 Le */
    OTK_VDECK_RESPONSE_MAX = 65538, /* 65536 data + SW1 SW2 */
  };

  /* Human-readable text of a status (static string). */
  const char *otk_vdeck_strerror (int status);

  /* Opens (creating it, mode 0700, when missing) the deck at @dir, or at the default
   * location when @dir is NULL.  *out is NULL on error. */
  int otk_vdeck_open (const char *dir, otk_vdeck **out);
  void otk_vdeck_close (otk_vdeck *deck);
  const char *otk_vdeck_get_path (const otk_vdeck *deck);

  /* ---- cards ------------------------------------------------------------------------- */

  /* Makes a blank card (answers SELECT of both applets, becomes CA or EP11 when
   * initialized). */
  int otk_vdeck_card_new (otk_vdeck *deck, const char *name);
  /* Deletes a card; refused with OTK_VDECK_ERR_IN_USE while it is in a reader. */
  int otk_vdeck_card_remove (otk_vdeck *deck, const char *name);
  /* Calls @fn once per card, in name order; stops early when @fn returns non-zero. */
  int otk_vdeck_card_list (otk_vdeck *deck, int (*fn) (const char *name, void *user), void *user);
  /* Writes a text description of the card's public contents (type, state, card ID, zone ID,
   * descriptions, retries left, admin name and SKI, key parts with index, description and
   * VP), NUL-terminated, into @buf.  Never any secret. */
  int otk_vdeck_card_show (otk_vdeck *deck, const char *name, char *buf, size_t buf_len);

  /* ---- readers (1 or 2) -------------------------------------------------------------- */

  /* Inserts card @name into reader @reader; OTK_VDECK_ERR_IN_USE when the reader is not
   * empty or the card is in the other reader. */
  int otk_vdeck_insert (otk_vdeck *deck, int reader, const char *name);
  /* Empties the reader (OK when it was already empty). */
  int otk_vdeck_eject (otk_vdeck *deck, int reader);
  /* Which card is in the reader: OTK_VDECK_OK with its name and insertion counter (changes at
   * every insertion, so a host sees a swap), or OTK_VDECK_ERR_NO_CARD.  @name (may be NULL)
   * gets at least OTK_VDECK_NAME_MAX + 1 bytes; @insertion may be NULL. */
  int otk_vdeck_reader_card (otk_vdeck *deck, int reader, char *name, uint64_t *insertion);

  /* Cold/warm reset: drops the card's RAM state and writes its ATR into @atr
   * (OTK_VDECK_ATR_MAX bytes), *atr_len = its length. */
  int otk_vdeck_power_up (otk_vdeck *deck, int reader, uint8_t *atr, size_t *atr_len);

  /* Sends one command APDU (ISO 7816-4 cases 1-4, short or extended length) to the card of
   * the reader, which must have been powered up since its insertion (else
   * OTK_VDECK_ERR_CARD_CHANGED).  The response (data + SW1 SW2) goes to @rsp; *rsp_len is
   * its capacity on entry (OTK_VDECK_RESPONSE_MAX always suffices) and its length on return.
   * A malformed APDU is answered by the card with a status word (6700 etc.), not an error. */
  int otk_vdeck_transmit (otk_vdeck *deck, int reader, const uint8_t *cmd, size_t cmd_len,
                          uint8_t *rsp, size_t *rsp_len);

  /* ---- virtual PIN pad --------------------------------------------------------------- */

  typedef enum
  {
    OTK_VDECK_PINPAD_DIGITS = 0,    /* the user types @digits and presses OK */
    OTK_VDECK_PINPAD_CANCEL = 1,    /* the user presses Cancel */
    OTK_VDECK_PINPAD_NO_ANSWER = 2, /* the user does nothing until the timeout */
  } otk_vdeck_pinpad_key;

  /* Appends one entry to the reader's PIN-pad queue.  @digits: 0..16 ASCII digits, only for
   * OTK_VDECK_PINPAD_DIGITS (NULL otherwise).  One entry answers one PIN prompt; a MODIFY
   * with confirmation consumes two (new, confirmation), with the old PIN three. */
  int otk_vdeck_pinpad_queue (otk_vdeck *deck, int reader, otk_vdeck_pinpad_key key,
                              const char *digits);
  /* Number of entries waiting on the reader's PIN pad. */
  int otk_vdeck_pinpad_pending (otk_vdeck *deck, int reader, unsigned *count);
  /* Drops every queued entry. */
  int otk_vdeck_pinpad_clear (otk_vdeck *deck, int reader);

  /* How the PIN pad builds the command: the PIN block format is ISO 9564-1 format 2
   * (0x2L then the digits as BCD, padded with 0xF; L = number of digits), which is
   * bmFormatString 0x89, bmPINBlockString 0x47, bmPINLengthFormat 0x04 in part-10 terms.
   * Offsets count from the first byte of the command data (part-10 bInsertionOffset). */
  typedef struct
  {
    uint8_t entries;     /* 1 = verify (PIN at offset_new); 2 = new PIN + confirmation
                            (new PIN at offset_new); 3 = old PIN + new + confirmation (old at
                            offset_old, new at offset_new) */
    uint16_t offset_old; /* only for entries == 3 */
    uint16_t offset_new;
    uint8_t block_len;  /* PIN block length in bytes: 8 */
    uint8_t min_digits; /* e.g. 6 */
    uint8_t max_digits; /* e.g. 6, at most 14 */
    uint8_t timeout_s;  /* how long to wait for an empty queue to get an entry; 0 = not at all */
  } otk_vdeck_pin_entry;

  /* Performs one PIN-pad entry like a part-10 reader (FEATURE_VERIFY_PIN_DIRECT when
   * entries == 1, FEATURE_MODIFY_PIN_DIRECT otherwise): takes the entries from the reader's
   * queue (waiting up to timeout_s for each), checks their length, checks that new PIN and
   * confirmation are equal, writes the PIN blocks into a copy of @apdu_template (a complete
   * command APDU whose data holds placeholder blocks at the offsets), sends it to the card and
   * returns the card's response in @rsp / *rsp_len as otk_vdeck_transmit() does.  Instead of
   * the card's response it returns the part-10 pseudo status words
   *   64 00  no answer (timeout)        64 01  cancelled
   *   64 02  new PIN and confirmation differ
   *   64 03  a PIN shorter than min_digits or longer than max_digits
   *   6B 80  invalid parameters (offsets or block outside the data, block_len != 8, ...)
   * (then nothing is sent to the card).  The PIN digits and the built APDU are wiped before
   * return; the caller never sees them. */
  int otk_vdeck_pinpad_entry (otk_vdeck *deck, int reader, const otk_vdeck_pin_entry *entry,
                              const uint8_t *apdu_template, size_t template_len, uint8_t *rsp,
                              size_t *rsp_len);

  /* ---- test hooks -------------------------------------------------------------------- */

  /* Tearing test hook: the next card commit of this handle is interrupted after @n writes to
   * the card image (the card is pulled: ejected from its reader, and the command returns
   * OTK_VDECK_ERR_TORN).  @n = 0 disables it.  The store writes a commit as several page
   * writes, so a test can pull the card after each of them. */
  void otk_vdeck_test_tear_after (otk_vdeck *deck, unsigned n);
  /* Number of page writes made by this handle so far (tests use it to count the writes of a
   * command). */
  unsigned long otk_vdeck_test_write_count (const otk_vdeck *deck);

#ifdef __cplusplus
}
#endif
