/* card-keyfile.h: key files, the key-part-file approach (seed 002, DESIGN.md §6).
 * Part of libcard's public header opentke-card.h; see docs/key-files.md.
 *
 * A key file holds one signature key (P-521 private key, admin name, SKI) or one key
 * part (32 bytes, description, VP), encrypted under a password (scrypt, AES-256-GCM).
 * The directory is $CLOUDTKEFILES, else $XDG_DATA_HOME/opentke/keyfiles.  Signature
 * key files written by the vendor's TKE CLI are read as well (never written).
 *
 * CardKeyfile is what a listing shows, without a password: kind, name, SKI or VP, file
 * name.  card_keyfile_unlock() turns it into a CardKeyfileKey, which holds the secret
 * and wipes it when freed.  Errors: CARD_ERROR_KEYFILE_BAD_PASSWORD (wrong password),
 * CARD_ERROR_KEYFILE_BAD_FORMAT (not a key file, or altered), CARD_ERROR_KEYFILE_IO,
 * CARD_ERROR_INVALID_DATA (a name or password the caller gave is refused),
 * CARD_ERROR_UNTRUSTED_IMPORTER (the crypto unit's chain does not reach a trusted root).
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum
{
  CARD_KEYFILE_SIGNATURE_KEY = 1,
  CARD_KEYFILE_KEY_PART = 2,
} CardKeyfileKind;

typedef enum
{
  CARD_KEYFILE_FORMAT_OPENTKE = 1, /* ours: scrypt + AES-256-GCM, binary */
  CARD_KEYFILE_FORMAT_TKE_CLI = 2, /* the vendor's TKE CLI signature key file (JSON) */
} CardKeyfileFormat;

/* scrypt cost: N = 2^log2_n, r, p; stored in the file. */
typedef struct
{
  guint8 log2_n;
  guint8 r;
  guint8 p;
} CardKeyfileCost;

/* Default for real files: N = 2^17, r = 8, p = 1 (128 MiB, about a second to open). */
#define CARD_KEYFILE_COST_DEFAULT_LOG2_N 17
/* The cheapest cost a file may record (for tests): N = 2^10. */
#define CARD_KEYFILE_COST_MIN_LOG2_N 10

#define CARD_KEYFILE_ADMIN_NAME_MAX     30  /* bytes of printable ASCII, as on an EP11 card */
#define CARD_KEYFILE_DESCRIPTION_MAX    32  /* bytes of UTF-8, as on an EP11 card */
#define CARD_KEYFILE_PASSWORD_MIN       8   /* characters, checked when a file is created */
#define CARD_KEYFILE_ID_LEN             32  /* SKI or VP */
#define CARD_KEYFILE_PUBLIC_POINT_LEN   133 /* 04 || X || Y */
#define CARD_KEYFILE_SIGNATURE_LEN      132 /* r || s */
#define CARD_KEYFILE_TRANSPORT_BLOB_LEN 226 /* docs/interfaces.md */

typedef struct _CardKeyfile CardKeyfile;
typedef struct _CardKeyfileKey CardKeyfileKey;

/* $CLOUDTKEFILES, else $XDG_DATA_HOME/opentke/keyfiles.  Newly allocated. */
char *card_keyfile_default_dir (void);

/* The key files of @dir (NULL: the default) as CardKeyfile*, oldest first; the array
 * frees its elements.  Other files are skipped; a missing directory is empty. */
GPtrArray *card_keyfile_list (const char *dir, GError **error);
/* Reads one key file (either format), without a password. */
CardKeyfile *card_keyfile_load (const char *path, GError **error);
/* Same, from bytes in memory (no path). */
CardKeyfile *card_keyfile_parse (const guint8 *data, gsize len, GError **error);
void card_keyfile_free (CardKeyfile *keyfile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardKeyfile, card_keyfile_free)

