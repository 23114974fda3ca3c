/* fuzz-applets.c: libFuzzer target over the APDU dispatch of both applets.
 *
 * Input: one byte that picks the starting card (0 blank, 1 personalized CA card, 2
 * personalized EP11 card with a signature key and two key parts, 3 EP11 card initialized but
 * not enrolled, 4 CA card waiting as a backup target; bit 0x80: PINs verified first), then up to 16
 * command APDUs, each preceded by its length (2 bytes, big endian). The cards live in memory (a RAM
 * store); the starting images are made once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "secure.h"

enum
{
  IMAGE_MAX = 32768,
  MAX_APDUS = 16,
};

typedef struct
{
  uint8_t bytes[IMAGE_MAX];
} mem_image;

static int
mem_read (void *ctx, size_t off, uint8_t *buf, size_t len)
{
  mem_image *m = ctx;
  if (off > IMAGE_MAX || len > IMAGE_MAX - off)
    return -1;
  memcpy (buf, m->bytes + off, len);
  return 0;
}

static int
mem_write (void *ctx, size_t off, const uint8_t *buf, size_t len)
{
  mem_image *m = ctx;
  if (off > IMAGE_MAX || len > IMAGE_MAX - off)
    return -1;
  memcpy (m->bytes + off, buf, len);
  return 0;
}

static int
mem_sync (void *ctx)
{
  return 0;
}

static const otk_store_io mem_io = { mem_read, mem_write, mem_sync };

enum
{
  N_IMAGES = 5,
};

static mem_image images[N_IMAGES];
static mem_image work;
static otk_card card_a, card_b;
static uint8_t rsp[OTK_CARD_RESPONSE_MAX + 2];

static const uint8_t aid_ca[] = { 0xF0, 0x54, 0x4B, 0x45, 0x43, 0x41, 0x01 };
static const uint8_t aid_ep11[] = { 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };
static const uint8_t pin_ca1[8] = { 0x26, 0x11, 0x11, 0x11, 0xFF, 0xFF, 0xFF, 0xFF };
static const uint8_t pin_ca2[8] = { 0x26, 0x22, 0x22, 0x22, 0xFF, 0xFF, 0xFF, 0xFF };
static const uint8_t pin_ep11[8] = { 0x26, 0x12, 0x34, 0x56, 0xFF, 0xFF, 0xFF, 0xFF };

/* Sends a command built from its parts (extended length); returns the SW, data in rsp. */
static uint16_t
send (otk_card *c, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
      size_t len, size_t *out_len)
{
  static uint8_t cmd[7 + 4096 + 2];
  size_t n = 0, r;

  cmd[n++] = cla;
  cmd[n++] = ins;
  cmd[n++] = p1;
  cmd[n++] = p2;
  cmd[n++] = 0;
  if (len > 0)
    {
      cmd[n++] = (uint8_t)(len >> 8);
      cmd[n++] = (uint8_t)len;
      memcpy (cmd + n, data, len);
      n += len;
    }
  cmd[n++] = 0; /* Le = 00 00: up to 65536 */
  cmd[n++] = 0;
  r = otk_card_process (c, cmd, n, rsp, sizeof rsp);
  if (out_len != NULL)
    *out_len = r - 2;
  return (uint16_t)(rsp[r - 2] << 8 | rsp[r - 1]);
}

static void
need (int ok)
{
  if (!ok)
    abort ();
}

static void
start (otk_card *c, mem_image *img)
{
  static const otk_card_nv blank;
  need (otk_store_format (&mem_io, img, (const uint8_t *)&blank, sizeof blank) == 0);
  need (otk_card_load (c, &mem_io, img) == 0);
  otk_card_reset (c);
}

