/* tkectl: the command line of the key ceremony.  Its verbs mirror the
 * vendor's TKE CLI (seed 002); every prompt is answered one line at a time
 * on stdin (a terminal or not), secrets never come from arguments or the
 * environment, and the exit status is 0 only on success. */
#include "tkectl.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#if defined(__SANITIZE_ADDRESS__)
#define TKECTL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TKECTL_SANITIZED 1
#endif
#endif

typedef gboolean (*VerbFunc) (Tkectl *t, GError **error);

typedef struct
{
  const char *name;
  VerbFunc run;
  const char *help;
  gboolean offline; /* works without the service */
} Verb;

TkeCeremony *
tkectl_ceremony (Tkectl *t, GError **error)
{
  if (!t->ceremony)
    {
      t->ceremony = t->offline ? tke_ceremony_new_offline (t->ws, t->prompter)
                               : tke_ceremony_new (t->ws, t->prompter, error);
      if (t->ceremony)
        tke_ceremony_set_sign_with_cards (t->ceremony, t->opts->card);
    }
  return t->ceremony;
}

/* Verbs that only need the ceremony: one line each. */
#define CEREMONY_VERB(fn, call)                                                                    \
  static gboolean fn (Tkectl *t, GError **error)                                                   \
  {                                                                                                \
    TkeCeremony *c = tkectl_ceremony (t, error);                                                   \
    return c && (call);                                                                            \
  }

CEREMONY_VERB (verb_unit_add, tke_ceremony_select_units (c, TRUE, error))
CEREMONY_VERB (verb_unit_rm, tke_ceremony_select_units (c, FALSE, error))
CEREMONY_VERB (verb_admin_add, tke_ceremony_admin_add (c, t->opts->card, error))
CEREMONY_VERB (verb_admin_rm, tke_ceremony_admin_remove (c, error))
CEREMONY_VERB (verb_thrhld_set, tke_ceremony_set_thresholds (c, error))
CEREMONY_VERB (verb_mk_load, tke_ceremony_mk_load (c, t->opts->card, error))
CEREMONY_VERB (verb_mk_commit, tke_ceremony_mk_commit (c, error))
CEREMONY_VERB (verb_mk_setimm, tke_ceremony_mk_set_immediate (c, error))
CEREMONY_VERB (verb_mk_clrnew, tke_ceremony_mk_clear_new (c, error))
CEREMONY_VERB (verb_mk_clrcur, tke_ceremony_mk_clear_current (c, error))
CEREMONY_VERB (verb_mk_rotate, tke_ceremony_mk_rotate (c, error))
CEREMONY_VERB (verb_zeroize, tke_ceremony_zeroize (c, error))
CEREMONY_VERB (verb_sigkey_add, tke_ceremony_sigkey_add (c, error))
CEREMONY_VERB (verb_sigkey_sel, tke_ceremony_sigkey_select (c, error))
CEREMONY_VERB (verb_sigkey_rm, tke_ceremony_keyfile_remove (c, FALSE, error))
CEREMONY_VERB (verb_mk_rm, tke_ceremony_keyfile_remove (c, TRUE, error))
CEREMONY_VERB (verb_card_sigkey_gen, tke_ceremony_card_sigkey_gen (c, error))
CEREMONY_VERB (verb_card_mk_gen, tke_ceremony_card_mk_gen (c, error))
CEREMONY_VERB (verb_card_copy, tke_ceremony_card_copy (c, error))
CEREMONY_VERB (verb_ca_init, tke_ceremony_ca_init (c, error))
CEREMONY_VERB (verb_ca_backup, tke_ceremony_ca_backup (c, error))
CEREMONY_VERB (verb_ep11_init, tke_ceremony_ep11_init (c, error))
CEREMONY_VERB (verb_ep11_personalize, tke_ceremony_ep11_personalize (c, error))
CEREMONY_VERB (verb_ep11_unblock, tke_ceremony_ep11_unblock (c, error))
CEREMONY_VERB (verb_ep11_pin_change, tke_ceremony_ep11_pin_change (c, error))
CEREMONY_VERB (verb_card_zeroize, tke_ceremony_card_zeroize (c, error))
CEREMONY_VERB (verb_auto_init, tke_ceremony_auto_init (c, error))
CEREMONY_VERB (verb_auto_mk_rotate, tke_ceremony_auto_mk_rotate (c, error))
CEREMONY_VERB (verb_auto_recover, tke_ceremony_auto_recover (c, error))
CEREMONY_VERB (verb_failover_enable, tke_ceremony_failover_enable (c, error))

