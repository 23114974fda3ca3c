/* vdeck-show.c: the public contents of a card image, as text (tke-vcard show). */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secure.h"
#include "vdeck-private.h"

typedef struct
{
  char *buf;
  size_t len;
  size_t used;
  int overflow;
} text;

static void add (text *t, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
add (text *t, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (t->buf + t->used, t->len - t->used, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t)n >= t->len - t->used)
    t->overflow = 1;
  else
    t->used += (size_t)n;
}

static void
add_hex (text *t, const char *label, const uint8_t *b, size_t n)
{
  add (t, "%s", label);
  for (size_t i = 0; i < n; i++)
    add (t, "%02x", b[i]);
  add (t, "\n");
}

static void
add_str (text *t, const char *label, const uint8_t *s, size_t n)
{
  add (t, "%s%.*s\n", label, (int)n, (const char *)s);
}

static const char *
state_name (const otk_card_nv *nv)
{
  static const char *const ep11[] = { "?", "initialized", "enrolled", "personalized" };
  static const char *const ca[]
      = { "?", "initialized", "PIN 1 set", "personalized", "backup target" };
  if (nv->type == OTK_TYPE_EP11 && nv->state <= OTK_EP11_PERSONALIZED)
    return ep11[nv->state];
  if (nv->type == OTK_TYPE_CA && nv->state <= OTK_CA_BACKUP_TARGET)
    return ca[nv->state];
  return "?";
}

static void
describe (const otk_card_nv *nv, text *t)
{
  uint8_t ski[OTK_SHA256_LEN];
  uint8_t vp[OTK_SHA256_LEN];

  if (nv->type == OTK_TYPE_BLANK)
    {
      add (t, "type: blank\n");
      return;
    }
  add (t, "type: %s\nstate: %s\n", nv->type == OTK_TYPE_CA ? "CA" : "EP11", state_name (nv));
  add_hex (t, "card ID: ", nv->card_id, OTK_ID_LEN);
  if (nv->state != OTK_CA_BACKUP_TARGET || nv->type != OTK_TYPE_CA)
    {
      if (nv->type == OTK_TYPE_CA || nv->state >= OTK_EP11_ENROLLED)
        add_hex (t, "zone ID: ", nv->zone_cert + 2, OTK_ID_LEN);
    }
  if (nv->zone_desc_len > 0)
    add_str (t, "zone description: ", nv->zone_desc, nv->zone_desc_len);
  if (nv->desc_len > 0)
    add_str (t, "description: ", nv->desc, nv->desc_len);
  if ((nv->type == OTK_TYPE_CA && nv->state == OTK_CA_PERSONALIZED)
      || (nv->type == OTK_TYPE_EP11 && nv->state == OTK_EP11_PERSONALIZED))
    add (t, "PIN tries left: %u%s\n", nv->tries, nv->tries == 0 ? " (blocked)" : "");
  for (unsigned i = 0; i < nv->root_count && i < OTK_MAX_ROOTS; i++)
    if (otk_ski (otk_cert_pub (nv->roots[i]), ski) == 0)
      add_hex (t, "trusted crypto-unit root SKI: ", ski, sizeof ski);
  if (nv->name_len > 0 && otk_ski (nv->sig_pub, ski) == 0)
    {
      add_str (t, "administrator: ", nv->name, nv->name_len);
      add_hex (t, "administrator SKI: ", ski, sizeof ski);
    }
  for (int i = 0; i < OTK_MAX_PARTS; i++)
    if (nv->parts[i].used && otk_vp (nv->parts[i].part, vp) == 0)
      {
        add (t, "key part %d: %.*s\n", i + 1, (int)nv->parts[i].desc_len,
             (const char *)nv->parts[i].desc);
        add_hex (t, "  VP: ", vp, sizeof vp);
      }
}

int
otk_vdeck_card_show (otk_vdeck *deck, const char *name, char *buf, size_t buf_len)
{
  otk_card *card = NULL;
  vdeck_file f = { .fd = -1 };
  text t = { buf, buf_len, 0, 0 };
  int rc;

  if (buf_len == 0)
    return OTK_VDECK_ERR_BUFFER;
  buf[0] = '\0';
  if ((rc = vdeck_lock (deck)) != OTK_VDECK_OK)
    return rc;
  if ((rc = vdeck_card_open (deck, name, O_RDONLY, &f)) != OTK_VDECK_OK)
    goto out;
  if ((card = calloc (1, sizeof *card)) == NULL)
    {
      rc = OTK_VDECK_ERR_IO;
      goto out;
    }
  if (otk_card_load (card, &vdeck_file_io, &f) != 0)
    {
      rc = OTK_VDECK_ERR_CORRUPT;
      goto out;
    }
  describe (&card->nv, &t);
  rc = t.overflow ? OTK_VDECK_ERR_BUFFER : OTK_VDECK_OK;
out:
  if (f.fd >= 0)
    close (f.fd);
  if (card != NULL)
    secure_clear (card, sizeof *card);
  free (card);
  vdeck_unlock (deck);
  return rc;
}
