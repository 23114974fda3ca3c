/* cu-cert.c: certificates, chains and the key transport blob
 * (docs/interfaces.md). */
#include "cu-cert.h"

#include "secure.h"

#include <string.h>

void
cu_ski_from_point (const uint8_t point[CU_POINT_LEN], uint8_t ski[CU_SKI_LEN])
{
  cu_sha256 (point, CU_POINT_LEN, ski);
}

gboolean
cu_point_from_key (EVP_PKEY *key, uint8_t point[CU_POINT_LEN], GError **error)
{
  size_t len = 0;

  if (EVP_PKEY_get_octet_string_param (key, "pub", point, CU_POINT_LEN, &len) != 1
      || len != CU_POINT_LEN || point[0] != 0x04)
    {
      cu_set_openssl_error (error, "reading a P-521 public key");
      return FALSE;
    }
  return TRUE;
}

void
cu_verification_pattern (const uint8_t key[CU_KEY_PART_LEN], uint8_t vp[CU_VP_LEN])
{
  static const char label[] = "OpenTKE-VP-v1";
  uint8_t buf[sizeof label - 1 + CU_KEY_PART_LEN];

  memcpy (buf, label, sizeof label - 1);
  memcpy (buf + sizeof label - 1, key, CU_KEY_PART_LEN);
  cu_sha256 (buf, sizeof buf, vp);
  secure_clear (buf, sizeof buf);
}

gboolean
cu_cert_make (CuCertType type, const uint8_t subject[32], const uint8_t point[CU_POINT_LEN],
              EVP_PKEY *issuer, const uint8_t issuer_point[CU_POINT_LEN], uint8_t cert[CU_CERT_LEN],
              GError **error)
{
  uint8_t digest[CU_DIGEST_LEN];

  cert[0] = 1;
  cert[1] = (uint8_t)type;
  memcpy (cert + 2, subject, 32);
  memcpy (cert + 34, point, CU_POINT_LEN);
  cu_ski_from_point (issuer_point, cert + 167);
  cu_sha512 (cert, CU_CERT_SIGNED_LEN, digest);
  return cu_ecdsa_sign_digest (issuer, digest, cert + CU_CERT_SIGNED_LEN, error);
}

void
cu_cert_parse (const uint8_t cert[CU_CERT_LEN], CuCertFields *fields)
{
  fields->type = cert[1];
  memcpy (fields->subject, cert + 2, 32);
  memcpy (fields->point, cert + 34, CU_POINT_LEN);
  memcpy (fields->issuer_ski, cert + 167, CU_SKI_LEN);
}

static gboolean
cert_check_signature (const uint8_t cert[CU_CERT_LEN], const uint8_t issuer_point[CU_POINT_LEN],
                      GError **error)
{
  g_autoptr (EVP_PKEY) issuer = NULL;
  uint8_t digest[CU_DIGEST_LEN];
  uint8_t ski[CU_SKI_LEN];
  GError *local = NULL;

  cu_ski_from_point (issuer_point, ski);
  if (cert[0] != 1 || memcmp (cert + 167, ski, CU_SKI_LEN) != 0)
    goto bad;
  issuer = cu_p521_from_point (issuer_point, NULL);
  if (issuer == NULL)
    goto bad;
  cu_sha512 (cert, CU_CERT_SIGNED_LEN, digest);
  if (cu_ecdsa_verify_digest (issuer, digest, cert + CU_CERT_SIGNED_LEN, &local))
    return TRUE;
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
bad:
  g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
               "A certificate of the chain is not signed by its issuer");
  return FALSE;
}

gboolean
cu_certificate_verify_chain (const uint8_t *chain, size_t chain_len,
                             const uint8_t root[CU_CERT_LEN], CuCertType *leaf_type,
                             uint8_t leaf_subject[32], uint8_t leaf_point[CU_POINT_LEN],
                             GError **error)
{
  CuCertFields issuer;
  size_t n = chain_len / CU_CERT_LEN;

  cu_cert_parse (root, &issuer);
  if (issuer.type != CU_CERT_ROOT || !cert_check_signature (root, issuer.point, NULL))
    {
      g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                   "The crypto-unit root certificate is not a valid self-signed root");
      return FALSE;
    }
  if (chain_len == 0 || chain_len % CU_CERT_LEN != 0 || n > 2)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                   "A certificate chain is 1 or 2 certificates of %d bytes", CU_CERT_LEN);
      return FALSE;
    }
  /* From the certificate the root signed down to the leaf; each level is
   * one type below its issuer: root (1) -> device (2) -> importer (3). */
  for (size_t i = n; i-- > 0;)
    {
      const uint8_t *cert = chain + i * CU_CERT_LEN;
      CuCertFields fields;

      cu_cert_parse (cert, &fields);
      if (fields.type != issuer.type + 1)
        {
          g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                       "The certificate chain has a certificate of the wrong type");
          return FALSE;
        }
      if (!cert_check_signature (cert, issuer.point, error))
        return FALSE;
      issuer = fields;
    }
  if (leaf_type != NULL)
    *leaf_type = issuer.type;
  if (leaf_subject != NULL)
    memcpy (leaf_subject, issuer.subject, 32);
  if (leaf_point != NULL)
    memcpy (leaf_point, issuer.point, CU_POINT_LEN);
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

