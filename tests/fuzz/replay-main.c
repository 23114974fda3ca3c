/* Replays a fuzz target's corpus when libFuzzer is not available (gcc).
 * Each argument is a file or a directory of files; each file is one input. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  uint8_t *buf = NULL;
  long size;
  int rc = 1;

  if (f == NULL || fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0 || fseek (f, 0, SEEK_SET))
    goto out;
  buf = malloc (size > 0 ? (size_t)size : 1);
  if (buf == NULL || fread (buf, 1, (size_t)size, f) != (size_t)size)
    goto out;
  LLVMFuzzerTestOneInput (buf, (size_t)size);
  rc = 0;
out:
  if (rc != 0)
    fprintf (stderr, "cannot read %s\n", path);
  free (buf);
  if (f != NULL)
    fclose (f);
  return rc;
}

int
main (int argc, char **argv)
{
  int failures = 0, inputs = 0;

  for (int i = 1; i < argc; i++)
    {
      struct stat st;
      DIR *dir;
      struct dirent *entry;

      if (stat (argv[i], &st) != 0)
        {
          fprintf (stderr, "no such input: %s\n", argv[i]);
          return 1;
        }
      if (!S_ISDIR (st.st_mode))
        {
          failures += replay_file (argv[i]);
          inputs++;
          continue;
        }
      dir = opendir (argv[i]);
      while (dir != NULL && (entry = readdir (dir)) != NULL)
        {
          char path[4096];

          if (entry->d_name[0] == '.')
            continue;
          snprintf (path, sizeof path, "%s/%s", argv[i], entry->d_name);
          failures += replay_file (path);
          inputs++;
        }
      if (dir != NULL)
        closedir (dir);
    }
  printf ("replayed %d inputs\n", inputs);
  return failures == 0 && inputs > 0 ? 0 : 1;
}
