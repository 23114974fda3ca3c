/* card-crypto.c: the little cryptography the host does for the cards
 * (docs/card-protocol.md §6.3, docs/interfaces.md): SKIs, checking a card
 * certificate before trusting its key, and sealing a key file's secret to a
 * card's device key.  OpenSSL 3; every secret buffer is wiped. */
#include "card-private.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <string.h>

enum
{
  COORD = 66,
  NONCE = 12,
  TAG = 16,
  HEADER = 1 + CARD_POINT_SIZE + CARD_ID_SIZE,
  KEY = 32,
  SIGNED_PART = CARD_CERT_SIG_OFF,
};

void
card_crypto_ski (const guint8 *point, guint8 *ski)
{
  unsigned int len = CARD_ID_SIZE;

  EVP_Digest (point, CARD_POINT_SIZE, ski, &len, EVP_sha256 (), NULL);
}

static gboolean
crypto_error (GError **error, const char *what)
{
  g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL, "%s", what);
  return FALSE;
}

/* A P-521 public key from its 133-byte point; NULL when not on the curve. */
static EVP_PKEY *
public_key_from_point (const guint8 *point)
{
  EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-521", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *)point, CARD_POINT_SIZE),
    OSSL_PARAM_construct_end (),
  };

  if (pctx == NULL || point[0] != 0x04 || EVP_PKEY_fromdata_init (pctx) <= 0
      || EVP_PKEY_fromdata (pctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    key = NULL;
  EVP_PKEY_CTX_free (pctx);
  return key;
}

/* ECDSA P-521 / SHA-512 over @data with signature r || s (132 bytes). */
static gboolean
signature_verifies (EVP_PKEY *key, const guint8 *data, gsize len, const guint8 *sig)
{
  ECDSA_SIG *ecdsa = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (sig, COORD, NULL);
  BIGNUM *s = BN_bin2bn (sig + COORD, COORD, NULL);
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  unsigned char *der = NULL;
  int der_len;
  gboolean ok = FALSE;

  if (ecdsa == NULL || r == NULL || s == NULL || md == NULL || !ECDSA_SIG_set0 (ecdsa, r, s))
    {
      BN_free (r);
      BN_free (s);
      goto out;
    }
  der_len = i2d_ECDSA_SIG (ecdsa, &der);
  ok = der_len > 0 && EVP_DigestVerifyInit (md, NULL, EVP_sha512 (), NULL, key) == 1
       && EVP_DigestVerify (md, der, (size_t)der_len, data, len) == 1;

out:
  OPENSSL_free (der);
  EVP_MD_CTX_free (md);
  ECDSA_SIG_free (ecdsa);
  return ok;
}

gboolean
card_crypto_cert_verify (const guint8 *cert, const guint8 *issuer_point, GError **error)
{
  guint8 ski[CARD_ID_SIZE];
  EVP_PKEY *key = NULL;
  gboolean ok = FALSE;

  card_crypto_ski (issuer_point, ski);
  if (cert[0] != 1 || memcmp (cert + CARD_CERT_ISSUER_OFF, ski, CARD_ID_SIZE) != 0)
    goto out;
  key = public_key_from_point (issuer_point);
  ok = key != NULL && signature_verifies (key, cert, SIGNED_PART, cert + CARD_CERT_SIG_OFF);

out:
  EVP_PKEY_free (key);
  if (!ok)
    g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_ZONE,
                 "The card's certificate is not signed by its zone; the card cannot be trusted");
  return ok;
}

/* K = HKDF-SHA-512(salt = SKI, IKM = Z, info = label || subject ID). */
static gboolean
derive_key (const guint8 *z, gsize z_len, const guint8 *ski, const char *label,
            const guint8 *subject_id, guint8 *key)
{
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new (kdf) : NULL;
  gsize label_len = strlen (label);
  guint8 info[64];
  OSSL_PARAM params[5];
  gboolean ok = FALSE;

  if (kctx == NULL || label_len + CARD_ID_SIZE > sizeof info)
    goto out;
  memcpy (info, label, label_len);
  memcpy (info + label_len, subject_id, CARD_ID_SIZE);
  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *)ski, CARD_ID_SIZE);
  params[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, (void *)z, z_len);
  params[3]
      = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, info, label_len + CARD_ID_SIZE);
  params[4] = OSSL_PARAM_construct_end ();
  ok = EVP_KDF_derive (kctx, key, KEY, params) == 1;

