/* tke-core.h: the one public header of the ceremony core (DESIGN.md §6).
 *
 * The ceremony core implements each step of the key ceremony once, for the
 * TKE application, tkectl and the tests.  It joins libcard and libcrypto-unit
 * and talks to the person at the workstation only through a TkePrompter:
 * "insert a card", "enter the PIN on the PIN pad", "choose", "password",
 * "confirm", progress and messages.  Three prompters implement it: GTK
 * dialogs (in the TKE application), the terminal (tkectl) and a scripted
 * one for tests.
 *
 * Every function that fails sets a GError in the TKE_ERROR domain (or passes
 * on a CARD_ERROR / CU_ERROR from the layer below) whose message is written
 * for the security officer.
 */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <stdio.h>

#include "opentke-common.h"

G_BEGIN_DECLS

/* ---- errors ------------------------------------------------------------- */

#define TKE_ERROR (tke_error_quark ())
GQuark tke_error_quark (void);

typedef enum
{
  /* workstation: state files, key file directory, configuration */
  TKE_ERROR_WORKSTATION = 1, /* the workstation state cannot be read or written */
  TKE_ERROR_CONFIG,          /* the target or a setting is invalid */

  /* user action: what the person at the workstation answered */
  TKE_ERROR_CANCELLED = 100, /* the user said no, or stdin ended */
  TKE_ERROR_INVALID_INPUT,   /* an answer that is not one of the choices */
  TKE_ERROR_PASSWORD_MISMATCH,
  TKE_ERROR_PASSWORD_TOO_SHORT,

  /* ceremony rules checked before anything is sent */
  TKE_ERROR_NO_UNITS_SELECTED = 200,
  TKE_ERROR_NO_SIGNATURE_KEYS, /* not enough selected signature keys for the threshold */
  TKE_ERROR_WRONG_PART_COUNT,  /* a master key takes 2 or 3 key parts */
  TKE_ERROR_NOT_FOUND,         /* no such key file, unit or key part */
  TKE_ERROR_UNITS_DIFFER,      /* the selected units are configured differently */
  TKE_ERROR_PARTIAL,           /* the step succeeded on some units and failed on others */
  TKE_ERROR_UNSUPPORTED,       /* not available with this service or card backend */
} TkeError;

/* ---- prompter ------------------------------------------------------------ */

typedef struct _TkePrompter TkePrompter;

typedef enum
{
  TKE_MESSAGE_INFO,
  TKE_MESSAGE_WARNING,
} TkeMessageKind;

/* What a front end implements.  Every function may block; the GTK prompter
 * runs them on the main thread while the ceremony runs on a worker. */
typedef struct
{
  /* One line of text (admin name, description, numbers).  NULL with
   * TKE_ERROR_CANCELLED when the user gives up or the input ends. */
  char *(*ask_text) (TkePrompter *self, const char *question, GError **error);
  /* A password or other secret, never echoed. */
  OtkSecretStr *(*ask_secret) (TkePrompter *self, const char *question, GError **error);
  /* Pick among @items (@n of them): indexes into @items, in the order chosen,
   * at least @min and at most @max of them, distinct. */
  GArray *(*choose) (TkePrompter *self, const char *question, const char *const *items, guint n,
                     guint min, guint max, GError **error);
  /* Something that cannot be undone: TRUE to go on, FALSE (no error) to stop. */
  gboolean (*confirm) (TkePrompter *self, const char *question, GError **error);
  /* Insert a card (@insert) or remove it from reader @reader (1 or 2);
   * returns when the user says it is done. */
  gboolean (*card) (TkePrompter *self, guint reader, gboolean insert, const char *what,
                    GError **error);
  /* Notification only: the PIN is typed on the PIN pad, never on the host. */
  void (*pin_pad) (TkePrompter *self, guint reader, const char *what);
  /* @done of @total steps of @what (total 0: unknown). */
  void (*progress) (TkePrompter *self, const char *what, guint done, guint total);
  void (*message) (TkePrompter *self, TkeMessageKind kind, const char *text);
  void (*free) (TkePrompter *self);
} TkePrompterVTable;

/* The common head of every prompter; implementations embed it first. */
struct _TkePrompter
{
  const TkePrompterVTable *vtable;
  gboolean assume_yes; /* --yes: answers confirmations, nothing else */
};

void tke_prompter_free (TkePrompter *prompter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TkePrompter, tke_prompter_free)

