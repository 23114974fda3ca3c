/* Tests of common/otk-crypto: the bytes of docs/interfaces.md, checked against
 * OpenSSL's own high-level APIs used as independent oracles (EVP_KDF for HKDF,
 * EVP_Digest, the GCM specification's test cases) and the refusals callers rely on. */
#include "otk-crypto.h"

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)

/* HKDF-SHA-512 by EVP_KDF, the oracle. */
static void
oracle_hkdf (const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
             const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *ctx = EVP_KDF_CTX_new (kdf);
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA512", 0),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *)salt, salt_len),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, (void *)info, info_len),
    OSSL_PARAM_construct_end (),
  };

  g_assert_cmpint (EVP_KDF_derive (ctx, out, out_len, params), ==, 1);
  EVP_KDF_CTX_free (ctx);
  EVP_KDF_free (kdf);
}

static void
oracle_sha256 (const uint8_t *data, size_t len, uint8_t out[32])
{
  g_assert_cmpint (EVP_Digest (data, len, out, NULL, EVP_sha256 (), NULL), ==, 1);
}

static void
fill (uint8_t *buf, size_t len, uint8_t seed)
{
  for (size_t i = 0; i < len; i++)
    buf[i] = (uint8_t)(seed + 7 * i);
}

static void
test_hkdf_matches_evp_kdf (void)
{
  /* RFC 5869 test case shapes (lengths of salt, IKM, info and output), on SHA-512 */
  static const struct
  {
    size_t salt, ikm, info, out;
  } cases[] = { { 13, 22, 10, 42 }, { 80, 80, 80, 82 }, { 0, 22, 0, 42 }, { 32, 66, 51, 32 } };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      uint8_t salt[80], ikm[80], info[80], got[82], want[82];
      /* the info given as two pieces must equal the concatenation */
      size_t half = cases[c].info / 2;
      otk_crypto_chunk pieces[2] = { { info, half }, { info + half, cases[c].info - half } };

      fill (salt, sizeof salt, 1);
      fill (ikm, sizeof ikm, 2);
      fill (info, sizeof info, 3);
      oracle_hkdf (salt, cases[c].salt, ikm, cases[c].ikm, info, cases[c].info, want, cases[c].out);
      g_assert_cmpint (otk_crypto_hkdf_sha512 (salt, cases[c].salt, ikm, cases[c].ikm, pieces, 2,
                                               got, cases[c].out),
                       ==, OTK_CRYPTO_OK);
      g_assert_cmpmem (got, cases[c].out, want, cases[c].out);
    }
}

static void
test_ski_and_vp (void)
{
  g_autoptr (EVP_PKEY) key = otk_crypto_p521_generate ();
  uint8_t point[OTK_CRYPTO_POINT_LEN], ski[32], want[32], part[32], vp[32];
  uint8_t labelled[13 + 32];

  g_assert_nonnull (key);
  g_assert_cmpint (otk_crypto_p521_point (key, point), ==, OTK_CRYPTO_OK);
  g_assert_cmpint (otk_crypto_ski (point, ski), ==, OTK_CRYPTO_OK);
  oracle_sha256 (point, sizeof point, want);
  g_assert_cmpmem (ski, 32, want, 32);

  fill (part, sizeof part, 9);
  memcpy (labelled, "OpenTKE-VP-v1", 13);
  memcpy (labelled + 13, part, 32);
  g_assert_cmpint (otk_crypto_vp (part, vp), ==, OTK_CRYPTO_OK);
  oracle_sha256 (labelled, sizeof labelled, want);
  g_assert_cmpmem (vp, 32, want, 32);
}

