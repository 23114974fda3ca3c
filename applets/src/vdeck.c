/* vdeck.c: the virtual card deck (opentke-vdeck.h): card images, readers, PIN pads,
 * shared by several processes under flock(). */
#include "opentke-vdeck.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card.h"
#include "secure.h"
#include "vdeck-private.h"

static const uint8_t atr_bytes[]
    = { 0x3B, 0x88, 0x80, 0x01, 'O', 'p', 'e', 'n', 'T', 'K', 'E', '1' };

const char *
otk_vdeck_strerror (int status)
{
  switch (status)
    {
      case OTK_VDECK_OK:
        return "success";
      case OTK_VDECK_ERR_IO:
        return "cannot read or write the card deck";
      case OTK_VDECK_ERR_INVALID:
        return "invalid argument";
      case OTK_VDECK_ERR_NOT_FOUND:
        return "no virtual card of that name";
      case OTK_VDECK_ERR_EXISTS:
        return "a virtual card of that name already exists";
      case OTK_VDECK_ERR_NO_CARD:
        return "no card in the reader";
      case OTK_VDECK_ERR_IN_USE:
        return "the reader or the card is in use";
      case OTK_VDECK_ERR_CARD_CHANGED:
        return "the card was removed or changed";
      case OTK_VDECK_ERR_BUFFER:
        return "buffer too small";
      case OTK_VDECK_ERR_CORRUPT:
        return "the card image is unreadable";
      case OTK_VDECK_ERR_TORN:
        return "the card was pulled during a write";
      default:
        return "unknown error";
    }
}

/* ---- paths and locking ---- */

