/* credentials.c: create and check the bearer credential of each instance. */
#include "credentials.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#include "opentke-common.h"
#include "server-dir.h"

#define TOKEN_PREFIX     "otkcu1_"
#define TOKEN_RANDOM_LEN 32
#define CREDENTIALS_DIR  "credentials"
#define MAX_INSTANCE_LEN 127

gboolean
cud_instance_name_is_valid (const char *instance)
{
  size_t len;

  if (instance == NULL)
    return FALSE;
  len = strlen (instance);
  if (len == 0 || len > MAX_INSTANCE_LEN || instance[0] == '.' || instance[0] == '-')
    return FALSE;
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isalnum (instance[i]) && strchr ("._-", instance[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
hash_token (const char *token, uint8_t digest[SHA256_DIGEST_LENGTH])
{
  SHA256 ((const unsigned char *)token, strlen (token), digest);
}

/* Reads the stored hash of @path; FALSE when absent or damaged. */
static gboolean
read_stored_hash (const char *path, uint8_t digest[SHA256_DIGEST_LENGTH])
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  g_strstrip (contents);
  return strlen (contents) == 2 * SHA256_DIGEST_LENGTH
         && otk_hex_decode (contents, digest, SHA256_DIGEST_LENGTH);
}

char *
cud_credentials_generate (GError **error)
{
  g_autofree char *random_hex = NULL;
  uint8_t random[TOKEN_RANDOM_LEN];
  char *token = NULL;

  if (RAND_bytes (random, sizeof random) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "No randomness for the credential");
      goto out;
    }
  random_hex = otk_hex_encode (random, sizeof random);
  token = g_strconcat (TOKEN_PREFIX, random_hex, NULL);
out:
  secure_clear (random, sizeof random);
  if (random_hex != NULL)
    secure_clear (random_hex, strlen (random_hex));
  return token;
}

static char *
credential_path (const char *state_dir, const char *instance, GError **error)
{
  g_autofree char *dir = NULL;

  if (!cud_instance_name_is_valid (instance))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid service instance name");
      return NULL;
    }
  dir = cud_server_path (state_dir, CREDENTIALS_DIR, error);
  if (dir == NULL)
    return NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create %s", dir);
      return NULL;
    }
  return g_build_filename (dir, instance, NULL);
}

gboolean
cud_credentials_store (const char *state_dir, const char *instance, const char *token,
                       GError **error)
{
  g_autofree char *path = credential_path (state_dir, instance, error);
  g_autofree char *digest_hex = NULL;
  g_autofree char *line = NULL;
  uint8_t digest[SHA256_DIGEST_LENGTH];

  if (path == NULL)
    return FALSE;
  hash_token (token, digest);
  digest_hex = otk_hex_encode (digest, sizeof digest);
  line = g_strconcat (digest_hex, "\n", NULL);
  if (!cud_write_file_atomic (path, line, strlen (line), 0600, error))
    return FALSE;
  g_message ("New credential for service instance %s", instance);
  return TRUE;
}

void
cud_credentials_remove (const char *state_dir, const char *instance)
{
  g_autofree char *path = credential_path (state_dir, instance, NULL);

  if (path != NULL)
    (void)g_unlink (path);
}

char *
cud_credentials_create (const char *state_dir, const char *instance, GError **error)
{
  char *token = cud_credentials_generate (error);

  if (token != NULL && !cud_credentials_store (state_dir, instance, token, error))
    {
      secure_clear (token, strlen (token));
      g_clear_pointer (&token, g_free);
    }
  return token;
}

CudAuthResult
cud_credentials_check (const char *state_dir, const char *instance, const char *token)
{
  g_autofree char *dir = NULL;
  g_autoptr (GDir) listing = NULL;
  uint8_t presented[SHA256_DIGEST_LENGTH];
  uint8_t stored[SHA256_DIGEST_LENGTH];
  CudAuthResult result = CUD_AUTH_UNKNOWN;
  const char *name;

  if (token == NULL || token[0] == '\0')
    return CUD_AUTH_MISSING;
  hash_token (token, presented);
  dir = cud_server_path (state_dir, CREDENTIALS_DIR, NULL);
  if (dir == NULL)
    goto out;
  if (cud_instance_name_is_valid (instance))
    {
      g_autofree char *own = g_build_filename (dir, instance, NULL);
      if (read_stored_hash (own, stored) && secure_memequal (stored, presented, sizeof stored))
        {
          result = CUD_AUTH_OK;
          goto out;
        }
    }
  /* Not this instance's: tell "wrong instance" (403) from "no such
   * credential" (401) by looking at the other instances. */
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!cud_instance_name_is_valid (name) || g_strcmp0 (name, instance) == 0)
        continue;
      path = g_build_filename (dir, name, NULL);
      if (read_stored_hash (path, stored) && secure_memequal (stored, presented, sizeof stored))
        {
          result = CUD_AUTH_OTHER_INSTANCE;
          break;
        }
    }

out:
  secure_clear (presented, sizeof presented);
  return result;
}
