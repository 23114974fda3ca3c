/* otk-crypto.c: docs/interfaces.md and card-protocol.md §6.3 on OpenSSL 3
 * (see otk-crypto.h). */
#include "otk-crypto.h"

#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <string.h>

#include "secure.h"

#define COORD_LEN (OTK_CRYPTO_SIG_LEN / 2)
#define VP_LABEL  "OpenTKE-VP-v1"

int
otk_crypto_random (uint8_t *buf, size_t len)
{
  if (len > INT_MAX || RAND_priv_bytes (buf, (int)len) != 1)
    return OTK_CRYPTO_ERR_LIBRARY;
  return OTK_CRYPTO_OK;
}

static int
digest_chunks (const EVP_MD *md, const otk_crypto_chunk *chunks, size_t n, uint8_t *out)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  int rc = OTK_CRYPTO_ERR_LIBRARY;

  if (ctx == NULL || EVP_DigestInit_ex (ctx, md, NULL) != 1)
    goto out;
  for (size_t i = 0; i < n; i++)
    if (chunks[i].len > 0 && EVP_DigestUpdate (ctx, chunks[i].data, chunks[i].len) != 1)
      goto out;
  if (EVP_DigestFinal_ex (ctx, out, NULL) != 1)
    goto out;
  rc = OTK_CRYPTO_OK;
out:
  EVP_MD_CTX_free (ctx);
  return rc;
}

int
otk_crypto_sha256 (const otk_crypto_chunk *chunks, size_t n, uint8_t out[OTK_CRYPTO_SHA256_LEN])
{
  return digest_chunks (EVP_sha256 (), chunks, n, out);
}

int
otk_crypto_sha512 (const otk_crypto_chunk *chunks, size_t n, uint8_t out[OTK_CRYPTO_SHA512_LEN])
{
  return digest_chunks (EVP_sha512 (), chunks, n, out);
}

int
otk_crypto_ski (const uint8_t point[OTK_CRYPTO_POINT_LEN], uint8_t ski[OTK_CRYPTO_ID_LEN])
{
  otk_crypto_chunk c = { point, OTK_CRYPTO_POINT_LEN };

  return otk_crypto_sha256 (&c, 1, ski);
}

int
otk_crypto_vp (const uint8_t part[OTK_CRYPTO_PART_LEN], uint8_t vp[OTK_CRYPTO_ID_LEN])
{
  otk_crypto_chunk c[2]
      = { { (const uint8_t *)VP_LABEL, strlen (VP_LABEL) }, { part, OTK_CRYPTO_PART_LEN } };

  return otk_crypto_sha256 (c, 2, vp);
}

EVP_PKEY *
otk_crypto_p521_generate (void)
{
  return EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-521");
}

EVP_PKEY *
otk_crypto_p521_from_point (const uint8_t point[OTK_CRYPTO_POINT_LEN])
{
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY_CTX *check = NULL;
  EVP_PKEY *key = NULL;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)point,
                                       OTK_CRYPTO_POINT_LEN),
    OSSL_PARAM_construct_end (),
  };

  if (point[0] != 0x04 || (ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL)) == NULL
      || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    goto out;
  check = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  if (check == NULL || EVP_PKEY_public_check (check) != 1)
    {
      EVP_PKEY_free (key);
      key = NULL;
    }
out:
  if (key == NULL)
    ERR_clear_error ();
  EVP_PKEY_CTX_free (check);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

/* A P-521 key pair from its point and (secure) private BIGNUM. */
static EVP_PKEY *
keypair_from_params (const uint8_t point[OTK_CRYPTO_POINT_LEN], const BIGNUM *priv)
{
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new ();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *key = NULL;

  if (bld == NULL || !OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-521", 0)
      || !OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                            OTK_CRYPTO_POINT_LEN)
      || !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)
      || (params = OSSL_PARAM_BLD_to_param (bld)) == NULL
      || (ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL)) == NULL
      || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_KEYPAIR, params) <= 0)
    key = NULL;
  /* @priv is a secure BIGNUM, so the builder put its copy in the secure heap,
   * which OSSL_PARAM_free() clears */
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