static gboolean
verb_units (Tkectl *t, GError **error)
{
  return tkectl_list_units (t, error);
}

static gboolean
verb_compare (Tkectl *t, GError **error)
{
  return tkectl_compare (t, error);
}

static gboolean
verb_admins (Tkectl *t, GError **error)
{
  return tkectl_list_admins (t, error);
}

static gboolean
verb_thrhlds (Tkectl *t, GError **error)
{
  return tkectl_list_thresholds (t, error);
}

static gboolean
verb_mk (Tkectl *t, GError **error)
{
  return tkectl_list_registers (t, error);
}

static gboolean
verb_sigkeys (Tkectl *t, GError **error)
{
  return tkectl_list_keyfiles (t, CARD_KEYFILE_SIGNATURE_KEY, error);
}

static gboolean
verb_mks (Tkectl *t, GError **error)
{
  return tkectl_list_keyfiles (t, CARD_KEYFILE_KEY_PART, error);
}

static gboolean
verb_mk_add (Tkectl *t, GError **error)
{
  TkeCeremony *c;

  if (t->opts->random == t->opts->value)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                           "mk-add needs exactly one of --random and --value");
      return FALSE;
    }
  c = tkectl_ceremony (t, error);
  return c && tke_ceremony_mk_add (c, t->opts->value, error);
}

/* cryptounit-cp: lists the control points; "cryptounit-cp enable|disable
 * NAME..." changes them (NAME: ec25519, btc, other-ecdsa). */
static gboolean
verb_cp (Tkectl *t, GError **error)
{
  static const struct
  {
    const char *name;
    CuControlPoint bit;
  } names[] = { { "ec25519", CU_CP_EC25519 },
                { "btc", CU_CP_BTC },
                { "other-ecdsa", CU_CP_OTHER_ECDSA } };
  char **args = t->opts->args;
  gboolean enable;
  g_autoptr (GPtrArray) states = NULL;
  TkeCeremony *c;
  guint32 mask;

  if (!args || !args[0])
    return tkectl_list_control_points (t, error);
  if (strcmp (args[0], "enable") != 0 && strcmp (args[0], "disable") != 0)
    {
      g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                   "cryptounit-cp takes \"enable\" or \"disable\", not \"%s\"", args[0]);
      return FALSE;
    }
  enable = strcmp (args[0], "enable") == 0;
  c = tkectl_ceremony (t, error);
  if (!c || !(states = tke_ceremony_get_selected_states (c, error)))
    return FALSE;
  if (tke_unit_states_differ (states))
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_UNITS_DIFFER,
                           "Crypto units are configured differently: select the units to change "
                           "one by one");
      return FALSE;
    }
  mask = ((CuUnitState *)g_ptr_array_index (states, 0))->control_points;
  for (guint i = 1; args[i]; i++)
    {
      guint j;
      for (j = 0; j < G_N_ELEMENTS (names); j++)
        if (strcmp (args[i], names[j].name) == 0)
          break;
      if (j == G_N_ELEMENTS (names))
        {
          g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                       "Unknown control point \"%s\" (ec25519, btc, other-ecdsa)", args[i]);
          return FALSE;
        }
      mask = enable ? mask | names[j].bit : mask & ~(guint32)names[j].bit;
    }
  return tke_ceremony_set_control_points (c, mask, error);
}

/* Prints the target: one URL as always; an instance split over zones with
 * one line per zone. */