int
vdeck_path (const otk_vdeck *deck, char *buf, size_t len, const char *prefix, const char *name,
            const char *suffix)
{
  int n = snprintf (buf, len, "%s/%s%s%s", deck->path, prefix, name, suffix);
  return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
vdeck_lock (otk_vdeck *deck)
{
  pthread_mutex_lock (&deck->mutex);
  while (flock (deck->lock_fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        pthread_mutex_unlock (&deck->mutex);
        return OTK_VDECK_ERR_IO;
      }
  return OTK_VDECK_OK;
}

int
vdeck_lock_reader (otk_vdeck *deck, int reader)
{
  if (reader != 1 && reader != 2)
    return OTK_VDECK_ERR_INVALID;
  return vdeck_lock (deck);
}

void
vdeck_unlock (otk_vdeck *deck)
{
  flock (deck->lock_fd, LOCK_UN);
  pthread_mutex_unlock (&deck->mutex);
}

/* The change count: 8 bytes at the start of the lock file, mapped shared, raised under
 * the lock before every write to a card image or a deck file by any process.  A reader
 * whose count has not moved knows, without a system call, that its card and its image
 * are still current.  It is not made durable: it only tells running processes that
 * their caches are stale. */
uint64_t
vdeck_changes (const otk_vdeck *deck)
{
  return *deck->changes;
}

void
vdeck_changes_bump (otk_vdeck *deck)
{
  *deck->changes = *deck->changes + 1;
}

/* Maps the change count of the lock file (made 8 bytes long on first use). */
static int
map_changes (otk_vdeck *deck)
{
  struct stat st;
  void *map;

  if (fstat (deck->lock_fd, &st) != 0
      || (st.st_size < (off_t)sizeof *deck->changes
          && ftruncate (deck->lock_fd, sizeof *deck->changes) != 0))
    return -1;
  map = mmap (NULL, sizeof *deck->changes, PROT_READ | PROT_WRITE, MAP_SHARED, deck->lock_fd, 0);
  if (map == MAP_FAILED)
    return -1;
  deck->changes = map;
  return 0;
}

/* Forgets the image of the card of @r (removed, swapped or torn). */
static void
reader_forget (vdeck_reader *r)
{
  r->powered = 0;
  if (r->file.fd >= 0)
    close (r->file.fd);
  r->file.fd = -1;
}

static int
mkdir_p (char *path)
{
  for (char *p = path + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        int rc = mkdir (path, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
          return -1;
      }
  return mkdir (path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static char *
default_path (void)
{
  const char *env = getenv ("OPENTKE_DECK");
  const char *data = getenv ("XDG_DATA_HOME");
  const char *home = getenv ("HOME");
  char buf[4096];
  int n;

  if (env != NULL && env[0] != '\0')
    return strdup (env);
  if (data != NULL && data[0] == '/')
    n = snprintf (buf, sizeof buf, "%s/opentke/deck", data);
  else if (home != NULL && home[0] == '/')
    n = snprintf (buf, sizeof buf, "%s/.local/share/opentke/deck", home);
  else
    return NULL;
  return n < 0 || (size_t)n >= sizeof buf ? NULL : strdup (buf);
}

int
otk_vdeck_open (const char *dir, otk_vdeck **out)
{
  otk_vdeck *deck = calloc (1, sizeof *deck);
  char buf[4096];
  int rc = OTK_VDECK_ERR_IO;

  *out = NULL;
  if (deck == NULL)
    return OTK_VDECK_ERR_IO;
  deck->lock_fd = -1;
  deck->reader[0].file.fd = deck->reader[1].file.fd = -1;
  deck->no_sync = getenv ("OPENTKE_VDECK_NO_SYNC") != NULL
                  && strcmp (getenv ("OPENTKE_VDECK_NO_SYNC"), "1") == 0;
  pthread_mutex_init (&deck->mutex, NULL);
  deck->path = dir != NULL ? strdup (dir) : default_path ();
  if (deck->path == NULL)
    {
      rc = OTK_VDECK_ERR_INVALID;
      goto out;
    }
  if (snprintf (buf, sizeof buf, "%s/cards", deck->path) >= (int)sizeof buf || mkdir_p (buf) != 0)
    goto out;
  if (vdeck_path (deck, buf, sizeof buf, "", "lock", "") != 0)
    goto out;
  deck->lock_fd = open (buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (deck->lock_fd < 0 || map_changes (deck) != 0)
    goto out;
  rc = OTK_VDECK_OK;
  *out = deck;
out:
  if (rc != OTK_VDECK_OK)
    otk_vdeck_close (deck);
  return rc;
}

void
otk_vdeck_close (otk_vdeck *deck)
{
  if (deck == NULL)
    return;
  for (int i = 0; i < 2; i++)
    reader_forget (&deck->reader[i]);
  for (int i = 0; i < 2; i++)
    {
      if (deck->reader[i].card != NULL)
        {
          secure_clear (deck->reader[i].card, sizeof *deck->reader[i].card);
          free (deck->reader[i].card);
        }
      if (deck->reader[i].image != NULL)
        {
          secure_clear (deck->reader[i].image, sizeof *deck->reader[i].image);
          free (deck->reader[i].image);
        }
    }
  if (deck->changes != NULL)
    munmap ((void *)deck->changes, sizeof *deck->changes);
  if (deck->lock_fd >= 0)
    close (deck->lock_fd);
  pthread_mutex_destroy (&deck->mutex);
  free (deck->path);
  free (deck);
}

const char *
otk_vdeck_get_path (const otk_vdeck *deck)
{
  return deck->path;
}

/* ---- card images ---- */

int
vdeck_valid_name (const char *name)
{
  size_t n = name != NULL ? strlen (name) : 0;
  if (n == 0 || n > OTK_VDECK_NAME_MAX || name[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      char c = name[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '_' || c == '-'))
        return 0;
    }
  return 1;
}

static int
file_read (void *ctx, size_t off, uint8_t *buf, size_t len)
{
  vdeck_file *f = ctx;
  ssize_t n = pread (f->fd, buf, len, (off_t)off);
  return n == (ssize_t)len ? 0 : -1;
}

static int
file_write (void *ctx, size_t off, const uint8_t *buf, size_t len)
{
  vdeck_file *f = ctx;
  if (f->deck != NULL && f->deck->tear_armed)
    {
      if (f->deck->tear_left == 0)
        {
          /* Pulled: this write and every later one of the command never happen. */
          f->deck->tear_armed = 0;
          f->torn = 1;
        }
      else
        f->deck->tear_left--;
    }
  if (f->torn)
    return -1;
  if (f->deck != NULL)
    {
      /* Other processes see the change before it happens. */
      vdeck_changes_bump (f->deck);
      f->deck->writes++;
    }
  return pwrite (f->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static int
file_sync (void *ctx)
{
  vdeck_file *f = ctx;
  if (f->torn)
    return -1;
  if (f->deck != NULL && f->deck->no_sync)
    return 0;
  return fdatasync (f->fd) == 0 ? 0 : -1;
}

const otk_store_io vdeck_file_io = { file_read, file_write, file_sync };

int
vdeck_card_open (otk_vdeck *deck, const char *name, int flags, vdeck_file *f)
{
  char path[4096];

  memset (f, 0, sizeof *f);
  f->fd = -1;
  f->deck = deck;
  if (!vdeck_valid_name (name))
    return OTK_VDECK_ERR_INVALID;
  if (vdeck_path (deck, path, sizeof path, "cards/", name, ".card") != 0)
    return OTK_VDECK_ERR_INVALID;
  f->fd = open (path, flags | O_CLOEXEC, 0600);
  if (f->fd < 0)
    {
      if (errno == ENOENT)
        return OTK_VDECK_ERR_NOT_FOUND;
      return errno == EEXIST ? OTK_VDECK_ERR_EXISTS : OTK_VDECK_ERR_IO;
    }
  return OTK_VDECK_OK;
}

int
otk_vdeck_card_new (otk_vdeck *deck, const char *name)
{
  static const otk_card_nv blank; /* all zero: type blank */
  vdeck_file f;
  int rc;

  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  rc = vdeck_card_open (deck, name, O_RDWR | O_CREAT | O_EXCL, &f);
  if (rc == OTK_VDECK_OK)
    {
      f.deck = NULL; /* formatting is not a card write: no tearing, no count */
      if (otk_store_format (&vdeck_file_io, &f, (const uint8_t *)&blank, sizeof blank) != 0)
        rc = OTK_VDECK_ERR_IO;
      close (f.fd);
    }
  vdeck_unlock (deck);
  return rc;
}

int
otk_vdeck_card_remove (otk_vdeck *deck, const char *name)
{
  char path[4096];
  char inserted[OTK_VDECK_NAME_MAX + 1];
  int rc;

  if (!vdeck_valid_name (name)
      || vdeck_path (deck, path, sizeof path, "cards/", name, ".card") != 0)
    return OTK_VDECK_ERR_INVALID;
  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  for (int r = 1; r <= 2 && rc == OTK_VDECK_OK; r++)
    if (vdeck_read_reader (deck, r, inserted, NULL) == OTK_VDECK_OK && strcmp (inserted, name) == 0)
      rc = OTK_VDECK_ERR_IN_USE;
  if (rc == OTK_VDECK_OK && unlink (path) != 0)
    rc = errno == ENOENT ? OTK_VDECK_ERR_NOT_FOUND : OTK_VDECK_ERR_IO;
  vdeck_unlock (deck);
  return rc;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
otk_vdeck_card_list (otk_vdeck *deck, int (*fn) (const char *name, void *user), void *user)
{
  char path[4096];
  char **names = NULL;
  size_t n = 0, cap = 0;
  DIR *dir;
  struct dirent *e;
  int rc = OTK_VDECK_ERR_IO;

  if (snprintf (path, sizeof path, "%s/cards", deck->path) >= (int)sizeof path)
    return OTK_VDECK_ERR_INVALID;
  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  rc = OTK_VDECK_ERR_IO;
  dir = opendir (path);
  if (dir == NULL)
    goto out;
  while ((e = readdir (dir)) != NULL)
    {
      size_t len = strlen (e->d_name);
      if (len <= 5 || strcmp (e->d_name + len - 5, ".card") != 0)
        continue;
      if (n == cap)
        {
          char **grown = realloc (names, (cap = cap ? cap * 2 : 16) * sizeof *names);
          if (grown == NULL)
            goto out;
          names = grown;
        }
      if ((names[n] = strndup (e->d_name, len - 5)) == NULL)
        goto out;
      if (vdeck_valid_name (names[n]))
        n++;
      else
        free (names[n]);
    }
  rc = OTK_VDECK_OK;
out:
  if (dir != NULL)
    closedir (dir);
  vdeck_unlock (deck);
  if (rc == OTK_VDECK_OK && n > 0)
    qsort (names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n; i++)
    {
      if (rc == OTK_VDECK_OK && fn (names[i], user) != 0)
        rc = 1; /* stop calling, still free */
      free (names[i]);
    }
  free (names);
  return rc == 1 ? OTK_VDECK_OK : rc;
}

/* ---- readers ---- */

/* Reads the file readerN; the caller holds the lock. */
static int
read_reader_file (otk_vdeck *deck, int reader, vdeck_reader_file *out)
{
  char path[4096];
  char line[OTK_VDECK_NAME_MAX + 64];
  unsigned long long ins = 0;
  FILE *f;

  out->card[0] = '\0';
  snprintf (path, sizeof path, "%s/reader%d", deck->path, reader);
  f = fopen (path, "re");
  if (f != NULL)
    {
      while (fgets (line, sizeof line, f) != NULL)
        {
          if (strncmp (line, "card ", 5) == 0)
            sscanf (line + 5, "%64s", out->card);
          else if (strncmp (line, "insertion ", 10) == 0)
            sscanf (line + 10, "%llu", &ins);
        }
      fclose (f);
    }
  else if (errno != ENOENT)
    return OTK_VDECK_ERR_IO;
  out->insertion = ins;
  return out->card[0] != '\0' && vdeck_valid_name (out->card) ? OTK_VDECK_OK
                                                              : OTK_VDECK_ERR_NO_CARD;
}

int
vdeck_read_reader (otk_vdeck *deck, int reader, char *name, uint64_t *insertion)
{
  vdeck_reader_file *cached;
  uint64_t changes;

  if (reader != 1 && reader != 2)
    return OTK_VDECK_ERR_INVALID;
  cached = &deck->reader_file[reader - 1];
  /* Read the file again only when the deck changed since: no open, read and close per
   * APDU. */
  changes = vdeck_changes (deck);
  if (!cached->valid || cached->changes != changes)
    {
      cached->rc = read_reader_file (deck, reader, cached);
      cached->valid = cached->rc != OTK_VDECK_ERR_IO;
      cached->changes = changes;
    }
  if (cached->rc == OTK_VDECK_ERR_IO)
    return cached->rc;
  if (insertion != NULL)
    *insertion = cached->insertion;
  if (name != NULL)
    strcpy (name, cached->card);
  return cached->rc;
}

/* Replaces a small deck file atomically (write to a temporary, rename). */
int
vdeck_write_file (otk_vdeck *deck, const char *file, const char *text, size_t len)
{
  char path[4096], tmp[4096];
  int fd, rc = OTK_VDECK_ERR_IO;

  if (vdeck_path (deck, path, sizeof path, "", file, "") != 0
      || snprintf (tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return OTK_VDECK_ERR_INVALID;
  vdeck_changes_bump (deck);
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return OTK_VDECK_ERR_IO;
  if (write (fd, text, len) == (ssize_t)len && (deck->no_sync || fsync (fd) == 0))
    rc = OTK_VDECK_OK;
  close (fd);
  if (rc == OTK_VDECK_OK && rename (tmp, path) != 0)
    rc = OTK_VDECK_ERR_IO;
  if (rc != OTK_VDECK_OK)
    unlink (tmp);
  return rc;
}

static int
write_reader (otk_vdeck *deck, int reader, const char *name, uint64_t insertion)
{
  char file[16], text[OTK_VDECK_NAME_MAX + 64];
  int n;

  snprintf (file, sizeof file, "reader%d", reader);
  if (name != NULL)
    n = snprintf (text, sizeof text, "card %s\ninsertion %llu\n", name,
                  (unsigned long long)insertion);
  else
    n = snprintf (text, sizeof text, "insertion %llu\n", (unsigned long long)insertion);
  return vdeck_write_file (deck, file, text, (size_t)n);
}

int
otk_vdeck_insert (otk_vdeck *deck, int reader, const char *name)
{
  char other[OTK_VDECK_NAME_MAX + 1];
  uint64_t insertion;
  vdeck_file f;
  int rc;

  if ((reader != 1 && reader != 2) || !vdeck_valid_name (name))
    return OTK_VDECK_ERR_INVALID;
  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  rc = vdeck_card_open (deck, name, O_RDONLY, &f);
  if (rc != OTK_VDECK_OK)
    goto out;
  close (f.fd);
  if (vdeck_read_reader (deck, reader, NULL, &insertion) == OTK_VDECK_OK
      || (vdeck_read_reader (deck, 3 - reader, other, NULL) == OTK_VDECK_OK
          && strcmp (other, name) == 0))
    {
      rc = OTK_VDECK_ERR_IN_USE;
      goto out;
    }
  rc = write_reader (deck, reader, name, insertion + 1);
out:
  vdeck_unlock (deck);
  return rc;
}

/* Empties the reader; the caller holds the lock. */
int
vdeck_eject_locked (otk_vdeck *deck, int reader)
{
  uint64_t insertion;
  int rc = vdeck_read_reader (deck, reader, NULL, &insertion);

  if (rc == OTK_VDECK_ERR_NO_CARD)
    return OTK_VDECK_OK;
  if (rc != OTK_VDECK_OK)
    return rc;
  return write_reader (deck, reader, NULL, insertion);
}

int
otk_vdeck_eject (otk_vdeck *deck, int reader)
{
  int rc;

  if ((rc = vdeck_lock_reader (deck, reader)) != OTK_VDECK_OK)
    return rc;
  rc = vdeck_eject_locked (deck, reader);
  vdeck_unlock (deck);
  return rc;
}

int
otk_vdeck_reader_card (otk_vdeck *deck, int reader, char *name, uint64_t *insertion)
{
  int rc;

  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  rc = vdeck_read_reader (deck, reader, name, insertion);
  vdeck_unlock (deck);
  return rc;
}

/* ---- the card in a reader ---- */

/* Reads the image of the card of @r into its RAM state, and keeps a copy. */
static int
reader_load (vdeck_reader *r)
{
  if (otk_card_load (r->card, &vdeck_file_io, &r->file) != 0)
    return OTK_VDECK_ERR_CORRUPT;
  memcpy (r->image, &r->card->nv, sizeof *r->image);
  return OTK_VDECK_OK;
}

int
otk_vdeck_power_up (otk_vdeck *deck, int reader, uint8_t *atr, size_t *atr_len)
{
  char name[OTK_VDECK_NAME_MAX + 1];
  vdeck_reader *r;
  uint64_t insertion;
  uint8_t tck = 0;
  int rc;

  if (reader != 1 && reader != 2)
    return OTK_VDECK_ERR_INVALID;
  r = &deck->reader[reader - 1];
  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  reader_forget (r);
  if ((rc = vdeck_read_reader (deck, reader, name, &insertion)) != OTK_VDECK_OK)
    goto out;
  if ((r->card == NULL && (r->card = calloc (1, sizeof *r->card)) == NULL)
      || (r->image == NULL && (r->image = calloc (1, sizeof *r->image)) == NULL))
    {
      rc = OTK_VDECK_ERR_IO;
      goto out;
    }
  /* Open for the card's life in the reader: the commands write through it. */
  if ((rc = vdeck_card_open (deck, name, O_RDWR, &r->file)) != OTK_VDECK_OK)
    goto out;
  if ((rc = reader_load (r)) != OTK_VDECK_OK)
    goto out;
  otk_card_reset (r->card);
  r->insertion = insertion;
  r->powered = 1;
  r->seen = vdeck_changes (deck);
  memcpy (atr, atr_bytes, sizeof atr_bytes);
  for (size_t i = 1; i < sizeof atr_bytes; i++)
    tck ^= atr_bytes[i];
  atr[sizeof atr_bytes] = tck;
  *atr_len = sizeof atr_bytes + 1;
out:
  if (rc != OTK_VDECK_OK)
    reader_forget (r);
  vdeck_unlock (deck);
  return rc;
}

/* Whether the card of @r is still in its reader with its image as loaded; reloads the
 * image when another process may have changed the deck.  The caller holds the lock. */
static int
reader_check (otk_vdeck *deck, int reader, vdeck_reader *r)
{
  uint64_t insertion;
  int rc;

  if (r->powered && r->seen == vdeck_changes (deck))
    return OTK_VDECK_OK;
  if ((rc = vdeck_read_reader (deck, reader, NULL, &insertion)) != OTK_VDECK_OK)
    {
      reader_forget (r);
      return rc;
    }
  if (!r->powered || r->insertion != insertion)
    return OTK_VDECK_ERR_CARD_CHANGED;
  /* Same insertion, so the same card file (it cannot be removed while inserted). */
  if ((rc = reader_load (r)) != OTK_VDECK_OK)
    return rc;
  r->seen = vdeck_changes (deck);
  return OTK_VDECK_OK;
}

/* Sends one APDU to the powered card of @reader; the caller holds the lock. */
int
vdeck_transmit_locked (otk_vdeck *deck, int reader, const uint8_t *cmd, size_t cmd_len,
                       uint8_t *rsp, size_t *rsp_len)
{
  vdeck_reader *r = &deck->reader[reader - 1];
  unsigned long writes = deck->writes;
  int rc;

  if (cmd_len > OTK_VDECK_APDU_MAX || *rsp_len < 2)
    return OTK_VDECK_ERR_INVALID;
  if ((rc = reader_check (deck, reader, r)) != OTK_VDECK_OK)
    return rc;
  r->file.torn = 0;
  *rsp_len = otk_card_process (r->card, cmd, cmd_len, rsp, *rsp_len);
  if (r->file.torn)
    {
      /* The card left the reader in the middle of the command. */
      reader_forget (r);
      otk_card_reset (r->card);
      vdeck_eject_locked (deck, reader);
      secure_clear (rsp, *rsp_len);
      *rsp_len = 0;
      return OTK_VDECK_ERR_TORN;
    }
  /* After a write, or a change in RAM only, the image is read again, as a card that
   * lost power would: RAM never carries what the image does not hold. */
  if ((deck->writes != writes || memcmp (&r->card->nv, r->image, sizeof *r->image) != 0)
      && reader_load (r) != OTK_VDECK_OK)
    {
      /* The answer stands; the card is powered down, the next command is refused. */
      reader_forget (r);
      return OTK_VDECK_OK;
    }
  /* Our own writes moved the count, and the image is what we hold now. */
  r->seen = vdeck_changes (deck);
  return OTK_VDECK_OK;
}

int
otk_vdeck_transmit (otk_vdeck *deck, int reader, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                    size_t *rsp_len)
{
  int rc;

  if ((rc = vdeck_lock_reader (deck, reader)) != OTK_VDECK_OK)
    return rc;
  rc = vdeck_transmit_locked (deck, reader, cmd, cmd_len, rsp, rsp_len);
  vdeck_unlock (deck);
  return rc;
}

/* ---- test hooks ---- */

void
otk_vdeck_test_tear_after (otk_vdeck *deck, unsigned n)
{
  deck->tear_armed = n > 0;
  deck->tear_left = n;
}

unsigned long
otk_vdeck_test_write_count (const otk_vdeck *deck)
{
  return deck->writes;
}
