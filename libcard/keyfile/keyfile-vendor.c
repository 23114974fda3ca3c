/* keyfile-vendor.c: reads the signature key files of the vendor's TKE CLI (DESIGN.md §6;
 * layout in docs/key-files.md): JSON with keyType "p521ec", enckey = hex(nonce || AES-GCM
 * ciphertext || tag) under PBKDF2-HMAC-SHA256(password, seaSalt, 4096), ski; the
 * plaintext is a PEM block holding the SEC1 EC private key.  Read only. */
#include "keyfile-private.h"

#include "opentke-common.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

#define PBKDF2_ITERATIONS 4096
#define MAX_ENCKEY_LEN    4096
#define MIN_SALT_LEN      8
#define MAX_SALT_LEN      64
#define VENDOR_NAME_MAX   120 /* bytes; only shown, never sent to a card or unit */

gboolean
keyfile_vendor_detect (const guint8 *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace (data[i]))
      return data[i] == '{';
  return FALSE;
}

static gboolean
bad_format (GError **error, const char *why)
{
  g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
               "This is not a usable TKE CLI signature key file: %s.", why);
  return FALSE;
}

/* Hex of any even length within [min, max] bytes. */
static GBytes *
hex_member (GHashTable *members, const char *name, gsize min, gsize max)
{
  const char *hex = g_hash_table_lookup (members, name);
  gsize len = hex ? strlen (hex) / 2 : 0;
  guint8 *buf;

  if (hex == NULL || len < min || len > max)
    return NULL;
  buf = g_malloc (len);
  if (!otk_hex_decode (hex, buf, len))
    {
      g_free (buf);
      return NULL;
    }
  return g_bytes_new_take (buf, len);
}

gboolean
keyfile_vendor_parse (const guint8 *data, gsize len, CardKeyfile *keyfile, GError **error)
{
  g_autoptr (GHashTable) members = keyfile_json_parse_flat_object ((const char *)data, len, error);
  static const char *const name_members[] = { "adminName", "name", "description" };
  const char *type;
  guint8 ski[KF_SKI_LEN];

  if (members == NULL)
    return FALSE;
  type = g_hash_table_lookup (members, "keyType");
  if (type == NULL || g_hash_table_lookup (members, "ski") == NULL)
    return bad_format (error, "keyType or ski is missing");
  if (strcmp (type, "p521ec") != 0)
    return bad_format (error, "only P-521 signature keys (keyType p521ec) can be used; "
                              "RSA signature keys are not supported by the crypto units");
  if (!otk_hex_decode (g_hash_table_lookup (members, "ski"), ski, sizeof ski))
    return bad_format (error, "the ski is not 64 hex digits");
  keyfile->vendor_salt = hex_member (members, "seaSalt", MIN_SALT_LEN, MAX_SALT_LEN);
  keyfile->vendor_enckey
      = hex_member (members, "enckey", KF_NONCE_LEN + KF_TAG_LEN + 1, MAX_ENCKEY_LEN);
  if (keyfile->vendor_salt == NULL || keyfile->vendor_enckey == NULL)
    return bad_format (error, "seaSalt or enckey is missing or not hex");
  for (gsize i = 0; i < G_N_ELEMENTS (name_members) && keyfile->name == NULL; i++)
    {
      const char *name = g_hash_table_lookup (members, name_members[i]);

      if (name != NULL && keyfile_name_is_valid (name, strlen (name), VENDOR_NAME_MAX, FALSE))
        keyfile->name = g_strdup (name);
    }
  keyfile->kind = CARD_KEYFILE_SIGNATURE_KEY;
  keyfile_set_id (keyfile, ski);
  return TRUE;
}

/* The DER inside the first PEM block of @pem ("PRIVATE KEY" or "EC PRIVATE KEY"). */
static guint8 *
pem_decode (const char *pem, gsize len, gsize *der_len)
{
  const char *begin = g_strstr_len (pem, (gssize)len, "-----BEGIN ");
  const char *body, *end;
  guint8 *der;
  gint state = 0;
  guint save = 0;

  if (begin == NULL || (body = g_strstr_len (begin + 11, pem + len - begin - 11, "-----")) == NULL)
    return NULL;
  body += 5;
  end = g_strstr_len (body, pem + len - body, "-----END ");
  if (end == NULL)
    return NULL;
  der = g_malloc (((gsize)(end - body) / 4) * 3 + 3);
  *der_len = g_base64_decode_step (body, (gsize)(end - body), der, &state, &save);
  return der;
}

EVP_PKEY *
keyfile_vendor_decrypt (const CardKeyfile *keyfile, const char *password, GError **error)
{
  gsize salt_len, enc_len, plain_len, der_len = 0;
  const guint8 *salt = g_bytes_get_data (keyfile->vendor_salt, &salt_len);
  const guint8 *enc = g_bytes_get_data (keyfile->vendor_enckey, &enc_len);
  guint8 aes_key[32], point[KF_POINT_LEN], ski[KF_SKI_LEN];
  guint8 *plain = NULL, *der = NULL;
  const guint8 *p;
  EVP_PKEY *key = NULL, *result = NULL;

  plain_len = enc_len - KF_NONCE_LEN - KF_TAG_LEN;
  plain = g_malloc0 (plain_len + 1);
  if (PKCS5_PBKDF2_HMAC (password, (int)strlen (password), salt, (int)salt_len, PBKDF2_ITERATIONS,
                         EVP_sha256 (), sizeof aes_key, aes_key)
      != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_IO,
                   "The key of the file could not be derived from the password.");
      goto out;
    }
  /* no AAD and no password check in this format: a wrong password and an altered
   * enckey look the same */
  if (!keyfile_crypto_gcm_open (aes_key, enc, NULL, 0, enc + KF_NONCE_LEN, plain_len,
                                enc + KF_NONCE_LEN + plain_len, plain))
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_PASSWORD,
                   "The password of the TKE CLI key file %s is wrong (or the file was altered).",
                   keyfile->file_name ? keyfile->file_name : keyfile->name);
      goto out;
    }
  der = pem_decode ((const char *)plain, plain_len, &der_len);
  p = der;
  if (der == NULL || (key = d2i_AutoPrivateKey (NULL, &p, (long)der_len)) == NULL)
    {
      ERR_clear_error ();
      bad_format (error, "the decrypted key is not a PEM private key");
      goto out;
    }
  if (!keyfile_crypto_point_from_key (key, point, error))
    goto out;
  card_crypto_ski (point, ski);
  if (memcmp (ski, keyfile->id, KF_SKI_LEN) != 0)
    {
      bad_format (error, "the key does not match the ski recorded in the file");
      goto out;
    }
  result = key;
  key = NULL;
out:
  EVP_PKEY_free (key);
  secure_clear (aes_key, sizeof aes_key);
  secure_clear (plain, plain_len);
  secure_clear (der, der_len);
  g_free (plain);
  g_free (der);
  return result;
}
