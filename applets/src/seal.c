/* seal.c: ECDH + HKDF-SHA-512 + AES-256-GCM to a recipient point
 * (docs/interfaces.md "Key part in transit", docs/card-protocol.md §6.3). */
#include "card.h"

#include <string.h>

#include "otk-crypto.h"

/* Sealing itself is common/otk-crypto.c, shared with the host and the crypto
 * units; this file adds what only cards do (signing what they seal). */
int
otk_seal (const char *label, const uint8_t recipient_pub[OTK_EC_POINT_LEN],
          const uint8_t subject[OTK_ID_LEN], const uint8_t *pt, size_t len, uint8_t *out)
{
  return otk_crypto_seal (label, recipient_pub, subject, pt, len, out) == OTK_CRYPTO_OK ? 0 : -1;
}

int
otk_unseal (const char *label, const uint8_t priv[OTK_EC_PRIV_LEN],
            const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t subject[OTK_ID_LEN],
            const uint8_t *in, size_t in_len, uint8_t *pt)
{
  EVP_PKEY *key = otk_crypto_p521_from_scalar (priv, NULL);
  int rc
      = key != NULL && otk_crypto_unseal (label, key, pub, subject, in, in_len, pt) == OTK_CRYPTO_OK
            ? 0
            : -1;

  EVP_PKEY_free (key); /* OpenSSL clears private keys when freeing them */
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
