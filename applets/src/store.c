/* store.c: two-slot tear-safe commit (see store.h). */
#include "store.h"

#include <string.h>

#include "hal.h"

static const uint8_t store_magic[8] = { 'O', 'T', 'K', 'C', 'A', 'R', 'D', '1' };

enum
{
  HDR_MAGIC = 0,
  HDR_GENERATION = 8,
  HDR_BODY_LEN = 12,
  HDR_HASH = 16,
  HDR_LEN = HDR_HASH + OTK_SHA256_LEN,
};

static void
put32 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static uint32_t
get32 (const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t
slot_size (size_t body_len)
{
  return OTK_STORE_PAGE + (body_len + OTK_STORE_PAGE - 1) / OTK_STORE_PAGE * OTK_STORE_PAGE;
}

size_t
otk_store_image_size (size_t body_len)
{
  return 2 * slot_size (body_len);
}

static int
body_hash (uint32_t generation, const uint8_t *body, size_t body_len, uint8_t out[OTK_SHA256_LEN])
{
  uint8_t gen[4];
  put32 (gen, generation);
  otk_hal_chunk chunks[2] = { { gen, 4 }, { body, body_len } };
  return otk_hal_sha256 (chunks, 2, out);
}

/* Writes @body into slot @slot with @generation: body pages first, header page last. */
static int
write_slot (const otk_store_io *io, void *ctx, int slot, uint32_t generation, const uint8_t *body,
            size_t body_len)
{
  size_t base = (size_t)slot * slot_size (body_len);
  uint8_t header[OTK_STORE_PAGE] = { 0 };

  for (size_t off = 0; off < body_len; off += OTK_STORE_PAGE)
    {
      size_t n = body_len - off < OTK_STORE_PAGE ? body_len - off : OTK_STORE_PAGE;
      if (io->write (ctx, base + OTK_STORE_PAGE + off, body + off, n) != 0)
        return -1;
    }
  memcpy (header + HDR_MAGIC, store_magic, sizeof store_magic);
  put32 (header + HDR_GENERATION, generation);
  put32 (header + HDR_BODY_LEN, (uint32_t)body_len);
  if (body_hash (generation, body, body_len, header + HDR_HASH) != 0)
    return -1;
  /* The body must be durable before the header that makes it current. */
  if (io->sync (ctx) != 0 || io->write (ctx, base, header, OTK_STORE_PAGE) != 0)
    return -1;
  return io->sync (ctx);
}

int
otk_store_format (const otk_store_io *io, void *ctx, const uint8_t *body, size_t body_len)
{
  uint8_t empty[OTK_STORE_PAGE] = { 0 };

  if (write_slot (io, ctx, 0, 1, body, body_len) != 0)
    return -1;
  /* Slot 1: a header that is never valid, and the full length of the image. */
  for (size_t off = 0; off < slot_size (body_len); off += OTK_STORE_PAGE)
    if (io->write (ctx, slot_size (body_len) + off, empty, OTK_STORE_PAGE) != 0)
      return -1;
  return 0;
}

/* Reads slot @slot's header; its generation when valid for @body_len, else 0. */
static uint32_t
read_generation (const otk_store_io *io, void *ctx, int slot, size_t body_len)
{
  uint8_t header[HDR_LEN];

  if (io->read (ctx, (size_t)slot * slot_size (body_len), header, HDR_LEN) != 0
      || memcmp (header + HDR_MAGIC, store_magic, sizeof store_magic) != 0
      || get32 (header + HDR_BODY_LEN) != body_len)
    return 0;
  return get32 (header + HDR_GENERATION);
}

/* Reads slot @slot's body into @body and checks its hash. */
static int
read_slot (const otk_store_io *io, void *ctx, int slot, uint8_t *body, size_t body_len)
{
  size_t base = (size_t)slot * slot_size (body_len);
  uint8_t header[HDR_LEN];
  uint8_t hash[OTK_SHA256_LEN];

  if (io->read (ctx, base, header, HDR_LEN) != 0
      || io->read (ctx, base + OTK_STORE_PAGE, body, body_len) != 0
      || body_hash (get32 (header + HDR_GENERATION), body, body_len, hash) != 0)
    return -1;
  return memcmp (hash, header + HDR_HASH, OTK_SHA256_LEN) == 0 ? 0 : -1;
}

int
otk_store_load (otk_store *store, const otk_store_io *io, void *ctx, uint8_t *body, size_t body_len)
{
  uint32_t gen[2]
      = { read_generation (io, ctx, 0, body_len), read_generation (io, ctx, 1, body_len) };
  int first = gen[1] > gen[0] ? 1 : 0;

  store->io = io;
  store->ctx = ctx;
  store->body_len = body_len;
  for (int i = 0; i < 2; i++)
    {
      int slot = i == 0 ? first : 1 - first;
      if (gen[slot] != 0 && read_slot (io, ctx, slot, body, body_len) == 0)
        {
          store->current = slot;
          store->generation = gen[slot];
          return 0;
        }
    }
  memset (body, 0, body_len);
  return -1;
}

int
otk_store_commit (otk_store *store, const uint8_t *body)
{
  int target = 1 - store->current;

  if (store->generation == UINT32_MAX
      || write_slot (store->io, store->ctx, target, store->generation + 1, body, store->body_len)
             != 0)
    return -1;
  store->current = target;
  store->generation++;
  return 0;
}
