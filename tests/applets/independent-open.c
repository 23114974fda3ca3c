/* independent-open.c: opens a key part blob the way docs/interfaces.md describes it, with
 * OpenSSL's EVP API directly (not the card HAL), so the card's bytes are checked against
 * the contract rather than against the card's own code. */
#include "independent-open.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <string.h>

static EVP_PKEY *
make_key (const guint8 *priv, const guint8 *pub)
{
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new ();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  BIGNUM *d = priv != NULL ? BN_bin2bn (priv, 66, NULL) : NULL;

  OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp521r1", 0);
  OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 133);
  if (d != NULL)
    OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_PRIV_KEY, d);
  params = OSSL_PARAM_BLD_to_param (bld);
  if (EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, d != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params)
             <= 0)
    key = NULL;
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  EVP_PKEY_CTX_free (ctx);
  BN_clear_free (d);
  return key;
}

gboolean
independent_open_key_part (const guint8 imp_priv[66], const guint8 imp_pub[133],
                           const guint8 subject[32], const guint8 *blob, gsize len, guint8 part[32])
{
  static const char label[] = "OpenTKE key part v1";
  EVP_PKEY *own = make_key (imp_priv, imp_pub), *peer = NULL;
  EVP_PKEY_CTX *dctx = NULL;
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new (kdf) : NULL;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new ();
  guint8 z[66], key[32], ski[32], info[sizeof label - 1 + 32], tag[16];
  size_t zlen = sizeof z;
  int n;
  gboolean ok = FALSE;

  /* header = 01 || ephemeral point || importer SKI; nonce; 32-byte ciphertext; tag */
  if (len != 226 || blob[0] != 0x01 || own == NULL)
    goto out;
  EVP_Digest (imp_pub, 133, ski, NULL, EVP_sha256 (), NULL);
  if (memcmp (ski, blob + 134, 32) != 0)
    goto out;
  peer = make_key (NULL, blob + 1);
  dctx = EVP_PKEY_CTX_new (own, NULL);
  if (peer == NULL || EVP_PKEY_derive_init (dctx) <= 0 || EVP_PKEY_derive_set_peer (dctx, peer) <= 0
      || EVP_PKEY_derive (dctx, z, &zlen) <= 0 || zlen != 66)
    goto out;
  memcpy (info, label, sizeof label - 1);
  memcpy (info + sizeof label - 1, subject, 32);
  OSSL_PARAM p[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, ski, 32),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, z, 66),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, info, sizeof info),
    OSSL_PARAM_construct_end (),
  };
  if (kctx == NULL || EVP_KDF_derive (kctx, key, sizeof key, p) <= 0)
    goto out;
  memcpy (tag, blob + 166 + 12 + 32, 16);
  if (EVP_DecryptInit_ex (c, EVP_aes_256_gcm (), NULL, NULL, NULL) != 1
      || EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1
      || EVP_DecryptInit_ex (c, NULL, NULL, key, blob + 166) != 1
      || EVP_DecryptUpdate (c, NULL, &n, blob, 166) != 1
      || EVP_DecryptUpdate (c, part, &n, blob + 178, 32) != 1
      || EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1
      || EVP_DecryptFinal_ex (c, part + n, &n) != 1)
    goto out;
  ok = TRUE;
out:
  OPENSSL_cleanse (z, sizeof z);
  OPENSSL_cleanse (key, sizeof key);
  EVP_CIPHER_CTX_free (c);
  EVP_KDF_CTX_free (kctx);
  EVP_KDF_free (kdf);
  EVP_PKEY_CTX_free (dctx);
  EVP_PKEY_free (peer);
  EVP_PKEY_free (own);
  return ok;
}