static void
print_target (Tkectl *t)
{
  const char *const *urls = tke_workstation_get_target_urls (t->ws);
  const char *const *fps = tke_workstation_get_target_fingerprints (t->ws);
  guint n = urls ? g_strv_length ((char **)urls) : 0;

  if (t->opts->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      tkectl_json_str (b, "url", n ? urls[0] : NULL);
      tkectl_json_str (b, "credential_file",
                       n ? tke_workstation_get_target_credential_file (t->ws) : "");
      tkectl_json_str (b, "fingerprint", n && fps ? fps[0] : "");
      /* Every zone, in zone order (one entry for a target that is not split). */
      json_builder_set_member_name (b, "urls");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        json_builder_add_string_value (b, urls[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "fingerprints");
      json_builder_begin_array (b);
      for (guint i = 0; fps && i < n; i++)
        json_builder_add_string_value (b, fps[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      tkectl_print_builder (b);
    }
  else if (n == 1)
    g_print ("TARGET: %s\nCREDENTIAL FILE: %s\nFINGERPRINT: %s\n", urls[0],
             tke_workstation_get_target_credential_file (t->ws), fps ? fps[0] : "");
  else if (n > 1)
    {
      for (guint i = 0; i < n; i++)
        g_print ("TARGET: zone %u %s\n", i + 1, urls[i]);
      g_print ("CREDENTIAL FILE: %s\n", tke_workstation_get_target_credential_file (t->ws));
      for (guint i = 0; fps && i < n; i++)
        g_print ("FINGERPRINT: zone %u %s\n", i + 1, fps[i]);
    }
  else
    g_print ("TARGET: local service instance in %s\n",
             tke_workstation_get_local_service_dir (t->ws));
}

/* tkectl target: shows the target, or sets it (--url U --credential-file F
 * --fingerprint SHA256; an instance split over availability zones: one
 * --url and one --fingerprint per zone, in zone order), or "target --local"
 * goes back to the local one. */
static gboolean
verb_target (Tkectl *t, GError **error)
{
  char **args = t->opts->args;
  g_autoptr (GPtrArray) urls = g_ptr_array_new ();
  g_autoptr (GPtrArray) fps = g_ptr_array_new ();
  const char *cred = NULL;
  gboolean local = FALSE;

  for (guint i = 0; args && args[i]; i++)
    {
      GPtrArray *list = NULL;
      gboolean is_cred = strcmp (args[i], "--credential-file") == 0 && !cred;
      if (strcmp (args[i], "--local") == 0)
        {
          local = TRUE;
          continue;
        }
      if (strcmp (args[i], "--url") == 0)
        list = urls;
      else if (strcmp (args[i], "--fingerprint") == 0)
        list = fps;
      if ((!list && !is_cred) || !args[i + 1])
        {
          g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT, "target: unexpected \"%s\"",
                       args[i]);
          return FALSE;
        }
      if (list)
        g_ptr_array_add (list, args[++i]);
      else
        cred = args[++i];
    }
  if (local)
    tke_workstation_set_target (t->ws, NULL, NULL, NULL);
  else if (urls->len || cred || fps->len)
    {
      g_autofree char *abs_cred = NULL;
      gboolean ok = urls->len > 0 && urls->len <= CU_MAX_ZONES && cred;

      for (guint i = 0; ok && i < urls->len; i++)
        ok = g_str_has_prefix (g_ptr_array_index (urls, i), "https://");
      for (guint i = 0; ok && i < fps->len; i++)
        ok = strlen (g_ptr_array_index (fps, i)) == 64;
      if (!ok)
        {
          g_set_error_literal (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                               "target needs --url https://HOST:PORT, --credential-file FILE "
                               "and --fingerprint with the 64 hex digits of the server's SHA-256 "
                               "(an instance split over availability zones: one --url and one "
                               "--fingerprint per zone, at most 3, in zone order)");
          return FALSE;
        }
      if (fps->len != urls->len)
        {
          g_set_error (error, TKE_ERROR, TKE_ERROR_INVALID_INPUT,
                       "target: %u --url but %u --fingerprint: give one fingerprint per URL, "
                       "in the same zone order",
                       urls->len, fps->len);
          return FALSE;
        }
      g_ptr_array_add (urls, NULL);
      g_ptr_array_add (fps, NULL);
      abs_cred = g_canonicalize_filename (cred, NULL);
      if (!tke_workstation_set_target_zones (t->ws, (const char *const *)urls->pdata, abs_cred,
                                             (const char *const *)fps->pdata, error))
        return FALSE;
    }
  if ((local || urls->len) && !tke_workstation_save (t->ws, error))
    return FALSE;
  print_target (t);
  return TRUE;
}

static gboolean verb_help (Tkectl *t, GError **error);

static const Verb verbs[] = {
  { "cryptounits", verb_units, "list the service instances and crypto units" },
  { "cryptounit-add", verb_unit_add, "add crypto units to the selection" },
  { "cryptounit-rm", verb_unit_rm, "remove crypto units from the selection" },
  { "cryptounit-compare", verb_compare, "compare the configuration of the selected units" },
  { "cryptounit-admins", verb_admins, "list the administrators of the selected units" },
  { "cryptounit-admin-add", verb_admin_add, "add an administrator (--card: from reader 1)" },
  { "cryptounit-admin-rm", verb_admin_rm, "remove an administrator" },
  { "cryptounit-thrhld-set", verb_thrhld_set, "set the signature thresholds" },
  { "cryptounit-thrhlds", verb_thrhlds, "list the signature thresholds" },
  { "cryptounit-mk", verb_mk, "list the master key registers" },
  { "cryptounit-mk-load", verb_mk_load, "load the new master key register from 2 or 3 parts" },
  { "cryptounit-mk-commit", verb_mk_commit, "commit the new master key register" },
  { "cryptounit-mk-setimm", verb_mk_setimm, "move the new master key register to current" },
  { "cryptounit-mk-clrnew", verb_mk_clrnew, "clear the new master key register" },
  { "cryptounit-mk-clrcur", verb_mk_clrcur, "clear the current master key register" },
  { "cryptounit-mk-rotate", verb_mk_rotate, "re-encipher key storage and set the new key" },
  { "cryptounit-zeroize", verb_zeroize, "zeroize the selected units (back to imprint mode)" },
  { "cryptounit-cp", verb_cp, "list control points, or: cryptounit-cp enable|disable NAME..." },
  { "mks", verb_mks, "list the master key part files", TRUE },
  { "mk-add", verb_mk_add, "create a key part file (--random or --value)", TRUE },
  { "mk-rm", verb_mk_rm, "delete a key part file", TRUE },
  { "sigkeys", verb_sigkeys, "list the signature key files", TRUE },
  { "sigkey-add", verb_sigkey_add, "create a signature key file", TRUE },
  { "sigkey-sel", verb_sigkey_sel, "select the signature keys that sign commands", TRUE },
  { "sigkey-rm", verb_sigkey_rm, "delete a signature key file", TRUE },
  { "auto-init", verb_auto_init, "admins, thresholds and a master key from a recovery unit" },
  { "auto-mk-rotate", verb_auto_mk_rotate, "rotate to a new master key from a recovery unit" },
  { "auto-recover", verb_auto_recover, "copy the master key of a recovery unit to the others" },
  { "failover-enable", verb_failover_enable,
    "give the failover units the admins, thresholds and master key" },
  { "target", verb_target,
    "show or set the service: --url U --credential-file F "
    "--fingerprint SHA256, or --local",
    TRUE },
  { "card-sigkey-gen", verb_card_sigkey_gen,
    "generate a signature key on the EP11 card in reader 2", TRUE },
  { "card-mk-gen", verb_card_mk_gen, "generate a key part on the EP11 card in reader 2", TRUE },
  { "card-copy", verb_card_copy, "copy the EP11 card in reader 1 to the card in reader 2", TRUE },
  { "card-sigkey-import", tkectl_card_import, "copy a signature key file to the card in reader 2",
    TRUE },
  { "card-mk-import", tkectl_card_import, "copy a key part file to the card in reader 2", TRUE },
  { "card-show", tkectl_card_show, "show the card in reader 2 (--reader 1: reader 1)", TRUE },
  { "ca-init", verb_ca_init, "make the blank card in reader 2 a CA card (new zone)" },
  { "ca-backup", verb_ca_backup, "back up the CA card in reader 1 to the blank card in reader 2",
    TRUE },
  { "ca-show", tkectl_ca_show, "show the CA card in reader 2", TRUE },
  { "ep11-init", verb_ep11_init, "enrol the blank card in reader 2 with the CA card in reader 1",
    TRUE },
  { "ep11-personalize", verb_ep11_personalize, "set the PIN and description of an EP11 card",
    TRUE },
  { "ep11-unblock", verb_ep11_unblock, "unblock the EP11 card in reader 2 with the CA card", TRUE },
  { "ep11-pin-change", verb_ep11_pin_change, "change the PIN of the EP11 card in reader 2", TRUE },
  { "ep11-show", tkectl_ep11_show, "show the EP11 card in reader 2", TRUE },
  { "card-zeroize", verb_card_zeroize, "erase the EP11 card in reader 2", TRUE },
  { "readers", tkectl_readers, "list the smart card readers", TRUE },
  { "key-create", tkectl_key_create, "create a key in a unit's key storage: key-create UNIT" },
  { "key-encrypt", tkectl_key_encrypt, "encrypt a line of stdin: key-encrypt UNIT KEY_ID" },
  { "key-decrypt", tkectl_key_decrypt, "decrypt: key-decrypt UNIT KEY_ID HEX" },
  { "help", verb_help, "this list", TRUE },
};

static gboolean
verb_help (Tkectl *t, GError **error)
{
  g_print ("Usage: tkectl [--output json] [--yes] [--card] VERB [ARGS]\n\n"
           "Prompts are answered on stdin, one line each; passwords are never arguments.\n"
           "--yes answers confirmations only.  --output json on listing verbs.\n\nVerbs:\n");
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    g_print ("  %-24s %s\n", verbs[i].name, verbs[i].help);
  return TRUE;
}

/* Global options anywhere on the line; the first other word is the verb and
 * the rest are its arguments.  Returns FALSE on a usage error. */
static gboolean
parse_args (int argc, char **argv, TkectlOptions *opts, const char **verb_name)
{
  g_autoptr (GPtrArray) rest = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const char *format = NULL;

      if (strcmp (a, "--yes") == 0 || strcmp (a, "-y") == 0)
        opts->yes = TRUE;
      else if (strcmp (a, "--card") == 0)
        opts->card = TRUE;
      else if (strcmp (a, "--random") == 0)
        opts->random = TRUE;
      else if (strcmp (a, "--value") == 0)
        opts->value = TRUE;
      else if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        *verb_name = "help";
      else if (strcmp (a, "--output") == 0 || strcmp (a, "-o") == 0)
        {
          if (++i == argc)
            return FALSE;
          format = argv[i];
        }
      else if (g_str_has_prefix (a, "--output="))
        format = a + strlen ("--output=");
      else if (!*verb_name)
        *verb_name = a;
      else
        g_ptr_array_add (rest, g_strdup (a));
      if (format)
        {
          if (strcmp (format, "json") != 0 && strcmp (format, "text") != 0)
            return FALSE;
          opts->json = strcmp (format, "json") == 0;
        }
    }
  g_ptr_array_add (rest, NULL);
  opts->args = (char **)g_ptr_array_free (g_steal_pointer (&rest), FALSE);
  return TRUE;
}

int
main (int argc, char **argv)
{
  TkectlOptions opts = { 0 };
  Tkectl t = { .opts = &opts };
  g_autoptr (GError) error = NULL;
  const char *verb_name = NULL;
  const Verb *verb = NULL;
  int status = 1;

  setlocale (LC_ALL, "");
  /* Passwords and key parts pass through this process: no core dumps.  Not
   * in AddressSanitizer builds, whose leak check at exit must attach to the
   * process's threads and cannot when it is not dumpable. */
#if !defined(TKECTL_SANITIZED)
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif

  if (!parse_args (argc, argv, &opts, &verb_name) || !verb_name)
    {
      verb_help (&t, NULL);
      g_strfreev (opts.args);
      return 2;
    }
  for (guint i = 0; i < G_N_ELEMENTS (verbs) && !verb; i++)
    if (strcmp (verbs[i].name, verb_name) == 0)
      verb = &verbs[i];
  if (!verb)
    {
      g_printerr ("tkectl: unknown verb \"%s\"; \"tkectl help\" lists them\n", verb_name);
      g_strfreev (opts.args);
      return 2;
    }

  t.offline = verb->offline;
  t.prompter = tke_prompter_new_terminal (stdin, stderr);
  t.prompter->assume_yes = opts.yes;
  t.ws = tke_workstation_open (NULL, &error);
  if (t.ws && verb->run (&t, &error))
    status = 0;
  if (error)
    g_printerr ("tkectl %s: FAILED: %s\n", verb->name, error->message);

  g_clear_pointer (&t.ceremony, tke_ceremony_free);
  g_clear_pointer (&t.ws, tke_workstation_free);
  g_clear_pointer (&t.prompter, tke_prompter_free);
  g_strfreev (opts.args);
  return status;
}
