/* card-crypto.c: P-521, SKI/VP, ECDSA r||s, AES-GCM, certificates and the key part
 * transport blob of docs/interfaces.md, with OpenSSL 3. */
#include "card-crypto.h"

#include "opentke-card.h"
#include "opentke-common.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <string.h>

#define VP_LABEL             "OpenTKE-VP-v1"
#define TRANSPORT_INFO_LABEL "OpenTKE key part v1"
#define CERT_SIGNED_LEN      199 /* bytes 0..198 are signed */

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
card_crypto_ski (const guint8 point[CARD_P521_POINT_LEN], guint8 ski[CARD_SKI_LEN])
{
  EVP_Digest (point, CARD_P521_POINT_LEN, ski, NULL, EVP_sha256 (), NULL);
}

void
card_crypto_vp (const guint8 part[CARD_KEY_PART_LEN], guint8 vp[CARD_VP_LEN])
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();

  if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL)
      || !EVP_DigestUpdate (md, VP_LABEL, strlen (VP_LABEL))
      || !EVP_DigestUpdate (md, part, CARD_KEY_PART_LEN) || !EVP_DigestFinal_ex (md, vp, NULL))
    g_error ("SHA-256 is not available");
  EVP_MD_CTX_free (md);
}

gboolean
card_crypto_random (guint8 *out, gsize len, GError **error)
{
  if (RAND_bytes (out, (int)len) != 1)
    return crypto_fail (error, "random numbers");
  return TRUE;
}

EVP_PKEY *
card_crypto_generate_p521 (GError **error)
{
  EVP_PKEY *key = EVP_EC_gen ("P-521");

  if (key == NULL)
    crypto_fail (error, "P-521 key generation");
  return key;
}

/* Builds a P-521 EVP_PKEY from a point and, when @priv is not NULL, a private scalar. */
static EVP_PKEY *
key_from_params (const guint8 point[CARD_P521_POINT_LEN], const BIGNUM *priv, GError **error)
{
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new ();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *key = NULL;

  if (bld == NULL || !OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-521", 0)
      || !OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                            CARD_P521_POINT_LEN)
      || (priv != NULL && !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
      || (params = OSSL_PARAM_BLD_to_param (bld)) == NULL
      || (ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL)) == NULL
      || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
    {
      ERR_clear_error ();
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "The public key is not a valid P-521 point.");
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
card_crypto_public_key_from_point (const guint8 point[CARD_P521_POINT_LEN], GError **error)
{
  EVP_PKEY *key = NULL;
  EVP_PKEY_CTX *check = NULL;

  if (point[0] != 0x04)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "The public key is not an uncompressed P-521 point.");
      return NULL;
    }
  key = key_from_params (point, NULL, error);
  if (key == NULL)
    return NULL;
  /* fromdata does not always check that the point is on the curve */
  check = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  if (check == NULL || EVP_PKEY_public_check (check) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "The public key is not a point of the P-521 curve.");
      EVP_PKEY_free (key);
      key = NULL;
    }
  EVP_PKEY_CTX_free (check);
  return key;
}

EVP_PKEY *
card_crypto_private_key_from_scalar (const guint8 scalar[CARD_P521_SCALAR_LEN],
                                     guint8 point[CARD_P521_POINT_LEN], GError **error)
{
  EC_GROUP *group = EC_GROUP_new_by_curve_name (NID_secp521r1);
  EC_POINT *pub = NULL;
  BIGNUM *priv = BN_secure_new ();
  EVP_PKEY *key = NULL;

  if (group == NULL || priv == NULL || BN_bin2bn (scalar, CARD_P521_SCALAR_LEN, priv) == NULL)
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
      || EC_POINT_point2oct (group, pub, POINT_CONVERSION_UNCOMPRESSED, point, CARD_P521_POINT_LEN,
                             NULL)
             != CARD_P521_POINT_LEN)
    {
      crypto_fail (error, "P-521 public key");
      goto out;
    }
  key = key_from_params (point, priv, error);
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
card_crypto_point_from_key (EVP_PKEY *key, guint8 point[CARD_P521_POINT_LEN], GError **error)
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
      || !EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, point, CARD_P521_POINT_LEN,
                                           &len)
      || len != CARD_P521_POINT_LEN || point[0] != 0x04)
    return crypto_fail (error, "P-521 public point");
  return TRUE;
}

