/* scup.h: the parts of the Smart Card Utility Program (private to scup).
 *
 *   ScupApplication   options (--virtual[=DECK], --pcsc), the card context and the card
 *                     queue, the main window and the virtual deck window;
 *   ScupWindow        menus CA Smart Card, EP11 Smart Card, Smart Card Readers; reader
 *                     status; the results of Display;
 *   ScupJob           one menu action: its inputs, a worker function run on the card
 *                     queue, and the shared PIN-pad prompt (OtkPinPrompt) that follows
 *                     each entry on a reader's PIN pad;
 *   ScupAction        a menu entry of the CA and EP11 menus: its form, and the cards it
 *                     needs and what it does with them, run by scup_card_flow_run();
 *   ScupFormDialog    the inputs of an action (descriptions, a certificate file);
 *   ScupReadersDialog the readers with role, PIN pad, card, card type; reader 1 and 2.
 */
#pragma once

#include <gtk/gtk.h>

#include "opentke-card.h"
#include "otk-widgets.h"

G_BEGIN_DECLS

/* ---- application -------------------------------------------------------------------- */

#define SCUP_TYPE_APPLICATION (scup_application_get_type ())
G_DECLARE_FINAL_TYPE (ScupApplication, scup_application, SCUP, APPLICATION, GtkApplication)

/* @options: real readers or the virtual card deck (copied). */
ScupApplication *scup_application_new (const OtkWorkstationOptions *options);
OtkCardQueue *scup_application_get_queue (ScupApplication *app);
/* Only on the card queue's thread: the card context, made at first use. */
CardContext *scup_application_get_context (ScupApplication *app, GError **error);
/* Only on the card queue's thread, after scup_application_get_context(): sets the
 * reader-name substrings of reader 1 and 2 ("" = automatic) for the context. */
void scup_application_set_reader_roles (ScupApplication *app, const char *reader1,
                                        const char *reader2);
/* Main thread: saves them in GSettings, for the next start. */
void scup_application_save_reader_roles (ScupApplication *app, const char *reader1,
                                         const char *reader2);

/* ---- main window -------------------------------------------------------------------- */

#define SCUP_TYPE_WINDOW (scup_window_get_type ())
G_DECLARE_FINAL_TYPE (ScupWindow, scup_window, SCUP, WINDOW, GtkApplicationWindow)

ScupWindow *scup_window_new (ScupApplication *app);
/* Probes reader 1 and 2 on the card queue and shows them. */
void scup_window_refresh_readers (ScupWindow *self);
/* Shows @text (the contents of a card) in the results area. */
void scup_window_show_results (ScupWindow *self, const char *title, const char *text);
/* Shows the outcome line under the menus. */
void scup_window_show_status (ScupWindow *self, const char *text);
/* While a job runs the menus are insensitive. */
void scup_window_set_busy (ScupWindow *self, gboolean busy);
/* The reader status area of the window. */
OtkReaderStatus *scup_window_get_reader_status (ScupWindow *self);

/* Adds the menu actions of the CA and EP11 menus to @self. */
void scup_ca_actions_add (ScupWindow *self);
void scup_ep11_actions_add (ScupWindow *self);

/* ---- jobs --------------------------------------------------------------------------- */

typedef struct _ScupJob ScupJob;
/* Runs on the card queue's thread.  Returns FALSE with @error set on failure; on
 * success it may set the job's results. */
typedef gboolean (*ScupJobFunc) (ScupJob *job, CardContext *ctx, GError **error);
typedef struct _ScupAction ScupAction;

/* Inputs and results of one action.  Inputs are set on the main thread before
 * scup_job_run(); results are set by the worker function. */
struct _ScupJob
{
  ScupWindow *window;
  char *title;              /* the action, as in the menu */
  char *text1, *text2;      /* descriptions typed in the form */
  GBytes *file;             /* a certificate file chosen in the form */
  guint number;             /* a key part index, ... */
  const ScupAction *action; /* the action (static), for scup_card_flow_run() */

