/* tke.h: what the files of the TKE application (the GUI of seed 003) share.
 *
 *   TkeApplication  owns the card queue (one worker thread) and the card context;
 *   TkeWindow       the five tabs, the menu, the reader status and the activity log;
 *   TkeJob          one ceremony step run on the card queue with a GTK prompter;
 *   TkeSnapshot     what the tables show, read on the worker after every step;
 *   tke_gtk_prompter_new  the ceremony core's prompter as GTK dialogs.
 *
 * The main thread never calls libcard or the crypto units: every step and every
 * refresh runs on the card queue, and the prompter marshals each question to the
 * main thread and waits for the answer.
 */
#pragma once

#include <gtk/gtk.h>

#include "opentke-card.h"
#include "otk-widgets.h"
#include "tke-core.h"

G_BEGIN_DECLS

/* Seconds the PIN pad waits for each entry; the PIN-pad prompt counts them down. */
#define TKE_PIN_TIMEOUT_S 60

/* ---- application ------------------------------------------------------------------- */

#define TKE_TYPE_APPLICATION (tke_application_get_type ())
G_DECLARE_FINAL_TYPE (TkeApplication, tke_application, TKE, APPLICATION, GtkApplication)

/* Real readers or the virtual card deck, as @options (from the command line) say. */
TkeApplication *tke_application_new_for (const OtkWorkstationOptions *options);
OtkCardQueue *tke_application_get_queue (TkeApplication *self);
/* The card context (created on first use).  Card queue thread only. */
CardContext *tke_application_get_context (TkeApplication *self, GError **error);
/* Card queue thread: the saved reader roles, host PIN entry policy and PIN timeout
 * (org.opentke settings) on @ctx: the app's own context and each ceremony's. */
void tke_application_apply_settings (TkeApplication *self, CardContext *ctx);
/* Main thread: cancels the step in progress, hides every window and quits (the main
 * window's close button, SIGTERM, SIGINT). */
void tke_application_quit (TkeApplication *self);

/* ---- snapshot of the tables -------------------------------------------------------- */

typedef struct
{
  guint num;
  char *instance;
  char *unit_id;
  CuUnitKind kind;
  char *location;
  gboolean selected;
} TkeUnitRow;

typedef struct
{
  guint num; /* CRYPTO UNIT NUM */
  CuUnitState *state;
} TkeUnitStateRow;

typedef struct
{
  GPtrArray *units;    /* TkeUnitRow*, every unit listed */
  GPtrArray *states;   /* TkeUnitStateRow*, the selected units */
  GError *state_error; /* why the states could not be read (none selected, ...) */
} TkeSnapshot;

/* Reads the units and the states of the selected ones through @c (worker thread). */
TkeSnapshot *tke_snapshot_read (TkeCeremony *c);
void tke_snapshot_free (TkeSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TkeSnapshot, tke_snapshot_free)
/* "Empty", "Full uncommitted", "Full committed"; "Valid", "Empty". */
const char *tke_new_register_state_label (CuNewRegisterState state);
const char *tke_current_register_state_label (CuCurrentRegisterState state);

/* ---- window ------------------------------------------------------------------------ */

#define TKE_TYPE_WINDOW (tke_window_get_type ())
G_DECLARE_FINAL_TYPE (TkeWindow, tke_window, TKE, WINDOW, GtkApplicationWindow)

TkeWindow *tke_window_new (TkeApplication *app);
/* The window is busy from the start to the end of a step: tabs and menu are off.
 * The cancellable is cancelled when the window goes (owned by the window). */
GCancellable *tke_window_begin_step (TkeWindow *self, const char *title);
void tke_window_end_step (TkeWindow *self);
/* Cancels the step in progress, if any: its prompts give up (quitting). */
void tke_window_cancel_step (TkeWindow *self);
gboolean tke_window_is_busy (TkeWindow *self);
/* The text of the Smart card tab (Display smart card). */
void tke_window_set_card_text (TkeWindow *self, const char *text);
/* Fills the four tables from @snapshot. */
void tke_window_show_snapshot (TkeWindow *self, const TkeSnapshot *snapshot);
/* A line in the activity log at the bottom of the window. */
void tke_window_log (TkeWindow *self, const char *text);
/* TRUE: commands are signed and admins and key parts come from smart cards (seed 003);
 * FALSE: from key files (seed 002). */
gboolean tke_window_get_use_cards (TkeWindow *self);
void tke_window_refresh_readers (TkeWindow *self);
/* The status area of reader 1 and 2, for prompts about a reader; NULL once the window
 * is going. */
OtkReaderStatus *tke_window_get_reader_status (TkeWindow *self);

/* Adds the actions of the buttons and menus (tke-actions.c). */
void tke_window_add_step_actions (TkeWindow *self);
/* Selects exactly the units @nums (CRYPTO UNIT NUMs; the array is taken). */
void tke_window_set_selection (TkeWindow *self, GArray *nums);

/* ---- jobs -------------------------------------------------------------------------- */

typedef struct _TkeJob TkeJob;

/* One step: runs on the card queue thread with a fresh ceremony. */
typedef gboolean (*TkeStepFunc) (TkeJob *job, TkeCeremony *c, gpointer data, GError **error);

/* Runs @step (NULL: only refresh the tables) on the card queue; the window is busy
 * until it ends, then shows the new states and, on failure, a dialog with the reason. */