gboolean
card_crypto_scalar_from_key (EVP_PKEY *key, guint8 scalar[CARD_P521_SCALAR_LEN], GError **error)
{
  BIGNUM *priv = NULL;
  gboolean ok;

  ok = key_is_p521 (key) && EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_PRIV_KEY, &priv)
       && BN_bn2binpad (priv, scalar, CARD_P521_SCALAR_LEN) == CARD_P521_SCALAR_LEN;
  BN_clear_free (priv);
  if (!ok)
    return crypto_fail (error, "P-521 private key");
  return TRUE;
}

gboolean
card_crypto_sign_digest (EVP_PKEY *key, const guint8 digest[CARD_DIGEST_LEN],
                         guint8 signature[CARD_SIGNATURE_LEN], GError **error)
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
      || EVP_PKEY_sign (ctx, der, &der_len, digest, CARD_DIGEST_LEN) <= 0
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

gboolean
card_crypto_verify_digest (const guint8 point[CARD_P521_POINT_LEN],
                           const guint8 digest[CARD_DIGEST_LEN],
                           const guint8 signature[CARD_SIGNATURE_LEN])
{
  EVP_PKEY *key = card_crypto_public_key_from_point (point, NULL);
  EVP_PKEY_CTX *ctx = NULL;
  ECDSA_SIG *sig = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (signature, 66, NULL);
  BIGNUM *s = BN_bin2bn (signature + 66, 66, NULL);
  guint8 *der = NULL;
  int der_len;
  gboolean ok = FALSE;

  if (key == NULL || sig == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0 (sig, r, s))
    goto out;
  r = s = NULL; /* owned by sig now */
  der_len = i2d_ECDSA_SIG (sig, &der);
  ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  ok = der_len > 0 && ctx != NULL && EVP_PKEY_verify_init (ctx) > 0
       && EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha512 ()) > 0
       && EVP_PKEY_verify (ctx, der, (size_t)der_len, digest, CARD_DIGEST_LEN) == 1;
out:
  ERR_clear_error ();
  OPENSSL_free (der);
  BN_free (r);
  BN_free (s);
  ECDSA_SIG_free (sig);
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (key);
  return ok;
}

/* AES-256-GCM in either direction; @tag is written when sealing, checked when opening. */
static gboolean
gcm_run (gboolean seal, const guint8 key[32], const guint8 nonce[CARD_GCM_NONCE_LEN],
         const guint8 *aad, gsize aad_len, const guint8 *in, gsize len, guint8 *out,
         guint8 tag[CARD_GCM_TAG_LEN])
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;
  gboolean ok;

  ok = ctx != NULL && len <= G_MAXINT && aad_len <= G_MAXINT
       && EVP_CipherInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL, seal ? 1 : 0)
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, CARD_GCM_NONCE_LEN, NULL)
       && EVP_CipherInit_ex (ctx, NULL, NULL, key, nonce, seal ? 1 : 0)
       && (aad_len == 0 || EVP_CipherUpdate (ctx, NULL, &n, aad, (int)aad_len))
       && (len == 0 || EVP_CipherUpdate (ctx, out, &n, in, (int)len))
       && (seal || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, CARD_GCM_TAG_LEN, tag))
       && EVP_CipherFinal_ex (ctx, out + (len > 0 ? n : 0), &n)
       && (!seal || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, CARD_GCM_TAG_LEN, tag));
  EVP_CIPHER_CTX_free (ctx);
  ERR_clear_error ();
  if (!ok && !seal)
    secure_clear (out, len);
  return ok;
}

gboolean
card_crypto_gcm_seal (const guint8 key[32], const guint8 nonce[CARD_GCM_NONCE_LEN],
                      const guint8 *aad, gsize aad_len, const guint8 *plain, gsize len,
                      guint8 *cipher, guint8 tag[CARD_GCM_TAG_LEN], GError **error)
{
  if (!gcm_run (TRUE, key, nonce, aad, aad_len, plain, len, cipher, tag))
    return crypto_fail (error, "AES-GCM encryption");
  return TRUE;
}

