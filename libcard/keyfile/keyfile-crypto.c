/* keyfile-crypto.c: P-521 keys, VP, ECDSA r||s, AES-GCM and the key part transport of
 * docs/interfaces.md for key files (see keyfile-crypto.h).  The implementation is
 * common/otk-crypto.c; this file adds libcard's GError messages. */
#include "keyfile-crypto.h"

#include "card-private.h"
#include "otk-crypto.h"

#include <openssl/err.h>
#include <string.h>

static gboolean
crypto_fail (GError **error, const char *what)
{
  unsigned long code = ERR_get_error ();

  g_debug ("OpenSSL failure in %s: %s", what, code ? ERR_reason_error_string (code) : "-");
  ERR_clear_error ();
  g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
               "A cryptographic operation failed on this computer (%s).", what);
  return FALSE;
}

static gboolean
not_p521 (GError **error, const char *message)
{
  g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT, "%s", message);
  return FALSE;
}

void
keyfile_crypto_vp (const guint8 part[KF_PART_LEN], guint8 vp[KF_VP_LEN])
{
  if (otk_crypto_vp (part, vp) != OTK_CRYPTO_OK)
    g_error ("SHA-256 is not available");
}

gboolean
keyfile_crypto_random (guint8 *out, gsize len, GError **error)
{
  if (otk_crypto_random (out, len) != OTK_CRYPTO_OK)
    return crypto_fail (error, "random numbers");
  return TRUE;
}

EVP_PKEY *
keyfile_crypto_generate_p521 (GError **error)
{
  EVP_PKEY *key = otk_crypto_p521_generate ();

  if (key == NULL)
    crypto_fail (error, "P-521 key generation");
  return key;
}

EVP_PKEY *
keyfile_crypto_private_key_from_scalar (const guint8 scalar[KF_SCALAR_LEN],
                                        guint8 point[KF_POINT_LEN], GError **error)
{
  EVP_PKEY *key = otk_crypto_p521_from_scalar (scalar, point);

  if (key == NULL)
    not_p521 (error, "The private key is not a valid P-521 key.");
  return key;
}

gboolean
keyfile_crypto_point_from_key (EVP_PKEY *key, guint8 point[KF_POINT_LEN], GError **error)
{
  int rc = otk_crypto_p521_point (key, point);

  if (rc == OTK_CRYPTO_ERR_INVALID)
    return not_p521 (error, "The key is not a P-521 elliptic curve key.");
  if (rc != OTK_CRYPTO_OK)
    return crypto_fail (error, "P-521 public point");
  return TRUE;
}

gboolean
keyfile_crypto_scalar_from_key (EVP_PKEY *key, guint8 scalar[KF_SCALAR_LEN], GError **error)
{
  if (otk_crypto_p521_scalar (key, scalar) != OTK_CRYPTO_OK)
    return crypto_fail (error, "P-521 private key");
  return TRUE;
}

gboolean
keyfile_crypto_sign_digest (EVP_PKEY *key, const guint8 digest[KF_DIGEST_LEN],
                            guint8 signature[KF_SIGNATURE_LEN], GError **error)
{
  if (otk_crypto_ecdsa_sign (key, digest, signature) != OTK_CRYPTO_OK)
    return crypto_fail (error, "ECDSA signature");
  return TRUE;
}

gboolean
keyfile_crypto_gcm_seal (const guint8 key[32], const guint8 nonce[KF_NONCE_LEN], const guint8 *aad,
                         gsize aad_len, const guint8 *plain, gsize len, guint8 *cipher,
                         guint8 tag[KF_TAG_LEN], GError **error)
{
  if (otk_crypto_gcm_seal (key, nonce, aad, aad_len, plain, len, cipher, tag) != OTK_CRYPTO_OK)
    return crypto_fail (error, "AES-GCM encryption");
  return TRUE;
}

gboolean
keyfile_crypto_gcm_open (const guint8 key[32], const guint8 nonce[KF_NONCE_LEN], const guint8 *aad,
                         gsize aad_len, const guint8 *cipher, gsize len,
                         const guint8 tag[KF_TAG_LEN], guint8 *plain)
{
  return otk_crypto_gcm_open (key, nonce, aad, aad_len, cipher, len, tag, plain) == OTK_CRYPTO_OK;
}

gboolean
keyfile_crypto_encrypt_key_part (const guint8 part[KF_PART_LEN], const guint8 *chain,
                                 gsize chain_len, const guint8 *roots, gsize roots_len,
                                 guint8 blob[KF_BLOB_LEN], GError **error)
{
  const char *why;

  switch (otk_crypto_key_part_seal (part, chain, chain_len, roots, roots_len, blob))
    {
      case OTK_CRYPTO_OK:
        return TRUE;
      case OTK_CRYPTO_ERR_CHAIN_FORM:
      case OTK_CRYPTO_ERR_CHAIN_TYPE:
        why = "the crypto unit did not send an importer certificate followed by its device "
              "certificate";
        break;
      case OTK_CRYPTO_ERR_BAD_ROOT:
      case OTK_CRYPTO_ERR_VERIFY:
        why = "the crypto unit's importer key does not chain to a trusted crypto-unit root";
        break;
      default:
        return crypto_fail (error, "key part encryption");
    }
  g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER, "The key part is not sent: %s.",
               why);
  return FALSE;
}