  char *results;      /* text for the results area (Display), or NULL */
  char *done_message; /* the outcome line */
  /* Main thread, after the worker succeeded (e.g. ask before the next job). */
  void (*on_success) (ScupJob *job);

  /* private */
  GCancellable *cancellable;
  OtkPinPrompt *pin_prompt; /* opens with each PIN-pad entry; Cancel cancels the job */
};

ScupJob *scup_job_new (ScupWindow *window, const char *title);
void scup_job_free (ScupJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScupJob, scup_job_free)
/* Takes @job; runs @func on the card queue, then shows its outcome (results, the
 * outcome line, or an error dialog) and refreshes the reader status. */
void scup_job_run (ScupJob *job, ScupJobFunc func);

/* On the worker thread: shows what @reader holds now (card, type, unlocked or not) in
 * the window's reader status, which is not re-read while a job holds the card queue.
 * Only for a reader without a session of the job, or whose card is unlocked: reading any
 * other card opens a session on it, which selects its applet anew under the job's. */
void scup_job_show_reader (ScupJob *job, CardReader *reader);
/* TRUE when the user pressed Cancel in the prompt; the job stops at its next step. */
gboolean scup_job_check_cancelled (ScupJob *job, GError **error);

/* Worker helpers shared by the actions: the reader of @role with a card in it, and a
 * session on it with @applet selected. */
CardSession *scup_open_card (CardContext *ctx, CardReaderRole role, CardApplet applet,
                             GError **error);
/* Enters what @session still needs (CA: both PINs; EP11: the PIN) on the PIN pad of the
 * session's reader; does nothing when the card is unlocked already.  Then the reader
 * status shows the card unlocked. */
gboolean scup_unlock_card (ScupJob *job, CardSession *session, GError **error);

/* ---- card flows (scup-card-flow.c): what the actions do with their cards ------------ */

/* A card an action needs: in reader @reader with @applet selected, of @type and, when
 * @state_code is set, in @state.  The refusals (N_(), translated when shown) say what is
 * wrong with another card: @wrong_type (CARD_ERROR_NOT_BLANK when @type is blank, else
 * CARD_ERROR_WRONG_CARD_TYPE), @too_early and @too_late (@state_code) for a card of @type
 * before or after @state (@too_late NULL: @too_early for both).  @unlock: its PINs are
 * entered once all cards of the action are opened. */
typedef struct
{
  CardReaderRole reader;
  CardApplet applet;
  CardType type;
  const char *wrong_type;
  CardState state;
  CardError state_code; /* 0: any state of @type */
  const char *too_early, *too_late;
  gboolean unlock;
} ScupCardNeed;

/* Worker side: the card @need describes, or NULL with the refusal in @error. */
CardSession *scup_open_needed_card (CardContext *ctx, const ScupCardNeed *need, GError **error);

/* The personalized CA card in reader 1, unlocked for the action; @refusal (N_()) for
 * any other card.  For a ScupCardNeed initializer. */
#define SCUP_NEED_PERSONALIZED_CA(refusal)                                                         \
  .reader = CARD_READER_1, .applet = CARD_APPLET_CA, .type = CARD_TYPE_CA,                         \
  .wrong_type = (refusal), .state = CARD_STATE_PERSONALIZED,                                       \
  .state_code = CARD_ERROR_WRONG_CARD_TYPE, .too_early = (refusal), .unlock = TRUE

#define SCUP_FLOW_CARDS 2
/* The ScupJobFunc of the actions without their own @func: runs the card flow of
 * job->action (see ScupAction). */
gboolean scup_card_flow_run (ScupJob *job, CardContext *ctx, GError **error);
/* The op of Display: the public contents of the first card (CA or EP11), for the results
 * area. */
gboolean scup_show_card (ScupJob *job, CardSession **cards, GError **error);

/* ---- forms -------------------------------------------------------------------------- */

