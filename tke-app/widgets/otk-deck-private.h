/* otk-deck-private.h: what the deck window and its reader panels share. */
#pragma once

#include "otk-widgets.h"

#include <opentke-vdeck.h>

G_BEGIN_DECLS

#define OTK_DECK_ERROR (otk_deck_error_quark ())
GQuark otk_deck_error_quark (void);
/* Codes of OTK_DECK_ERROR are the otk_vdeck_status values. */

typedef enum
{
  OTK_DECK_OP_SNAPSHOT,      /* read cards, readers and PIN-pad queues */
  OTK_DECK_OP_NEW_CARD,      /* name */
  OTK_DECK_OP_SHOW_CARD,     /* name -> text */
  OTK_DECK_OP_INSERT,        /* reader, name */
  OTK_DECK_OP_EJECT,         /* reader */
  OTK_DECK_OP_PIN_PAD,       /* reader, key, digits */
  OTK_DECK_OP_PIN_PAD_CLEAR, /* reader: drop the queued entries */
} OtkDeckOpKind;

/* What the window shows; the result of OTK_DECK_OP_SNAPSHOT. */
typedef struct
{
  GPtrArray *cards;     /* card names (char *), name order */
  char *reader_card[2]; /* card in reader 1 / 2, or NULL */
  guint pending[2];     /* entries waiting on the PIN pad of reader 1 / 2 */
} OtkDeckSnapshot;
void otk_deck_snapshot_free (OtkDeckSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtkDeckSnapshot, otk_deck_snapshot_free)

/* Runs one deck operation on a worker thread (the deck's files are flock()ed, so the
 * operations of the window, tke-vcard and the card backends do not mix). @digits are
 * wiped once queued. */
void otk_deck_op_run_async (const char *deck_dir, OtkDeckOpKind kind, int reader, const char *name,
                            otk_vdeck_pinpad_key key, const char *digits, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
/* TRUE on success.  *out_snapshot (OTK_DECK_OP_SNAPSHOT) or *out_text (SHOW_CARD) may be
 * NULL when the caller does not want them. */
gboolean otk_deck_op_finish (GAsyncResult *result, OtkDeckSnapshot **out_snapshot, char **out_text,
                             GError **error);

/* Reader panel, used by the deck window. */
void otk_deck_reader_panel_set_deck_dir (OtkDeckReaderPanel *self, const char *deck_dir);
void otk_deck_reader_panel_show (OtkDeckReaderPanel *self, const char *card, guint pending);

G_END_DECLS