out:
  EVP_KDF_CTX_free (kctx);
  EVP_KDF_free (kdf);
  return ok;
}

gboolean
card_crypto_seal (const char *label, const guint8 *recipient_point, const guint8 *subject_id,
                  const guint8 *plain, gsize plain_len, guint8 *out, GError **error)
{
  EVP_PKEY *recipient = public_key_from_point (recipient_point);
  EVP_PKEY *eph = NULL;
  EVP_PKEY_CTX *dctx = NULL;
  EVP_CIPHER_CTX *cctx = NULL;
  guint8 z[COORD];
  size_t z_len = sizeof z;
  guint8 key[KEY];
  size_t point_len = 0;
  int n = 0, final_len = 0;
  guint8 *header = out, *nonce = out + HEADER, *ct = out + HEADER + NONCE;
  gboolean ok = FALSE;

  if (recipient == NULL)
    {
      crypto_error (error, "The card's device key is not a valid P-521 key");
      goto out;
    }
  eph = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-521");
  dctx = eph != NULL ? EVP_PKEY_CTX_new_from_pkey (NULL, eph, NULL) : NULL;
  if (dctx == NULL || EVP_PKEY_derive_init (dctx) <= 0
      || EVP_PKEY_derive_set_peer (dctx, recipient) <= 0 || EVP_PKEY_derive (dctx, z, &z_len) <= 0
      || z_len != COORD)
    {
      crypto_error (error, "Key agreement with the card's device key failed");
      goto out;
    }
  header[0] = 0x01;
  if (EVP_PKEY_get_octet_string_param (eph, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, header + 1,
                                       CARD_POINT_SIZE, &point_len)
          != 1
      || point_len != CARD_POINT_SIZE)
    {
      crypto_error (error, "Could not encode the ephemeral key");
      goto out;
    }
  card_crypto_ski (recipient_point, header + 1 + CARD_POINT_SIZE);
  if (!derive_key (z, z_len, header + 1 + CARD_POINT_SIZE, label, subject_id, key)
      || RAND_bytes (nonce, NONCE) != 1)
    {
      crypto_error (error, "Could not derive the transport key");
      goto out;
    }
  cctx = EVP_CIPHER_CTX_new ();
  if (cctx == NULL || EVP_EncryptInit_ex (cctx, EVP_aes_256_gcm (), NULL, NULL, NULL) != 1
      || EVP_CIPHER_CTX_ctrl (cctx, EVP_CTRL_GCM_SET_IVLEN, NONCE, NULL) != 1
      || EVP_EncryptInit_ex (cctx, NULL, NULL, key, nonce) != 1
      || EVP_EncryptUpdate (cctx, NULL, &n, header, HEADER) != 1
      || EVP_EncryptUpdate (cctx, ct, &n, plain, (int)plain_len) != 1
      || EVP_EncryptFinal_ex (cctx, ct + n, &final_len) != 1
      || EVP_CIPHER_CTX_ctrl (cctx, EVP_CTRL_GCM_GET_TAG, TAG, ct + plain_len) != 1)
    {
      crypto_error (error, "Encryption for the card failed");
      goto out;
    }
  ok = TRUE;

out:
  secure_clear (z, sizeof z);
  secure_clear (key, sizeof key);
  EVP_CIPHER_CTX_free (cctx);
  EVP_PKEY_CTX_free (dctx);
  EVP_PKEY_free (eph); /* OpenSSL clears private keys when freeing them */
  EVP_PKEY_free (recipient);
  return ok;
}
