/* keyfile-format.c: the OpenTKE key file format (docs/key-files.md): a public header
 * (kind, scrypt cost, salt, password check, name, SKI point or VP) authenticated as the
 * AAD of AES-256-GCM over the secret. */
#include "keyfile-private.h"

#include "opentke-common.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <string.h>

#define MAGIC             "OpenTKE keyfile\n"
#define MAGIC_LEN         16
#define FORMAT_VERSION    1
#define KDF_SCRYPT        1
#define OFF_NAME_LEN      78 /* fixed part: magic .. created */
#define MAX_LOG2_N        20
#define MAX_R             32
#define MAX_P             16
#define MAX_SCRYPT_MEMORY (G_GUINT64_CONSTANT (1) << 30)

static gsize
public_len (CardKeyfileKind kind)
{
  return kind == CARD_KEYFILE_SIGNATURE_KEY ? KF_POINT_LEN : KF_VP_LEN;
}

static gsize
secret_len (CardKeyfileKind kind)
{
  return kind == CARD_KEYFILE_SIGNATURE_KEY ? KF_SCALAR_LEN : KF_PART_LEN;
}

/* Memory scrypt needs for @cost (OpenSSL's count), or 0 when the cost is out of range. */
static guint64
scrypt_memory (const CardKeyfileCost *cost)
{
  if (cost->log2_n < CARD_KEYFILE_COST_MIN_LOG2_N || cost->log2_n > MAX_LOG2_N || cost->r < 1
      || cost->r > MAX_R || cost->p < 1 || cost->p > MAX_P)
    return 0;
  guint64 mem = 128 * (guint64)cost->r * ((G_GUINT64_CONSTANT (1) << cost->log2_n) + 2 + cost->p);
  return mem <= MAX_SCRYPT_MEMORY ? mem : 0;
}

/* scrypt(password, salt) -> 32-byte AES key || 16-byte password check. */
static gboolean
derive_key (const char *password, const guint8 salt[KEYFILE_SALT_LEN], const CardKeyfileCost *cost,
            guint8 out[32 + KEYFILE_CHECK_LEN], GError **error)
{
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "SCRYPT", NULL);
  EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new (kdf) : NULL;
  uint64_t n = G_GUINT64_CONSTANT (1) << cost->log2_n, maxmem = scrypt_memory (cost);
  uint32_t r = cost->r, p = cost->p;
  OSSL_PARAM params[7];
  gboolean ok;

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD, (void *)password,
                                                 strlen (password));
  params[1]
      = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *)salt, KEYFILE_SALT_LEN);
  params[2] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r);
  params[4] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p);
  params[5] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
  params[6] = OSSL_PARAM_construct_end ();
  ok = maxmem > 0 && ctx != NULL && EVP_KDF_derive (ctx, out, 32 + KEYFILE_CHECK_LEN, params) == 1;
  EVP_KDF_CTX_free (ctx);
  EVP_KDF_free (kdf);
  if (!ok)
    {
      ERR_clear_error ();
      secure_clear (out, 32 + KEYFILE_CHECK_LEN);
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_IO,
                   "The key of the file could not be derived from the password (scrypt with "
                   "N = 2^%u, r = %u, p = %u); the computer may be short of memory.",
                   cost->log2_n, cost->r, cost->p);
    }
  return ok;
}

gboolean
keyfile_opentke_detect (const guint8 *data, gsize len)
{
  return len >= MAGIC_LEN && memcmp (data, MAGIC, MAGIC_LEN) == 0;
}

static gboolean
bad_format (GError **error, const char *why)
{
  g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
               "This is not a valid OpenTKE key file: %s.", why);
  return FALSE;
}

gboolean
keyfile_opentke_parse (const guint8 *data, gsize len, CardKeyfile *keyfile, GError **error)
{
  gsize name_len, pub_len, off;
  guint64 created = 0;

  if (!keyfile_opentke_detect (data, len) || len < OFF_NAME_LEN + 1)
    return bad_format (error, "the file is too short");
  if (data[16] != FORMAT_VERSION)
    return bad_format (error, "unknown format version");
  if (data[17] != CARD_KEYFILE_SIGNATURE_KEY && data[17] != CARD_KEYFILE_KEY_PART)
    return bad_format (error, "unknown kind of key");
  keyfile->kind = data[17];
  keyfile->cost.log2_n = data[19];
  keyfile->cost.r = data[20];
  keyfile->cost.p = data[21];
  if (data[18] != KDF_SCRYPT || scrypt_memory (&keyfile->cost) == 0)
    return bad_format (error, "unsupported password key derivation parameters");
  memcpy (keyfile->salt, data + 22, KEYFILE_SALT_LEN);
  memcpy (keyfile->check, data + 54, KEYFILE_CHECK_LEN);
  for (int i = 0; i < 8; i++)
    created = (created << 8) | data[70 + i];
  if (created > G_MAXINT64)
    return bad_format (error, "bad creation time");
  keyfile->created = (gint64)created;

  name_len = data[OFF_NAME_LEN];
  pub_len = public_len (keyfile->kind);
  off = OFF_NAME_LEN + 1;
  if (len != off + name_len + pub_len + KF_NONCE_LEN + secret_len (keyfile->kind) + KF_TAG_LEN)
    return bad_format (error, "wrong length");
  if (!keyfile_name_fits_card (keyfile->kind, (const char *)data + off, name_len))
    return bad_format (error, "bad name");
  keyfile->name = g_strndup ((const char *)data + off, name_len);
  off += name_len;
  if (keyfile->kind == CARD_KEYFILE_SIGNATURE_KEY)
    {
      guint8 ski[KF_SKI_LEN];

      if (data[off] != 0x04)
        return bad_format (error, "bad public key");
      memcpy (keyfile->public_point, data + off, KF_POINT_LEN);
      card_crypto_ski (keyfile->public_point, ski);
      keyfile_set_id (keyfile, ski);
    }
  else
    keyfile_set_id (keyfile, data + off);
  keyfile->header_len = off + pub_len;
  keyfile->raw = g_bytes_new (data, len);
  return TRUE;
}

