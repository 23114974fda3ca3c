/* keyfile-crypto.c: P-521 keys, VP, ECDSA r||s, AES-GCM and the key part transport of
 * docs/interfaces.md for key files, with OpenSSL 3 (see keyfile-crypto.h). */
#include "keyfile-crypto.h"

#include "card-private.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <string.h>

#define VP_LABEL             "OpenTKE-VP-v1"
#define TRANSPORT_INFO_LABEL "OpenTKE key part v1"
/* docs/interfaces.md, Certificates */
#define CERT_OFF_SUBJECT      2
#define CERT_OFF_POINT        34
#define CERT_OFF_ISSUER       167
#define CERT_TYPE_CU_ROOT     1
#define CERT_TYPE_CU_DEVICE   2
#define CERT_TYPE_CU_IMPORTER 3

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

void
keyfile_crypto_vp (const guint8 part[KF_PART_LEN], guint8 vp[KF_VP_LEN])
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();

  if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL)
      || !EVP_DigestUpdate (md, VP_LABEL, strlen (VP_LABEL))
      || !EVP_DigestUpdate (md, part, KF_PART_LEN) || !EVP_DigestFinal_ex (md, vp, NULL))
    g_error ("SHA-256 is not available");
  EVP_MD_CTX_free (md);
}

gboolean
keyfile_crypto_random (guint8 *out, gsize len, GError **error)
{
  if (RAND_bytes (out, (int)len) != 1)
    return crypto_fail (error, "random numbers");
  return TRUE;
}

EVP_PKEY *
keyfile_crypto_generate_p521 (GError **error)
{
  EVP_PKEY *key = EVP_EC_gen ("P-521");

  if (key == NULL)
    crypto_fail (error, "P-521 key generation");
  return key;
}

/* Builds a P-521 key pair from its public point and private scalar. */
static EVP_PKEY *
keypair_from_params (const guint8 point[KF_POINT_LEN], const BIGNUM *priv, GError **error)
{
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new ();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *key = NULL;

  if (bld == NULL || !OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-521", 0)
      || !OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, point, KF_POINT_LEN)
      || !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)
      || (params = OSSL_PARAM_BLD_to_param (bld)) == NULL
      || (ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL)) == NULL
      || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_KEYPAIR, params) <= 0)
    {
      ERR_clear_error ();
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "The key is not a valid P-521 key pair.");
      key = NULL;
    }
  /* @priv is a secure BIGNUM, so the builder put its copy in the secure block that
   * OSSL_PARAM_free() clears */
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

EVP_PKEY *
keyfile_crypto_private_key_from_scalar (const guint8 scalar[KF_SCALAR_LEN],
                                        guint8 point[KF_POINT_LEN], GError **error)
{
  EC_GROUP *group = EC_GROUP_new_by_curve_name (NID_secp521r1);
  EC_POINT *pub = NULL;
  BIGNUM *priv = BN_secure_new ();
  EVP_PKEY *key = NULL;

  if (group == NULL || priv == NULL || BN_bin2bn (scalar, KF_SCALAR_LEN, priv) == NULL)
    {
      crypto_fail (error, "P-521 private key");
      goto out;
    }
  if (BN_is_zero (priv) || BN_cmp (priv, EC_GROUP_get0_order (group)) >= 0)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
                   "The private key is not a valid P-521 key.");
      goto out;
    }
  if ((pub = EC_POINT_new (group)) == NULL || !EC_POINT_mul (group, pub, priv, NULL, NULL, NULL)
      || EC_POINT_point2oct (group, pub, POINT_CONVERSION_UNCOMPRESSED, point, KF_POINT_LEN, NULL)
             != KF_POINT_LEN)
    {
      crypto_fail (error, "P-521 public key");
      goto out;
    }
  key = keypair_from_params (point, priv, error);
out:
  BN_clear_free (priv);
  EC_POINT_free (pub);
  EC_GROUP_free (group);
  return key;
}

