/* test-tke-vcard.c: the tke-vcard command line on a deck of its own. */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "opentke-vdeck.h"

static char *deck_dir;

/* Runs tke-vcard with @args; returns its exit status, stdout in *out. */
static int
vcard (char **out, const char *stdin_text, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *tool = g_test_build_filename (G_TEST_BUILT, "..", "applets", "tke-vcard", NULL);
  g_autoptr (GSubprocessLauncher) l = NULL;
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *stdout_text = NULL;

  g_ptr_array_add (argv, tool);
  g_ptr_array_add (argv, (char *)"--deck");
  g_ptr_array_add (argv, deck_dir);
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (char *)*args);
  g_ptr_array_add (argv, NULL);
  l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                 | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  p = g_subprocess_launcher_spawnv (l, (const char *const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, stdin_text, NULL, &stdout_text, &err, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = stdout_text;
  else
    g_free (stdout_text);
  return g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
}

#define VCARD(out, ...) vcard (out, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void
test_cli (void)
{
  otk_vdeck *deck = NULL;
  g_autofree char *list = NULL;
  g_autofree char *list2 = NULL;
  g_autofree char *show = NULL;
  char name[OTK_VDECK_NAME_MAX + 1];
  unsigned pending;

  deck_dir = g_dir_make_tmp ("tke-vcard-XXXXXX", NULL);
  g_assert_cmpint (VCARD (NULL, "new", "bob"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "new", "alice"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "new", "alice"), ==, 1);
  g_assert_cmpint (VCARD (NULL, "new", "../evil"), ==, 1);
  g_assert_cmpint (VCARD (NULL, "insert", "alice", "--reader", "2"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "insert", "bob", "--reader", "2"), ==, 1);
  g_assert_cmpint (VCARD (NULL, "insert", "bob", "--reader", "3"), ==, 2);
  g_assert_cmpint (VCARD (&list, "list"), ==, 0);
  g_assert_cmpstr (list, ==, "alice\tin reader 2\nbob\n");
  g_assert_cmpint (VCARD (&show, "show", "alice"), ==, 0);
  g_assert_cmpstr (show, ==, "type: blank\n");
  g_assert_cmpint (VCARD (NULL, "pinpad", "--reader", "2", "123456"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "pinpad", "--reader", "2", "--cancel"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "pinpad", "--reader", "2", "--no-answer"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "pinpad", "--reader", "2", "12a456"), ==, 1);
  g_assert_cmpint (
      vcard (NULL, "654321\n", (const char *const[]){ "pinpad", "--reader", "1", "-", NULL }), ==,
      0);
  g_assert_cmpint (VCARD (NULL, "rm", "alice"), ==, 1); /* in a reader */
  g_assert_cmpint (VCARD (NULL, "remove", "--reader", "2"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "rm", "alice"), ==, 0);
  g_assert_cmpint (VCARD (NULL, "show", "alice"), ==, 1);
  g_assert_cmpint (VCARD (NULL, "frobnicate"), ==, 2);
  g_assert_cmpint (VCARD (&list2, "list"), ==, 0);
  g_assert_cmpstr (list2, ==, "bob\n");
  /* What the CLI did is what the deck API sees. */
  g_assert_cmpint (otk_vdeck_open (deck_dir, &deck), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_reader_card (deck, 2, name, NULL), ==, OTK_VDECK_ERR_NO_CARD);
  g_assert_cmpint (otk_vdeck_pinpad_pending (deck, 2, &pending), ==, OTK_VDECK_OK);
  g_assert_cmpuint (pending, ==, 3);
  g_assert_cmpint (otk_vdeck_pinpad_pending (deck, 1, &pending), ==, OTK_VDECK_OK);
  g_assert_cmpuint (pending, ==, 1);
  /* The PIN-pad queue holds PINs: not readable by others. */
  g_autofree char *queue = g_build_filename (deck_dir, "pinpad2", NULL);
  GStatBuf st;
  g_assert_cmpint (g_stat (queue, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0077, ==, 0);
  g_assert_cmpint (otk_vdeck_card_remove (deck, "bob"), ==, OTK_VDECK_OK);
  otk_vdeck_close (deck);
  for (const char *f = "cards\0lock\0pinpad1\0pinpad2\0reader2\0"; *f; f += strlen (f) + 1)
    {
      g_autofree char *p = g_build_filename (deck_dir, f, NULL);
      g_remove (p);
    }
  g_rmdir (deck_dir);
  g_free (deck_dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tke-vcard/cli", test_cli);
  return g_test_run ();
}