EVP_PKEY *
otk_crypto_p521_from_scalar (const uint8_t scalar[OTK_CRYPTO_SCALAR_LEN],
                             uint8_t point[OTK_CRYPTO_POINT_LEN])
{
  EC_GROUP *group = EC_GROUP_new_by_curve_name (NID_secp521r1);
  EC_POINT *pub = NULL;
  BIGNUM *priv = BN_secure_new ();
  uint8_t q[OTK_CRYPTO_POINT_LEN];
  EVP_PKEY *key = NULL;

  if (group == NULL || priv == NULL || BN_bin2bn (scalar, OTK_CRYPTO_SCALAR_LEN, priv) == NULL)
    goto out;
  if (BN_is_zero (priv) || BN_cmp (priv, EC_GROUP_get0_order (group)) >= 0)
    goto out;
  if ((pub = EC_POINT_new (group)) == NULL || !EC_POINT_mul (group, pub, priv, NULL, NULL, NULL)
      || EC_POINT_point2oct (group, pub, POINT_CONVERSION_UNCOMPRESSED, q, sizeof q, NULL)
             != sizeof q)
    goto out;
  key = keypair_from_params (q, priv);
  if (key != NULL && point != NULL)
    memcpy (point, q, sizeof q);
out:
  if (key == NULL)
    ERR_clear_error ();
  BN_clear_free (priv);
  EC_POINT_free (pub);
  EC_GROUP_free (group);
  return key;
}

static int
key_is_p521 (EVP_PKEY *key)
{
  char group[32];

  return EVP_PKEY_is_a (key, "EC")
         && EVP_PKEY_get_utf8_string_param (key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            NULL)
         && (strcmp (group, "P-521") == 0 || strcmp (group, "secp521r1") == 0);
}

static int
read_point (EVP_PKEY *key, uint8_t point[OTK_CRYPTO_POINT_LEN])
{
  size_t len = 0;

  return EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, point, OTK_CRYPTO_POINT_LEN,
                                          &len)
             == 1
         && len == OTK_CRYPTO_POINT_LEN && point[0] == 0x04;
}

int
otk_crypto_p521_point (EVP_PKEY *key, uint8_t point[OTK_CRYPTO_POINT_LEN])
{
  if (!key_is_p521 (key))
    {
      ERR_clear_error ();
      return OTK_CRYPTO_ERR_INVALID;
    }
  if (read_point (key, point))
    return OTK_CRYPTO_OK;
  /* a key read in compressed form: ask for the uncompressed one (this changes
   * the key, so only when needed) */
  ERR_clear_error ();
  if (EVP_PKEY_set_utf8_string_param (key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                      "uncompressed")
          == 1
      && read_point (key, point))
    return OTK_CRYPTO_OK;
  return OTK_CRYPTO_ERR_LIBRARY;
}

int
otk_crypto_p521_scalar (EVP_PKEY *key, uint8_t scalar[OTK_CRYPTO_SCALAR_LEN])
{
  BIGNUM *priv = NULL;
  int rc = OTK_CRYPTO_ERR_INVALID;

  if (!key_is_p521 (key) || !EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_PRIV_KEY, &priv))
    goto out;
  if (BN_bn2binpad (priv, scalar, OTK_CRYPTO_SCALAR_LEN) != OTK_CRYPTO_SCALAR_LEN)
    goto out;
  rc = OTK_CRYPTO_OK;
out:
  if (rc != OTK_CRYPTO_OK)
    {
      ERR_clear_error ();
      secure_clear (scalar, OTK_CRYPTO_SCALAR_LEN);
    }
  BN_clear_free (priv);
  return rc;
}

