/* cu-cert.c: certificates, chains and the key transport blob
 * (docs/interfaces.md), unit side: common/otk-crypto.c with libcrypto-unit's GErrors. */
#include "cu-cert.h"

#include "otk-crypto.h"

#include <string.h>

void
cu_ski_from_point (const uint8_t point[CU_POINT_LEN], uint8_t ski[CU_SKI_LEN])
{
  if (otk_crypto_ski (point, ski) != OTK_CRYPTO_OK)
    g_error ("SHA-256 is not available");
}

gboolean
cu_point_from_key (EVP_PKEY *key, uint8_t point[CU_POINT_LEN], GError **error)
{
  if (otk_crypto_p521_point (key, point) != OTK_CRYPTO_OK)
    {
      cu_set_openssl_error (error, "reading a P-521 public key");
      return FALSE;
    }
  return TRUE;
}

void
cu_verification_pattern (const uint8_t key[CU_KEY_PART_LEN], uint8_t vp[CU_VP_LEN])
{
  if (otk_crypto_vp (key, vp) != OTK_CRYPTO_OK)
    g_error ("SHA-256 is not available");
}

gboolean
cu_cert_make (CuCertType type, const uint8_t subject[32], const uint8_t point[CU_POINT_LEN],
              EVP_PKEY *issuer, const uint8_t issuer_point[CU_POINT_LEN], uint8_t cert[CU_CERT_LEN],
              GError **error)
{
  if (otk_crypto_cert_sign ((uint8_t)type, subject, point, issuer, issuer_point, cert)
      != OTK_CRYPTO_OK)
    {
      cu_set_openssl_error (error, "signing a certificate");
      return FALSE;
    }
  return TRUE;
}

void
cu_cert_parse (const uint8_t cert[CU_CERT_LEN], CuCertFields *fields)
{
  fields->type = cert[1];
  memcpy (fields->subject, cert + 2, 32);
  memcpy (fields->point, cert + 34, CU_POINT_LEN);
  memcpy (fields->issuer_ski, cert + 167, CU_SKI_LEN);
}

/* The GError of a chain that otk_crypto_chain_verify() or
 * otk_crypto_key_part_seal() refused. */
static gboolean
chain_error (int rc, GError **error)
{
  switch (rc)
    {
      case OTK_CRYPTO_ERR_BAD_ROOT:
        g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                     "The crypto-unit root certificate is not a valid self-signed root");
        break;
      case OTK_CRYPTO_ERR_CHAIN_FORM:
        g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                     "A certificate chain is 1 or 2 certificates of %d bytes", CU_CERT_LEN);
        break;
      case OTK_CRYPTO_ERR_CHAIN_TYPE:
        g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                     "The certificate chain has a certificate of the wrong type");
        break;
      case OTK_CRYPTO_ERR_VERIFY:
        g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                     "A certificate of the chain is not signed by its issuer");
        break;
      case OTK_CRYPTO_ERR_INVALID:
        g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                     "The public key is not an uncompressed point on the P-521 curve");
        break;
      default:
        cu_set_openssl_error (error, "certificate chain");
    }
  return FALSE;
}

gboolean
cu_certificate_verify_chain (const uint8_t *chain, size_t chain_len,
                             const uint8_t root[CU_CERT_LEN], CuCertType *leaf_type,
                             uint8_t leaf_subject[32], uint8_t leaf_point[CU_POINT_LEN],
                             GError **error)
{
  CuCertFields leaf;
  int rc = otk_crypto_chain_verify (chain, chain_len, root, CU_CERT_LEN);

  if (rc != OTK_CRYPTO_OK)
    return chain_error (rc, error);
  cu_cert_parse (chain, &leaf);
  if (leaf_type != NULL)
    *leaf_type = leaf.type;
  if (leaf_subject != NULL)
    memcpy (leaf_subject, leaf.subject, 32);
  if (leaf_point != NULL)
    memcpy (leaf_point, leaf.point, CU_POINT_LEN);
  return TRUE;
}

void
cu_importer_binding (const char *instance, const uint8_t unit_id[CU_UNIT_ID_LEN],
                     const uint8_t random[32], uint8_t binding[32])
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  static const uint8_t zero = 0;

  g_byte_array_append (buf, (const guint8 *)instance, (guint)strlen (instance));
  g_byte_array_append (buf, &zero, 1);
  g_byte_array_append (buf, unit_id, CU_UNIT_ID_LEN);
  g_byte_array_append (buf, &zero, 1);
  g_byte_array_append (buf, random, 32);
  cu_sha256 (buf->data, buf->len, binding);
}

gboolean
cu_transit_encrypt (const char *label, const uint8_t secret[32],
                    const uint8_t importer_point[CU_POINT_LEN], const uint8_t importer_subject[32],
                    uint8_t blob[CU_KEY_PART_BLOB_LEN], GError **error)
{
  int rc = otk_crypto_seal (label, importer_point, importer_subject, secret, 32, blob);

  if (rc == OTK_CRYPTO_ERR_INVALID)
    g_set_error (error, CU_ERROR, CU_ERROR_INVALID_ARGUMENT,
                 "The public key is not an uncompressed point on the P-521 curve");
  else if (rc != OTK_CRYPTO_OK)
    cu_set_openssl_error (error, "encrypting a key");
  return rc == OTK_CRYPTO_OK;
}

gboolean
cu_transit_decrypt (const char *label, const uint8_t blob[CU_KEY_PART_BLOB_LEN], EVP_PKEY *importer,
                    const uint8_t importer_point[CU_POINT_LEN], const uint8_t importer_subject[32],
                    uint8_t secret[32], GError **error)
{
  int rc = otk_crypto_unseal (label, importer, importer_point, importer_subject, blob,
                              CU_KEY_PART_BLOB_LEN, secret);

  switch (rc)
    {
      case OTK_CRYPTO_OK:
        return TRUE;
      case OTK_CRYPTO_ERR_WRONG_KEY:
        g_set_error (error, CU_ERROR, CU_ERROR_IMPORTER,
                     "The encrypted key is not for this importer key");
        break;
      case OTK_CRYPTO_ERR_INVALID:
        g_set_error (error, CU_ERROR, CU_ERROR_IMPORTER,
                     "The encrypted key is not a valid key part blob");
        break;
      case OTK_CRYPTO_ERR_VERIFY:
        g_set_error (error, CU_ERROR, CU_ERROR_IMPORTER,
                     "The data does not decrypt: it was altered or is for another key");
        break;
      default:
        cu_set_openssl_error (error, "decrypting a key");
    }
  return FALSE;
}

gboolean
cu_key_part_encrypt (const uint8_t part[CU_KEY_PART_LEN], GBytes *importer_chain,
                     const uint8_t root[CU_CERT_LEN], uint8_t blob[CU_KEY_PART_BLOB_LEN],
                     GError **error)
{
  size_t len = 0;
  const uint8_t *chain = g_bytes_get_data (importer_chain, &len);
  int rc = otk_crypto_key_part_seal (part, chain, len, root, CU_CERT_LEN, blob);

  if (rc == OTK_CRYPTO_OK)
    return TRUE;
  if (rc == OTK_CRYPTO_ERR_CHAIN_TYPE
      && otk_crypto_chain_verify (chain, len, root, CU_CERT_LEN) == OTK_CRYPTO_OK)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                   "The chain does not end in a crypto unit importer key");
      return FALSE;
    }
  return chain_error (rc, error);
}
