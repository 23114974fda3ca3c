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
#include "opentke-card.h"
#include "opentke-crypto-unit.h"

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
/* What a test does when asked for a card (@answer: the next answer, e.g. the
 * name of the card to insert) and when a PIN is to be typed on a PIN pad. */
typedef void (*TkeScriptedCardFunc) (guint reader, gboolean insert, const char *answer,
                                     gpointer data);
typedef void (*TkeScriptedPinFunc) (guint reader, const char *what, gpointer data);
void tke_prompter_scripted_set_hooks (TkePrompter *p, TkeScriptedCardFunc card,
                                      TkeScriptedPinFunc pin, gpointer data);

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

/* SHA-256 (64 hex digits) of the crypto-unit root certificate of @instance
 * at @url (NULL: local) as first seen from this workstation, or NULL. */
char *tke_workstation_get_pinned_root (TkeWorkstation *ws, const char *url, const char *instance);
void tke_workstation_set_pinned_root (TkeWorkstation *ws, const char *url, const char *instance,
                                      const char *sha256_hex);

/* The service: NULL url means the local embedded instance.  An instance
 * split over availability zones has one URL (and fingerprint) per zone, in
 * zone order; the single getters give zone 1's. */
const char *tke_workstation_get_target_url (TkeWorkstation *ws);
const char *tke_workstation_get_target_credential_file (TkeWorkstation *ws);
const char *tke_workstation_get_target_fingerprint (TkeWorkstation *ws);
/* NULL-terminated, owned by @ws; NULL for the local instance (URLs) or when
 * no fingerprint is configured. */
const char *const *tke_workstation_get_target_urls (TkeWorkstation *ws);
const char *const *tke_workstation_get_target_fingerprints (TkeWorkstation *ws);
/* @url NULL goes back to the local instance (the other two are then ignored). */
void tke_workstation_set_target (TkeWorkstation *ws, const char *url, const char *credential_file,
                                 const char *fingerprint);
/* 1..3 @urls (NULL or empty: the local instance) and as many @fingerprints
 * (or none); TKE_ERROR_CONFIG when the counts do not fit. */
gboolean tke_workstation_set_target_zones (TkeWorkstation *ws, const char *const *urls,
                                           const char *credential_file,
                                           const char *const *fingerprints, GError **error);

G_END_DECLS

G_BEGIN_DECLS

/* ---- the ceremony: service, units, signing --------------------------------- */

typedef struct _TkeCeremony TkeCeremony;

/* A crypto unit as the cryptounits table shows it. */
typedef struct
{
  guint num; /* CRYPTO UNIT NUM: 1, 2, ... over every instance listed */
  char *instance;
  char unit_id[CU_UNIT_ID_HEX_LEN + 1];
  CuUnitKind kind;
  guint index;
  char *location;
  gboolean selected;
} TkeUnit;

/* "OPERATIONAL", "FAILOVER", "RECOVERY". */
const char *tke_unit_kind_to_string (CuUnitKind kind);
/* "INSTANCE/UNIT-ID": how the workstation remembers a selected unit. */
char *tke_unit_key (const TkeUnit *unit);

/* Connects to the workstation's target (the local embedded instance, created
 * on first use, or cryptounitd) and lists its units.  @ws and @prompter are
 * borrowed and must outlive the ceremony. */
TkeCeremony *tke_ceremony_new (TkeWorkstation *ws, TkePrompter *prompter, GError **error);
/* Without the service: for the steps that need no crypto unit (key files,
 * cards other than ca-init), so that they work on an offline workstation. */
TkeCeremony *tke_ceremony_new_offline (TkeWorkstation *ws, TkePrompter *prompter);
void tke_ceremony_free (TkeCeremony *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TkeCeremony, tke_ceremony_free)

TkeWorkstation *tke_ceremony_get_workstation (TkeCeremony *c);
TkePrompter *tke_ceremony_get_prompter (TkeCeremony *c);
/* The client of @unit's service instance (owned by @c). */
CuClient *tke_ceremony_get_client (TkeCeremony *c, const TkeUnit *unit);
/* Every unit of every instance (TkeUnit*, owned by @c). */
GPtrArray *tke_ceremony_get_units (TkeCeremony *c);
/* The selected units (TkeUnit*, owned by @c; free the array). */
GPtrArray *tke_ceremony_get_selected_units (TkeCeremony *c);

/* cryptounit-add / cryptounit-rm: asks for unit numbers and saves the
 * selection.  Warns when an instance ends up with only some units selected. */
gboolean tke_ceremony_select_units (TkeCeremony *c, gboolean add, GError **error);
/* Sets the selection to exactly @nums (CRYPTO UNIT NUMs). */
gboolean tke_ceremony_set_selection (TkeCeremony *c, const guint *nums, guint n, GError **error);

/* The state of each selected unit, in selection order (CuUnitState*, g_free).
 * Refuses with TKE_ERROR_NO_UNITS_SELECTED when none is selected. */
GPtrArray *tke_ceremony_get_selected_states (TkeCeremony *c, GError **error);
/* TRUE when the states differ in anything the compare shows (thresholds,
 * admins, registers, control points). */
gboolean tke_unit_states_differ (GPtrArray *states);

/* How commands are signed: with the signature key files selected by
 * sigkey-sel (default), or with EP11 cards in reader 1. */
void tke_ceremony_set_sign_with_cards (TkeCeremony *c, gboolean cards);

/* What the ceremony did so far, for the bench and the status line. */
typedef struct
{
  guint signatures;  /* signatures added to commands */
  guint pin_entries; /* PINs typed on a PIN pad (a new PIN and its confirmation: 2) */
  guint apdus;       /* command APDUs sent to cards */
  guint commands;    /* signed commands sent to units */
} TkeStats;
void tke_ceremony_get_stats (TkeCeremony *c, TkeStats *stats);

