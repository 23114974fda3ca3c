/* vdeck-pinpad.c: the virtual PIN pads of readers 1 and 2, with the semantics of a PC/SC
 * part-10 PIN-pad reader (FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT).
 *
 * The queue file pinpadN holds one entry per line: "D <digits>", "C" (cancel) or "N" (no
 * answer).  It holds PINs, so it is mode 0600 and every buffer that held it is wiped. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "secure.h"
#include "vdeck-private.h"

enum
{
  QUEUE_MAX = 4096,
  DIGITS_MAX = 16,
  ENTRY_MAX = 3,
};

/* Reads the queue file into @buf (NUL-terminated); the caller holds the lock. */
static int
read_queue (otk_vdeck *deck, int reader, char *buf, size_t len)
{
  char path[4096];
  char file[16];
  ssize_t n = 0;
  int fd;

  snprintf (file, sizeof file, "pinpad%d", reader);
  if (vdeck_path (deck, path, sizeof path, "", file, "") != 0)
    return OTK_VDECK_ERR_INVALID;
  buf[0] = '\0';
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? OTK_VDECK_OK : OTK_VDECK_ERR_IO;
  n = read (fd, buf, len - 1);
  close (fd);
  if (n < 0)
    return OTK_VDECK_ERR_IO;
  buf[n] = '\0';
  return OTK_VDECK_OK;
}

static int
write_queue (otk_vdeck *deck, int reader, const char *text)
{
  char file[16];
  snprintf (file, sizeof file, "pinpad%d", reader);
  return vdeck_write_file (deck, file, text, strlen (text));
}

int
otk_vdeck_pinpad_queue (otk_vdeck *deck, int reader, otk_vdeck_pinpad_key key, const char *digits)
{
  char buf[QUEUE_MAX];
  size_t used;
  int rc;

  if (reader != 1 && reader != 2)
    return OTK_VDECK_ERR_INVALID;
  if (key == OTK_VDECK_PINPAD_DIGITS)
    {
      size_t n = digits != NULL ? strlen (digits) : 0;
      if (n > DIGITS_MAX || strspn (digits != NULL ? digits : "", "0123456789") != n)
        return OTK_VDECK_ERR_INVALID;
    }
  else if (key != OTK_VDECK_PINPAD_CANCEL && key != OTK_VDECK_PINPAD_NO_ANSWER)
    return OTK_VDECK_ERR_INVALID;
  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  if ((rc = read_queue (deck, reader, buf, sizeof buf)) != OTK_VDECK_OK)
    goto out;
  used = strlen (buf);
  if (key == OTK_VDECK_PINPAD_DIGITS)
    rc = snprintf (buf + used, sizeof buf - used, "D %s\n", digits);
  else
    rc = snprintf (buf + used, sizeof buf - used, "%s\n",
                   key == OTK_VDECK_PINPAD_CANCEL ? "C" : "N");
  if (rc < 0 || (size_t)rc >= sizeof buf - used)
    rc = OTK_VDECK_ERR_BUFFER;
  else
    rc = write_queue (deck, reader, buf);
out:
  secure_clear (buf, sizeof buf);
  vdeck_unlock (deck);
  return rc;
}

int
otk_vdeck_pinpad_pending (otk_vdeck *deck, int reader, unsigned *count)
{
  char buf[QUEUE_MAX];
  int rc;

  if ((rc = vdeck_lock_reader (deck, reader)) != OTK_VDECK_OK)
    return rc;
  rc = read_queue (deck, reader, buf, sizeof buf);
  *count = 0;
  for (char *p = buf; rc == OTK_VDECK_OK && *p; p++)
    *count += *p == '\n';
  secure_clear (buf, sizeof buf);
  vdeck_unlock (deck);
  return rc;
}

int
otk_vdeck_pinpad_clear (otk_vdeck *deck, int reader)
{
  int rc;

  if ((rc = vdeck_lock_reader (deck, reader)) != OTK_VDECK_OK)
    return rc;
  rc = write_queue (deck, reader, "");
  vdeck_unlock (deck);
  return rc;
}

/* Takes the first entry off the queue.  Returns 1 and the key (and digits) when there was
 * one, 0 when the queue is empty, or a negative status; the caller holds the lock. */
static int
pop_entry (otk_vdeck *deck, int reader, otk_vdeck_pinpad_key *key, char digits[DIGITS_MAX + 1])
{
  char buf[QUEUE_MAX];
  char *nl;
  int rc;

  if ((rc = read_queue (deck, reader, buf, sizeof buf)) != OTK_VDECK_OK)
    goto out;
  nl = strchr (buf, '\n');
  if (nl == NULL)
    {
      rc = 0;
      goto out;
    }
  *nl = '\0';
  digits[0] = '\0';
  if (buf[0] == 'D' && buf[1] == ' ' && strlen (buf + 2) <= DIGITS_MAX)
    {
      *key = OTK_VDECK_PINPAD_DIGITS;
      strcpy (digits, buf + 2);
    }
  else
    *key = buf[0] == 'C' ? OTK_VDECK_PINPAD_CANCEL : OTK_VDECK_PINPAD_NO_ANSWER;
  rc = write_queue (deck, reader, nl + 1);
  if (rc == OTK_VDECK_OK)
    rc = 1;
out:
  secure_clear (buf, sizeof buf);
  return rc;
}

