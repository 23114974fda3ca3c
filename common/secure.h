/* secure.h: the one place that wipes secrets.
 *
 * Plain C (no GLib) so that the applets can use it as well as the host
 * libraries.  Every buffer that held a PIN, key, key part, password or an APDU
 * with secret data is wiped with secure_clear() before it is freed or goes out
 * of scope (DESIGN.md §8).
 */
#pragma once

#include <stddef.h>

/* Overwrite @len bytes at @buf with zeros in a way the compiler may not
 * optimise away.  @buf may be NULL when @len is 0. */
void secure_clear (void *buf, size_t len);

/* Constant-time comparison: returns 1 when the buffers are equal, else 0. */
int secure_memequal (const void *a, const void *b, size_t len);