#define SCUP_TYPE_FORM_DIALOG (scup_form_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScupFormDialog, scup_form_dialog, SCUP, FORM_DIALOG, GtkDialog)

/* A dialog with an explanation, up to two text fields and one file field; fields whose
 * label is NULL are hidden.  The OK button is named @ok_label. */
ScupFormDialog *scup_form_dialog_new (GtkWindow *parent, const char *title, const char *explanation,
                                      const char *text1_label, const char *text2_label,
                                      const char *file_label, const char *ok_label);
const char *scup_form_dialog_get_text1 (ScupFormDialog *self);
const char *scup_form_dialog_get_text2 (ScupFormDialog *self);
/* The chosen file's path, or NULL. */
char *scup_form_dialog_get_file (ScupFormDialog *self);
/* Max characters of the text fields (card descriptions). */
void scup_form_dialog_set_max_length (ScupFormDialog *self, int max_length);

/* Checks the form's inputs (main thread) and copies what the job needs from them; the
 * two texts are copied to job->text1/text2 before it is called. */
typedef gboolean (*ScupFormCollect) (ScupFormDialog *form, ScupJob *job, GError **error);
/* Shows @form; on OK collects the inputs into @job (@collect may be NULL) and runs it
 * with @func; on Cancel drops @job.  Takes @job. */
void scup_form_dialog_run_job (ScupFormDialog *form, ScupJob *job, ScupFormCollect collect,
                               ScupJobFunc func);
/* One menu action: a form when @explanation is set, then a job on the card queue: @func,
 * or else the card flow scup_card_flow_run() runs: open @cards in order (up to
 * SCUP_FLOW_CARDS; NULL ends the list), unlock those that need it and check for Cancel,
 * then run the card operation (the PIN-pad prompt shows for each entry it waits for).
 * The operation is a libcard call on the first card (@card_op) or
 * on both cards in their order (@pair_op), or @op, which also reads the job's inputs or
 * sets its results.  @done: the outcome line, or NULL when @op sets it.  The strings are
 * marked with N_() and translated when shown. */
struct _ScupAction
{
  const char *name;        /* of the window action: "ca-init" -> win.ca-init */
  const char *title;       /* as in the menu */
  const char *explanation; /* NULL: no form, the job runs at once */
  const char *text1_label, *text2_label, *file_label; /* NULL: field hidden */
  const char *ok_label;
  gboolean descriptions; /* the text fields are card descriptions (length limit) */
  ScupFormCollect collect;
  ScupJobFunc func;
  const ScupCardNeed *cards[SCUP_FLOW_CARDS];
  gboolean (*card_op) (CardSession *card, GError **error);
  gboolean (*pair_op) (CardSession *first, CardSession *second, GError **error);
  gboolean (*op) (ScupJob *job, CardSession **cards, GError **error);
  const char *done;
  void (*on_success) (ScupJob *job);
};
/* Adds @actions (static, n_actions of them) to @window. */
void scup_actions_add (ScupWindow *window, const ScupAction *actions, gsize n_actions);
/* The actions of the CA and EP11 menus, in menu order (scup_*_actions_add() adds them). */
extern const ScupAction scup_ca_actions[];
extern const gsize scup_ca_n_actions;
extern const ScupAction scup_ep11_actions[];
extern const gsize scup_ep11_n_actions;

/* Asks "@question" with @detail, Yes/No, No by default; on Yes runs @job with @func. */
void scup_confirm_job (ScupJob *job, const char *question, const char *detail,
                       const char *yes_label, ScupJobFunc func);

/* ---- readers dialog ----------------------------------------------------------------- */

#define SCUP_TYPE_READERS_DIALOG (scup_readers_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScupReadersDialog, scup_readers_dialog, SCUP, READERS_DIALOG, GtkDialog)

ScupReadersDialog *scup_readers_dialog_new (ScupWindow *window, ScupApplication *app);

G_END_DECLS
