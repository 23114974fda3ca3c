/* cert.c: the 331-byte certificate of docs/interfaces.md. */
#include "card.h"

#include <string.h>

enum
{
  CERT_VERSION = 0,
  CERT_TYPE = 1,
  CERT_SUBJECT = 2,
  CERT_PUB = CERT_SUBJECT + OTK_ID_LEN,
  CERT_ISSUER = CERT_PUB + OTK_EC_POINT_LEN,
  CERT_SIG = CERT_ISSUER + OTK_SHA256_LEN,
};

_Static_assert(CERT_SIG + OTK_SIG_LEN == OTK_CERT_LEN, "certificate layout");

const uint8_t *
otk_cert_subject (const uint8_t cert[OTK_CERT_LEN])
{
  return cert + CERT_SUBJECT;
}

const uint8_t *
otk_cert_pub (const uint8_t cert[OTK_CERT_LEN])
{
  return cert + CERT_PUB;
}

const uint8_t *
otk_cert_issuer (const uint8_t cert[OTK_CERT_LEN])
{
  return cert + CERT_ISSUER;
}

static int
tbs_digest (const uint8_t cert[OTK_CERT_LEN], uint8_t digest[OTK_SHA512_LEN])
{
  otk_hal_chunk c = { cert, CERT_SIG };
  return otk_hal_sha512 (&c, 1, digest);
}

int
otk_cert_make (uint8_t cert[OTK_CERT_LEN], uint8_t type, const uint8_t subject[OTK_ID_LEN],
               const uint8_t pub[OTK_EC_POINT_LEN], const uint8_t issuer_priv[OTK_EC_PRIV_LEN],
               const uint8_t issuer_pub[OTK_EC_POINT_LEN])
{
  uint8_t digest[OTK_SHA512_LEN];

  cert[CERT_VERSION] = 1;
  cert[CERT_TYPE] = type;
  memmove (cert + CERT_SUBJECT, subject, OTK_ID_LEN);
  memmove (cert + CERT_PUB, pub, OTK_EC_POINT_LEN);
  if (otk_ski (issuer_pub, cert + CERT_ISSUER) != 0 || tbs_digest (cert, digest) != 0)
    return -1;
  return otk_hal_ecdsa_sign (issuer_priv, digest, cert + CERT_SIG);
}

int
otk_cert_verify (const uint8_t cert[OTK_CERT_LEN], uint8_t type,
                 const uint8_t issuer_pub[OTK_EC_POINT_LEN])
{
  uint8_t ski[OTK_SHA256_LEN];
  uint8_t digest[OTK_SHA512_LEN];

  if (cert[CERT_VERSION] != 1 || cert[CERT_TYPE] != type)
    return -1;
  if (otk_ski (issuer_pub, ski) != 0 || memcmp (ski, cert + CERT_ISSUER, OTK_SHA256_LEN) != 0)
    return -1;
  if (otk_hal_ec_check_point (cert + CERT_PUB) != 0 || tbs_digest (cert, digest) != 0)
    return -1;
  return otk_hal_ecdsa_verify (issuer_pub, digest, cert + CERT_SIG);
}

int
otk_cert_verify_self (const uint8_t cert[OTK_CERT_LEN], uint8_t type)
{
  return otk_cert_verify (cert, type, cert + CERT_PUB);
}

int
otk_cert_verify_zone (const uint8_t cert[OTK_CERT_LEN])
{
  uint8_t ski[OTK_SHA256_LEN];

  if (otk_cert_verify_self (cert, OTK_CERT_ZONE) != 0 || otk_ski (cert + CERT_PUB, ski) != 0)
    return -1;
  return memcmp (ski, cert + CERT_SUBJECT, OTK_SHA256_LEN) == 0 ? 0 : -1;
}
