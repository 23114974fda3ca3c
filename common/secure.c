#include "secure.h"

#include <string.h>

void
secure_clear (void *buf, size_t len)
{
  if (buf == NULL || len == 0)
    return;
  /* explicit_bzero (glibc >= 2.25) is documented not to be elided. */
  explicit_bzero (buf, len);
}

int
secure_memequal (const void *a, const void *b, size_t len)
{
  const volatile unsigned char *x = a;
  const volatile unsigned char *y = b;
  unsigned char diff = 0;

  for (size_t i = 0; i < len; i++)
    diff |= (unsigned char)(x[i] ^ y[i]);
  return diff == 0;
}
