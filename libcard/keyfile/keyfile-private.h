/* keyfile-private.h: what the files of libcard/keyfile/ share (internal). */
#pragma once

#include "card-private.h"
#include "keyfile-crypto.h"

G_BEGIN_DECLS

#define KEYFILE_SALT_LEN  32
#define KEYFILE_CHECK_LEN 16
#define KEYFILE_MAX_SIZE  65536 /* larger files are not key files; never read them whole */

struct _CardKeyfile
{
  CardKeyfileKind kind;
  CardKeyfileFormat format;
  char *name;
  guint8 id[CARD_KEYFILE_ID_LEN];
  char id_hex[2 * CARD_KEYFILE_ID_LEN + 1];
  char *path;
  char *file_name;
  gint64 created;

  /* OpenTKE format */
  CardKeyfileCost cost;
  guint8 salt[KEYFILE_SALT_LEN];
  guint8 check[KEYFILE_CHECK_LEN];
  guint8 public_point[KF_POINT_LEN]; /* signature keys */
  GBytes *raw;                       /* the whole file; bytes [0, header_len) are the AAD */
  gsize header_len;                  /* offset of the nonce */

  /* TKE CLI format */
  GBytes *vendor_salt;
  GBytes *vendor_enckey; /* nonce || ciphertext || tag */
};

struct _CardKeyfileKey
{
  CardKeyfileKind kind;
  guint8 id[CARD_KEYFILE_ID_LEN];
  guint8 public_point[KF_POINT_LEN];
  EVP_PKEY *pkey;           /* signature keys */
  guint8 part[KF_PART_LEN]; /* key parts */
};

/* Sets id and id_hex. */
void keyfile_set_id (CardKeyfile *keyfile, const guint8 id[CARD_KEYFILE_ID_LEN]);
/* TRUE when @name (@len bytes) is 1..@max_bytes bytes of valid UTF-8 without control
 * characters, and only printable ASCII when @ascii_only. */
gboolean keyfile_name_is_valid (const char *name, gsize len, gsize max_bytes, gboolean ascii_only);
/* The rules of an EP11 card for an admin name or key part description. */
gboolean keyfile_name_fits_card (CardKeyfileKind kind, const char *name, gsize len);

/* keyfile-format.c: the OpenTKE format */
gboolean keyfile_opentke_detect (const guint8 *data, gsize len);
gboolean keyfile_opentke_parse (const guint8 *data, gsize len, CardKeyfile *keyfile,
                                GError **error);
/* The bytes of a new file; @public_value is the point (signature key) or the VP. */
GBytes *keyfile_opentke_build (CardKeyfileKind kind, const char *name, const guint8 *public_value,
                               const guint8 *secret, gsize secret_len, const char *password,
                               const CardKeyfileCost *cost, gint64 created, GError **error);
/* Decrypts the secret (66-byte scalar or 32-byte part) into @secret. */
gboolean keyfile_opentke_decrypt (const CardKeyfile *keyfile, const char *password, guint8 *secret,
                                  gsize secret_len, GError **error);

/* keyfile-vendor.c: the TKE CLI signature key file */
gboolean keyfile_vendor_detect (const guint8 *data, gsize len);
gboolean keyfile_vendor_parse (const guint8 *data, gsize len, CardKeyfile *keyfile, GError **error);
EVP_PKEY *keyfile_vendor_decrypt (const CardKeyfile *keyfile, const char *password, GError **error);

/* keyfile-json.c: a flat JSON object of string members, as the TKE CLI writes it.
 * Returns member name -> value, or NULL (with @error) for anything else. */
GHashTable *keyfile_json_parse_flat_object (const char *text, gsize len, GError **error);

/* keyfile-store.c: files */
/* Writes @contents to a new file "<prefix>-<random>.otk" in @dir; returns its path. */
char *keyfile_store_write_new (const char *dir, const char *prefix, GBytes *contents,
                               GError **error);

G_END_DECLS