int
otk_crypto_ecdsa_sign (EVP_PKEY *key, const uint8_t digest[OTK_CRYPTO_SHA512_LEN],
                       uint8_t sig[OTK_CRYPTO_SIG_LEN])
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  uint8_t der[160];
  size_t der_len = sizeof der;
  const uint8_t *p = der;
  ECDSA_SIG *s = NULL;
  int rc = OTK_CRYPTO_ERR_LIBRARY;

  if (ctx == NULL || EVP_PKEY_sign_init (ctx) <= 0
      || EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha512 ()) <= 0
      || EVP_PKEY_sign (ctx, der, &der_len, digest, OTK_CRYPTO_SHA512_LEN) <= 0
      || (s = d2i_ECDSA_SIG (NULL, &p, (long)der_len)) == NULL)
    goto out;
  if (BN_bn2binpad (ECDSA_SIG_get0_r (s), sig, COORD_LEN) != COORD_LEN
      || BN_bn2binpad (ECDSA_SIG_get0_s (s), sig + COORD_LEN, COORD_LEN) != COORD_LEN)
    goto out;
  rc = OTK_CRYPTO_OK;
out:
  ECDSA_SIG_free (s);
  EVP_PKEY_CTX_free (ctx);
  return rc;
}

int
otk_crypto_ecdsa_verify (EVP_PKEY *key, const uint8_t digest[OTK_CRYPTO_SHA512_LEN],
                         const uint8_t sig[OTK_CRYPTO_SIG_LEN])
{
  EVP_PKEY_CTX *ctx = NULL;
  ECDSA_SIG *s = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (sig, COORD_LEN, NULL);
  BIGNUM *sv = BN_bin2bn (sig + COORD_LEN, COORD_LEN, NULL);
  uint8_t *der = NULL;
  int der_len;
  int rc = OTK_CRYPTO_ERR_LIBRARY;

  if (s == NULL || r == NULL || sv == NULL || ECDSA_SIG_set0 (s, r, sv) != 1)
    {
      BN_free (r);
      BN_free (sv);
      goto out;
    }
  der_len = i2d_ECDSA_SIG (s, &der);
  ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
  if (der_len <= 0 || ctx == NULL || EVP_PKEY_verify_init (ctx) <= 0
      || EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha512 ()) <= 0)
    goto out;
  rc = EVP_PKEY_verify (ctx, der, (size_t)der_len, digest, OTK_CRYPTO_SHA512_LEN) == 1
           ? OTK_CRYPTO_OK
           : OTK_CRYPTO_ERR_VERIFY;
  ERR_clear_error ();
out:
  OPENSSL_free (der);
  ECDSA_SIG_free (s);
  EVP_PKEY_CTX_free (ctx);
  return rc;
}

int
otk_crypto_ecdh (EVP_PKEY *own, EVP_PKEY *peer, uint8_t z[OTK_CRYPTO_ECDH_LEN])
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, own, NULL);
  size_t len = OTK_CRYPTO_ECDH_LEN;
  int rc = OTK_CRYPTO_ERR_LIBRARY;

  if (ctx == NULL || EVP_PKEY_derive_init (ctx) <= 0 || EVP_PKEY_derive_set_peer (ctx, peer) <= 0
      || EVP_PKEY_derive (ctx, z, &len) <= 0 || len != OTK_CRYPTO_ECDH_LEN)
    goto out;
  rc = OTK_CRYPTO_OK;
out:
  if (rc != OTK_CRYPTO_OK)
    secure_clear (z, OTK_CRYPTO_ECDH_LEN);
  EVP_PKEY_CTX_free (ctx);
  return rc;
}

