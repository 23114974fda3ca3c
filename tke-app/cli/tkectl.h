/* tkectl.h: what the files of tkectl share. */
#pragma once

#include <json-glib/json-glib.h>

#include "tke-core.h"

/* Options of one run (tkectl [options] VERB [verb options]). */
typedef struct
{
  gboolean json;   /* --output json */
  gboolean yes;    /* --yes: answers confirmations only */
  gboolean card;   /* --card: smart cards instead of key files */
  gboolean random; /* mk-add --random */
  gboolean value;  /* mk-add --value */
  char **args;     /* the verb's remaining arguments */
} TkectlOptions;

typedef struct
{
  TkectlOptions *opts;
  TkeWorkstation *ws;
  TkePrompter *prompter;
  TkeCeremony *ceremony; /* connected on first use */
  gboolean offline;      /* the verb needs no crypto unit */
} Tkectl;

/* The ceremony, connected to the target on first use. */
TkeCeremony *tkectl_ceremony (Tkectl *t, GError **error);

/* Listings: a JSON document or the vendor's tables on stdout. */
gboolean tkectl_list_units (Tkectl *t, GError **error);
gboolean tkectl_list_admins (Tkectl *t, GError **error);
gboolean tkectl_list_thresholds (Tkectl *t, GError **error);
gboolean tkectl_list_registers (Tkectl *t, GError **error);
gboolean tkectl_list_control_points (Tkectl *t, GError **error);
gboolean tkectl_compare (Tkectl *t, GError **error);
gboolean tkectl_list_keyfiles (Tkectl *t, CardKeyfileKind kind, GError **error);

/* Key storage of one unit (tkectl-keys.c). */
gboolean tkectl_key_create (Tkectl *t, GError **error);
gboolean tkectl_key_encrypt (Tkectl *t, GError **error);
gboolean tkectl_key_decrypt (Tkectl *t, GError **error);

/* Smart cards (tkectl-cards.c). */
gboolean tkectl_card_show (Tkectl *t, GError **error);
gboolean tkectl_ca_show (Tkectl *t, GError **error);
gboolean tkectl_ep11_show (Tkectl *t, GError **error);
gboolean tkectl_readers (Tkectl *t, GError **error);
gboolean tkectl_card_import (Tkectl *t, GError **error);

/* Prints @node as pretty JSON on stdout. */
void tkectl_print_json (JsonNode *node);
/* The builder's document, printed. */
void tkectl_print_builder (JsonBuilder *b);
/* One member of the current object (a NULL string is null). */
void tkectl_json_str (JsonBuilder *b, const char *member, const char *value);
void tkectl_json_int (JsonBuilder *b, const char *member, gint64 value);
void tkectl_json_bool (JsonBuilder *b, const char *member, gboolean value);
void tkectl_json_hex (JsonBuilder *b, const char *member, const guint8 *data, gsize len);