void tke_job_run (TkeWindow *window, const char *title, TkeStepFunc step, gpointer data,
                  GDestroyNotify data_free);
/* The same with @warning (may be NULL) above the step's confirmation. */
void tke_job_run_with_warning (TkeWindow *window, const char *title, const char *warning,
                               TkeStepFunc step, gpointer data, GDestroyNotify data_free);
/* From @step: a text shown in a dialog when the step has ended (Compare). */
void tke_job_set_result (TkeJob *job, const char *text);
/* From @step: what the card holds, for the box of the Smart card tab. */
void tke_job_set_card_text (TkeJob *job, const char *text);
/* From @step: TRUE when admins, key parts and signatures come from smart cards. */
gboolean tke_job_uses_cards (TkeJob *job);
/* From @step: the job's window may not be used; the application's card context may. */
CardContext *tke_job_get_context (TkeJob *job, GError **error);

/* ---- the prompt dialogs of a step (composite templates) ---------------------------- */

/* Every prompt dialog: titled @title over @parent, @title in bold in @heading. */
void tke_dialog_set_step (GtkWindow *dialog, GtkLabel *heading, GtkWindow *parent,
                          const char *title);

#define TKE_TYPE_QUESTION_DIALOG (tke_question_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TkeQuestionDialog, tke_question_dialog, TKE, QUESTION_DIALOG, GtkDialog)
/* A text or, with @secret, a password; Cancel and OK (the default). */
TkeQuestionDialog *tke_question_dialog_new (GtkWindow *parent, const char *title,
                                            const char *question, gboolean secret);
/* The text typed (the caller wipes it); the entry is emptied. */
char *tke_question_dialog_take_answer (TkeQuestionDialog *self);

#define TKE_TYPE_CHOOSE_DIALOG (tke_choose_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TkeChooseDialog, tke_choose_dialog, TKE, CHOOSE_DIALOG, GtkDialog)
/* @min to @max of @items, ticked or typed as numbers separated by spaces. */
TkeChooseDialog *tke_choose_dialog_new (GtkWindow *parent, const char *title, const char *question,
                                        const char *const *items, guint n_items, guint min,
                                        guint max);
/* TRUE when @min to @max items are chosen; else FALSE, and the dialog says how many. */
gboolean tke_choose_dialog_check (TkeChooseDialog *self);
/* The indexes chosen, in the order they were chosen. */
GArray *tke_choose_dialog_get_chosen (TkeChooseDialog *self);

#define TKE_TYPE_CONFIRM_DIALOG (tke_confirm_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TkeConfirmDialog, tke_confirm_dialog, TKE, CONFIRM_DIALOG, GtkDialog)
/* @warning (may be NULL) above @question; No (the default, GTK_RESPONSE_NO) and Yes. */
TkeConfirmDialog *tke_confirm_dialog_new (GtkWindow *parent, const char *title, const char *warning,
                                          const char *question);

#define TKE_TYPE_CARD_DIALOG (tke_card_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TkeCardDialog, tke_card_dialog, TKE, CARD_DIALOG, GtkDialog)
/* Insert (or remove) the card @what (may be NULL) in @reader; Cancel, and Continue only
 * when the reader is not @watched (the step then goes on when the person says so). */
TkeCardDialog *tke_card_dialog_new (GtkWindow *parent, const char *title, guint reader,
                                    gboolean insert, const char *what, gboolean watched);
/* What the reader holds now ("Reader 2: No smart card inserted"). */
void tke_card_dialog_set_reader_state (TkeCardDialog *self, const char *state);

#define TKE_TYPE_PROGRESS_DIALOG (tke_progress_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TkeProgressDialog, tke_progress_dialog, TKE, PROGRESS_DIALOG, GtkDialog)
TkeProgressDialog *tke_progress_dialog_new (GtkWindow *parent, const char *title);
/* @what the step does now; @done of @total (0: not known, the bar pulses). */
void tke_progress_dialog_set (TkeProgressDialog *self, const char *what, guint done, guint total);

/* ---- GTK prompter ------------------------------------------------------------------ */

/* The prompter of one job: questions become dialogs titled @title; @warning (may be
 * NULL) is shown above every confirmation.  Questions become dialogs over @parent on the main
 * thread; the calling (worker) thread waits for the answer.  @ctx (may be NULL) lets the "insert a
 * card" prompt go on by itself when the card arrives; it is used from the calling thread only.
 * @pin_prompt (may be NULL; must outlive the prompter) is told what each PIN-pad entry is for.
 * @cancellable ends every wait with TKE_ERROR_CANCELLED.  Freeing the prompter closes the progress
 * and PIN-pad windows it opened. */
TkePrompter *tke_gtk_prompter_new (TkeWindow *parent, const char *title, const char *warning,
                                   CardContext *ctx, OtkPinPrompt *pin_prompt,
                                   GCancellable *cancellable);
/* The ceremony's own card context, once it has one (from the calling thread): the prompts
 * then watch the readers through it, and the status area can show a card the step unlocked
 * as unlocked (only the context that unlocked a card knows it). */
void tke_gtk_prompter_use_cards (TkePrompter *prompter, CardContext *cards);

/* tke-stall-meter.c: with OPENTKE_STALL_REPORT=FILE, the longest main-loop stall of the
 * whole run is appended to FILE at quit (bench/tke-startup/ceremony-stall.sh). */
void tke_stall_meter_start_from_env (GApplication *app);

G_END_DECLS
