/* ifd-watch.h: wake pcscd when a virtual reader's card changes.
 *
 * pcscd asks a driver for card presence every 400 ms unless the driver
 * offers a polling function that blocks until something happens
 * (TAG_IFD_POLLING_THREAD_WITH_TIMEOUT).  The deck replaces its file
 * "readerN" (rename) at every insertion and removal, so an inotify watch on
 * the deck directory tells at once; an eventfd lets pcscd end a wait. */
#pragma once

typedef struct
{
  int inotify_fd;
  int stop_fd;
  char file[16]; /* "reader1" or "reader2" */
} IfdWatch;

/* 0, or -1 with errno (the fds are -1 then). */
int ifd_watch_open (IfdWatch *watch, const char *deck_dir, int reader);
void ifd_watch_close (IfdWatch *watch);
/* Waits up to @timeout_ms (< 0: no limit) for the reader file to change.
 * 1: changed; 0: timeout or stopped; -1: error. */
int ifd_watch_wait (IfdWatch *watch, int timeout_ms);
/* Makes the current wait, or the next one, return 0 at once (one wake-up:
 * pcscd calls it to have the card checked again, and before it ends the
 * polling thread). */
void ifd_watch_stop (IfdWatch *watch);
