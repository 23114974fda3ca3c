/* applet-harness.h: drives the applets through the deck API, as a host would, for the
 * applet tests (test-applets.c, test-tearing.c). */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "secure.h"

#include "card.h"
#include "opentke-vdeck.h"

#define PIN_CA1  "111111"
#define PIN_CA2  "222222"
#define PIN_EP11 "123456"

typedef struct
{
  char *dir;
  otk_vdeck *deck;
  GPtrArray *wire;     /* every command and response (GBytes), when recording */
  gboolean allow_torn; /* apdu()/pinpad() return 0 and set torn when the card is pulled */
  gboolean torn;
  unsigned commands; /* command APDUs sent (GET RESPONSE and PIN-pad commands included) */
} Harness;

extern Harness H;
/* Two placeholder PIN blocks (format 2, no digits). */
extern const guint8 PLACEHOLDER[16];

/* First thing in main(): GTest, and no fdatasync (tearing is simulated by the deck's hook;
 * fdatasync only makes the suites slow). */
void harness_init (int *argc, char ***argv);
void harness_setup (void);
void harness_teardown (void);

/* Sends one command (extended length when the data needs it), follows 61xx with GET
 * RESPONSE; returns the SW and the data (may be NULL). */
guint16 apdu (int reader, guint8 cla, guint8 ins, guint8 p1, guint8 p2, const guint8 *data,
              gsize len, GByteArray **out);
/* A PIN-pad entry: queues @pins on the reader's pad, then builds the command with
 * placeholder blocks at the offsets (entries: 1 verify, 2 new, 3 change). */
guint16 pinpad (int reader, int entries, guint8 cla, guint8 ins, guint8 p1, guint8 p2,
                const guint8 *data, gsize len, guint16 off_old, guint16 off_new);
void queue_pins (int reader, const char *const *pins);

void insert_card (const char *name, int reader);
void select_ep11 (int reader);
void select_ca (int reader);

/* A personalized CA card @name in reader 1 trusting @roots (n certs of 331 bytes). */
void make_ca (const char *name, const guint8 *roots, gsize n_roots, guint8 zone_id[OTK_ID_LEN]);
void ca_login (int reader);
/* A personalized EP11 card @name in reader 2 enrolled with the CA card @ca (left in reader 1). */
void make_ep11 (const char *name, const char *ca);
/* The same, stopping before PERSONALIZE when @personalize is FALSE. */
void make_ep11_full (const char *name, const char *ca, gboolean personalize);
guint16 ep11_login (int reader, const char *pin);
/* Blank card @name in reader 2, INITIALIZE'd as EP11; the CA card @ca (reader 1) certifies it:
 * returns ENROL's data (device cert || zone cert || roots), not yet sent. */
GByteArray *ep11_enrol_data (const char *name, const char *ca);
/* The EP11 card in reader 2 (logged in) exports itself to EP11 card @target, which it reads the
 * device cert of in reader 1; returns EXPORT CARD's SW, the blob in *blob. */
guint16 ep11_export_card (const char *target, GByteArray **blob);
/* The CA card @ca (inserted in reader 1, logged in) authorizes the unblock of the EP11 card in
 * reader 2; returns AUTHORIZE UNBLOCK's SW and UNBLOCK's data in *body: signature || a
 * placeholder PIN block (offset OTK_SIG_LEN). */
guint16 ca_authorize_unblock (const char *ca, GByteArray **body);
/* Blank card @target (made here, reader 2) becomes a CA backup target; CA card "ca" (inserted in
 * reader 1, logged in) exports its backup to it: BACKUP IMPORT's data in *blob, not yet sent. */
void ca_backup_export (const char *target, GByteArray **blob);

/* Crypto-unit side for tests: a root, device and importer key with their certs. */
typedef struct
{
  guint8 root_priv[OTK_EC_PRIV_LEN], root_pub[OTK_EC_POINT_LEN], root_cert[OTK_CERT_LEN];
  guint8 dev_priv[OTK_EC_PRIV_LEN], dev_pub[OTK_EC_POINT_LEN], dev_cert[OTK_CERT_LEN];
  guint8 imp_priv[OTK_EC_PRIV_LEN], imp_pub[OTK_EC_POINT_LEN], imp_cert[OTK_CERT_LEN];
} UnitPki;
void unit_pki_make (UnitPki *pki);

/* Reads a card image's current state straight from its file (no RAM, no reader). */
void read_nv (const char *name, otk_card_nv *nv);
char *card_path (const char *name);
/* The bytes of a card image, and putting them back (the card must not be in a reader). */
GBytes *image_save (const char *name);
void image_restore (const char *name, GBytes *image);

void check_sw (guint16 got, guint16 want, const char *what);
#define assert_sw(got, want) check_sw ((got), (want), #got)
