/* seal.c: ECDH + HKDF-SHA-512 + AES-256-GCM to a recipient point
 * (docs/interfaces.md "Key part in transit", docs/card-protocol.md §6.3). */
#include "card.h"

#include <string.h>

#include "secure.h"

static int
derive (const char *label, const uint8_t z[OTK_ECDH_LEN], const uint8_t ski[OTK_SHA256_LEN],
        const uint8_t subject[OTK_ID_LEN], uint8_t key[OTK_AES_KEY_LEN])
{
  otk_hal_chunk info[2] = { { (const uint8_t *)label, strlen (label) }, { subject, OTK_ID_LEN } };
  return otk_hal_hkdf_sha512 (ski, OTK_SHA256_LEN, z, OTK_ECDH_LEN, info, 2, key, OTK_AES_KEY_LEN);
}

int
otk_seal (const char *label, const uint8_t recipient_pub[OTK_EC_POINT_LEN],
          const uint8_t subject[OTK_ID_LEN], const uint8_t *pt, size_t len, uint8_t *out)
{
  uint8_t e_priv[OTK_EC_PRIV_LEN];
  uint8_t z[OTK_ECDH_LEN];
  uint8_t key[OTK_AES_KEY_LEN];
  uint8_t *header = out;
  uint8_t *nonce = out + OTK_SEAL_HEADER_LEN;
  uint8_t *ct = nonce + OTK_GCM_NONCE_LEN;
  int rc = -1;

  header[0] = 0x01;
  if (otk_hal_ec_generate (e_priv, header + 1) != 0
      || otk_ski (recipient_pub, header + 1 + OTK_EC_POINT_LEN) != 0
      || otk_hal_ecdh (e_priv, recipient_pub, z) != 0
      || derive (label, z, header + 1 + OTK_EC_POINT_LEN, subject, key) != 0
      || otk_hal_random (nonce, OTK_GCM_NONCE_LEN) != 0
      || otk_hal_aes_gcm_seal (key, nonce, header, OTK_SEAL_HEADER_LEN, pt, len, ct, ct + len) != 0)
    goto out;
  rc = 0;
out:
  secure_clear (e_priv, sizeof e_priv);
  secure_clear (z, sizeof z);
  secure_clear (key, sizeof key);
  return rc;
}

int
otk_unseal (const char *label, const uint8_t priv[OTK_EC_PRIV_LEN],
            const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t subject[OTK_ID_LEN],
            const uint8_t *in, size_t in_len, uint8_t *pt)
{
  uint8_t ski[OTK_SHA256_LEN];
  uint8_t z[OTK_ECDH_LEN];
  uint8_t key[OTK_AES_KEY_LEN];
  const uint8_t *nonce = in + OTK_SEAL_HEADER_LEN;
  const uint8_t *ct = nonce + OTK_GCM_NONCE_LEN;
  size_t len;
  int rc = -1;

  if (in_len < OTK_SEAL_OVERHEAD || in[0] != 0x01)
    return -1;
  len = in_len - OTK_SEAL_OVERHEAD;
  if (otk_ski (pub, ski) != 0 || memcmp (ski, in + 1 + OTK_EC_POINT_LEN, OTK_SHA256_LEN) != 0)
    return -1;
  if (otk_hal_ecdh (priv, in + 1, z) != 0 || derive (label, z, ski, subject, key) != 0
      || otk_hal_aes_gcm_open (key, nonce, in, OTK_SEAL_HEADER_LEN, ct, len, ct + len, pt) != 0)
    goto out;
  rc = 0;
out:
  secure_clear (z, sizeof z);
  secure_clear (key, sizeof key);
  return rc;
}

static int
sealed_digest (const uint8_t *sealed, size_t len, uint8_t digest[OTK_SHA512_LEN])
{
  otk_hal_chunk c = { sealed, len };
  return otk_hal_sha512 (&c, 1, digest);
}

uint16_t
otk_seal_signed (const char *label, const uint8_t recipient_pub[OTK_EC_POINT_LEN],
                 const uint8_t subject[OTK_ID_LEN], const uint8_t *pt, size_t len,
                 const uint8_t signer_priv[OTK_EC_PRIV_LEN], const uint8_t *cert, otk_rsp *rsp)
{
  uint8_t digest[OTK_SHA512_LEN];
  uint8_t *sealed = rsp->data + rsp->len;
  size_t sealed_len = OTK_SEAL_OVERHEAD + len;
  size_t total = sealed_len + (cert != NULL ? OTK_CERT_LEN : 0) + OTK_SIG_LEN;

  if (rsp->cap - rsp->len < total || otk_seal (label, recipient_pub, subject, pt, len, sealed) != 0
      || sealed_digest (sealed, sealed_len, digest) != 0)
    return SW_INTERNAL;
  if (cert != NULL)
    memcpy (sealed + sealed_len, cert, OTK_CERT_LEN);
  if (otk_hal_ecdsa_sign (signer_priv, digest, sealed + total - OTK_SIG_LEN) != 0)
    return SW_INTERNAL;
  rsp->len += total;
  return SW_OK;
}

int
otk_sealed_verify (const uint8_t *sealed, size_t sealed_len,
                   const uint8_t signer_pub[OTK_EC_POINT_LEN], const uint8_t sig[OTK_SIG_LEN])
{
  uint8_t digest[OTK_SHA512_LEN];

  if (sealed_digest (sealed, sealed_len, digest) != 0)
    return -1;
  return otk_hal_ecdsa_verify (signer_pub, digest, sig);
}