char *tke_prompter_ask_text (TkePrompter *p, const char *question, GError **error);
OtkSecretStr *tke_prompter_ask_secret (TkePrompter *p, const char *question, GError **error);
/* A new password: asked twice, at least @min_len characters; a mismatch or
 * a short password is asked again up to three times, then refused. */
OtkSecretStr *tke_prompter_ask_new_password (TkePrompter *p, const char *what, gsize min_len,
                                             GError **error);
/* A whole number in @min..@max. */
gboolean tke_prompter_ask_number (TkePrompter *p, const char *question, guint min, guint max,
                                  guint *out, GError **error);
GArray *tke_prompter_choose (TkePrompter *p, const char *question, const char *const *items,
                             guint n, guint min, guint max, GError **error);
/* FALSE with TKE_ERROR_CANCELLED when the user says no. */
gboolean tke_prompter_confirm (TkePrompter *p, const char *question, GError **error);
gboolean tke_prompter_card (TkePrompter *p, guint reader, gboolean insert, const char *what,
                            GError **error);
void tke_prompter_pin_pad (TkePrompter *p, guint reader, const char *what);
void tke_prompter_progress (TkePrompter *p, const char *what, guint done, guint total);
void tke_prompter_info (TkePrompter *p, const char *format, ...) G_GNUC_PRINTF (2, 3);
void tke_prompter_warning (TkePrompter *p, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* The terminal prompter of tkectl: questions on @out (stderr when NULL),
 * answers one line per prompt from @in (stdin when NULL) whether or not it is
 * a terminal; no echo of secrets on a terminal.  Messages go to @out. */
TkePrompter *tke_prompter_new_terminal (FILE *in, FILE *out);

/* The scripted prompter of tests: answers from @answers, one per prompt, in
 * order (copied).  Every question and message is appended to a transcript. */
TkePrompter *tke_prompter_new_scripted (const char *const *answers);
/* The transcript so far, one prompt or message per line (owned by @p). */
const char *tke_prompter_scripted_get_transcript (TkePrompter *p);
/* How many answers were not used. */
guint tke_prompter_scripted_get_unused (TkePrompter *p);

G_END_DECLS

G_BEGIN_DECLS

/* ---- workstation --------------------------------------------------------- */

/* The workstation: where the key files are, which service the ceremony talks
 * to, which crypto units and signature keys are selected.  State lives in
 * $XDG_DATA_HOME/opentke/ (workstation.ini, mode 0600), key files in
 * $CLOUDTKEFILES or $XDG_DATA_HOME/opentke/keyfiles (mode 0700), the local
 * service instance in $XDG_DATA_HOME/opentke/local. */
typedef struct _TkeWorkstation TkeWorkstation;

/* @data_dir NULL: $XDG_DATA_HOME/opentke.  Creates the folders (0700). */
TkeWorkstation *tke_workstation_open (const char *data_dir, GError **error);
void tke_workstation_free (TkeWorkstation *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TkeWorkstation, tke_workstation_free)
/* Writes the state (atomically, mode 0600). */
gboolean tke_workstation_save (TkeWorkstation *ws, GError **error);

const char *tke_workstation_get_data_dir (TkeWorkstation *ws);
const char *tke_workstation_get_keyfile_dir (TkeWorkstation *ws);
const char *tke_workstation_get_local_service_dir (TkeWorkstation *ws);

/* Selected crypto units, as "INSTANCE/UNIT" keys (see tke_unit_key()). */
char **tke_workstation_get_selected_units (TkeWorkstation *ws);
void tke_workstation_set_selected_units (TkeWorkstation *ws, const char *const *units);
/* Signature key files selected to sign commands (file names in the key file folder). */
char **tke_workstation_get_signing_keys (TkeWorkstation *ws);
void tke_workstation_set_signing_keys (TkeWorkstation *ws, const char *const *files);

/* The service: NULL url means the local embedded instance. */
const char *tke_workstation_get_target_url (TkeWorkstation *ws);
const char *tke_workstation_get_target_credential_file (TkeWorkstation *ws);
const char *tke_workstation_get_target_fingerprint (TkeWorkstation *ws);
/* @url NULL goes back to the local instance (the other two are then ignored). */
void tke_workstation_set_target (TkeWorkstation *ws, const char *url, const char *credential_file,
                                 const char *fingerprint);

G_END_DECLS
