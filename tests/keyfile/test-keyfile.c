/* Tests of libcard's key files (docs/key-files.md) and of the key part transport of
 * docs/interfaces.md.  The other side (crypto unit, TKE CLI files) is keyfile-test-peer.c,
 * written from the documents independently of libcard. */
#include "keyfile-test-peer.h"
#include "opentke-card.h"
#include "opentke-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PASSWORD "correct horse battery"
/* Cheap scrypt cost for tests; it is recorded in each file (real files use 2^17). */
static const CardKeyfileCost test_cost = { CARD_KEYFILE_COST_MIN_LOG2_N, 8, 1 };

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("keyfile-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  GDir *d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static guint
count_files (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  if (d != NULL)
    g_dir_close (d);
  return n;
}

static char *
write_text (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_signature_key_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  g_autoptr (CardKeyfileKey) key = NULL;
  CardKeyfileCost cost;
  guint8 ski[32], digest[64], sig[132];

  kf = card_keyfile_create_signature_key (f->dir, "Alice Admin", PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card_keyfile_get_kind (kf), ==, CARD_KEYFILE_SIGNATURE_KEY);
  g_assert_cmpint (card_keyfile_get_format (kf), ==, CARD_KEYFILE_FORMAT_OPENTKE);
  g_assert_cmpstr (card_keyfile_get_name (kf), ==, "Alice Admin");
  g_assert_true (g_str_has_prefix (card_keyfile_get_path (kf), f->dir));
  g_assert_true (card_keyfile_get_cost (kf, &cost));
  g_assert_cmpuint (cost.log2_n, ==, test_cost.log2_n);
  g_assert_cmpuint (cost.r, ==, test_cost.r);

  key = card_keyfile_unlock (kf, PASSWORD, &error);
  g_assert_no_error (error);
  /* SKI = SHA-256 of the public point, shown as 64 lower-case hex digits */
  peer_ski (card_keyfile_key_get_public_point (key), ski);
  g_assert_cmpmem (ski, 32, card_keyfile_get_id (kf), 32);
  g_assert_cmpmem (ski, 32, card_keyfile_key_get_id (key), 32);
  g_assert_cmpuint (strlen (card_keyfile_get_id_hex (kf)), ==, 64);
  for (const char *p = card_keyfile_get_id_hex (kf); *p; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));

  /* the signature verifies with the public key as a crypto unit verifies it */
  g_assert_true (RAND_bytes (digest, sizeof digest) == 1);
  g_assert_true (card_keyfile_key_sign_digest (key, digest, sig, &error));
  g_assert_no_error (error);
  g_assert_true (peer_verify_rs (card_keyfile_key_get_public_point (key), digest, sig));
  digest[0] ^= 1;
  g_assert_false (peer_verify_rs (card_keyfile_key_get_public_point (key), digest, sig));
}

