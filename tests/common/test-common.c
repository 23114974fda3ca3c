/* Tests of the shared conventions: wiping secrets and hex. */
#include "opentke-common.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static void
test_secure_clear_wipes (void)
{
  uint8_t key[32];

  memset (key, 0xa5, sizeof key);
  secure_clear (key, sizeof key);
  for (size_t i = 0; i < sizeof key; i++)
    g_assert_cmpuint (key[i], ==, 0);
  secure_clear (NULL, 0); /* allowed */
}

static void
test_secure_memequal (void)
{
  const uint8_t a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 2, 3, 4 }, c[4] = { 1, 2, 3, 5 };

  g_assert_true (secure_memequal (a, b, 4));
  g_assert_false (secure_memequal (a, c, 4));
  g_assert_true (secure_memequal (a, c, 3));
}

static void
test_hex_round_trip (void)
{
  const uint8_t in[] = { 0x00, 0x7f, 0x80, 0xff, 0x12 };
  uint8_t out[5];
  g_autofree char *hex = otk_hex_encode (in, sizeof in);

  g_assert_cmpstr (hex, ==, "007f80ff12");
  g_assert_true (otk_hex_decode ("007F80FF12", out, sizeof out));
  g_assert_cmpmem (in, sizeof in, out, sizeof out);
}

static void
test_hex_decode_refuses_bad_input (void)
{
  uint8_t out[2];

  g_assert_false (otk_hex_decode ("abc", out, 2));    /* odd length */
  g_assert_false (otk_hex_decode ("abcdef", out, 2)); /* too long */
  g_assert_false (otk_hex_decode ("zz00", out, 2));   /* not hex */
  g_assert_false (otk_hex_decode (NULL, out, 2));
}

static void
test_secret_str_autoptr (void)
{
  g_autoptr (OtkSecretStr) pin = g_strdup ("123456");

  g_assert_cmpstr (pin, ==, "123456");
  /* Freed and wiped by the cleanup; ASan/valgrind check the free. */
}

static void
test_log_apdu_child (void)
{
  const uint8_t verify[]
      = { 0x00, 0x20, 0x00, 0x81, 0x08, '1', '2', '3', '4', '5', '6', 0xff, 0xff };

  if (g_test_subprocess ())
    {
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      otk_log_apdu ("opentke-test", ">>", verify, sizeof verify, TRUE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*00200081*data withheld*");
  g_test_trap_assert_stdout_unmatched ("*313233343536*");
}

static void
test_remove_tree_keeps_link_targets (void)
{
  g_autofree char *top = g_dir_make_tmp ("otk-test-XXXXXX", NULL);
  g_autofree char *outside = g_dir_make_tmp ("otk-test-XXXXXX", NULL);
  g_autofree char *kept = g_build_filename (outside, "kept", NULL);
  g_autofree char *sub = g_build_filename (top, "a", "b", NULL);
  g_autofree char *file = g_build_filename (sub, "card", NULL);
  g_autofree char *link = g_build_filename (top, "a", "link", NULL);

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_true (g_file_set_contents (kept, "y", 1, NULL));
  g_assert_cmpint (symlink (outside, link), ==, 0);

  otk_remove_tree (top);
  g_assert_false (g_file_test (top, G_FILE_TEST_EXISTS));
  /* The link went, not what it pointed to. */
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  otk_remove_tree (outside);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/common/secure-clear", test_secure_clear_wipes);
  g_test_add_func ("/common/secure-memequal", test_secure_memequal);
  g_test_add_func ("/common/hex/round-trip", test_hex_round_trip);
  g_test_add_func ("/common/hex/refuses-bad-input", test_hex_decode_refuses_bad_input);
  g_test_add_func ("/common/secret-str-autoptr", test_secret_str_autoptr);
  g_test_add_func ("/common/log-apdu/withholds-secret-data", test_log_apdu_child);
  g_test_add_func ("/common/remove-tree/keeps-link-targets", test_remove_tree_keeps_link_targets);
  return g_test_run ();
}
