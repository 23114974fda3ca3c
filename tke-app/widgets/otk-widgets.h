/* otk-widgets.h: the one public header of the GTK widgets shared by tke and scup.
 *
 *   OtkDeckWindow      the "Virtual card deck" window (a test device): the deck's cards,
 *                      new card, insert into / remove from reader 1 and 2, an on-screen
 *                      PIN pad per reader that types into the reader's virtual PIN-pad queue;
 *   OtkReaderStatus    reader 1 and reader 2: present, PIN pad, card present, card type,
 *                      unlocked or not;
 *   OtkPinPadDialog    "Enter the PIN on the PIN pad of reader N", with the time left and
 *                      a Cancel button;
 *   otk_card_queue_*   runs card calls one after another on one worker thread, never on
 *                      the GTK main thread;
 *   otk_card_*         what both apps say about a card (type and state, contents).
 *
 * Every string is translatable (gettext domain "opentke") and every control has an
 * accessible name, so the GUI tests find it by role and name.
 */
#pragma once

#include <gtk/gtk.h>

#include "opentke-card.h"

G_BEGIN_DECLS

/* Registers the widgets' GResource; call once before creating any widget. */
void otk_widgets_init (void);

/* ---- the workstation: real readers or the virtual card deck --------------------------- */

/* What both apps take on their command line:
 *   --virtual[=DECK]  the virtual card deck (a test device) and its window
 *   --pcsc            with --virtual: through pcscd and the virtual PIN-pad driver */
typedef struct
{
  gboolean use_virtual;
  char *deck_dir; /* with use_virtual: the deck, or "" for the default deck */
  gboolean use_pcsc;
} OtkWorkstationOptions;

/* Sets up gettext (@localedir) and core dumps off, then parses the options above plus
 * GTK's, removing them from @argv.  FALSE with @error on a bad command line. */
gboolean otk_workstation_parse_options (int *argc, char ***argv, const char *summary,
                                        const char *localedir, OtkWorkstationOptions *options,
                                        GError **error);
void otk_workstation_options_clear (OtkWorkstationOptions *options);
/* Card queue thread: the card context the options ask for. */
CardContext *otk_workstation_open_context (const OtkWorkstationOptions *options, GError **error);
/* With --virtual: opens the deck window beside @main_window. */
void otk_workstation_present_deck (GtkApplication *app, GtkWindow *main_window,
                                   const OtkWorkstationOptions *options);

/* The settings of org.opentke that the card context follows, read on the main thread
 * (GSettings is not for the worker) and applied on the card queue's thread. */
typedef struct
{
  char *reader1; /* part of the name of reader 1, or "" */
  char *reader2;
  gboolean allow_host_pin_entry;
} OtkWorkstationSettings;

/* Main thread: the org.opentke settings, or NULL when the schema is not installed. */
GSettings *otk_workstation_open_settings (void);
/* Main thread: reads @settings (NULL: the defaults) into @out. */
void otk_workstation_settings_load (OtkWorkstationSettings *out, GSettings *settings);
void otk_workstation_settings_clear (OtkWorkstationSettings *settings);
/* Card queue thread: reader 1 and 2 (OPENTKE_READER1/2 still win) and, when allowed,
 * PIN entry on the keyboard through otk_host_pin_ask(); else libcard refuses readers
 * without PIN pad. */
void otk_workstation_apply_settings (CardContext *ctx, const OtkWorkstationSettings *settings);
/* A CardHostPinFunc, card queue thread only: asks for the PIN in a dialog on the main
 * thread, with a warning that it is typed on this computer's keyboard, and waits. */
char *otk_host_pin_ask (const char *reader_name, const char *prompt, gpointer user_data);
/* Any thread: every otk_host_pin_ask() still waiting returns NULL (cancelled) now; for an
 * app that quits while a host PIN dialog waits or is about to show. */
void otk_host_pin_cancel_pending (void);

/* ---- card queue --------------------------------------------------------------------- */