static void
test_key_part_random (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) a = NULL, b = NULL;
  g_autoptr (CardKeyfileKey) ka = NULL, kb = NULL;
  guint8 pa[32], pb[32], vp[32];
  gsize len = 0;

  a = card_keyfile_create_key_part (f->dir, "part 1 of 3", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  b = card_keyfile_create_key_part (f->dir, "part 2 of 3", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_cmpint (card_keyfile_get_kind (a), ==, CARD_KEYFILE_KEY_PART);
  ka = card_keyfile_unlock (a, PASSWORD, &error);
  g_assert_no_error (error);
  kb = card_keyfile_unlock (b, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_null (card_keyfile_key_get_public_point (ka));
  g_assert_true (card_keyfile_key_export_secret (ka, pa, sizeof pa, &len, &error));
  g_assert_cmpuint (len, ==, 32);
  g_assert_true (card_keyfile_key_export_secret (kb, pb, sizeof pb, &len, &error));
  g_assert_true (memcmp (pa, pb, 32) != 0); /* random parts */
  peer_vp (pa, vp);
  g_assert_cmpmem (vp, 32, card_keyfile_get_id (a), 32);
}

static void
test_key_part_value (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL, again = NULL;
  g_autoptr (CardKeyfileKey) key = NULL;
  guint8 value[32], out[40], vp[32];
  gsize len = 0;

  g_assert_true (RAND_bytes (value, sizeof value) == 1);
  kf = card_keyfile_create_key_part (f->dir, "known part", value, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  peer_vp (value, vp);
  g_assert_cmpmem (vp, 32, card_keyfile_get_id (kf), 32);
  key = card_keyfile_unlock (kf, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (card_keyfile_key_export_secret (key, out, sizeof out, &len, &error));
  g_assert_cmpmem (out, len, value, 32);
  /* the same part twice: two files, never one replacing the other */
  again = card_keyfile_create_key_part (f->dir, "known part", value, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card_keyfile_get_path (kf), !=, card_keyfile_get_path (again));
  g_assert_cmpuint (count_files (f->dir), ==, 2);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) sig = NULL, part = NULL;
  g_autoptr (CardKeyfileKey) key = NULL;

  sig = card_keyfile_create_signature_key (f->dir, "Bob", PASSWORD, &test_cost, &error);
  part = card_keyfile_create_key_part (f->dir, "p", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_null (card_keyfile_unlock (sig, PASSWORD "!", &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_PASSWORD);
  g_clear_error (&error);
  g_assert_null (card_keyfile_unlock (part, "", &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_PASSWORD);
  g_clear_error (&error);
  key = card_keyfile_unlock (part, PASSWORD, &error);
  g_assert_no_error (error);
}

/* Every single-byte change of a file is caught: it no longer loads, or its password
 * no longer opens it. */
static void
check_tamper_every_byte (const char *path, gboolean opentke)
{
  g_autofree char *orig = NULL;
  gsize len;
  guint altered = 0;

  g_assert_true (g_file_get_contents (path, &orig, &len, NULL));
  for (gsize i = 0; i < len; i++)
    {
      g_autofree char *copy = g_memdup2 (orig, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (CardKeyfile) kf = NULL;
      g_autoptr (CardKeyfileKey) key = NULL;

      copy[i] ^= 0x01;
      kf = card_keyfile_parse ((guint8 *)copy, len, &error);
      if (kf != NULL)
        key = card_keyfile_unlock (kf, PASSWORD, &error);
      g_assert_null (key);
      g_assert_nonnull (error);
      g_assert_true (error->domain == CARD_ERROR);
      /* ours: past the password-derivation fields, a change is reported as an alteration */
      if (opentke && i >= 70)
        g_assert_cmpint (error->code, ==, CARD_ERROR_KEYFILE_BAD_FORMAT);
      altered++;
    }
  g_assert_cmpuint (altered, ==, len);
}

static void
test_tampered_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) sig = NULL, part = NULL;

  sig = card_keyfile_create_signature_key (f->dir, "Carol", PASSWORD, &test_cost, &error);
  part = card_keyfile_create_key_part (f->dir, "part", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  check_tamper_every_byte (card_keyfile_get_path (part), TRUE);
  check_tamper_every_byte (card_keyfile_get_path (sig), TRUE);
}

static void
test_truncated_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  g_autofree char *bytes = NULL;
  gsize len;

  kf = card_keyfile_create_key_part (f->dir, "part", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (card_keyfile_get_path (kf), &bytes, &len, NULL));
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GError) parse_error = NULL;
      CardKeyfile *broken = card_keyfile_parse ((guint8 *)bytes, cut, &parse_error);

      g_assert_null (broken);
      g_assert_error (parse_error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT);
    }
}

static void
test_mode_0600 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  g_autofree char *sub = g_build_filename (f->dir, "new", NULL);
  struct stat st;
  mode_t old = umask (0); /* even a permissive umask gives 0600 */

  kf = card_keyfile_create_signature_key (sub, "Dave", PASSWORD, &test_cost, &error);
  umask (old);
  g_assert_no_error (error);
  g_assert_cmpint (stat (card_keyfile_get_path (kf), &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (stat (sub, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0700);
  g_assert_cmpuint (count_files (sub), ==, 1); /* no temporary file left */
  g_unlink (card_keyfile_get_path (kf));
  g_rmdir (sub);
}

static void
test_listing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) s1 = NULL, p1 = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autofree char *junk = write_text (f->dir, "notes.txt", "not a key file\n");
  g_autofree char *hidden = write_text (f->dir, ".hidden", "{}");
  g_autoptr (EVP_PKEY) vendor_key = peer_p521_new ();
  g_autofree char *json = peer_vendor_file (vendor_key, vendor_key, "p521ec", PASSWORD, NULL);
  g_autofree char *vendor = write_text (f->dir, "1.sigkey", json);
  gboolean seen_s1 = FALSE, seen_p1 = FALSE, seen_vendor = FALSE;
  guint8 vendor_point[PEER_POINT_LEN], vendor_ski[32];

  s1 = card_keyfile_create_signature_key (f->dir, "Erin", PASSWORD, &test_cost, &error);
  p1 = card_keyfile_create_key_part (f->dir, "first part", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  peer_point (vendor_key, vendor_point);
  peer_ski (vendor_point, vendor_ski);

  files = card_keyfile_list (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 3);
  for (guint i = 0; i < files->len; i++)
    {
      CardKeyfile *kf = files->pdata[i];

      if (g_strcmp0 (card_keyfile_get_file_name (kf), card_keyfile_get_file_name (s1)) == 0)
        {
          seen_s1 = TRUE;
          g_assert_cmpstr (card_keyfile_get_name (kf), ==, "Erin");
          g_assert_cmpstr (card_keyfile_get_id_hex (kf), ==, card_keyfile_get_id_hex (s1));
        }
      else if (g_strcmp0 (card_keyfile_get_file_name (kf), card_keyfile_get_file_name (p1)) == 0)
        {
          seen_p1 = TRUE;
          g_assert_cmpint (card_keyfile_get_kind (kf), ==, CARD_KEYFILE_KEY_PART);
          g_assert_cmpstr (card_keyfile_get_name (kf), ==, "first part");
          g_assert_cmpstr (card_keyfile_get_id_hex (kf), ==, card_keyfile_get_id_hex (p1));
        }
      else
        {
          seen_vendor = TRUE;
          g_assert_cmpstr (card_keyfile_get_file_name (kf), ==, "1.sigkey");
          g_assert_cmpstr (card_keyfile_get_name (kf), ==, "1.sigkey"); /* no name inside */
          g_assert_cmpint (card_keyfile_get_format (kf), ==, CARD_KEYFILE_FORMAT_TKE_CLI);
          g_assert_cmpmem (card_keyfile_get_id (kf), 32, vendor_ski, 32);
        }
    }
  g_assert_true (seen_s1 && seen_p1 && seen_vendor);
  g_unlink (junk);
  g_unlink (hidden);
  g_unlink (vendor);
}

static void
test_list_missing_dir (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "none", NULL);
  g_autoptr (GPtrArray) files = card_keyfile_list (missing, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 0);
}

static void
test_delete_overwrites (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autofree char *other = g_build_filename (f->dir, "second-link", NULL);
  g_autofree char *bytes = NULL;
  gsize len;

  kf = card_keyfile_create_key_part (f->dir, "to delete", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  /* a second name for the same inode lets the test see what deletion left on disk */
  g_assert_cmpint (link (card_keyfile_get_path (kf), other), ==, 0);
  g_assert_true (card_keyfile_delete (kf, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (card_keyfile_get_path (kf), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (other, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 100);
  for (gsize i = 0; i < len; i++)
    g_assert_cmpuint ((guint8)bytes[i], ==, 0);
  g_unlink (other);
  files = card_keyfile_list (f->dir, &error);
  g_assert_cmpuint (files->len, ==, 0);
}

/* Names a card would refuse are refused here, so every key file can go to a card. */
/* A key file replaced by a symbolic link after it was listed: deleting it must not
 * overwrite what the link points to. */
static void
test_delete_refuses_symlink (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  g_autofree char *victim = write_text (f->dir, "victim.txt", "keep me\n");
  g_autofree char *contents = NULL;

  kf = card_keyfile_create_key_part (f->dir, "part", NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (card_keyfile_get_path (kf)), ==, 0);
  g_assert_cmpint (symlink (victim, card_keyfile_get_path (kf)), ==, 0);
  g_assert_false (card_keyfile_delete (kf, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_IO);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me\n");
  /* nor is a link listed as a key file */
  g_clear_error (&error);
  g_assert_null (card_keyfile_load (card_keyfile_get_path (kf), &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_IO);
}

static void
test_create_refusals (Fixture *f, gconstpointer data)
{
  const char *bad_admins[] = { "abcdefghijklmnopqrstuvwxyz01234" /* 31 */, "", "tab\there",
                               "Gr\xc3\xa9ta" /* not ASCII */ };
  const char *bad_descriptions[]
      = { "", "line\nbreak",
          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "x" /* 33 bytes */ };
  const char *good_admin = "abcdefghijklmnopqrstuvwxyz0123"; /* 30 */
  const char *good_description = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) admin = NULL, part = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad_admins); i++)
    {
      g_assert_null (
          card_keyfile_create_signature_key (f->dir, bad_admins[i], PASSWORD, &test_cost, &error));
      g_assert_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_descriptions); i++)
    {
      g_assert_null (card_keyfile_create_key_part (f->dir, bad_descriptions[i], NULL, PASSWORD,
                                                   &test_cost, &error));
      g_assert_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }
  g_assert_null (card_keyfile_create_key_part (f->dir, "part", NULL, "short", &test_cost, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (f->dir), ==, 0);

  /* the limits themselves are accepted */
  g_assert_cmpuint (strlen (good_admin), ==, CARD_KEYFILE_ADMIN_NAME_MAX);
  g_assert_cmpuint (strlen (good_description), ==, CARD_KEYFILE_DESCRIPTION_MAX);
  admin = card_keyfile_create_signature_key (f->dir, good_admin, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card_keyfile_get_name (admin), ==, good_admin);
  part
      = card_keyfile_create_key_part (f->dir, good_description, NULL, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card_keyfile_get_name (part), ==, good_description);
}

static void
test_kind_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) sig = NULL, part = NULL;
  g_autoptr (CardKeyfileKey) ks = NULL, kp = NULL;
  guint8 digest[64] = { 0 }, signature[132], blob[226];

  sig = card_keyfile_create_signature_key (f->dir, "Frank", PASSWORD, &test_cost, &error);
  part = card_keyfile_create_key_part (f->dir, "p", NULL, PASSWORD, &test_cost, &error);
  ks = card_keyfile_unlock (sig, PASSWORD, &error);
  kp = card_keyfile_unlock (part, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_false (card_keyfile_key_sign_digest (kp, digest, signature, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (card_keyfile_key_encrypt_part (ks, NULL, 0, NULL, 0, blob, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA);
}

static void
test_default_dir (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("CLOUDTKEFILES"));
  g_autofree char *from_env = NULL, *fallback = NULL, *expected = NULL;

  g_setenv ("CLOUDTKEFILES", "/somewhere/keys", TRUE);
  from_env = card_keyfile_default_dir ();
  g_assert_cmpstr (from_env, ==, "/somewhere/keys");
  g_unsetenv ("CLOUDTKEFILES");
  fallback = card_keyfile_default_dir ();
  expected = g_build_filename (g_get_user_data_dir (), "opentke", "keyfiles", NULL);
  g_assert_cmpstr (fallback, ==, expected);
  if (saved != NULL)
    g_setenv ("CLOUDTKEFILES", saved, TRUE);
}

/* ---- the vendor's TKE CLI signature key files ----------------------------- */

static void
test_vendor_read (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EVP_PKEY) key = peer_p521_new ();
  g_autofree char *json
      = peer_vendor_file (key, key, "p521ec", PASSWORD, ", \"adminName\": \"Gr\\u00e9ta\"");
  g_autofree char *path = write_text (f->dir, "2.sigkey", json);
  g_autoptr (CardKeyfile) kf = card_keyfile_load (path, &error);
  g_autoptr (CardKeyfileKey) unlocked = NULL;
  guint8 point[PEER_POINT_LEN], digest[64], sig[132];
  CardKeyfileCost cost;

  g_assert_no_error (error);
  g_assert_cmpint (card_keyfile_get_format (kf), ==, CARD_KEYFILE_FORMAT_TKE_CLI);
  g_assert_cmpint (card_keyfile_get_kind (kf), ==, CARD_KEYFILE_SIGNATURE_KEY);
  g_assert_cmpstr (card_keyfile_get_name (kf), ==, "Gréta");
  g_assert_false (card_keyfile_get_cost (kf, &cost));

  g_assert_null (card_keyfile_unlock (kf, "not the password", &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_PASSWORD);
  g_clear_error (&error);

  unlocked = card_keyfile_unlock (kf, PASSWORD, &error);
  g_assert_no_error (error);
  peer_point (key, point);
  g_assert_cmpmem (card_keyfile_key_get_public_point (unlocked), PEER_POINT_LEN, point,
                   PEER_POINT_LEN);
  g_assert_true (RAND_bytes (digest, sizeof digest) == 1);
  g_assert_true (card_keyfile_key_sign_digest (unlocked, digest, sig, &error));
  g_assert_true (peer_verify_rs (point, digest, sig));
}

static void
test_vendor_refusals (Fixture *f, gconstpointer data)
{
  g_autoptr (EVP_PKEY) key = peer_p521_new (), other = peer_p521_new ();
  g_autofree char *mismatch = peer_vendor_file (key, other, "p521ec", PASSWORD, NULL);
  g_autofree char *rsa = peer_vendor_file (key, key, "rsa2048", PASSWORD, NULL);
  g_autofree char *dup = peer_vendor_file (key, key, "p521ec", PASSWORD, ", \"ski\": \"00\"");
  const char *not_strings = "{\"keyType\": \"p521ec\", \"ski\": 5}";
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL;

  /* the ski in the file is not the key's: the file is not used */
  kf = card_keyfile_parse ((guint8 *)mismatch, strlen (mismatch), &error);
  g_assert_no_error (error);
  g_assert_null (card_keyfile_unlock (kf, PASSWORD, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT);
  g_clear_error (&error);
  g_assert_null (card_keyfile_parse ((guint8 *)rsa, strlen (rsa), &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT);
  g_clear_error (&error);
  g_assert_null (card_keyfile_parse ((guint8 *)dup, strlen (dup), &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT);
  g_clear_error (&error);
  g_assert_null (card_keyfile_parse ((guint8 *)not_strings, strlen (not_strings), &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_KEYFILE_BAD_FORMAT);
}

/* A file made by a separate implementation (Python "cryptography", see
 * tests/keyfile/vectors/README): its password, its public point. */
static void
test_vendor_committed_vector (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path
      = g_test_build_filename (G_TEST_DIST, "keyfile", "vectors", "vendor-p521.sigkey", NULL);
  g_autofree char *point_path
      = g_test_build_filename (G_TEST_DIST, "keyfile", "vectors", "vendor-p521.point", NULL);
  g_autofree char *point_hex = NULL;
  g_autoptr (CardKeyfile) kf = card_keyfile_load (path, &error);
  g_autoptr (CardKeyfileKey) key = NULL;
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (point_path, &point_hex, NULL, NULL));
  g_strstrip (point_hex);
  key = card_keyfile_unlock (kf, "vendor-password", &error);
  g_assert_no_error (error);
  got = otk_hex_encode (card_keyfile_key_get_public_point (key), PEER_POINT_LEN);
  g_assert_cmpstr (got, ==, point_hex);
}

/* ---- key part transport to a crypto unit ---------------------------------- */

typedef struct
{
  EVP_PKEY *root, *device, *importer;
  guint8 root_cert[PEER_CERT_LEN];
  guint8 chain[2 * PEER_CERT_LEN]; /* importer, device */
  guint8 importer_subject[32];
} Unit;

static void
unit_init (Unit *u, EVP_PKEY *root)
{
  guint8 root_id[32] = { 1 }, unit_id[32] = { 2 };

  u->root = root;
  u->device = peer_p521_new ();
  u->importer = peer_p521_new ();
  g_assert_true (RAND_bytes (u->importer_subject, 32) == 1);
  peer_cert_make (u->root_cert, 1, root_id, root, root);
  peer_cert_make (u->chain, 3, u->importer_subject, u->importer, u->device);
  peer_cert_make (u->chain + PEER_CERT_LEN, 2, unit_id, u->device, root);
}

static void
unit_clear (Unit *u)
{
  EVP_PKEY_free (u->device);
  EVP_PKEY_free (u->importer);
}

static CardKeyfileKey *
make_part (const char *dir, guint8 value[32])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CardKeyfile) kf = NULL;
  CardKeyfileKey *key;

  g_assert_true (RAND_bytes (value, 32) == 1);
  kf = card_keyfile_create_key_part (dir, "to a unit", value, PASSWORD, &test_cost, &error);
  g_assert_no_error (error);
  key = card_keyfile_unlock (kf, PASSWORD, &error);
  g_assert_no_error (error);
  return key;
}

static void
test_transport_blob (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EVP_PKEY) root = peer_p521_new (), other_root = peer_p521_new ();
  Unit unit, other;
  guint8 value[32], out[32], blob[PEER_BLOB_LEN], roots[2 * PEER_CERT_LEN];
  g_autoptr (CardKeyfileKey) key = make_part (f->dir, value);

  unit_init (&unit, root);
  unit_init (&other, other_root);
  /* the unit's root is one of two trusted roots */
  memcpy (roots, other.root_cert, PEER_CERT_LEN);
  memcpy (roots + PEER_CERT_LEN, unit.root_cert, PEER_CERT_LEN);
  g_assert_true (card_keyfile_key_encrypt_part (key, unit.chain, sizeof unit.chain, roots,
                                                sizeof roots, blob, &error));
  g_assert_no_error (error);
  g_assert_true (peer_blob_decrypt (blob, unit.importer, unit.importer_subject, out));
  g_assert_cmpmem (out, 32, value, 32);
  /* the part is not in the blob in the clear */
  g_assert_null (memmem (blob, sizeof blob, value, 8));
  /* bound to the importer key: another importer cannot open it, nor a changed blob */
  g_assert_false (peer_blob_decrypt (blob, other.importer, other.importer_subject, out));
  blob[200] ^= 1;
  g_assert_false (peer_blob_decrypt (blob, unit.importer, unit.importer_subject, out));
  unit_clear (&unit);
  unit_clear (&other);
}

static void
test_transport_untrusted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EVP_PKEY) root = peer_p521_new (), rogue_root = peer_p521_new ();
  Unit unit, rogue;
  guint8 value[32], blob[PEER_BLOB_LEN], swapped[2 * PEER_CERT_LEN], zero[PEER_BLOB_LEN] = { 0 };
  g_autoptr (CardKeyfileKey) key = make_part (f->dir, value);

  unit_init (&unit, root);
  unit_init (&rogue, rogue_root);
  /* a chain that ends at another root */
  g_assert_false (card_keyfile_key_encrypt_part (key, rogue.chain, sizeof rogue.chain,
                                                 unit.root_cert, PEER_CERT_LEN, blob, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER);
  g_assert_cmpmem (blob, sizeof blob, zero, sizeof zero);
  g_clear_error (&error);
  /* certificates in the wrong order */
  memcpy (swapped, unit.chain + PEER_CERT_LEN, PEER_CERT_LEN);
  memcpy (swapped + PEER_CERT_LEN, unit.chain, PEER_CERT_LEN);
  g_assert_false (card_keyfile_key_encrypt_part (key, swapped, sizeof swapped, unit.root_cert,
                                                 PEER_CERT_LEN, blob, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER);
  g_clear_error (&error);
  /* an importer certificate whose key was replaced after signing */
  memcpy (swapped, unit.chain, sizeof swapped);
  memcpy (swapped + 34, rogue.chain + 34, PEER_POINT_LEN);
  g_assert_false (card_keyfile_key_encrypt_part (key, swapped, sizeof swapped, unit.root_cert,
                                                 PEER_CERT_LEN, blob, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER);
  g_clear_error (&error);
  /* the device certificate alone, and no trusted root at all */
  g_assert_false (card_keyfile_key_encrypt_part (key, unit.chain, PEER_CERT_LEN, unit.root_cert,
                                                 PEER_CERT_LEN, blob, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER);
  g_clear_error (&error);
  g_assert_false (
      card_keyfile_key_encrypt_part (key, unit.chain, sizeof unit.chain, NULL, 0, blob, &error));
  g_assert_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER);
  unit_clear (&unit);
  unit_clear (&rogue);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/keyfile/signature-key/round-trip", test_signature_key_round_trip);
  ADD ("/keyfile/key-part/random", test_key_part_random);
  ADD ("/keyfile/key-part/value", test_key_part_value);
  ADD ("/keyfile/refuses/wrong-password", test_wrong_password);
  ADD ("/keyfile/refuses/tampered-file", test_tampered_file);
  ADD ("/keyfile/refuses/truncated-file", test_truncated_file);
  ADD ("/keyfile/refuses/bad-names-and-short-passwords", test_create_refusals);
  ADD ("/keyfile/refuses/wrong-kind", test_kind_mismatch);
  ADD ("/keyfile/file/mode-0600", test_mode_0600);
  ADD ("/keyfile/file/delete-overwrites", test_delete_overwrites);
  ADD ("/keyfile/file/delete-refuses-symlink", test_delete_refuses_symlink);
  ADD ("/keyfile/list/without-password", test_listing);
  ADD ("/keyfile/list/missing-directory", test_list_missing_dir);
  g_test_add_func ("/keyfile/default-directory", test_default_dir);
  ADD ("/keyfile/tke-cli/read", test_vendor_read);
  ADD ("/keyfile/tke-cli/refusals", test_vendor_refusals);
  g_test_add_func ("/keyfile/tke-cli/independent-vector", test_vendor_committed_vector);
  ADD ("/keyfile/transport/blob-decrypts-at-unit", test_transport_blob);
  ADD ("/keyfile/transport/refuses-untrusted-chain", test_transport_untrusted);
#undef ADD
  return g_test_run ();
}
