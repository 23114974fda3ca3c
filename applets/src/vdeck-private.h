/* vdeck-private.h: what the deck's files (vdeck.c, vdeck-pinpad.c, vdeck-show.c) share. */
#pragma once

#include <pthread.h>

#include "card.h"
#include "opentke-vdeck.h"

/* An open card image, the context of vdeck_file_io. */
typedef struct
{
  int fd;
  otk_vdeck *deck; /* NULL: no tearing hook, no write count */
  int torn;
} vdeck_file;

typedef struct
{
  otk_card *card; /* RAM state + last loaded image; allocated at first power up */
  /* What the image holds, to catch a command that changed the card's persistent state in
   * RAM without committing it: that change must not outlive the command. */
  otk_card_nv *image;
  vdeck_file file; /* the image of the powered card, open from power up (fd -1: none) */
  uint64_t insertion;
  int powered;
  /* While powered: the deck's change count when this reader's card and image were last
   * known current; while it has not moved, an APDU reads neither reader file nor image. */
  uint64_t seen;
} vdeck_reader;

/* A reader file as last read, valid while the deck's change count stays at @changes. */
typedef struct
{
  int valid;
  uint64_t changes;
  int rc;
  char card[OTK_VDECK_NAME_MAX + 1];
  uint64_t insertion;
} vdeck_reader_file;

struct otk_vdeck
{
  char *path;
  int lock_fd;
  /* The change count, the first 8 bytes of the lock file mapped shared: every process
   * reads and raises the same counter (under the lock) without a system call. */
  volatile uint64_t *changes;
  vdeck_reader_file reader_file[2];
  /* flock() excludes other processes; threads of this process (the pcscd driver serves
   * each reader from its own thread) share the lock file, so they also take this mutex. */
  pthread_mutex_t mutex;
  vdeck_reader reader[2];
  int no_sync; /* OPENTKE_VDECK_NO_SYNC=1: no fdatasync (tests) */
  int tear_armed;
  unsigned tear_left;
  unsigned long writes;
};

extern const otk_store_io vdeck_file_io;

int vdeck_lock (otk_vdeck *deck);
/* The start of a call on reader @reader: checks that it is 1 or 2, then locks the deck.
 * OTK_VDECK_OK (locked), OTK_VDECK_ERR_INVALID or the lock's error. */
int vdeck_lock_reader (otk_vdeck *deck, int reader);
/* The deck's change count (vdeck.c); the caller holds the lock. */
uint64_t vdeck_changes (const otk_vdeck *deck);
void vdeck_changes_bump (otk_vdeck *deck);
void vdeck_unlock (otk_vdeck *deck);
/* deck path / prefix name suffix */
int vdeck_path (const otk_vdeck *deck, char *buf, size_t len, const char *prefix, const char *name,
                const char *suffix);
int vdeck_valid_name (const char *name);
int vdeck_card_open (otk_vdeck *deck, const char *name, int flags, vdeck_file *f);
int vdeck_read_reader (otk_vdeck *deck, int reader, char *name, uint64_t *insertion);
int vdeck_write_file (otk_vdeck *deck, const char *file, const char *text, size_t len);
int vdeck_eject_locked (otk_vdeck *deck, int reader);
int vdeck_transmit_locked (otk_vdeck *deck, int reader, const uint8_t *cmd, size_t cmd_len,
                           uint8_t *rsp, size_t *rsp_len);
