/* cu-cert.h: the 331-byte certificates and the key transport blob of
 * docs/interfaces.md, unit side. */
#pragma once

#include "cu-crypto.h"

#define CU_CHAIN_LEN       (2 * CU_CERT_LEN) /* importer || device */
#define CU_BLOB_SKI_OFFSET 134

#define CU_LABEL_KEY_PART   "OpenTKE key part v1"
#define CU_LABEL_MASTER_KEY "OpenTKE master key v1"

typedef struct
{
  CuCertType type;
  uint8_t subject[32];
  uint8_t point[CU_POINT_LEN];
  uint8_t issuer_ski[CU_SKI_LEN];
} CuCertFields;

/* Builds a certificate of @type for @subject / @point signed by @issuer
 * (whose point is @issuer_point; for a root, the subject itself). */
gboolean cu_cert_make (CuCertType type, const uint8_t subject[32],
                       const uint8_t point[CU_POINT_LEN], EVP_PKEY *issuer,
                       const uint8_t issuer_point[CU_POINT_LEN], uint8_t cert[CU_CERT_LEN],
                       GError **error);
void cu_cert_parse (const uint8_t cert[CU_CERT_LEN], CuCertFields *fields);

/* The binding subject of an importer key (docs/crypto-unit-protocol.md). */
void cu_importer_binding (const char *instance, const uint8_t unit_id[CU_UNIT_ID_LEN],
                          const uint8_t random[32], uint8_t binding[32]);

/* Encrypts @secret (32 bytes) to the importer key @importer_point whose
 * certificate subject is @importer_subject, with HKDF info label @label. */
gboolean cu_transit_encrypt (const char *label, const uint8_t secret[32],
                             const uint8_t importer_point[CU_POINT_LEN],
                             const uint8_t importer_subject[32], uint8_t blob[CU_KEY_PART_BLOB_LEN],
                             GError **error);
/* Decrypts a blob with the importer private key; CU_ERROR_IMPORTER on any
 * mismatch or tag failure. */
gboolean cu_transit_decrypt (const char *label, const uint8_t blob[CU_KEY_PART_BLOB_LEN],
                             EVP_PKEY *importer, const uint8_t importer_point[CU_POINT_LEN],
                             const uint8_t importer_subject[32], uint8_t secret[32],
                             GError **error);