gboolean
card_crypto_gcm_open (const guint8 key[32], const guint8 nonce[CARD_GCM_NONCE_LEN],
                      const guint8 *aad, gsize aad_len, const guint8 *cipher, gsize len,
                      const guint8 tag[CARD_GCM_TAG_LEN], guint8 *plain)
{
  guint8 tag_copy[CARD_GCM_TAG_LEN];

  memcpy (tag_copy, tag, sizeof tag_copy);
  return gcm_run (FALSE, key, nonce, aad, aad_len, cipher, len, plain, tag_copy);
}

gboolean
card_certificate_parse (const guint8 *data, gsize len, CardCertificate *cert, GError **error)
{
  if (len != CARD_CERT_LEN || data[0] != 1 || data[1] < CARD_CERT_CU_ROOT
      || data[1] > CARD_CERT_EP11_DEVICE || data[34] != 0x04)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER,
                   "A certificate of the chain is malformed.");
      return FALSE;
    }
  cert->version = data[0];
  cert->type = data[1];
  memcpy (cert->subject_id, data + 2, 32);
  memcpy (cert->public_point, data + 34, CARD_P521_POINT_LEN);
  memcpy (cert->issuer_ski, data + 167, CARD_SKI_LEN);
  memcpy (cert->signature, data + 199, CARD_SIGNATURE_LEN);
  return TRUE;
}

/* TRUE when @cert_bytes carry a valid signature by the key at @issuer_point. */
static gboolean
cert_signed_by (const guint8 *cert_bytes, const guint8 issuer_point[CARD_P521_POINT_LEN])
{
  guint8 digest[CARD_DIGEST_LEN];

  EVP_Digest (cert_bytes, CERT_SIGNED_LEN, digest, NULL, EVP_sha512 (), NULL);
  return card_crypto_verify_digest (issuer_point, digest, cert_bytes + CERT_SIGNED_LEN);
}

/* Finds in @roots the valid self-signed root certificate whose SKI is @ski. */
static gboolean
find_trusted_root (const guint8 *roots, gsize roots_len, const guint8 ski[CARD_SKI_LEN],
                   CardCertificate *root)
{
  for (gsize off = 0; off + CARD_CERT_LEN <= roots_len; off += CARD_CERT_LEN)
    {
      guint8 root_ski[CARD_SKI_LEN];

      if (!card_certificate_parse (roots + off, CARD_CERT_LEN, root, NULL)
          || root->type != CARD_CERT_CU_ROOT)
        continue;
      card_crypto_ski (root->public_point, root_ski);
      if (memcmp (root_ski, ski, CARD_SKI_LEN) == 0
          && memcmp (root->issuer_ski, root_ski, CARD_SKI_LEN) == 0
          && cert_signed_by (roots + off, root->public_point))
        return TRUE;
    }
  return FALSE;
}