/* K = HKDF-SHA-512(salt = importer SKI, IKM = Z, info = label || subject). */
static gboolean
transit_key (const char *label, const uint8_t z[66], const uint8_t importer_ski[CU_SKI_LEN],
             const uint8_t importer_subject[32], uint8_t k[CU_AES_KEY_LEN], GError **error)
{
  uint8_t info[64];
  size_t label_len = strlen (label);

  g_assert (label_len + 32 <= sizeof info);
  memcpy (info, label, label_len);
  memcpy (info + label_len, importer_subject, 32);
  return cu_hkdf_sha512 (importer_ski, CU_SKI_LEN, z, 66, info, label_len + 32, k, CU_AES_KEY_LEN,
                         error);
}

gboolean
cu_transit_encrypt (const char *label, const uint8_t secret[32],
                    const uint8_t importer_point[CU_POINT_LEN], const uint8_t importer_subject[32],
                    uint8_t blob[CU_KEY_PART_BLOB_LEN], GError **error)
{
  g_autoptr (EVP_PKEY) importer = NULL;
  g_autoptr (EVP_PKEY) eph = NULL;
  uint8_t z[66];
  uint8_t k[CU_AES_KEY_LEN];
  uint8_t *nonce = blob + CU_BLOB_HEADER_LEN;
  gboolean ok = FALSE;

  importer = cu_p521_from_point (importer_point, error);
  if (importer == NULL || (eph = cu_p521_generate (error)) == NULL)
    goto out;
  blob[0] = 0x01;
  if (!cu_point_from_key (eph, blob + 1, error))
    goto out;
  cu_ski_from_point (importer_point, blob + CU_BLOB_SKI_OFFSET);
  if (!cu_ecdh (eph, importer, z, error)
      || !transit_key (label, z, blob + CU_BLOB_SKI_OFFSET, importer_subject, k, error)
      || !cu_random (nonce, CU_GCM_NONCE_LEN, error)
      || !cu_gcm_encrypt (k, nonce, blob, CU_BLOB_HEADER_LEN, secret, 32, nonce + CU_GCM_NONCE_LEN,
                          nonce + CU_GCM_NONCE_LEN + 32, error))
    goto out;
  ok = TRUE;
out:
  secure_clear (z, sizeof z);
  secure_clear (k, sizeof k);
  return ok;
}

gboolean
cu_transit_decrypt (const char *label, const uint8_t blob[CU_KEY_PART_BLOB_LEN], EVP_PKEY *importer,
                    const uint8_t importer_point[CU_POINT_LEN], const uint8_t importer_subject[32],
                    uint8_t secret[32], GError **error)
{
  g_autoptr (EVP_PKEY) eph = NULL;
  uint8_t ski[CU_SKI_LEN];
  uint8_t z[66];
  uint8_t k[CU_AES_KEY_LEN];
  const uint8_t *nonce = blob + CU_BLOB_HEADER_LEN;
  gboolean ok = FALSE;

  cu_ski_from_point (importer_point, ski);
  if (blob[0] != 0x01 || memcmp (blob + CU_BLOB_SKI_OFFSET, ski, CU_SKI_LEN) != 0)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_IMPORTER,
                   "The encrypted key is not for this importer key");
      goto out;
    }
  eph = cu_p521_from_point (blob + 1, NULL);
  if (eph == NULL)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_IMPORTER,
                   "The encrypted key has an invalid ephemeral key");
      goto out;
    }
  if (!cu_ecdh (importer, eph, z, error) || !transit_key (label, z, ski, importer_subject, k, error)
      || !cu_gcm_decrypt (k, nonce, blob, CU_BLOB_HEADER_LEN, nonce + CU_GCM_NONCE_LEN, 32,
                          nonce + CU_GCM_NONCE_LEN + 32, secret, CU_ERROR_IMPORTER, error))
    goto out;
  ok = TRUE;
out:
  secure_clear (z, sizeof z);
  secure_clear (k, sizeof k);
  return ok;
}

gboolean
cu_key_part_encrypt (const uint8_t part[CU_KEY_PART_LEN], GBytes *importer_chain,
                     const uint8_t root[CU_CERT_LEN], uint8_t blob[CU_KEY_PART_BLOB_LEN],
                     GError **error)
{
  CuCertType type = 0;
  uint8_t subject[32];
  uint8_t point[CU_POINT_LEN];
  size_t len = 0;
  const uint8_t *chain = g_bytes_get_data (importer_chain, &len);

  if (!cu_certificate_verify_chain (chain, len, root, &type, subject, point, error))
    return FALSE;
  if (type != CU_CERT_IMPORTER)
    {
      g_set_error (error, CU_ERROR, CU_ERROR_CERTIFICATE,
                   "The chain does not end in a crypto unit importer key");
      return FALSE;
    }
  return cu_transit_encrypt (CU_LABEL_KEY_PART, part, point, subject, blob, error);
}