int
otk_crypto_hkdf_sha512 (const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                        const otk_crypto_chunk *info, size_t n_info, uint8_t *out, size_t out_len)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id (EVP_PKEY_HKDF, NULL);
  size_t len = out_len;
  int rc = OTK_CRYPTO_ERR_LIBRARY;

  if (ctx == NULL || salt_len > INT_MAX || ikm_len > INT_MAX || EVP_PKEY_derive_init (ctx) <= 0
      || EVP_PKEY_CTX_set_hkdf_md (ctx, EVP_sha512 ()) <= 0
      || EVP_PKEY_CTX_set1_hkdf_salt (ctx, salt, (int)salt_len) <= 0
      || EVP_PKEY_CTX_set1_hkdf_key (ctx, ikm, (int)ikm_len) <= 0)
    goto out;
  for (size_t i = 0; i < n_info; i++)
    if (info[i].len > INT_MAX
        || EVP_PKEY_CTX_add1_hkdf_info (ctx, info[i].data, (int)info[i].len) <= 0)
      goto out;
  if (EVP_PKEY_derive (ctx, out, &len) <= 0 || len != out_len)
    goto out;
  rc = OTK_CRYPTO_OK;
out:
  if (rc != OTK_CRYPTO_OK)
    secure_clear (out, out_len);
  EVP_PKEY_CTX_free (ctx); /* clears its copy of the key material */
  return rc;
}

/* AES-256-GCM in either direction: @tag is written when sealing, checked when opening. */
static int
gcm_run (int seal, const uint8_t key[OTK_CRYPTO_AES_KEY_LEN],
         const uint8_t nonce[OTK_CRYPTO_GCM_NONCE_LEN], const uint8_t *aad, size_t aad_len,
         const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[OTK_CRYPTO_GCM_TAG_LEN])
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0;
  int rc = OTK_CRYPTO_ERR_LIBRARY;

  if (ctx == NULL || len > INT_MAX || aad_len > INT_MAX
      || EVP_CipherInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL, seal) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, OTK_CRYPTO_GCM_NONCE_LEN, NULL) != 1
      || EVP_CipherInit_ex (ctx, NULL, NULL, key, nonce, seal) != 1)
    goto out;
  if (aad_len > 0 && EVP_CipherUpdate (ctx, NULL, &n, aad, (int)aad_len) != 1)
    goto out;
  if (len > 0 && EVP_CipherUpdate (ctx, out, &n, in, (int)len) != 1)
    goto out;
  if (!seal && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, OTK_CRYPTO_GCM_TAG_LEN, tag) != 1)
    goto out;
  if (EVP_CipherFinal_ex (ctx, len > 0 ? out + len : out, &n) != 1)
    {
      if (!seal)
        rc = OTK_CRYPTO_ERR_VERIFY;
      goto out;
    }
  if (seal && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, OTK_CRYPTO_GCM_TAG_LEN, tag) != 1)
    goto out;
  rc = OTK_CRYPTO_OK;
out:
  EVP_CIPHER_CTX_free (ctx);
  if (rc != OTK_CRYPTO_OK)
    {
      ERR_clear_error ();
      secure_clear (out, len);
    }
  return rc;
}