/* Result of one step on one unit. */
typedef struct
{
  guint num; /* CRYPTO UNIT NUM */
  char unit_id[CU_UNIT_ID_HEX_LEN + 1];
  GError *error; /* NULL: done */
} TkeUnitResult;
void tke_unit_result_free (TkeUnitResult *r);

/* ---- key files (seed 002) -------------------------------------------------- */

/* sigkey-add: asks the admin name and a new password (twice). */
gboolean tke_ceremony_sigkey_add (TkeCeremony *c, GError **error);
/* sigkey-sel: chooses the signature key files that sign later commands;
 * each password is checked now (and asked again when signing). */
gboolean tke_ceremony_sigkey_select (TkeCeremony *c, GError **error);
/* sigkey-rm / mk-rm: chooses one file, confirms, wipes and deletes it. */
gboolean tke_ceremony_keyfile_remove (TkeCeremony *c, gboolean key_part, GError **error);
/* mk-add: a random key part, or one typed in hex (@value, asked as a secret). */
gboolean tke_ceremony_mk_add (TkeCeremony *c, gboolean value, GError **error);
/* The key files of @kind (CardKeyfile*), oldest first: sigkeys, mks. */
GPtrArray *tke_ceremony_list_keyfiles (TkeCeremony *c, CardKeyfileKind kind, GError **error);

/* ---- administrators and thresholds ----------------------------------------- */

/* cryptounit-admin-add: the admin from a signature key file (chosen, with
 * its password) or from the EP11 card in reader 1 (@from_card). */
gboolean tke_ceremony_admin_add (TkeCeremony *c, gboolean from_card, GError **error);
/* cryptounit-admin-rm: chooses among the admins of the selected units. */
gboolean tke_ceremony_admin_remove (TkeCeremony *c, GError **error);
/* cryptounit-thrhld-set: asks both thresholds (1..8). */
gboolean tke_ceremony_set_thresholds (TkeCeremony *c, GError **error);
/* cryptounit-cp: sets the control point mask (CuControlPoint). */
gboolean tke_ceremony_set_control_points (TkeCeremony *c, guint32 mask, GError **error);

/* ---- master key registers --------------------------------------------------- */

/* cryptounit-mk-load: 2 or 3 key parts from key files (chosen, with their
 * passwords) or from cards in reader 2 (@from_cards). */
gboolean tke_ceremony_mk_load (TkeCeremony *c, gboolean from_cards, GError **error);
gboolean tke_ceremony_mk_commit (TkeCeremony *c, GError **error);
/* set immediate, clear new, clear current, rotate, zeroize: each asks for
 * confirmation first. */
gboolean tke_ceremony_mk_set_immediate (TkeCeremony *c, GError **error);
gboolean tke_ceremony_mk_clear_new (TkeCeremony *c, GError **error);
gboolean tke_ceremony_mk_clear_current (TkeCeremony *c, GError **error);
gboolean tke_ceremony_mk_rotate (TkeCeremony *c, GError **error);
gboolean tke_ceremony_zeroize (TkeCeremony *c, GError **error);

/* ---- recovery units (seed 004) ---------------------------------------------- */

/* auto-init: admins from chosen signature key files, thresholds, then a
 * random master key made in recovery unit 1 and copied encrypted to every
 * unit of the selected instance. */
gboolean tke_ceremony_auto_init (TkeCeremony *c, GError **error);
/* auto-mk-rotate: a new random master key from a recovery unit, rotated in. */
gboolean tke_ceremony_auto_mk_rotate (TkeCeremony *c, GError **error);
/* auto-recover: the current master key of a recovery unit copied to units
 * whose current register is empty or different. */
gboolean tke_ceremony_auto_recover (TkeCeremony *c, GError **error);
/* failover-enable: the failover units of the selected instance get the
 * administrators and thresholds of its operational units, then the current
 * master key from recovery unit 1. */
gboolean tke_ceremony_failover_enable (TkeCeremony *c, GError **error);

/* ---- smart cards (seed 003; reader 2: the card set up, reader 1: the CA card or
 * the source card) -------------------------------------------------------------- */

/* The card readers (virtual deck with OPENTKE_CARD_BACKEND=virtual, else PC/SC). */
CardContext *tke_ceremony_cards (TkeCeremony *c, GError **error);
/* A session with the card in reader @role (asked for when the reader is empty). */
CardSession *tke_ceremony_read_card (TkeCeremony *c, guint role, CardApplet applet, GError **error);
gboolean tke_ceremony_card_sigkey_gen (TkeCeremony *c, GError **error);
gboolean tke_ceremony_card_mk_gen (TkeCeremony *c, GError **error);
gboolean tke_ceremony_card_copy (TkeCeremony *c, GError **error);
/* A signature key file or key part file copied to the EP11 card in reader 2. */
gboolean tke_ceremony_card_import_file (TkeCeremony *c, const char *path, GError **error);
gboolean tke_ceremony_ca_init (TkeCeremony *c, GError **error);
gboolean tke_ceremony_ca_backup (TkeCeremony *c, GError **error);
gboolean tke_ceremony_ep11_init (TkeCeremony *c, GError **error);
gboolean tke_ceremony_ep11_personalize (TkeCeremony *c, GError **error);
gboolean tke_ceremony_ep11_unblock (TkeCeremony *c, GError **error);
gboolean tke_ceremony_ep11_pin_change (TkeCeremony *c, GError **error);
gboolean tke_ceremony_card_zeroize (TkeCeremony *c, GError **error);

G_END_DECLS
