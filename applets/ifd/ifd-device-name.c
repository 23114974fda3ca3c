/* ifd-device-name.c: parses DEVICENAME (see the header). */
#include "ifd-device-name.h"

#include <string.h>

int
ifd_device_name_parse (const char *name, char *dir, size_t dir_len, int *reader)
{
  const char *colon;
  size_t len;

  if (name == NULL || dir == NULL || dir_len == 0)
    return 0;
  colon = strrchr (name, ':');
  if (colon == NULL || (strcmp (colon + 1, "1") != 0 && strcmp (colon + 1, "2") != 0))
    return 0;
  len = (size_t)(colon - name);
  if (len >= dir_len)
    return 0;
  memcpy (dir, name, len);
  dir[len] = '\0';
  *reader = colon[1] - '0';
  return 1;
}