/* A worker thread that runs GTasks one after another (a CardContext is used by one
 * thread at a time).  The task's callback runs on the thread default main context of
 * whoever created the task, as with g_task_run_in_thread(). */
typedef struct _OtkCardQueue OtkCardQueue;
OtkCardQueue *otk_card_queue_new (void);
/* Waits for the queued tasks to finish, then frees the queue. */
void otk_card_queue_free (OtkCardQueue *queue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtkCardQueue, otk_card_queue_free)
void otk_card_queue_run (OtkCardQueue *queue, GTask *task, GTaskThreadFunc func);

/* ---- virtual card deck window ------------------------------------------------------- */

#define OTK_TYPE_DECK_WINDOW (otk_deck_window_get_type ())
G_DECLARE_FINAL_TYPE (OtkDeckWindow, otk_deck_window, OTK, DECK_WINDOW, GtkApplicationWindow)

/* @deck_dir: the deck folder, or NULL for the default ($OPENTKE_DECK, else
 * $XDG_DATA_HOME/opentke/deck). */
OtkDeckWindow *otk_deck_window_new (GtkApplication *app, const char *deck_dir);
const char *otk_deck_window_get_deck_dir (OtkDeckWindow *self);
/* Re-reads the deck now (it is also re-read every second). */
void otk_deck_window_refresh (OtkDeckWindow *self);

#define OTK_TYPE_DECK_READER_PANEL (otk_deck_reader_panel_get_type ())
G_DECLARE_FINAL_TYPE (OtkDeckReaderPanel, otk_deck_reader_panel, OTK, DECK_READER_PANEL, GtkBox)

/* ---- reader status ------------------------------------------------------------------ */

/* What the status area shows for one reader. */
typedef struct
{
  gboolean found;   /* the reader is attached */
  char *name;       /* reader name, or NULL */
  gboolean pin_pad; /* the reader has a PIN pad */
  gboolean card_present;
  char *card_type;   /* "CA smart card", "EP11 smart card", "Blank card", ... or NULL */
  gboolean unlocked; /* its PIN was entered in this program (card_reader_is_unlocked()) */
} OtkReaderInfo;
void otk_reader_info_clear (OtkReaderInfo *info);

#define OTK_TYPE_READER_STATUS (otk_reader_status_get_type ())
G_DECLARE_FINAL_TYPE (OtkReaderStatus, otk_reader_status, OTK, READER_STATUS, GtkBox)

OtkReaderStatus *otk_reader_status_new (void);
/* @reader: 1 or 2; @info NULL shows "not checked yet". */
void otk_reader_status_set (OtkReaderStatus *self, int reader, const OtkReaderInfo *info);

/* "Reader 2: Card inserted (EP11 smart card)", with ", unlocked" when it is: what the
 * area shows for @reader, in one line, for a prompt about that reader.  The
 * "reader-changed" signal (int reader) says when it changes. */
char *otk_reader_status_describe (OtkReaderStatus *self, int reader);

/* The app's card context; called on the card queue's thread only. */
typedef CardContext *(*OtkContextFunc) (gpointer user_data, GError **error);
/* Probes reader 1 and reader 2 on @queue and shows them (a card this program unlocked is
 * read through the session that unlocked it, never a new one, which would lock it), then
 * emits "refreshed" with NULL or the message of what failed ("No smart card readers
 * found", no pcscd, ...).  Does nothing while a refresh is still running. */
void otk_reader_status_refresh (OtkReaderStatus *self, OtkCardQueue *queue,
                                OtkContextFunc get_context, gpointer user_data);

/* Worker thread: what the status area shows for @reader (a session is opened to read
 * the card's type and state). */
void otk_reader_info_probe (CardReader *reader, OtkReaderInfo *info);
/* Worker thread: the same, unlocked or not included; a card this program unlocked is read
 * through the session that unlocked it (card_reader_is_unlocked()), never a new one,
 * which would lock it again.  What otk_reader_status_refresh() reads. */
void otk_reader_info_read (CardReader *reader, OtkReaderInfo *info);

/* ---- cards, in words ------------------------------------------------------------------ */

