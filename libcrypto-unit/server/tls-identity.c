/* tls-identity.c: TLS key and self-signed certificate, made at first start.
 *
 * The key is an EC P-256 key in PKCS#8 PEM (mode 0600); the certificate is
 * self-signed and valid for ten years.  Clients do not rely on a CA: they pin
 * the SHA-256 fingerprint of the certificate (docs/crypto-unit-protocol.md). */
#include "tls-identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include "secure.h"
#include "server-dir.h"

#define TLS_KEY_FILE         "tls-key.pem"
#define TLS_CERT_FILE        "tls-cert.pem"
#define TLS_VALIDITY_SECONDS (10L * 365 * 24 * 3600)

static gboolean
set_openssl_error (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create the TLS identity: %s failed",
               what);
  return FALSE;
}

static gboolean
add_ext (X509 *cert, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  gboolean ok;

  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, cert, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  if (ext == NULL)
    return FALSE;
  ok = X509_add_ext (cert, ext, -1) == 1;
  X509_EXTENSION_free (ext);
  return ok;
}

/* Writes the PEM output of a BIO to @path with @mode. */
static gboolean
write_bio (BIO *bio, const char *path, int mode, GError **error)
{
  char *data = NULL;
  long len = BIO_get_mem_data (bio, &data);

  return cud_write_file_atomic (path, data, (size_t)len, mode, error);
}

static gboolean
generate_identity (const char *key_path, const char *cert_path, GError **error)
{
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  BIO *key_bio = NULL, *cert_bio = NULL;
  uint8_t serial_bytes[16];
  BIGNUM *serial = NULL;
  gboolean ok = FALSE;

  key = EVP_EC_gen ("P-256");
  if (key == NULL)
    {
      set_openssl_error (error, "key generation");
      goto out;
    }
  cert = X509_new ();
  if (cert == NULL || RAND_bytes (serial_bytes, sizeof serial_bytes) != 1)
    {
      set_openssl_error (error, "certificate allocation");
      goto out;
    }
  serial_bytes[0] &= 0x7f; /* positive serial number */
  serial = BN_bin2bn (serial_bytes, sizeof serial_bytes, NULL);
  if (serial == NULL || X509_set_version (cert, 2) != 1
      || BN_to_ASN1_INTEGER (serial, X509_get_serialNumber (cert)) == NULL
      || X509_gmtime_adj (X509_getm_notBefore (cert), -3600) == NULL
      || X509_gmtime_adj (X509_getm_notAfter (cert), TLS_VALIDITY_SECONDS) == NULL
      || X509_set_pubkey (cert, key) != 1
      || X509_NAME_add_entry_by_txt (X509_get_subject_name (cert), "CN", MBSTRING_ASC,
                                     (const unsigned char *)"OpenTKE cryptounitd", -1, -1, 0)
             != 1
      || X509_set_issuer_name (cert, X509_get_subject_name (cert)) != 1
      || !add_ext (cert, NID_basic_constraints, "critical,CA:FALSE")
      || !add_ext (cert, NID_key_usage, "critical,digitalSignature")
      || !add_ext (cert, NID_ext_key_usage, "serverAuth")
      || !add_ext (cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1")
      || X509_sign (cert, key, EVP_sha256 ()) == 0)
    {
      set_openssl_error (error, "certificate signing");
      goto out;
    }

  key_bio = BIO_new (BIO_s_mem ());
  cert_bio = BIO_new (BIO_s_mem ());
  if (key_bio == NULL || cert_bio == NULL
      || PEM_write_bio_PrivateKey (key_bio, key, NULL, NULL, 0, NULL, NULL) != 1
      || PEM_write_bio_X509 (cert_bio, cert) != 1)
    {
      set_openssl_error (error, "PEM encoding");
      goto out;
    }
  /* Key first: a crash between the two writes leaves a key without a
   * certificate, which is never served and is replaced at the next start. */
  if (!write_bio (key_bio, key_path, 0600, error) || !write_bio (cert_bio, cert_path, 0644, error))
    goto out;
  g_message ("Created a new TLS identity in %s", cert_path);
  ok = TRUE;

out:
  if (key_bio != NULL)
    {
      char *data = NULL;
      long len = BIO_get_mem_data (key_bio, &data);
      if (data != NULL && len > 0)
        secure_clear (data, (size_t)len);
      BIO_free (key_bio);
    }
  BIO_free (cert_bio);
  BN_free (serial);
  X509_free (cert);
  EVP_PKEY_free (key);
  return ok;
}

GTlsCertificate *
cud_tls_identity_ensure (const char *state_dir, GError **error)
{
  g_autofree char *key_path = NULL;
  g_autofree char *cert_path = NULL;
  GTlsCertificate *identity = NULL;
  struct stat st;

  key_path = cud_server_path (state_dir, TLS_KEY_FILE, error);
  if (key_path == NULL)
    goto out;
  cert_path = cud_server_path (state_dir, TLS_CERT_FILE, error);
  if (cert_path == NULL)
    goto out;

  if (!g_file_test (key_path, G_FILE_TEST_EXISTS) || !g_file_test (cert_path, G_FILE_TEST_EXISTS))
    {
      if (!generate_identity (key_path, cert_path, error))
        goto out;
    }
  if (stat (key_path, &st) != 0 || (st.st_mode & 077) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "The TLS key %s is readable by other users; restrict it with chmod 600 or "
                   "delete it to create a new identity (clients will then refuse the new "
                   "certificate until they are told its fingerprint)",
                   key_path);
      goto out;
    }
  identity = g_tls_certificate_new_from_files (cert_path, key_path, error);

out:
  return identity;
}
