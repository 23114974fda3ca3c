/* store.h: the card store, a tear-safe commit of the card's persistent state.
 *
 * The image has two slots; each is a header page (magic, generation, body length,
 * SHA-256 over generation and body) and the body pages.  A commit writes the body of the
 * slot that is not current page by page, then its header: a card pulled after any write
 * keeps the old slot current (docs/card-protocol.md §9).  The I/O is a small interface
 * so that a secure element would implement it over its NVM; the virtual cards use a file. */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum
{
  OTK_STORE_PAGE = 256,
};

typedef struct
{
  /* Reads @len bytes at @off; 0 or -1. */
  int (*read) (void *ctx, size_t off, uint8_t *buf, size_t len);
  /* Writes one page (at most OTK_STORE_PAGE bytes) at @off; 0 or -1. */
  int (*write) (void *ctx, size_t off, const uint8_t *buf, size_t len);
  /* Makes every write so far durable before any later one; 0 or -1. */
  int (*sync) (void *ctx);
} otk_store_io;

typedef struct
{
  const otk_store_io *io;
  void *ctx;
  size_t body_len;
  uint32_t generation;
  int current; /* slot 0 or 1 */
} otk_store;

/* Size in bytes of an image for a body of @body_len bytes. */
size_t otk_store_image_size (size_t body_len);
/* Writes a fresh image (both slots) holding @body; used to make a new card. */
int otk_store_format (const otk_store_io *io, void *ctx, const uint8_t *body, size_t body_len);
/* Reads the current slot into @body; -1 when neither slot is valid. */
int otk_store_load (otk_store *store, const otk_store_io *io, void *ctx, uint8_t *body,
                    size_t body_len);
/* Commits @body as the new current state. */
int otk_store_commit (otk_store *store, const uint8_t *body);