GBytes *
keyfile_opentke_build (CardKeyfileKind kind, const char *name, const guint8 *public_value,
                       const guint8 *secret, gsize secret_size, const char *password,
                       const CardKeyfileCost *cost, gint64 created, GError **error)
{
  GByteArray *out = g_byte_array_new ();
  guint8 fixed[OFF_NAME_LEN + 1], derived[32 + KEYFILE_CHECK_LEN];
  guint8 nonce[KF_NONCE_LEN], tag[KF_TAG_LEN], cipher[KF_SCALAR_LEN];
  gsize name_len = strlen (name), header_len;
  gboolean ok = FALSE;

  g_return_val_if_fail (secret_size == secret_len (kind), NULL);
  memcpy (fixed, MAGIC, MAGIC_LEN);
  fixed[16] = FORMAT_VERSION;
  fixed[17] = kind;
  fixed[18] = KDF_SCRYPT;
  fixed[19] = cost->log2_n;
  fixed[20] = cost->r;
  fixed[21] = cost->p;
  for (int i = 0; i < 8; i++)
    fixed[70 + i] = (guint8)((guint64)created >> (56 - 8 * i));
  fixed[OFF_NAME_LEN] = (guint8)name_len;
  if (name_len > G_MAXUINT8 || scrypt_memory (cost) == 0)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "The name or the password cost is out of range.");
      goto out;
    }
  if (!keyfile_crypto_random (fixed + 22, KEYFILE_SALT_LEN, error)
      || !keyfile_crypto_random (nonce, sizeof nonce, error)
      || !derive_key (password, fixed + 22, cost, derived, error))
    goto out;
  memcpy (fixed + 54, derived + 32, KEYFILE_CHECK_LEN);
  g_byte_array_append (out, fixed, sizeof fixed);
  g_byte_array_append (out, (const guint8 *)name, (guint)name_len);
  g_byte_array_append (out, public_value, (guint)public_len (kind));
  header_len = out->len;
  if (!keyfile_crypto_gcm_seal (derived, nonce, out->data, header_len, secret, secret_size, cipher,
                                tag, error))
    goto out;
  g_byte_array_append (out, nonce, sizeof nonce);
  g_byte_array_append (out, cipher, (guint)secret_size);
  g_byte_array_append (out, tag, sizeof tag);
  ok = TRUE;
out:
  secure_clear (derived, sizeof derived);
  if (!ok)
    {
      g_byte_array_unref (out);
      return NULL;
    }
  return g_byte_array_free_to_bytes (out);
}

gboolean
keyfile_opentke_decrypt (const CardKeyfile *keyfile, const char *password, guint8 *secret,
                         gsize secret_size, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (keyfile->raw, &len);
  const guint8 *nonce = data + keyfile->header_len;
  guint8 derived[32 + KEYFILE_CHECK_LEN];
  gboolean ok = FALSE;

  g_return_val_if_fail (secret_size == secret_len (keyfile->kind), FALSE);
  if (!derive_key (password, keyfile->salt, &keyfile->cost, derived, error))
    goto out;
  if (!secure_memequal (derived + 32, keyfile->check, KEYFILE_CHECK_LEN))
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_PASSWORD,
                   "The password of the key file %s is wrong.",
                   keyfile->file_name ? keyfile->file_name : keyfile->name);
      goto out;
    }
  ok = keyfile_crypto_gcm_open (derived, nonce, data, keyfile->header_len, nonce + KF_NONCE_LEN,
                                secret_size, nonce + KF_NONCE_LEN + secret_size, secret);
  if (!ok)
    g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
                 "The key file %s was altered since it was written: it is not used.",
                 keyfile->file_name ? keyfile->file_name : keyfile->name);
out:
  secure_clear (derived, sizeof derived);
  return ok;
}
