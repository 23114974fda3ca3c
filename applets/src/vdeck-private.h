/* vdeck-private.h: what the deck's files (vdeck.c, vdeck-pinpad.c, vdeck-show.c) share. */
#pragma once

#include <pthread.h>

#include "card.h"
#include "opentke-vdeck.h"

typedef struct
{
  otk_card *card; /* RAM state + last loaded image; allocated at first power up */
  uint64_t insertion;
  int powered;
} vdeck_reader;

struct otk_vdeck
{
  char *path;
  int lock_fd;
  /* flock() excludes other processes; threads of this process (the pcscd driver serves
   * each reader from its own thread) share the lock file, so they also take this mutex. */
  pthread_mutex_t mutex;
  vdeck_reader reader[2];
  int no_sync; /* OPENTKE_VDECK_NO_SYNC=1: no fdatasync (tests) */
  int tear_armed;
  unsigned tear_left;
  unsigned long writes;
};

/* An open card image, the context of vdeck_file_io. */
typedef struct
{
  int fd;
  otk_vdeck *deck; /* NULL: no tearing hook, no write count */
  int torn;
} vdeck_file;

extern const otk_store_io vdeck_file_io;

int vdeck_lock (otk_vdeck *deck);
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
