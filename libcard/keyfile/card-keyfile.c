/* card-keyfile.c: key files as the rest of OpenTKE sees them: parse either format,
 * create, unlock with the password, and use the key (sign a digest, encrypt a key part
 * to a crypto unit).  The formats are in keyfile-format.c and keyfile-vendor.c. */
#include "keyfile-private.h"

#include "opentke-common.h"

#include <string.h>

void
keyfile_set_id (CardKeyfile *keyfile, const guint8 id[CARD_KEYFILE_ID_LEN])
{
  g_autofree char *hex = otk_hex_encode (id, CARD_KEYFILE_ID_LEN);

  memcpy (keyfile->id, id, CARD_KEYFILE_ID_LEN);
  memcpy (keyfile->id_hex, hex, sizeof keyfile->id_hex);
}

gboolean
keyfile_name_is_valid (const char *name, gsize len, gsize max_bytes, gboolean ascii_only)
{
  const char *end = name + len;

  if (len == 0 || len > max_bytes || !g_utf8_validate (name, (gssize)len, NULL))
    return FALSE;
  for (const char *p = name; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || (ascii_only && (c < 0x20 || c > 0x7e)))
        return FALSE;
    }
  return TRUE;
}

gboolean
keyfile_name_fits_card (CardKeyfileKind kind, const char *name, gsize len)
{
  if (kind == CARD_KEYFILE_SIGNATURE_KEY)
    return keyfile_name_is_valid (name, len, CARD_KEYFILE_ADMIN_NAME_MAX, TRUE);
  return keyfile_name_is_valid (name, len, CARD_KEYFILE_DESCRIPTION_MAX, FALSE);
}

CardKeyfile *
card_keyfile_parse (const guint8 *data, gsize len, GError **error)
{
  CardKeyfile *keyfile = g_new0 (CardKeyfile, 1);
  gboolean ok;

  if (keyfile_opentke_detect (data, len))
    {
      keyfile->format = CARD_KEYFILE_FORMAT_OPENTKE;
      ok = keyfile_opentke_parse (data, len, keyfile, error);
    }
  else if (keyfile_vendor_detect (data, len))
    {
      keyfile->format = CARD_KEYFILE_FORMAT_TKE_CLI;
      ok = keyfile_vendor_parse (data, len, keyfile, error);
      if (ok && keyfile->name == NULL)
        keyfile->name = g_strdup ("");
    }
  else
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
                   "This is not a key file of OpenTKE or of the TKE CLI.");
      ok = FALSE;
    }
  if (!ok)
    g_clear_pointer (&keyfile, card_keyfile_free);
  return keyfile;
}

void
card_keyfile_free (CardKeyfile *keyfile)
{
  if (keyfile == NULL)
    return;
  g_free (keyfile->name);
  g_free (keyfile->path);
  g_free (keyfile->file_name);
  g_clear_pointer (&keyfile->raw, g_bytes_unref);
  g_clear_pointer (&keyfile->vendor_salt, g_bytes_unref);
  g_clear_pointer (&keyfile->vendor_enckey, g_bytes_unref);
  g_free (keyfile);
}

CardKeyfileKind
card_keyfile_get_kind (const CardKeyfile *keyfile)
{
  return keyfile->kind;
}

CardKeyfileFormat
card_keyfile_get_format (const CardKeyfile *keyfile)
{
  return keyfile->format;
}

const char *
card_keyfile_get_name (const CardKeyfile *keyfile)
{
  return keyfile->name;
}

const guint8 *
card_keyfile_get_id (const CardKeyfile *keyfile)
{
  return keyfile->id;
}

const char *
card_keyfile_get_id_hex (const CardKeyfile *keyfile)
{
  return keyfile->id_hex;
}

const char *
card_keyfile_get_path (const CardKeyfile *keyfile)
{
  return keyfile->path;
}

const char *
card_keyfile_get_file_name (const CardKeyfile *keyfile)
{
  return keyfile->file_name;
}

gint64
card_keyfile_get_created (const CardKeyfile *keyfile)
{
  return keyfile->created;
}

gboolean
card_keyfile_get_cost (const CardKeyfile *keyfile, CardKeyfileCost *cost)
{
  if (keyfile->format != CARD_KEYFILE_FORMAT_OPENTKE)
    return FALSE;
  *cost = keyfile->cost;
  return TRUE;
}