static void
make_images (void)
{
  static mem_image ca, ep;
  uint8_t priv[OTK_EC_PRIV_LEN], pub[OTK_EC_POINT_LEN], id[OTK_ID_LEN] = { 7 };
  uint8_t buf[4096], req[OTK_ID_LEN + OTK_EC_POINT_LEN], cert[OTK_CERT_LEN];
  size_t n, len;

  start (&card_a, &images[0]);
  /* CA card trusting one crypto-unit root. */
  start (&card_a, &ca);
  need (otk_hal_ec_generate (priv, pub) == 0);
  n = 0;
  buf[n++] = 4;
  memcpy (buf + n, "zone", 4);
  n += 4;
  buf[n++] = 2;
  memcpy (buf + n, "ca", 2);
  n += 2;
  buf[n++] = 1;
  need (otk_cert_make (buf + n, OTK_CERT_CU_ROOT, id, pub, priv, pub) == 0);
  n += OTK_CERT_LEN;
  need (send (&card_a, 0, 0xA4, 4, 0, aid_ca, sizeof aid_ca, NULL) == SW_OK);
  need (send (&card_a, 0x80, 0x10, 0, 0, buf, n, NULL) == SW_OK);
  need (send (&card_a, 0x80, 0x14, 0, 0x81, pin_ca1, 8, NULL) == SW_OK);
  need (send (&card_a, 0x80, 0x14, 0, 0x82, pin_ca2, 8, NULL) == SW_OK);
  need (send (&card_a, 0, 0x20, 0, 0x81, pin_ca1, 8, NULL) == SW_OK);
  need (send (&card_a, 0, 0x20, 0, 0x82, pin_ca2, 8, NULL) == SW_OK);
  /* EP11 card enrolled by it. */
  start (&card_b, &ep);
  need (send (&card_b, 0, 0xA4, 4, 0, aid_ep11, sizeof aid_ep11, NULL) == SW_OK);
  need (send (&card_b, 0x80, 0x10, 0, 0, NULL, 0, &len) == SW_OK && len == sizeof req);
  memcpy (req, rsp, sizeof req);
  images[3] = ep;
  need (send (&card_a, 0x80, 0x20, 0, 0, req, sizeof req, &len) == SW_OK);
  memcpy (cert, rsp, OTK_CERT_LEN);
  need (send (&card_a, 0x80, 0x34, 0, 0, NULL, 0, &len) == SW_OK);
  memcpy (buf, cert, OTK_CERT_LEN);
  memcpy (buf + OTK_CERT_LEN, rsp, len);
  need (send (&card_b, 0x80, 0x12, 0, 0, buf, OTK_CERT_LEN + len, NULL) == SW_OK);
  memcpy (buf, pin_ep11, 8);
  buf[8] = 4;
  memcpy (buf + 9, "card", 4);
  need (send (&card_b, 0x80, 0x14, 0, 0, buf, 13, NULL) == SW_OK);
  need (send (&card_b, 0, 0x20, 0, 0x81, pin_ep11, 8, NULL) == SW_OK);
  need (send (&card_b, 0x80, 0x40, 0, 0, (const uint8_t *)"admin", 5, NULL) == SW_OK);
  need (send (&card_b, 0x80, 0x50, 0, 0, (const uint8_t *)"one", 3, NULL) == SW_OK);
  need (send (&card_b, 0x80, 0x50, 0, 0, (const uint8_t *)"two", 3, NULL) == SW_OK);
  images[1] = ca;
  images[2] = ep;
  /* A blank card turned backup target. */
  start (&card_b, &images[4]);
  need (send (&card_b, 0, 0xA4, 4, 0, aid_ca, sizeof aid_ca, NULL) == SW_OK);
  need (send (&card_b, 0x80, 0x10, 1, 0, NULL, 0, NULL) == SW_OK);
  secure_clear (priv, sizeof priv);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int ready;
  size_t pos = 1;
  int which;

  if (!ready)
    {
      make_images ();
      ready = 1;
    }
  if (size < 1)
    return 0;
  which = (data[0] & 0x7F) % N_IMAGES;
  work = images[which];
  if (otk_card_load (&card_a, &mem_io, &work) != 0)
    abort ();
  otk_card_reset (&card_a);
  if (data[0] & 0x80)
    {
      if (which == 1 || which == 4)
        {
          send (&card_a, 0, 0xA4, 4, 0, aid_ca, sizeof aid_ca, NULL);
          send (&card_a, 0, 0x20, 0, 0x81, pin_ca1, 8, NULL);
          send (&card_a, 0, 0x20, 0, 0x82, pin_ca2, 8, NULL);
        }
      else
        {
          send (&card_a, 0, 0xA4, 4, 0, aid_ep11, sizeof aid_ep11, NULL);
          send (&card_a, 0, 0x20, 0, 0x81, pin_ep11, 8, NULL);
        }
    }
  for (int i = 0; i < MAX_APDUS && size - pos >= 2; i++)
    {
      size_t len = (size_t)data[pos] << 8 | data[pos + 1];
      pos += 2;
      if (len > size - pos)
        len = size - pos;
      size_t r = otk_card_process (&card_a, data + pos, len, rsp, sizeof rsp);
      if (r < 2 || r > sizeof rsp)
        abort ();
      pos += len;
    }
  return 0;
}