static gboolean
key_is_p521 (EVP_PKEY *key)
{
  char group[32];

  return EVP_PKEY_is_a (key, "EC")
         && EVP_PKEY_get_utf8_string_param (key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            NULL)
         && (strcmp (group, "P-521") == 0 || strcmp (group, "secp521r1") == 0);
}

gboolean
keyfile_crypto_point_from_key (EVP_PKEY *key, guint8 point[KF_POINT_LEN], GError **error)
{
  size_t len = 0;

  if (!key_is_p521 (key))
    {
      ERR_clear_error ();
      g_set_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT,
                   "The key is not a P-521 elliptic curve key.");
      return FALSE;
    }
  /* ask for the uncompressed form whatever the key was encoded with */
  if (!EVP_PKEY_set_utf8_string_param (key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                       "uncompressed")
      || !EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, point, KF_POINT_LEN, &len)
      || len != KF_POINT_LEN || point[0] != 0x04)
    return crypto_fail (error, "P-521 public point");
  return TRUE;
}

gboolean
keyfile_crypto_scalar_from_key (EVP_PKEY *key, guint8 scalar[KF_SCALAR_LEN], GError **error)
{
  BIGNUM *priv = NULL;
  gboolean ok;

  ok = key_is_p521 (key) && EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_PRIV_KEY, &priv)
       && BN_bn2binpad (priv, scalar, KF_SCALAR_LEN) == KF_SCALAR_LEN;
  BN_clear_free (priv);
  if (!ok)
    return crypto_fail (error, "P-521 private key");
  return TRUE;
}

gboolean
keyfile_crypto_sign_digest (EVP_PKEY *key, const guint8 digest[KF_DIGEST_LEN],
                            guint8 signature[KF_SIGNATURE_LEN], GError **error)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  guint8 der[160];
  size_t der_len = sizeof der;
  const guint8 *p = der;
  ECDSA_SIG *sig = NULL;
  const BIGNUM *r, *s;
  gboolean ok = FALSE;

  if (ctx == NULL || EVP_PKEY_sign_init (ctx) <= 0
      || EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha512 ()) <= 0
      || EVP_PKEY_sign (ctx, der, &der_len, digest, KF_DIGEST_LEN) <= 0
      || (sig = d2i_ECDSA_SIG (NULL, &p, (long)der_len)) == NULL)
    {
      crypto_fail (error, "ECDSA signature");
      goto out;
    }
  ECDSA_SIG_get0 (sig, &r, &s);
  ok = BN_bn2binpad (r, signature, 66) == 66 && BN_bn2binpad (s, signature + 66, 66) == 66;
  if (!ok)
    crypto_fail (error, "ECDSA signature encoding");
out:
  ECDSA_SIG_free (sig);
  EVP_PKEY_CTX_free (ctx);
  return ok;
}

/* AES-256-GCM in either direction; @tag is written when sealing, checked when opening. */
static gboolean
gcm_run (gboolean seal, const guint8 key[32], const guint8 nonce[KF_NONCE_LEN], const guint8 *aad,
         gsize aad_len, const guint8 *in, gsize len, guint8 *out, guint8 tag[KF_TAG_LEN])
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;
  gboolean ok;

  ok = ctx != NULL && len <= G_MAXINT && aad_len <= G_MAXINT
       && EVP_CipherInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL, seal ? 1 : 0)
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, KF_NONCE_LEN, NULL)
       && EVP_CipherInit_ex (ctx, NULL, NULL, key, nonce, seal ? 1 : 0)
       && (aad_len == 0 || EVP_CipherUpdate (ctx, NULL, &n, aad, (int)aad_len))
       && (len == 0 || EVP_CipherUpdate (ctx, out, &n, in, (int)len))
       && (seal || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, KF_TAG_LEN, tag))
       && EVP_CipherFinal_ex (ctx, out + (len > 0 ? n : 0), &n)
       && (!seal || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, KF_TAG_LEN, tag));
  EVP_CIPHER_CTX_free (ctx);
  ERR_clear_error ();
  if (!ok && !seal)
    secure_clear (out, len);
  return ok;
}