/* Checks the name and password a user gave for a new file. */
static gboolean
check_new_file_input (CardKeyfileKind kind, const char *name, const char *password, GError **error)
{
  if (name == NULL || !keyfile_name_fits_card (kind, name, strlen (name)))
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   kind == CARD_KEYFILE_SIGNATURE_KEY
                       ? "The administrator name must have 1 to 30 characters, letters, digits, "
                         "spaces and punctuation of ASCII only."
                       : "The key part description must have 1 to 32 bytes (accented letters "
                         "take two) and no control characters.");
      return FALSE;
    }
  if (password == NULL || !g_utf8_validate (password, -1, NULL)
      || g_utf8_strlen (password, -1) < CARD_KEYFILE_PASSWORD_MIN)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "The password must have at least %d characters.", CARD_KEYFILE_PASSWORD_MIN);
      return FALSE;
    }
  return TRUE;
}

/* Encrypts, writes and reloads a new key file, named after the first bytes of @id. */
static CardKeyfile *
write_keyfile (const char *dir, CardKeyfileKind kind, const char *name, const guint8 *public_value,
               const guint8 *secret, gsize secret_len, const guint8 id[CARD_KEYFILE_ID_LEN],
               const char *password, const CardKeyfileCost *cost, GError **error)
{
  const CardKeyfileCost default_cost = { CARD_KEYFILE_COST_DEFAULT_LOG2_N, 8, 1 };
  g_autofree char *default_dir = dir ? NULL : card_keyfile_default_dir ();
  g_autofree char *id_hex = otk_hex_encode (id, 6);
  g_autofree char *prefix = NULL, *path = NULL;
  g_autoptr (GBytes) contents = NULL;

  contents = keyfile_opentke_build (kind, name, public_value, secret, secret_len, password,
                                    cost ? cost : &default_cost,
                                    g_get_real_time () / G_USEC_PER_SEC, error);
  if (contents == NULL)
    return NULL;
  prefix = g_strdup_printf ("%s-%s", kind == CARD_KEYFILE_SIGNATURE_KEY ? "sigkey" : "keypart",
                            id_hex);
  path = keyfile_store_write_new (dir ? dir : default_dir, prefix, contents, error);
  if (path == NULL)
    return NULL;
  g_debug ("key file %s written (id %s...)", path, id_hex);
  return card_keyfile_load (path, error);
}

CardKeyfile *
card_keyfile_create_signature_key (const char *dir, const char *admin_name, const char *password,
                                   const CardKeyfileCost *cost, GError **error)
{
  guint8 scalar[KF_SCALAR_LEN], point[KF_POINT_LEN], ski[KF_SKI_LEN];
  EVP_PKEY *key = NULL;
  CardKeyfile *keyfile = NULL;

  if (!check_new_file_input (CARD_KEYFILE_SIGNATURE_KEY, admin_name, password, error))
    return NULL;
  if ((key = keyfile_crypto_generate_p521 (error)) == NULL
      || !keyfile_crypto_scalar_from_key (key, scalar, error)
      || !keyfile_crypto_point_from_key (key, point, error))
    goto out;
  card_crypto_ski (point, ski);
  keyfile = write_keyfile (dir, CARD_KEYFILE_SIGNATURE_KEY, admin_name, point, scalar,
                           sizeof scalar, ski, password, cost, error);
out:
  secure_clear (scalar, sizeof scalar);
  EVP_PKEY_free (key);
  return keyfile;
}

CardKeyfile *
card_keyfile_create_key_part (const char *dir, const char *description, const guint8 *value,
                              const char *password, const CardKeyfileCost *cost, GError **error)
{
  guint8 part[KF_PART_LEN], vp[KF_VP_LEN];
  CardKeyfile *keyfile = NULL;

  if (!check_new_file_input (CARD_KEYFILE_KEY_PART, description, password, error))
    return NULL;
  if (value != NULL)
    memcpy (part, value, sizeof part);
  else if (!keyfile_crypto_random (part, sizeof part, error))
    goto out;
  keyfile_crypto_vp (part, vp);
  keyfile = write_keyfile (dir, CARD_KEYFILE_KEY_PART, description, vp, part, sizeof part, vp,
                           password, cost, error);
out:
  secure_clear (part, sizeof part);
  return keyfile;
}