CardKeyfileKind card_keyfile_get_kind (const CardKeyfile *keyfile);
CardKeyfileFormat card_keyfile_get_format (const CardKeyfile *keyfile);
/* Admin name (signature key) or description (key part). */
const char *card_keyfile_get_name (const CardKeyfile *keyfile);
/* SKI (signature key) or VP (key part): 32 bytes, and as 64 lower-case hex digits. */
const guint8 *card_keyfile_get_id (const CardKeyfile *keyfile);
const char *card_keyfile_get_id_hex (const CardKeyfile *keyfile);
/* Full path and base name; NULL when parsed from memory. */
const char *card_keyfile_get_path (const CardKeyfile *keyfile);
const char *card_keyfile_get_file_name (const CardKeyfile *keyfile);
/* Creation time (Unix seconds; for vendor files the modification time). */
gint64 card_keyfile_get_created (const CardKeyfile *keyfile);
/* The scrypt cost recorded in the file; FALSE for vendor files (PBKDF2). */
gboolean card_keyfile_get_cost (const CardKeyfile *keyfile, CardKeyfileCost *cost);

/* Creates a signature key file in @dir (NULL: the default; made 0700 if missing): a
 * P-521 key generated here, @admin_name (1..30 printable ASCII characters).  @cost NULL: the
 * default. The file is written to a temporary file (mode 0600 at open), synced, then given a name
 * that never replaces another file.  Returns the new file as listed. */
CardKeyfile *card_keyfile_create_signature_key (const char *dir, const char *admin_name,
                                                const char *password, const CardKeyfileCost *cost,
                                                GError **error);
/* Creates a key part file: @value (32 bytes, `mk-add --value`) or NULL for a random
 * part; @description 1..32 bytes of UTF-8 without control characters.  These are the
 * limits of an EP11 card (docs/card-protocol.md), so every key file can be copied to one. */
CardKeyfile *card_keyfile_create_key_part (const char *dir, const char *description,
                                           const guint8 *value, const char *password,
                                           const CardKeyfileCost *cost, GError **error);
/* Overwrites the file with zeros, syncs it, then unlinks it. */
gboolean card_keyfile_delete (const CardKeyfile *keyfile, GError **error);

/* Decrypts @keyfile with @password.  CARD_ERROR_KEYFILE_BAD_PASSWORD when the password
 * is wrong, CARD_ERROR_KEYFILE_BAD_FORMAT when the file was altered. */
CardKeyfileKey *card_keyfile_unlock (const CardKeyfile *keyfile, const char *password,
                                     GError **error);
void card_keyfile_key_free (CardKeyfileKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CardKeyfileKey, card_keyfile_key_free)

CardKeyfileKind card_keyfile_key_get_kind (const CardKeyfileKey *key);
/* SKI or VP, 32 bytes (checked against the decrypted secret). */
const guint8 *card_keyfile_key_get_id (const CardKeyfileKey *key);
/* Signature keys: the 133-byte public point (for adding the admin); NULL for parts. */
const guint8 *card_keyfile_key_get_public_point (const CardKeyfileKey *key);
/* Signature keys: ECDSA P-521 over a 64-byte SHA-512 digest, r || s (132 bytes). */
gboolean card_keyfile_key_sign_digest (const CardKeyfileKey *key, const guint8 digest[64],
                                       guint8 signature[CARD_KEYFILE_SIGNATURE_LEN],
                                       GError **error);
/* Key parts: the transport blob of docs/interfaces.md for the importer key at the head
 * of @chain (importer, then device certificate, 331 bytes each), after verifying the
 * chain up to one of @roots (concatenated self-signed crypto-unit root certificates). */
gboolean card_keyfile_key_encrypt_part (const CardKeyfileKey *key, const guint8 *chain,
                                        gsize chain_len, const guint8 *roots, gsize roots_len,
                                        guint8 blob[CARD_KEYFILE_TRANSPORT_BLOB_LEN],
                                        GError **error);
/* The secret itself (32-byte part, or 66-byte private scalar written to @out), for
 * sealing it to a card's device key (import into a card); wipe @out after use. */
gboolean card_keyfile_key_export_secret (const CardKeyfileKey *key, guint8 *out, gsize out_len,
                                         gsize *written, GError **error);

G_END_DECLS