gboolean
keyfile_crypto_gcm_seal (const guint8 key[32], const guint8 nonce[KF_NONCE_LEN], const guint8 *aad,
                         gsize aad_len, const guint8 *plain, gsize len, guint8 *cipher,
                         guint8 tag[KF_TAG_LEN], GError **error)
{
  if (!gcm_run (TRUE, key, nonce, aad, aad_len, plain, len, cipher, tag))
    return crypto_fail (error, "AES-GCM encryption");
  return TRUE;
}

gboolean
keyfile_crypto_gcm_open (const guint8 key[32], const guint8 nonce[KF_NONCE_LEN], const guint8 *aad,
                         gsize aad_len, const guint8 *cipher, gsize len,
                         const guint8 tag[KF_TAG_LEN], guint8 *plain)
{
  guint8 tag_copy[KF_TAG_LEN];

  memcpy (tag_copy, tag, sizeof tag_copy);
  return gcm_run (FALSE, key, nonce, aad, aad_len, cipher, len, plain, tag_copy);
}

/* @cert is a valid self-signed crypto-unit root certificate whose SKI is @ski. */
static gboolean
is_trusted_root (const guint8 *cert, const guint8 ski[KF_SKI_LEN])
{
  guint8 root_ski[KF_SKI_LEN];

  if (cert[0] != 1 || cert[1] != CERT_TYPE_CU_ROOT || cert[CERT_OFF_POINT] != 0x04)
    return FALSE;
  card_crypto_ski (cert + CERT_OFF_POINT, root_ski);
  return memcmp (root_ski, ski, KF_SKI_LEN) == 0
         && card_crypto_cert_verify (cert, cert + CERT_OFF_POINT, NULL);
}

static gboolean
untrusted (GError **error, const char *why)
{
  g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER, "The key part is not sent: %s.",
               why);
  return FALSE;
}

/* Importer certificate (type 3) <- device certificate (type 2) <- one of @roots. */
static gboolean
verify_importer_chain (const guint8 *chain, gsize chain_len, const guint8 *roots, gsize roots_len,
                       GError **error)
{
  const guint8 *importer = chain, *device = chain + KF_CERT_LEN;

  if (chain_len != 2 * KF_CERT_LEN || importer[1] != CERT_TYPE_CU_IMPORTER
      || device[1] != CERT_TYPE_CU_DEVICE || importer[CERT_OFF_POINT] != 0x04
      || device[CERT_OFF_POINT] != 0x04)
    return untrusted (error, "the crypto unit did not send an importer certificate followed "
                             "by its device certificate");
  if (!card_crypto_cert_verify (importer, device + CERT_OFF_POINT, NULL))
    return untrusted (error, "the importer key is not certified by the crypto unit's device key");
  for (gsize off = 0; off + KF_CERT_LEN <= roots_len; off += KF_CERT_LEN)
    if (is_trusted_root (roots + off, device + CERT_OFF_ISSUER)
        && card_crypto_cert_verify (device, roots + off + CERT_OFF_POINT, NULL))
      return TRUE;
  return untrusted (error, "the crypto unit's device certificate does not chain to a trusted "
                           "crypto-unit root");
}

gboolean
keyfile_crypto_encrypt_key_part (const guint8 part[KF_PART_LEN], const guint8 *chain,
                                 gsize chain_len, const guint8 *roots, gsize roots_len,
                                 guint8 blob[KF_BLOB_LEN], GError **error)
{
  gboolean ok;

  memset (blob, 0, KF_BLOB_LEN);
  ok = verify_importer_chain (chain, chain_len, roots, roots_len, error)
       && card_crypto_seal (TRANSPORT_INFO_LABEL, chain + CERT_OFF_POINT, chain + CERT_OFF_SUBJECT,
                            part, KF_PART_LEN, blob, error);
  if (!ok)
    secure_clear (blob, KF_BLOB_LEN);
  return ok;
}