/* Decrypts an OpenTKE file and checks the secret against the public SKI point or VP. */
static gboolean
unlock_opentke (const CardKeyfile *keyfile, const char *password, CardKeyfileKey *key,
                GError **error)
{
  guint8 scalar[KF_SCALAR_LEN];
  gboolean ok = FALSE;

  if (keyfile->kind == CARD_KEYFILE_KEY_PART)
    {
      if (!keyfile_opentke_decrypt (keyfile, password, key->part, sizeof key->part, error))
        goto out;
      keyfile_crypto_vp (key->part, key->id);
    }
  else
    {
      if (!keyfile_opentke_decrypt (keyfile, password, scalar, sizeof scalar, error)
          || (key->pkey = keyfile_crypto_private_key_from_scalar (scalar, key->public_point, error))
                 == NULL)
        goto out;
      card_crypto_ski (key->public_point, key->id);
    }
  ok = memcmp (key->id, keyfile->id, CARD_KEYFILE_ID_LEN) == 0;
  if (!ok)
    g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
                 "The key in the file does not match its %s: the file is not used.",
                 keyfile->kind == CARD_KEYFILE_KEY_PART ? "verification pattern" : "SKI");
out:
  secure_clear (scalar, sizeof scalar);
  return ok;
}

CardKeyfileKey *
card_keyfile_unlock (const CardKeyfile *keyfile, const char *password, GError **error)
{
  CardKeyfileKey *key = g_new0 (CardKeyfileKey, 1);
  gboolean ok;

  key->kind = keyfile->kind;
  if (password == NULL)
    password = "";
  if (keyfile->format == CARD_KEYFILE_FORMAT_OPENTKE)
    ok = unlock_opentke (keyfile, password, key, error);
  else
    {
      key->pkey = keyfile_vendor_decrypt (keyfile, password, error);
      ok = key->pkey != NULL && keyfile_crypto_point_from_key (key->pkey, key->public_point, error);
      memcpy (key->id, keyfile->id, CARD_KEYFILE_ID_LEN); /* checked by the decrypt */
    }
  if (!ok)
    g_clear_pointer (&key, card_keyfile_key_free);
  return key;
}

void
card_keyfile_key_free (CardKeyfileKey *key)
{
  if (key == NULL)
    return;
  EVP_PKEY_free (key->pkey); /* OpenSSL clears the private scalar */
  secure_clear (key, sizeof *key);
  g_free (key);
}

CardKeyfileKind
card_keyfile_key_get_kind (const CardKeyfileKey *key)
{
  return key->kind;
}

const guint8 *
card_keyfile_key_get_id (const CardKeyfileKey *key)
{
  return key->id;
}

const guint8 *
card_keyfile_key_get_public_point (const CardKeyfileKey *key)
{
  return key->kind == CARD_KEYFILE_SIGNATURE_KEY ? key->public_point : NULL;
}

static gboolean
check_kind (const CardKeyfileKey *key, CardKeyfileKind kind, GError **error)
{
  if (key->kind == kind)
    return TRUE;
  g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
               kind == CARD_KEYFILE_SIGNATURE_KEY ? "This key file holds a key part, not a "
                                                    "signature key."
                                                  : "This key file holds a signature key, not "
                                                    "a key part.");
  return FALSE;
}

gboolean
card_keyfile_key_sign_digest (const CardKeyfileKey *key, const guint8 digest[64],
                              guint8 signature[CARD_KEYFILE_SIGNATURE_LEN], GError **error)
{
  return check_kind (key, CARD_KEYFILE_SIGNATURE_KEY, error)
         && keyfile_crypto_sign_digest (key->pkey, digest, signature, error);
}

gboolean
card_keyfile_key_encrypt_part (const CardKeyfileKey *key, const guint8 *chain, gsize chain_len,
                               const guint8 *roots, gsize roots_len,
                               guint8 blob[CARD_KEYFILE_TRANSPORT_BLOB_LEN], GError **error)
{
  return check_kind (key, CARD_KEYFILE_KEY_PART, error)
         && keyfile_crypto_encrypt_key_part (key->part, chain, chain_len, roots, roots_len, blob,
                                             error);
}

gboolean
card_keyfile_key_export_secret (const CardKeyfileKey *key, guint8 *out, gsize out_len,
                                gsize *written, GError **error)
{
  gsize need = key->kind == CARD_KEYFILE_KEY_PART ? KF_PART_LEN : KF_SCALAR_LEN;

  if (out_len < need)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "The buffer for the secret is too small.");
      return FALSE;
    }
  if (key->kind == CARD_KEYFILE_KEY_PART)
    memcpy (out, key->part, need);
  else if (!keyfile_crypto_scalar_from_key (key->pkey, out, error))
    return FALSE;
  *written = need;
  return TRUE;
}
