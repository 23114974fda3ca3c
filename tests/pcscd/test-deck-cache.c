/* test-deck-cache.c: the deck as the pcscd driver uses it.  The driver keeps the powered
 * card's image loaded between APDUs (applets/src/vdeck.c); what another process does to
 * the deck must still show at the very next APDU.  Two handles on one deck have two
 * lock files open, so they exclude each other exactly as two processes do. */
#include "test-deck-cache.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "opentke-vdeck.h"

static const uint8_t select_ep11[]
    = { 0x00, 0xA4, 0x04, 0x00, 0x09, 0xF0, 0x54, 0x4B, 0x45, 0x45, 0x50, 0x31, 0x31, 0x01 };
static const uint8_t get_info[] = { 0x80, 0x30, 0x00, 0x00, 0x00 };
static const uint8_t initialize[] = { 0x80, 0x10, 0x00, 0x00, 0x00 };

enum
{
  CARD_ID_LEN = 32,
};

typedef struct
{
  char *dir;
  otk_vdeck *a; /* the driver's handle */
  otk_vdeck *b; /* another program's */
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_setenv ("OPENTKE_VDECK_NO_SYNC", "1", TRUE);
  f->dir = g_dir_make_tmp ("deck-cache-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  g_assert_cmpint (otk_vdeck_open (f->dir, &f->a), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_open (f->dir, &f->b), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_card_new (f->b, "first"), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_card_new (f->b, "second"), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_insert (f->b, 1, "first"), ==, OTK_VDECK_OK);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  otk_vdeck_close (f->a);
  otk_vdeck_close (f->b);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* One APDU to reader 1 through @deck; returns the deck status, the SW in *@sw. */
static int
send (otk_vdeck *deck, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t *rsp_len, guint *sw)
{
  int rc = otk_vdeck_transmit (deck, 1, cmd, len, rsp, rsp_len);
  if (rc == OTK_VDECK_OK)
    {
      g_assert_cmpuint (*rsp_len, >=, 2);
      *sw = (guint)rsp[*rsp_len - 2] << 8 | rsp[*rsp_len - 1];
    }
  return rc;
}

static void
power_up_and_select (otk_vdeck *deck)
{
  uint8_t atr[64], rsp[256];
  size_t atr_len = sizeof atr, len = sizeof rsp;
  guint sw = 0;

  g_assert_cmpint (otk_vdeck_power_up (deck, 1, atr, &atr_len), ==, OTK_VDECK_OK);
  g_assert_cmpint (send (deck, select_ep11, sizeof select_ep11, rsp, &len, &sw), ==, OTK_VDECK_OK);
  g_assert_cmphex (sw, ==, 0x9000);
}

/* The card ID of GET INFO (docs/card-protocol.md §6.2), through @deck. */
static void
read_card_id (otk_vdeck *deck, uint8_t id[CARD_ID_LEN])
{
  uint8_t rsp[1024];
  size_t len = sizeof rsp;
  guint sw = 0;

  g_assert_cmpint (send (deck, get_info, sizeof get_info, rsp, &len, &sw), ==, OTK_VDECK_OK);
  g_assert_cmphex (sw, ==, 0x9000);
  g_assert_cmpuint (len, >=, 3 + CARD_ID_LEN + 2);
  memcpy (id, rsp + 3, CARD_ID_LEN);
}

/* A write by another program to the card that the driver holds powered shows in the
 * driver's next APDU: no stale image. */
static void
test_write_by_other_seen (Fixture *f, gconstpointer data)
{
  static const uint8_t blank_id[CARD_ID_LEN];
  uint8_t rsp[1024], id[CARD_ID_LEN];
  size_t len = sizeof rsp;
  guint sw = 0;

  power_up_and_select (f->a);
  read_card_id (f->a, id);
  g_assert_cmpmem (id, sizeof id, blank_id, sizeof blank_id);

  power_up_and_select (f->b);
  g_assert_cmpint (send (f->b, initialize, sizeof initialize, rsp, &len, &sw), ==, OTK_VDECK_OK);
  g_assert_cmphex (sw, ==, 0x9000);
  g_assert_cmpuint (len, >=, CARD_ID_LEN + 2);

  read_card_id (f->a, id);
  g_assert_cmpmem (id, sizeof id, rsp, CARD_ID_LEN);
  /* And the driver's own view refuses a second INITIALIZE: the card is not blank. */
  len = sizeof rsp;
  g_assert_cmpint (send (f->a, initialize, sizeof initialize, rsp, &len, &sw), ==, OTK_VDECK_OK);
  g_assert_cmphex (sw, ==, 0x6985);
}

/* A card swapped or pulled by another program is refused at the driver's next APDU. */
static void
test_swap_by_other_seen (Fixture *f, gconstpointer data)
{
  uint8_t rsp[256];
  size_t len = sizeof rsp;
  guint sw = 0;

  power_up_and_select (f->a);
  g_assert_cmpint (otk_vdeck_eject (f->b, 1), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_insert (f->b, 1, "second"), ==, OTK_VDECK_OK);
  g_assert_cmpint (send (f->a, select_ep11, sizeof select_ep11, rsp, &len, &sw), ==,
                   OTK_VDECK_ERR_CARD_CHANGED);

  power_up_and_select (f->a);
  g_assert_cmpint (otk_vdeck_eject (f->b, 1), ==, OTK_VDECK_OK);
  len = sizeof rsp;
  g_assert_cmpint (send (f->a, select_ep11, sizeof select_ep11, rsp, &len, &sw), ==,
                   OTK_VDECK_ERR_NO_CARD);
}

/* The reader's card as the driver asks for it follows another program's changes. */
static void
test_reader_card_follows_other (Fixture *f, gconstpointer data)
{
  char name[OTK_VDECK_NAME_MAX + 1];
  uint64_t first = 0, again = 0;

  g_assert_cmpint (otk_vdeck_reader_card (f->a, 1, name, &first), ==, OTK_VDECK_OK);
  g_assert_cmpstr (name, ==, "first");
  g_assert_cmpint (otk_vdeck_eject (f->b, 1), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_reader_card (f->a, 1, name, NULL), ==, OTK_VDECK_ERR_NO_CARD);
  g_assert_cmpint (otk_vdeck_insert (f->b, 1, "first"), ==, OTK_VDECK_OK);
  g_assert_cmpint (otk_vdeck_reader_card (f->a, 1, name, &again), ==, OTK_VDECK_OK);
  g_assert_cmpstr (name, ==, "first");
  g_assert_cmpuint (again, >, first);
}

void
add_deck_cache_tests (void)
{
  g_test_add ("/deck/write-by-other-seen", Fixture, NULL, fixture_set_up, test_write_by_other_seen,
              fixture_tear_down);
  g_test_add ("/deck/swap-by-other-seen", Fixture, NULL, fixture_set_up, test_swap_by_other_seen,
              fixture_tear_down);
  g_test_add ("/deck/reader-card-follows-other", Fixture, NULL, fixture_set_up,
              test_reader_card_follows_other, fixture_tear_down);
}