int
otk_crypto_gcm_seal (const uint8_t key[OTK_CRYPTO_AES_KEY_LEN],
                     const uint8_t nonce[OTK_CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                     uint8_t tag[OTK_CRYPTO_GCM_TAG_LEN])
{
  return gcm_run (1, key, nonce, aad, aad_len, in, len, out, tag);
}

int
otk_crypto_gcm_open (const uint8_t key[OTK_CRYPTO_AES_KEY_LEN],
                     const uint8_t nonce[OTK_CRYPTO_GCM_NONCE_LEN], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len,
                     const uint8_t tag[OTK_CRYPTO_GCM_TAG_LEN], uint8_t *out)
{
  uint8_t expected[OTK_CRYPTO_GCM_TAG_LEN];

  /* OpenSSL takes the tag as a non-const buffer */
  memcpy (expected, tag, sizeof expected);
  return gcm_run (0, key, nonce, aad, aad_len, in, len, out, expected);
}

static int
cert_digest (const uint8_t cert[OTK_CRYPTO_CERT_LEN], uint8_t digest[OTK_CRYPTO_SHA512_LEN])
{
  otk_crypto_chunk c = { cert, OTK_CRYPTO_CERT_SIG_OFF };

  return otk_crypto_sha512 (&c, 1, digest);
}

int
otk_crypto_cert_sign (uint8_t type, const uint8_t subject[OTK_CRYPTO_ID_LEN],
                      const uint8_t point[OTK_CRYPTO_POINT_LEN], EVP_PKEY *issuer,
                      const uint8_t issuer_point[OTK_CRYPTO_POINT_LEN],
                      uint8_t cert[OTK_CRYPTO_CERT_LEN])
{
  uint8_t digest[OTK_CRYPTO_SHA512_LEN];
  int rc;

  cert[0] = 1;
  cert[OTK_CRYPTO_CERT_TYPE_OFF] = type;
  memcpy (cert + OTK_CRYPTO_CERT_SUBJECT_OFF, subject, OTK_CRYPTO_ID_LEN);
  memcpy (cert + OTK_CRYPTO_CERT_POINT_OFF, point, OTK_CRYPTO_POINT_LEN);
  if ((rc = otk_crypto_ski (issuer_point, cert + OTK_CRYPTO_CERT_ISSUER_OFF)) != OTK_CRYPTO_OK
      || (rc = cert_digest (cert, digest)) != OTK_CRYPTO_OK)
    return rc;
  return otk_crypto_ecdsa_sign (issuer, digest, cert + OTK_CRYPTO_CERT_SIG_OFF);
}

int
otk_crypto_cert_verify (const uint8_t cert[OTK_CRYPTO_CERT_LEN],
                        const uint8_t issuer_point[OTK_CRYPTO_POINT_LEN])
{
  uint8_t ski[OTK_CRYPTO_ID_LEN];
  uint8_t digest[OTK_CRYPTO_SHA512_LEN];
  EVP_PKEY *issuer = NULL;
  int rc;

  if ((rc = otk_crypto_ski (issuer_point, ski)) != OTK_CRYPTO_OK
      || (rc = cert_digest (cert, digest)) != OTK_CRYPTO_OK)
    goto out;
  rc = OTK_CRYPTO_ERR_VERIFY;
  if (cert[0] != 1 || memcmp (cert + OTK_CRYPTO_CERT_ISSUER_OFF, ski, sizeof ski) != 0
      || (issuer = otk_crypto_p521_from_point (issuer_point)) == NULL)
    goto out;
  rc = otk_crypto_ecdsa_verify (issuer, digest, cert + OTK_CRYPTO_CERT_SIG_OFF);
out:
  EVP_PKEY_free (issuer);
  return rc;
}

/* The valid self-signed crypto-unit root among @roots that @cert names as its
 * issuer, or NULL.  Sets *any_valid when at least one root is valid. */
static const uint8_t *
find_root (const uint8_t *cert, const uint8_t *roots, size_t roots_len, int *any_valid)
{
  const uint8_t *found = NULL;
  uint8_t ski[OTK_CRYPTO_ID_LEN];

  for (size_t off = 0; off + OTK_CRYPTO_CERT_LEN <= roots_len; off += OTK_CRYPTO_CERT_LEN)
    {
      const uint8_t *root = roots + off;
      const uint8_t *point = root + OTK_CRYPTO_CERT_POINT_OFF;

      if (root[OTK_CRYPTO_CERT_TYPE_OFF] != OTK_CRYPTO_CERT_CU_ROOT
          || otk_crypto_cert_verify (root, point) != OTK_CRYPTO_OK)
        continue;
      *any_valid = 1;
      if (found == NULL && otk_crypto_ski (point, ski) == OTK_CRYPTO_OK
          && memcmp (ski, cert + OTK_CRYPTO_CERT_ISSUER_OFF, sizeof ski) == 0)
        found = root;
    }
  return found;
}

int
otk_crypto_chain_verify (const uint8_t *chain, size_t chain_len, const uint8_t *roots,
                         size_t roots_len)
{
  size_t n = chain_len / OTK_CRYPTO_CERT_LEN;
  const uint8_t *issuer;
  int any_valid = 0;

  if (chain_len == 0 || chain_len % OTK_CRYPTO_CERT_LEN != 0 || n > 2)
    {
      /* still report a bad root first, as the unit always did */
      find_root (chain, roots, roots_len, &any_valid);
      return any_valid ? OTK_CRYPTO_ERR_CHAIN_FORM : OTK_CRYPTO_ERR_BAD_ROOT;
    }
  issuer = find_root (chain + (n - 1) * OTK_CRYPTO_CERT_LEN, roots, roots_len, &any_valid);
  if (!any_valid)
    return OTK_CRYPTO_ERR_BAD_ROOT;
  if (issuer == NULL)
    return OTK_CRYPTO_ERR_VERIFY;
  /* From the certificate the root signed down to the leaf; each one is one type
   * below its issuer: root (1) -> device (2) -> importer (3). */
  for (size_t i = n; i-- > 0;)
    {
      const uint8_t *cert = chain + i * OTK_CRYPTO_CERT_LEN;
      int rc;

      if (cert[OTK_CRYPTO_CERT_TYPE_OFF] != issuer[OTK_CRYPTO_CERT_TYPE_OFF] + 1)
        return OTK_CRYPTO_ERR_CHAIN_TYPE;
      rc = otk_crypto_cert_verify (cert, issuer + OTK_CRYPTO_CERT_POINT_OFF);
      if (rc != OTK_CRYPTO_OK)
        return rc;
      issuer = cert;
    }
  return OTK_CRYPTO_OK;
}

/* K = HKDF-SHA-512(salt = recipient SKI, IKM = Z, info = label || subject). */
static int
seal_key (const char *label, const uint8_t z[OTK_CRYPTO_ECDH_LEN],
          const uint8_t ski[OTK_CRYPTO_ID_LEN], const uint8_t subject[OTK_CRYPTO_ID_LEN],
          uint8_t key[OTK_CRYPTO_AES_KEY_LEN])
{
  otk_crypto_chunk info[2]
      = { { (const uint8_t *)label, strlen (label) }, { subject, OTK_CRYPTO_ID_LEN } };

  return otk_crypto_hkdf_sha512 (ski, OTK_CRYPTO_ID_LEN, z, OTK_CRYPTO_ECDH_LEN, info, 2, key,
                                 OTK_CRYPTO_AES_KEY_LEN);
}

int
otk_crypto_seal (const char *label, const uint8_t recipient_point[OTK_CRYPTO_POINT_LEN],
                 const uint8_t subject[OTK_CRYPTO_ID_LEN], const uint8_t *plain, size_t len,
                 uint8_t *out)
{
  EVP_PKEY *recipient = otk_crypto_p521_from_point (recipient_point);
  EVP_PKEY *eph = NULL;
  uint8_t z[OTK_CRYPTO_ECDH_LEN];
  uint8_t key[OTK_CRYPTO_AES_KEY_LEN];
  uint8_t *header = out;
  uint8_t *ski = out + OTK_CRYPTO_SEAL_SKI_OFF;
  uint8_t *nonce = out + OTK_CRYPTO_SEAL_HEADER_LEN;
  uint8_t *ct = nonce + OTK_CRYPTO_GCM_NONCE_LEN;
  int rc = OTK_CRYPTO_ERR_INVALID;

  if (recipient == NULL)
    goto out;
  rc = OTK_CRYPTO_ERR_LIBRARY;
  if ((eph = otk_crypto_p521_generate ()) == NULL)
    goto out;
  header[0] = 0x01;
  if ((rc = otk_crypto_p521_point (eph, header + 1)) != OTK_CRYPTO_OK
      || (rc = otk_crypto_ski (recipient_point, ski)) != OTK_CRYPTO_OK
      || (rc = otk_crypto_ecdh (eph, recipient, z)) != OTK_CRYPTO_OK
      || (rc = seal_key (label, z, ski, subject, key)) != OTK_CRYPTO_OK
      || (rc = otk_crypto_random (nonce, OTK_CRYPTO_GCM_NONCE_LEN)) != OTK_CRYPTO_OK)
    goto out;
  rc = otk_crypto_gcm_seal (key, nonce, header, OTK_CRYPTO_SEAL_HEADER_LEN, plain, len, ct,
                            ct + len);
out:
  secure_clear (z, sizeof z);
  secure_clear (key, sizeof key);
  EVP_PKEY_free (eph); /* OpenSSL clears private keys when freeing them */
  EVP_PKEY_free (recipient);
  return rc;
}

int
otk_crypto_unseal (const char *label, EVP_PKEY *recipient,
                   const uint8_t recipient_point[OTK_CRYPTO_POINT_LEN],
                   const uint8_t subject[OTK_CRYPTO_ID_LEN], const uint8_t *in, size_t in_len,
                   uint8_t *plain)
{
  EVP_PKEY *eph = NULL;
  uint8_t ski[OTK_CRYPTO_ID_LEN];
  uint8_t z[OTK_CRYPTO_ECDH_LEN];
  uint8_t key[OTK_CRYPTO_AES_KEY_LEN];
  const uint8_t *nonce, *ct;
  size_t len;
  int rc = OTK_CRYPTO_ERR_INVALID;

  if (in_len < OTK_CRYPTO_SEAL_OVERHEAD || in[0] != 0x01)
    goto out;
  nonce = in + OTK_CRYPTO_SEAL_HEADER_LEN;
  ct = nonce + OTK_CRYPTO_GCM_NONCE_LEN;
  len = in_len - OTK_CRYPTO_SEAL_OVERHEAD;
  if ((rc = otk_crypto_ski (recipient_point, ski)) != OTK_CRYPTO_OK)
    goto out;
  rc = OTK_CRYPTO_ERR_WRONG_KEY;
  if (memcmp (in + OTK_CRYPTO_SEAL_SKI_OFF, ski, sizeof ski) != 0)
    goto out;
  rc = OTK_CRYPTO_ERR_INVALID;
  if ((eph = otk_crypto_p521_from_point (in + 1)) == NULL)
    goto out;
  if ((rc = otk_crypto_ecdh (recipient, eph, z)) != OTK_CRYPTO_OK
      || (rc = seal_key (label, z, ski, subject, key)) != OTK_CRYPTO_OK)
    goto out;
  rc = otk_crypto_gcm_open (key, nonce, in, OTK_CRYPTO_SEAL_HEADER_LEN, ct, len, ct + len, plain);
out:
  secure_clear (z, sizeof z);
  secure_clear (key, sizeof key);
  EVP_PKEY_free (eph);
  return rc;
}

int
otk_crypto_key_part_seal (const uint8_t part[OTK_CRYPTO_PART_LEN], const uint8_t *chain,
                          size_t chain_len, const uint8_t *roots, size_t roots_len,
                          uint8_t blob[OTK_CRYPTO_KEY_PART_BLOB_LEN])
{
  int rc = otk_crypto_chain_verify (chain, chain_len, roots, roots_len);

  if (rc == OTK_CRYPTO_OK && chain[OTK_CRYPTO_CERT_TYPE_OFF] != OTK_CRYPTO_CERT_CU_IMPORTER)
    rc = OTK_CRYPTO_ERR_CHAIN_TYPE;
  if (rc == OTK_CRYPTO_OK)
    rc = otk_crypto_seal (OTK_CRYPTO_LABEL_KEY_PART, chain + OTK_CRYPTO_CERT_POINT_OFF,
                          chain + OTK_CRYPTO_CERT_SUBJECT_OFF, part, OTK_CRYPTO_PART_LEN, blob);
  if (rc != OTK_CRYPTO_OK)
    secure_clear (blob, OTK_CRYPTO_KEY_PART_BLOB_LEN);
  return rc;
}