static void
test_key_round_trip (void)
{
  g_autoptr (EVP_PKEY) key = otk_crypto_p521_generate ();
  g_autoptr (EVP_PKEY) again = NULL;
  g_autoptr (EVP_PKEY) pub = NULL;
  uint8_t point[OTK_CRYPTO_POINT_LEN], point2[OTK_CRYPTO_POINT_LEN];
  uint8_t scalar[OTK_CRYPTO_SCALAR_LEN];

  g_assert_cmpint (otk_crypto_p521_point (key, point), ==, OTK_CRYPTO_OK);
  g_assert_cmpuint (point[0], ==, 0x04);
  g_assert_cmpint (otk_crypto_p521_scalar (key, scalar), ==, OTK_CRYPTO_OK);
  again = otk_crypto_p521_from_scalar (scalar, point2);
  g_assert_nonnull (again);
  g_assert_cmpmem (point, sizeof point, point2, sizeof point2);
  pub = otk_crypto_p521_from_point (point);
  g_assert_nonnull (pub);
  /* a key that OpenSSL would encode compressed still gives the uncompressed point */
  g_assert_cmpint (EVP_PKEY_set_utf8_string_param (
                       again, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"),
                   ==, 1);
  memset (point2, 0, sizeof point2);
  g_assert_cmpint (otk_crypto_p521_point (again, point2), ==, OTK_CRYPTO_OK);
  g_assert_cmpmem (point, sizeof point, point2, sizeof point2);
  /* a public key has no scalar to give */
  g_assert_cmpint (otk_crypto_p521_scalar (pub, scalar), ==, OTK_CRYPTO_ERR_INVALID);
}

static void
test_key_refusals (void)
{
  g_autoptr (EVP_PKEY) key = otk_crypto_p521_generate ();
  g_autoptr (EVP_PKEY) p256 = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  uint8_t point[OTK_CRYPTO_POINT_LEN], scalar[OTK_CRYPTO_SCALAR_LEN];

  /* scalar 0 and scalars >= n are not keys (n < 2^521, so all ones is too big) */
  memset (scalar, 0, sizeof scalar);
  g_assert_null (otk_crypto_p521_from_scalar (scalar, NULL));
  memset (scalar, 0xff, sizeof scalar);
  scalar[0] = 0x01;
  g_assert_null (otk_crypto_p521_from_scalar (scalar, NULL));

  g_assert_cmpint (otk_crypto_p521_point (key, point), ==, OTK_CRYPTO_OK);
  point[0] = 0x02; /* not uncompressed */
  g_assert_null (otk_crypto_p521_from_point (point));
  point[0] = 0x04;
  point[100] ^= 0x01; /* off the curve */
  g_assert_null (otk_crypto_p521_from_point (point));

  g_assert_nonnull (p256);
  g_assert_cmpint (otk_crypto_p521_point (p256, point), ==, OTK_CRYPTO_ERR_INVALID);
}

static void
test_ecdsa (void)
{
  g_autoptr (EVP_PKEY) key = otk_crypto_p521_generate ();
  g_autoptr (EVP_PKEY) other = otk_crypto_p521_generate ();
  g_autoptr (EVP_PKEY) pub = NULL;
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  uint8_t point[OTK_CRYPTO_POINT_LEN], digest[64], sig[OTK_CRYPTO_SIG_LEN];
  uint8_t msg[100];
  ECDSA_SIG *s = ECDSA_SIG_new ();
  uint8_t *der = NULL;
  int der_len;

  fill (msg, sizeof msg, 5);
  g_assert_cmpint (EVP_Digest (msg, sizeof msg, digest, NULL, EVP_sha512 (), NULL), ==, 1);
  g_assert_cmpint (otk_crypto_ecdsa_sign (key, digest, sig), ==, OTK_CRYPTO_OK);
  g_assert_cmpint (otk_crypto_p521_point (key, point), ==, OTK_CRYPTO_OK);
  pub = otk_crypto_p521_from_point (point);
  g_assert_cmpint (otk_crypto_ecdsa_verify (pub, digest, sig), ==, OTK_CRYPTO_OK);

  /* r || s is what OpenSSL's message-level verify accepts as (r, s) */
  ECDSA_SIG_set0 (s, BN_bin2bn (sig, 66, NULL), BN_bin2bn (sig + 66, 66, NULL));
  der_len = i2d_ECDSA_SIG (s, &der);
  g_assert_cmpint (EVP_DigestVerifyInit (md, NULL, EVP_sha512 (), NULL, pub), ==, 1);
  g_assert_cmpint (EVP_DigestVerify (md, der, (size_t)der_len, msg, sizeof msg), ==, 1);

  g_assert_cmpint (otk_crypto_ecdsa_verify (other, digest, sig), ==, OTK_CRYPTO_ERR_VERIFY);
  sig[131] ^= 1;
  g_assert_cmpint (otk_crypto_ecdsa_verify (pub, digest, sig), ==, OTK_CRYPTO_ERR_VERIFY);
  sig[131] ^= 1;
  digest[0] ^= 1;
  g_assert_cmpint (otk_crypto_ecdsa_verify (pub, digest, sig), ==, OTK_CRYPTO_ERR_VERIFY);
  OPENSSL_free (der);
  ECDSA_SIG_free (s);
  EVP_MD_CTX_free (md);
}

static void
test_ecdh_agrees (void)
{
  g_autoptr (EVP_PKEY) a = otk_crypto_p521_generate ();
  g_autoptr (EVP_PKEY) b = otk_crypto_p521_generate ();
  uint8_t za[66], zb[66];

  g_assert_cmpint (otk_crypto_ecdh (a, b, za), ==, OTK_CRYPTO_OK);
  g_assert_cmpint (otk_crypto_ecdh (b, a, zb), ==, OTK_CRYPTO_OK);
  g_assert_cmpmem (za, sizeof za, zb, sizeof zb);
}

static void
hex (const char *text, uint8_t *out, size_t len)
{
  g_assert_cmpuint (strlen (text), ==, 2 * len);
  for (size_t i = 0; i < len; i++)
    {
      int hi = g_ascii_xdigit_value (text[2 * i]), lo = g_ascii_xdigit_value (text[2 * i + 1]);
      out[i] = (uint8_t)(hi << 4 | lo);
    }
}

static void
test_gcm_known_answers (void)
{
  /* "The Galois/Counter Mode of Operation", test cases 13 and 14: K = 0^256, IV = 0^96 */
  uint8_t key[32] = { 0 }, nonce[12] = { 0 }, pt[16] = { 0 }, ct[16], tag[16], want[16];

  g_assert_cmpint (otk_crypto_gcm_seal (key, nonce, NULL, 0, NULL, 0, NULL, tag), ==,
                   OTK_CRYPTO_OK);
  hex ("530f8afbc74536b9a963b4f1c4cb738b", want, 16);
  g_assert_cmpmem (tag, 16, want, 16);

  g_assert_cmpint (otk_crypto_gcm_seal (key, nonce, NULL, 0, pt, 16, ct, tag), ==, OTK_CRYPTO_OK);
  hex ("cea7403d4d606b6e074ec5d3baf39d18", want, 16);
  g_assert_cmpmem (ct, 16, want, 16);
  hex ("d0d1c8a799996bf0265b98b5d48ab919", want, 16);
  g_assert_cmpmem (tag, 16, want, 16);
}

static void
test_gcm_refuses_altered (void)
{
  uint8_t key[32], nonce[12], aad[20], pt[40], ct[40], tag[16], out[40];

  fill (key, sizeof key, 1);
  fill (nonce, sizeof nonce, 2);
  fill (aad, sizeof aad, 3);
  fill (pt, sizeof pt, 4);
  g_assert_cmpint (otk_crypto_gcm_seal (key, nonce, aad, sizeof aad, pt, sizeof pt, ct, tag), ==,
                   OTK_CRYPTO_OK);
  g_assert_cmpint (otk_crypto_gcm_open (key, nonce, aad, sizeof aad, ct, sizeof ct, tag, out), ==,
                   OTK_CRYPTO_OK);
  g_assert_cmpmem (out, sizeof out, pt, sizeof pt);

  tag[3] ^= 0x10;
  g_assert_cmpint (otk_crypto_gcm_open (key, nonce, aad, sizeof aad, ct, sizeof ct, tag, out), ==,
                   OTK_CRYPTO_ERR_VERIFY);
  /* nothing of the plaintext is left behind */
  for (size_t i = 0; i < sizeof out; i++)
    g_assert_cmpuint (out[i], ==, 0);
  tag[3] ^= 0x10;
  aad[0] ^= 1;
  g_assert_cmpint (otk_crypto_gcm_open (key, nonce, aad, sizeof aad, ct, sizeof ct, tag, out), ==,
                   OTK_CRYPTO_ERR_VERIFY);
  aad[0] ^= 1;
  ct[39] ^= 1;
  g_assert_cmpint (otk_crypto_gcm_open (key, nonce, aad, sizeof aad, ct, sizeof ct, tag, out), ==,
                   OTK_CRYPTO_ERR_VERIFY);
}

/* A crypto-unit hierarchy: root (1) -> device (2) -> importer (3). */
typedef struct
{
  EVP_PKEY *key[3];
  uint8_t point[3][OTK_CRYPTO_POINT_LEN];
  uint8_t root[OTK_CRYPTO_CERT_LEN];
  uint8_t chain[2 * OTK_CRYPTO_CERT_LEN]; /* importer || device */
} Pki;

static void
pki_init (Pki *pki)
{
  uint8_t subject[32];

  for (int i = 0; i < 3; i++)
    {
      pki->key[i] = otk_crypto_p521_generate ();
      g_assert_cmpint (otk_crypto_p521_point (pki->key[i], pki->point[i]), ==, OTK_CRYPTO_OK);
    }
  fill (subject, sizeof subject, 11);
  g_assert_cmpint (
      otk_crypto_cert_sign (1, subject, pki->point[0], pki->key[0], pki->point[0], pki->root), ==,
      OTK_CRYPTO_OK);
  fill (subject, sizeof subject, 12);
  g_assert_cmpint (otk_crypto_cert_sign (2, subject, pki->point[1], pki->key[0], pki->point[0],
                                         pki->chain + OTK_CRYPTO_CERT_LEN),
                   ==, OTK_CRYPTO_OK);
  fill (subject, sizeof subject, 13);
  g_assert_cmpint (
      otk_crypto_cert_sign (3, subject, pki->point[2], pki->key[1], pki->point[1], pki->chain), ==,
      OTK_CRYPTO_OK);
}

static void
pki_clear (Pki *pki)
{
  for (int i = 0; i < 3; i++)
    EVP_PKEY_free (pki->key[i]);
}

static void
test_cert_layout (void)
{
  Pki pki;
  uint8_t ski[32], digest[64];
  g_autoptr (EVP_PKEY) issuer = NULL;

  pki_init (&pki);
  /* docs/interfaces.md: version, type, subject, point, issuer SKI, signature of 0..198 */
  g_assert_cmpuint (pki.chain[0], ==, 1);
  g_assert_cmpuint (pki.chain[1], ==, 3);
  g_assert_cmpmem (pki.chain + 34, OTK_CRYPTO_POINT_LEN, pki.point[2], OTK_CRYPTO_POINT_LEN);
  oracle_sha256 (pki.point[1], OTK_CRYPTO_POINT_LEN, ski);
  g_assert_cmpmem (pki.chain + 167, 32, ski, 32);
  g_assert_cmpint (EVP_Digest (pki.chain, 199, digest, NULL, EVP_sha512 (), NULL), ==, 1);
  issuer = otk_crypto_p521_from_point (pki.point[1]);
  g_assert_cmpint (otk_crypto_ecdsa_verify (issuer, digest, pki.chain + 199), ==, OTK_CRYPTO_OK);

  g_assert_cmpint (otk_crypto_cert_verify (pki.chain, pki.point[1]), ==, OTK_CRYPTO_OK);
  /* not by another key, not when a byte changed, not another version */
  g_assert_cmpint (otk_crypto_cert_verify (pki.chain, pki.point[0]), ==, OTK_CRYPTO_ERR_VERIFY);
  pki.chain[5] ^= 1;
  g_assert_cmpint (otk_crypto_cert_verify (pki.chain, pki.point[1]), ==, OTK_CRYPTO_ERR_VERIFY);
  pki.chain[5] ^= 1;
  pki.chain[0] = 2;
  g_assert_cmpint (otk_crypto_cert_verify (pki.chain, pki.point[1]), ==, OTK_CRYPTO_ERR_VERIFY);
  pki_clear (&pki);
}

static void
test_chain (void)
{
  Pki pki, stranger;
  uint8_t roots[2 * OTK_CRYPTO_CERT_LEN];
  uint8_t three[3 * OTK_CRYPTO_CERT_LEN];

  pki_init (&pki);
  pki_init (&stranger);
  g_assert_cmpint (otk_crypto_chain_verify (pki.chain, sizeof pki.chain, pki.root, sizeof pki.root),
                   ==, OTK_CRYPTO_OK);
  /* the device certificate alone is a chain too */
  g_assert_cmpint (otk_crypto_chain_verify (pki.chain + OTK_CRYPTO_CERT_LEN, OTK_CRYPTO_CERT_LEN,
                                            pki.root, sizeof pki.root),
                   ==, OTK_CRYPTO_OK);
  /* the right root found among several */
  memcpy (roots, stranger.root, OTK_CRYPTO_CERT_LEN);
  memcpy (roots + OTK_CRYPTO_CERT_LEN, pki.root, OTK_CRYPTO_CERT_LEN);
  g_assert_cmpint (otk_crypto_chain_verify (pki.chain, sizeof pki.chain, roots, sizeof roots), ==,
                   OTK_CRYPTO_OK);

  /* a chain that does not end at the trusted root */
  g_assert_cmpint (
      otk_crypto_chain_verify (pki.chain, sizeof pki.chain, stranger.root, sizeof stranger.root),
      ==, OTK_CRYPTO_ERR_VERIFY);
  /* a root that is not a valid self-signed root */
  g_assert_cmpint (otk_crypto_chain_verify (pki.chain, sizeof pki.chain, pki.chain + 331, 331), ==,
                   OTK_CRYPTO_ERR_BAD_ROOT);
  /* the importer alone skips a level */
  g_assert_cmpint (otk_crypto_chain_verify (pki.chain, 331, pki.root, 331), ==,
                   OTK_CRYPTO_ERR_VERIFY);
  /* wrong order */
  memcpy (three, pki.chain + 331, 331);
  memcpy (three + 331, pki.chain, 331);
  g_assert_cmpint (otk_crypto_chain_verify (three, 2 * 331, pki.root, 331), ==,
                   OTK_CRYPTO_ERR_VERIFY);
  /* too long or cut */
  memcpy (three, pki.chain, 2 * 331);
  memcpy (three + 2 * 331, pki.root, 331);
  g_assert_cmpint (otk_crypto_chain_verify (three, sizeof three, pki.root, 331), ==,
                   OTK_CRYPTO_ERR_CHAIN_FORM);
  g_assert_cmpint (otk_crypto_chain_verify (pki.chain, 400, pki.root, 331), ==,
                   OTK_CRYPTO_ERR_CHAIN_FORM);
  /* a device certificate of the wrong type, though signed by the root */
  {
    uint8_t subject[32] = { 0 };
    g_assert_cmpint (
        otk_crypto_cert_sign (3, subject, pki.point[1], pki.key[0], pki.point[0], pki.chain + 331),
        ==, OTK_CRYPTO_OK);
    g_assert_cmpint (otk_crypto_chain_verify (pki.chain, sizeof pki.chain, pki.root, 331), ==,
                     OTK_CRYPTO_ERR_CHAIN_TYPE);
  }
  pki_clear (&pki);
  pki_clear (&stranger);
}

/* Opens a key part blob the way docs/interfaces.md describes it, with OpenSSL's
 * EVP_KDF and EVP_Decrypt as oracles. */
static void
oracle_open_blob (const uint8_t *blob, EVP_PKEY *importer, const uint8_t importer_point[133],
                  const uint8_t subject[32], uint8_t part[32])
{
  g_autoptr (EVP_PKEY) eph = otk_crypto_p521_from_point (blob + 1);
  EVP_PKEY_CTX *dctx = EVP_PKEY_CTX_new (importer, NULL);
  EVP_CIPHER_CTX *cctx = EVP_CIPHER_CTX_new ();
  uint8_t z[66], k[32], ski[32], info[19 + 32];
  size_t z_len = sizeof z;
  int n = 0;

  g_assert_cmpuint (blob[0], ==, 1);
  oracle_sha256 (importer_point, 133, ski);
  g_assert_cmpmem (blob + 134, 32, ski, 32);
  g_assert_cmpint (EVP_PKEY_derive_init (dctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_derive_set_peer (dctx, eph), ==, 1);
  g_assert_cmpint (EVP_PKEY_derive (dctx, z, &z_len), ==, 1);
  g_assert_cmpuint (z_len, ==, 66);
  memcpy (info, "OpenTKE key part v1", 19);
  memcpy (info + 19, subject, 32);
  oracle_hkdf (ski, 32, z, 66, info, sizeof info, k, 32);
  g_assert_cmpint (EVP_DecryptInit_ex (cctx, EVP_aes_256_gcm (), NULL, k, blob + 166), ==, 1);
  g_assert_cmpint (EVP_DecryptUpdate (cctx, NULL, &n, blob, 166), ==, 1);
  g_assert_cmpint (EVP_DecryptUpdate (cctx, part, &n, blob + 178, 32), ==, 1);
  g_assert_cmpint (EVP_CIPHER_CTX_ctrl (cctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)(blob + 210)), ==,
                   1);
  g_assert_cmpint (EVP_DecryptFinal_ex (cctx, part + n, &n), ==, 1);
  EVP_CIPHER_CTX_free (cctx);
  EVP_PKEY_CTX_free (dctx);
}

static void
test_key_part_blob (void)
{
  Pki pki, stranger;
  uint8_t part[32], blob[OTK_CRYPTO_KEY_PART_BLOB_LEN], got[32];
  const uint8_t *subject;

  pki_init (&pki);
  pki_init (&stranger);
  subject = pki.chain + OTK_CRYPTO_CERT_SUBJECT_OFF;
  fill (part, sizeof part, 21);
  g_assert_cmpint (
      otk_crypto_key_part_seal (part, pki.chain, sizeof pki.chain, pki.root, 331, blob), ==,
      OTK_CRYPTO_OK);
  oracle_open_blob (blob, pki.key[2], pki.point[2], subject, got);
  g_assert_cmpmem (got, 32, part, 32);
  g_assert_cmpint (otk_crypto_unseal (OTK_CRYPTO_LABEL_KEY_PART, pki.key[2], pki.point[2], subject,
                                      blob, sizeof blob, got),
                   ==, OTK_CRYPTO_OK);
  g_assert_cmpmem (got, 32, part, 32);

  /* refusals: another importer key, another label or subject, a changed byte */
  g_assert_cmpint (otk_crypto_unseal (OTK_CRYPTO_LABEL_KEY_PART, stranger.key[2], stranger.point[2],
                                      subject, blob, sizeof blob, got),
                   ==, OTK_CRYPTO_ERR_WRONG_KEY);
  g_assert_cmpint (otk_crypto_unseal ("OpenTKE card copy v1", pki.key[2], pki.point[2], subject,
                                      blob, sizeof blob, got),
                   ==, OTK_CRYPTO_ERR_VERIFY);
  g_assert_cmpint (otk_crypto_unseal (OTK_CRYPTO_LABEL_KEY_PART, pki.key[2], pki.point[2],
                                      pki.root + 2, blob, sizeof blob, got),
                   ==, OTK_CRYPTO_ERR_VERIFY);
  blob[200] ^= 1;
  g_assert_cmpint (otk_crypto_unseal (OTK_CRYPTO_LABEL_KEY_PART, pki.key[2], pki.point[2], subject,
                                      blob, sizeof blob, got),
                   ==, OTK_CRYPTO_ERR_VERIFY);
  g_assert_cmpint (otk_crypto_unseal (OTK_CRYPTO_LABEL_KEY_PART, pki.key[2], pki.point[2], subject,
                                      blob, OTK_CRYPTO_SEAL_OVERHEAD - 1, got),
                   ==, OTK_CRYPTO_ERR_INVALID);

  /* the part is not sent to a chain of another root, nor to a device key */
  g_assert_cmpint (
      otk_crypto_key_part_seal (part, pki.chain, sizeof pki.chain, stranger.root, 331, blob), ==,
      OTK_CRYPTO_ERR_VERIFY);
  for (size_t i = 0; i < sizeof blob; i++)
    g_assert_cmpuint (blob[i], ==, 0);
  g_assert_cmpint (otk_crypto_key_part_seal (part, pki.chain + 331, 331, pki.root, 331, blob), ==,
                   OTK_CRYPTO_ERR_CHAIN_TYPE);
  pki_clear (&pki);
  pki_clear (&stranger);
}

static void
test_seal_any_length (void)
{
  g_autoptr (EVP_PKEY) key = otk_crypto_p521_generate ();
  uint8_t point[133], subject[32], pt[300], sealed[300 + OTK_CRYPTO_SEAL_OVERHEAD], out[300];

  g_assert_cmpint (otk_crypto_p521_point (key, point), ==, OTK_CRYPTO_OK);
  fill (subject, sizeof subject, 31);
  fill (pt, sizeof pt, 32);
  g_assert_cmpint (otk_crypto_seal ("OpenTKE card copy v1", point, subject, pt, sizeof pt, sealed),
                   ==, OTK_CRYPTO_OK);
  g_assert_cmpint (
      otk_crypto_unseal ("OpenTKE card copy v1", key, point, subject, sealed, sizeof sealed, out),
      ==, OTK_CRYPTO_OK);
  g_assert_cmpmem (out, sizeof out, pt, sizeof pt);
  /* to a point that is not on the curve: refused */
  point[70] ^= 1;
  g_assert_cmpint (otk_crypto_seal ("OpenTKE card copy v1", point, subject, pt, sizeof pt, sealed),
                   ==, OTK_CRYPTO_ERR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crypto/hkdf-matches-evp-kdf", test_hkdf_matches_evp_kdf);
  g_test_add_func ("/crypto/ski-and-vp", test_ski_and_vp);
  g_test_add_func ("/crypto/key-round-trip", test_key_round_trip);
  g_test_add_func ("/crypto/key-refusals", test_key_refusals);
  g_test_add_func ("/crypto/ecdsa", test_ecdsa);
  g_test_add_func ("/crypto/ecdh-agrees", test_ecdh_agrees);
  g_test_add_func ("/crypto/gcm-known-answers", test_gcm_known_answers);
  g_test_add_func ("/crypto/gcm-refuses-altered", test_gcm_refuses_altered);
  g_test_add_func ("/crypto/cert-layout", test_cert_layout);
  g_test_add_func ("/crypto/chain", test_chain);
  g_test_add_func ("/crypto/key-part-blob", test_key_part_blob);
  g_test_add_func ("/crypto/seal-any-length", test_seal_any_length);
  return g_test_run ();
}