/* Waits up to @timeout_s for an entry, releasing the lock while it sleeps. */
static int
wait_entry (otk_vdeck *deck, int reader, unsigned timeout_s, otk_vdeck_pinpad_key *key,
            char digits[DIGITS_MAX + 1])
{
  const struct timespec tick = { 0, 100 * 1000 * 1000 };
  unsigned ticks = timeout_s * 10;
  int rc;

  while ((rc = pop_entry (deck, reader, key, digits)) == 0 && ticks-- > 0)
    {
      vdeck_unlock (deck);
      nanosleep (&tick, NULL);
      if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
        return rc;
    }
  return rc;
}

/* ISO 9564-1 format 2: 2L, BCD digits, F padding. */
static void
make_block (const char *digits, uint8_t *block, size_t block_len)
{
  size_t n = strlen (digits);
  memset (block, 0xFF, block_len);
  block[0] = (uint8_t)(0x20 | n);
  for (size_t i = 0; i < n; i++)
    {
      uint8_t d = (uint8_t)(digits[i] - '0');
      uint8_t *b = &block[1 + i / 2];
      *b = i % 2 ? (uint8_t)((*b & 0xF0) | d) : (uint8_t)((d << 4) | 0x0F);
    }
}

static void
pseudo_sw (uint8_t *rsp, size_t *rsp_len, uint16_t sw)
{
  rsp[0] = (uint8_t)(sw >> 8);
  rsp[1] = (uint8_t)sw;
  *rsp_len = 2;
}

/* Offset and length of the data field of a command APDU; -1 when it has none. */
static int
apdu_data (const uint8_t *apdu, size_t len, size_t *off, size_t *lc)
{
  if (len > 5 && apdu[4] != 0)
    {
      *off = 5;
      *lc = apdu[4];
    }
  else if (len > 7 && apdu[4] == 0)
    {
      *off = 7;
      *lc = (size_t)apdu[5] << 8 | apdu[6];
    }
  else
    return -1;
  return *off + *lc <= len ? 0 : -1;
}

int
otk_vdeck_pinpad_entry (otk_vdeck *deck, int reader, const otk_vdeck_pin_entry *entry,
                        const uint8_t *apdu_template, size_t template_len, uint8_t *rsp,
                        size_t *rsp_len)
{
  uint8_t *apdu = NULL;
  char pins[ENTRY_MAX][DIGITS_MAX + 1];
  size_t off, lc;
  int rc;

  memset (pins, 0, sizeof pins);
  if ((reader != 1 && reader != 2) || entry == NULL || *rsp_len < 2)
    return OTK_VDECK_ERR_INVALID;
  if (entry->entries < 1 || entry->entries > ENTRY_MAX || entry->block_len != 8
      || entry->min_digits < 1 || entry->min_digits > entry->max_digits || entry->max_digits > 14
      || template_len > OTK_VDECK_APDU_MAX
      || apdu_data (apdu_template, template_len, &off, &lc) != 0
      || entry->offset_new + (size_t)entry->block_len > lc
      || (entry->entries == 3 && entry->offset_old + (size_t)entry->block_len > lc))
    {
      pseudo_sw (rsp, rsp_len, 0x6B80);
      return OTK_VDECK_OK;
    }
  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  /* The card must be there before the user is asked for anything. */
  {
    uint64_t insertion;
    rc = vdeck_read_reader (deck, reader, NULL, &insertion);
    if (rc == OTK_VDECK_OK
        && (!deck->reader[reader - 1].powered || deck->reader[reader - 1].insertion != insertion))
      rc = OTK_VDECK_ERR_CARD_CHANGED;
    if (rc != OTK_VDECK_OK)
      goto out;
  }
  for (int i = 0; i < entry->entries; i++)
    {
      otk_vdeck_pinpad_key key;
      size_t n;
      rc = wait_entry (deck, reader, entry->timeout_s, &key, pins[i]);
      if (rc < 0)
        goto out;
      if (rc == 0 || key != OTK_VDECK_PINPAD_DIGITS)
        {
          pseudo_sw (rsp, rsp_len, rc == 1 && key == OTK_VDECK_PINPAD_CANCEL ? 0x6401 : 0x6400);
          rc = OTK_VDECK_OK;
          goto out;
        }
      rc = OTK_VDECK_OK;
      n = strlen (pins[i]);
      if (n < entry->min_digits || n > entry->max_digits)
        {
          pseudo_sw (rsp, rsp_len, 0x6403);
          goto out;
        }
    }
  if (entry->entries >= 2 && strcmp (pins[entry->entries - 2], pins[entry->entries - 1]) != 0)
    {
      pseudo_sw (rsp, rsp_len, 0x6402);
      goto out;
    }
  if ((apdu = malloc (template_len)) == NULL)
    {
      rc = OTK_VDECK_ERR_IO;
      goto out;
    }
  memcpy (apdu, apdu_template, template_len);
  make_block (pins[entry->entries == 3 ? 1 : 0], apdu + off + entry->offset_new, entry->block_len);
  if (entry->entries == 3)
    make_block (pins[0], apdu + off + entry->offset_old, entry->block_len);
  rc = vdeck_transmit_locked (deck, reader, apdu, template_len, rsp, rsp_len);
out:
  if (apdu != NULL)
    secure_clear (apdu, template_len);
  free (apdu);
  secure_clear (pins, sizeof pins);
  vdeck_unlock (deck);
  return rc;
}
