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
