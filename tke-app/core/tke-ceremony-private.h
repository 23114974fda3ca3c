/* tke-ceremony-private.h: what the step files of the ceremony core share. */
#pragma once

#include "tke-core.h"

#include "opentke-card.h"

/* An unlocked signature key, for the length of one ceremony (one tkectl verb):
 * a key file opened with its password, or the EP11 card in reader 1 after
 * its PIN was entered. */
typedef struct
{
  char *label; /* admin name and where the key is, for messages */
  guint8 ski[CU_SKI_LEN];
  CardKeyfileKey *file_key; /* or NULL */
  CardSession *card;        /* or NULL */
} TkeSigner;

struct _TkeCeremony
{
  TkeWorkstation *ws;
  TkePrompter *prompter;
  GPtrArray *clients; /* CuClient*, one per service instance */
  GPtrArray *units;   /* TkeUnit* */
  gboolean sign_with_cards;
  GPtrArray *signers; /* TkeSigner*, unlocked so far */
  TkeStats stats;
  CardContext *cards;     /* opened on first use */
  TkeSigner *card_signer; /* the unlocked EP11 card in reader 1, or NULL */
};

/* Adds @needed signatures of distinct administrators of the unit in @state
 * to @cmd, unlocking signature keys as needed (passwords or cards). */
gboolean tke_ceremony_sign (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state,
                            CuCommand *cmd, guint needed, GError **error);

/* Builds the command for one unit; @state is its current state. */
typedef CuCommand *(*TkeBuildFunc) (TkeCeremony *c, const TkeUnit *unit, const CuUnitState *state,
                                    gpointer data, GError **error);

/* Runs one signed command on every selected unit: builds it, signs it as the
 * rules of DESIGN.md §2 require, sends it and reports each unit's outcome
 * through the prompter.  FALSE when any unit failed (TKE_ERROR_PARTIAL when
 * some succeeded).  @results (may be NULL) gets TkeUnitResult*. */
gboolean tke_ceremony_run (TkeCeremony *c, const char *what, CuCommandCode code,
                           guint new_threshold, TkeBuildFunc build, gpointer data,
                           GPtrArray **results, GError **error);

void tke_signer_free (TkeSigner *s);

/* Asks for the password of @kf and opens it; one attempt. */
CardKeyfileKey *tke_ceremony_unlock_keyfile (TkeCeremony *c, const CardKeyfile *kf, GError **error);
/* The crypto-unit root certificate of @unit's instance, as pinned on this
 * workstation when it first talked to the instance (a different one is
 * refused: the service is not the one the zone trusts). */
GBytes *tke_ceremony_get_pinned_root (TkeCeremony *c, const TkeUnit *unit, GError **error);

/* Card steps (tke-cards.c). */
gboolean tke_ceremony_admin_from_card (TkeCeremony *c, char *name, gsize name_size,
                                       guint8 point[CU_POINT_LEN], GError **error);
gboolean tke_ceremony_mk_load_from_cards (TkeCeremony *c, GError **error);

/* One unit's command while a step collects its signatures. */
typedef struct
{
  const TkeUnit *unit;
  CuUnitState *state;
  CuCommand *cmd;
  guint needed;
  guint done;
  guint8 signed_by[CU_MAX_SIGNATURES][CU_SKI_LEN]; /* SKIs of the first @done signers */
  GError *error;
} TkeJob;

/* Signatures from EP11 cards in reader 1 for every job that still needs
 * some: each card inserted signs every command it can, so a PIN is entered
 * once per card insertion. */
gboolean tke_ceremony_sign_jobs_with_cards (TkeCeremony *c, GPtrArray *jobs, GError **error);

/* A session with the card in reader @role, asking for it when the reader is
 * empty (@what says which card). */
CardSession *tke_ceremony_open_card (TkeCeremony *c, guint role, CardApplet applet,
                                     const char *what, GError **error);
/* Asks for the card in reader @role to be removed and waits until it is. */
gboolean tke_ceremony_remove_card (TkeCeremony *c, guint role, const char *what, GError **error);
/* The EP11 PIN on the PIN pad of the card's reader, unless already entered. */
gboolean tke_ceremony_ep11_pin (TkeCeremony *c, CardSession *s, const char *what, GError **error);

/* Shows @files (CardKeyfile*) numbered and asks for @min..@max of them. */
GArray *tke_ceremony_choose_keyfiles (TkeCeremony *c, GPtrArray *files, const char *question,
                                      guint min, guint max, GError **error);
/* The signature key already opened in this ceremony with @ski, or NULL. */
TkeSigner *tke_ceremony_find_signer (TkeCeremony *c, const guint8 ski[CU_SKI_LEN]);
/* Opens a signature key file (asking its password) and keeps it open for the
 * rest of the ceremony; the key stays owned by @c. */
const CardKeyfileKey *tke_ceremony_open_signature_keyfile (TkeCeremony *c, const CardKeyfile *kf,
                                                           GError **error);
/* Is @ski an administrator in @state? */
gboolean tke_unit_state_has_admin (const CuUnitState *state, const guint8 ski[CU_SKI_LEN]);
