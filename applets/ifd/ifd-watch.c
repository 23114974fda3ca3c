/* ifd-watch.c: see ifd-watch.h. */
#include "ifd-watch.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

int
ifd_watch_open (IfdWatch *w, const char *deck_dir, int reader)
{
  w->stop_fd = -1;
  w->inotify_fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  snprintf (w->file, sizeof w->file, "reader%d", reader);
  if (w->inotify_fd < 0)
    return -1;
  /* Only name-carrying events of whole-file changes: the deck's lock file
   * and card images never wake pcscd. */
  if (inotify_add_watch (w->inotify_fd, deck_dir,
                         IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE)
          < 0
      || (w->stop_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
    {
      int saved = errno;

      ifd_watch_close (w);
      errno = saved;
      return -1;
    }
  return 0;
}

void
ifd_watch_close (IfdWatch *w)
{
  if (w->inotify_fd >= 0)
    close (w->inotify_fd);
  if (w->stop_fd >= 0)
    close (w->stop_fd);
  w->inotify_fd = w->stop_fd = -1;
}

/* Reads the pending events; 1 when one of them names our reader file. */
static int
drain_events (IfdWatch *w)
{
  char buf[4096] __attribute__ ((aligned (__alignof__(struct inotify_event))));
  int hit = 0;
  ssize_t n;

  while ((n = read (w->inotify_fd, buf, sizeof buf)) > 0)
    for (char *p = buf; p < buf + n;)
      {
        const struct inotify_event *ev = (const struct inotify_event *)p;

        if (ev->len > 0 && strcmp (ev->name, w->file) == 0)
          hit = 1;
        p += sizeof *ev + ev->len;
      }
  return hit;
}

int
ifd_watch_wait (IfdWatch *w, int timeout_ms)
{
  struct pollfd fds[2] = {
    { .fd = w->inotify_fd, .events = POLLIN },
    { .fd = w->stop_fd, .events = POLLIN },
  };

  for (;;)
    {
      int rc = poll (fds, 2, timeout_ms);

      if (rc < 0 && errno == EINTR)
        continue;
      if (rc < 0)
        return -1;
      if (fds[1].revents & POLLIN)
        {
          uint64_t count;

          /* One wake-up per stop: pcscd also uses it to have presence
           * checked again now, not only to end the thread. */
          if (read (w->stop_fd, &count, sizeof count) < 0)
            return -1;
          return 0;
        }
      if (rc == 0)
        return 0;
      if (drain_events (w))
        return 1;
      /* Another file of the deck: keep waiting (the timeout starts again,
       * which only delays pcscd's safety poll). */
    }
}

void
ifd_watch_stop (IfdWatch *w)
{
  uint64_t one = 1;

  if (w->stop_fd >= 0 && write (w->stop_fd, &one, sizeof one) < 0)
    return; /* the counter is full: already stopped */
}