gboolean
card_certificate_verify_chain (const guint8 *chain, gsize chain_len, const CardCertType *types,
                               gsize n_types, const guint8 *roots, gsize roots_len,
                               CardCertificate *leaf, GError **error)
{
  CardCertificate cert, issuer;
  guint8 issuer_ski[CARD_SKI_LEN];

  if (n_types == 0 || chain_len != n_types * CARD_CERT_LEN || roots_len % CARD_CERT_LEN != 0)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER,
                   "The certificate chain has %" G_GSIZE_FORMAT " bytes; %" G_GSIZE_FORMAT
                   " were expected.",
                   chain_len, n_types * CARD_CERT_LEN);
      return FALSE;
    }
  for (gsize i = 0; i < n_types; i++)
    {
      const guint8 *bytes = chain + i * CARD_CERT_LEN;
      gboolean last = i + 1 == n_types;

      if (!card_certificate_parse (bytes, CARD_CERT_LEN, &cert, error))
        return FALSE;
      if (cert.type != types[i])
        {
          g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER,
                       "Certificate %" G_GSIZE_FORMAT " of the chain has type %u, not %u.", i + 1,
                       cert.type, types[i]);
          return FALSE;
        }
      if (i == 0 && leaf != NULL)
        *leaf = cert;
      if (last)
        {
          if (!find_trusted_root (roots, roots_len, cert.issuer_ski, &issuer))
            {
              g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER,
                           "The crypto unit's certificate chain does not end at a trusted "
                           "crypto-unit root: the key part is not sent.");
              return FALSE;
            }
        }
      else if (!card_certificate_parse (bytes + CARD_CERT_LEN, CARD_CERT_LEN, &issuer, error))
        return FALSE;
      card_crypto_ski (issuer.public_point, issuer_ski);
      if (memcmp (issuer_ski, cert.issuer_ski, CARD_SKI_LEN) != 0
          || !cert_signed_by (bytes, issuer.public_point))
        {
          g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER,
                       "Certificate %" G_GSIZE_FORMAT
                       " of the crypto unit's chain is not signed by its issuer: the key "
                       "part is not sent.",
                       i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* K = HKDF-SHA-512(salt = importer SKI, IKM = Z, info = label || subject ID), 32 bytes. */
static gboolean
transport_kdf (const guint8 *z, gsize z_len, const guint8 ski[CARD_SKI_LEN],
               const guint8 subject_id[32], guint8 k[32])
{
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new (kdf) : NULL;
  guint8 info[sizeof TRANSPORT_INFO_LABEL - 1 + 32];
  OSSL_PARAM params[5];
  gboolean ok;

  memcpy (info, TRANSPORT_INFO_LABEL, sizeof TRANSPORT_INFO_LABEL - 1);
  memcpy (info + sizeof TRANSPORT_INFO_LABEL - 1, subject_id, 32);
  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, (void *)z, z_len);
  params[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *)ski, CARD_SKI_LEN);
  params[3] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, info, sizeof info);
  params[4] = OSSL_PARAM_construct_end ();
  ok = ctx != NULL && EVP_KDF_derive (ctx, k, 32, params) == 1;
  EVP_KDF_CTX_free (ctx);
  EVP_KDF_free (kdf);
  return ok;
}

gboolean
card_transport_encrypt_key_part (const guint8 part[CARD_KEY_PART_LEN], const guint8 *chain,
                                 gsize chain_len, const guint8 *roots, gsize roots_len,
                                 guint8 blob[CARD_TRANSPORT_BLOB_LEN], GError **error)
{
  static const CardCertType importer_chain[] = { CARD_CERT_CU_IMPORTER, CARD_CERT_CU_DEVICE };
  CardCertificate importer;
  guint8 importer_ski[CARD_SKI_LEN], z[66], k[32];
  size_t z_len = sizeof z;
  EVP_PKEY *peer = NULL, *eph = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  guint8 *header = blob, *nonce = blob + 166, *cipher = blob + 178, *tag = blob + 210;
  gboolean ok = FALSE;

  if (!card_certificate_verify_chain (chain, chain_len, importer_chain,
                                      G_N_ELEMENTS (importer_chain), roots, roots_len, &importer,
                                      error))
    goto out;
  card_crypto_ski (importer.public_point, importer_ski);
  if ((peer = card_crypto_public_key_from_point (importer.public_point, error)) == NULL
      || (eph = card_crypto_generate_p521 (error)) == NULL)
    goto out;
  if ((ctx = EVP_PKEY_CTX_new_from_pkey (NULL, eph, NULL)) == NULL
      || EVP_PKEY_derive_init (ctx) <= 0 || EVP_PKEY_derive_set_peer (ctx, peer) <= 0
      || EVP_PKEY_derive (ctx, z, &z_len) <= 0 || z_len != sizeof z
      || !transport_kdf (z, z_len, importer_ski, importer.subject_id, k))
    {
      crypto_fail (error, "key agreement with the crypto unit");
      goto out;
    }
  header[0] = 0x01;
  if (!card_crypto_point_from_key (eph, header + 1, error))
    goto out;
  memcpy (header + 1 + CARD_P521_POINT_LEN, importer_ski, CARD_SKI_LEN);
  ok = card_crypto_random (nonce, CARD_GCM_NONCE_LEN, error)
       && card_crypto_gcm_seal (k, nonce, header, 166, part, CARD_KEY_PART_LEN, cipher, tag, error);
out:
  secure_clear (z, sizeof z);
  secure_clear (k, sizeof k);
  if (!ok)
    secure_clear (blob, CARD_TRANSPORT_BLOB_LEN);
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (eph); /* OpenSSL clears the private scalar when freeing */
  EVP_PKEY_free (peer);
  return ok;
}