/* "Blank card", "CA smart card", "EP11 smart card, not personalized", ... */
char *otk_card_describe (CardType type, CardState state);
/* The public contents of a card, one field a line, for Display. */
char *otk_card_format_ca_info (const CardCaInfo *info);
char *otk_card_format_ep11_info (const CardEp11Info *info);
/* What to type on the PIN pad, in the user's words, for the @what of a
 * CardPinPromptFunc ("PIN", "new PIN 1 twice", ...). */
char *otk_pin_entry_describe (const char *what);

/* ---- PIN pad prompt ----------------------------------------------------------------- */

#define OTK_TYPE_PIN_PAD_DIALOG (otk_pin_pad_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtkPinPadDialog, otk_pin_pad_dialog, OTK, PIN_PAD_DIALOG, GtkDialog)

/* A non-modal-to-the-worker prompt: it says which reader and which PIN, counts the
 * @timeout_s seconds down, and cancels @cancellable (if any) when the user presses
 * Cancel (the dialog then emits GTK_RESPONSE_CANCEL).  @what: "the PIN of the EP11
 * smart card", "the new PIN, then the same PIN again", ... */
OtkPinPadDialog *otk_pin_pad_dialog_new (GtkWindow *parent, int reader, const char *what,
                                         guint timeout_s, GCancellable *cancellable);
/* Starts the countdown again for the next entry on the same PIN pad. */
void otk_pin_pad_dialog_restart (OtkPinPadDialog *self, const char *what, guint timeout_s);
/* What the reader holds now ("Reader 2: Card inserted (EP11 smart card)"); NULL hides it. */
void otk_pin_pad_dialog_set_reader_state (OtkPinPadDialog *self, const char *state);
/* What the program asks the PIN for ("Add administrator asks for the PIN of ..."); NULL
 * hides it. */
void otk_pin_pad_dialog_set_purpose (OtkPinPadDialog *self, const char *purpose);

/* The PIN-pad prompt of one job, following libcard's per-entry hook: it opens when a
 * reader starts waiting for a PIN on its PIN pad (which reader, what to type, the
 * reader's timeout, and the reader's line of @status, which may be NULL) and closes when
 * that entry is over.  Cancel cancels @cancellable.  Created on the main thread. */
typedef struct _OtkPinPrompt OtkPinPrompt;
OtkPinPrompt *otk_pin_prompt_new (GtkWindow *parent, OtkReaderStatus *status,
                                  GCancellable *cancellable);
/* Any thread: closes the prompt (on the main thread) and frees it. */
void otk_pin_prompt_free (OtkPinPrompt *prompt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtkPinPrompt, otk_pin_prompt_free)
/* Card queue thread, around the job's card calls on @ctx: sets libcard's hook to @prompt,
 * then back to none (closing a prompt left open). */
void otk_pin_prompt_attach (OtkPinPrompt *prompt, CardContext *ctx);
void otk_pin_prompt_detach (OtkPinPrompt *prompt, CardContext *ctx);
/* Any thread: what the next PIN-pad entries on @reader (1 or 2) are for, shown in the
 * prompt until set again: whose card, which step. */
void otk_pin_prompt_set_purpose (OtkPinPrompt *prompt, int reader, const char *purpose);

/* ---- how a job ended ---------------------------------------------------------------- */

#define OTK_TYPE_OUTCOME_DIALOG (otk_outcome_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtkOutcomeDialog, otk_outcome_dialog, OTK, OUTCOME_DIALOG, GtkDialog)

/* Shows, over @parent and titled @title (the step or action), @primary in bold and
 * @secondary (may be NULL) below, with an error icon when @failed, and a Close button.
 * Its accessible role is "alert" and its name @title.  Not modal; it closes itself. */
OtkOutcomeDialog *otk_outcome_dialog_show (GtkWindow *parent, const char *title, gboolean failed,
                                           const char *primary, const char *secondary);

/* Sets the accessible name of @widget (for the tests and for screen readers). */
void otk_widget_set_accessible_name (GtkWidget *widget, const char *name);

G_END_DECLS
