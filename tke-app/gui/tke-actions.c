/* tke-actions.c: what each button and menu item of tke does: one ceremony core step,
 * run by tke_job_run() on the card queue.  Nothing here reimplements a step. */
#include "tke.h"

#include <glib/gi18n.h>

/* ---- steps (card queue thread) ------------------------------------------------------- */

#define STEP(name, call)                                                                           \
  static gboolean name (TkeJob *job, TkeCeremony *c, gpointer data, GError **error)                \
  {                                                                                                \
    return call;                                                                                   \
  }

STEP (step_add_units, tke_ceremony_select_units (c, TRUE, error))
STEP (step_remove_units, tke_ceremony_select_units (c, FALSE, error))
STEP (step_add_admin, tke_ceremony_admin_add (c, tke_job_uses_cards (job), error))
STEP (step_remove_admin, tke_ceremony_admin_remove (c, error))
STEP (step_thresholds, tke_ceremony_set_thresholds (c, error))
STEP (step_load, tke_ceremony_mk_load (c, tke_job_uses_cards (job), error))
STEP (step_commit, tke_ceremony_mk_commit (c, error))
STEP (step_set_immediate, tke_ceremony_mk_set_immediate (c, error))
STEP (step_clear_new, tke_ceremony_mk_clear_new (c, error))
STEP (step_clear_current, tke_ceremony_mk_clear_current (c, error))
STEP (step_rotate, tke_ceremony_mk_rotate (c, error))
STEP (step_zeroize, tke_ceremony_zeroize (c, error))
STEP (step_card_sigkey_gen, tke_ceremony_card_sigkey_gen (c, error))
STEP (step_card_mk_gen, tke_ceremony_card_mk_gen (c, error))
STEP (step_card_copy, tke_ceremony_card_copy (c, error))
STEP (step_sigkey_file, tke_ceremony_sigkey_add (c, error))
STEP (step_key_part_file, tke_ceremony_mk_add (c, FALSE, error))
STEP (step_select_sigkeys, tke_ceremony_sigkey_select (c, error))

static gboolean
step_set_selection (TkeJob *job, TkeCeremony *c, gpointer data, GError **error)
{
  GArray *nums = data;

  return tke_ceremony_set_selection (c, (const guint *)nums->data, nums->len, error);
}

static gboolean
step_compare (TkeJob *job, TkeCeremony *c, gpointer data, GError **error)
{
  g_autoptr (GPtrArray) states = tke_ceremony_get_selected_states (c, error);

  if (states == NULL)
    return FALSE;
  tke_job_set_result (job, tke_unit_states_differ (states)
                               ? _ ("The selected crypto units are configured differently: "
                                    "compare their administrators, thresholds and master key "
                                    "registers in the other tabs.")
                               : _ ("The selected crypto units are configured the same."));
  return TRUE;
}

/* Copy signature key file / Copy key part file: the file chosen here, copied by the core
 * to the EP11 card in reader 2 (the core asks the file's password and the card's PIN). */
static gboolean
step_copy_file (TkeJob *job, TkeCeremony *c, gpointer data, GError **error)
{
  CardKeyfileKind kind = GPOINTER_TO_INT (data);
  g_autoptr (GPtrArray) files = tke_ceremony_list_keyfiles (c, kind, error);
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) chosen = NULL;

  if (files == NULL)
    return FALSE;
  if (files->len == 0)
    {
      g_set_error_literal (error, TKE_ERROR, TKE_ERROR_NOT_FOUND,
                           kind == CARD_KEYFILE_SIGNATURE_KEY
                               ? _ ("There is no signature key file on this workstation.")
                               : _ ("There is no key part file on this workstation."));
      return FALSE;
    }
  for (guint i = 0; i < files->len; i++)
    {
      const CardKeyfile *kf = g_ptr_array_index (files, i);

      g_ptr_array_add (labels, g_strdup_printf ("%s  (%s)", card_keyfile_get_name (kf),
                                                card_keyfile_get_file_name (kf)));
    }
  chosen = tke_prompter_choose (tke_ceremony_get_prompter (c),
                                kind == CARD_KEYFILE_SIGNATURE_KEY
                                    ? _ ("Signature key file to copy to the smart card")
                                    : _ ("Key part file to copy to the smart card"),
                                (const char *const *)labels->pdata, labels->len, 1, 1, error);
  if (chosen == NULL)
    return FALSE;
  return tke_ceremony_card_import_file (
      c, card_keyfile_get_path (g_ptr_array_index (files, g_array_index (chosen, guint, 0))),
      error);
}

/* Display smart card: what the EP11 card in reader 2 holds (public contents only). */
static gboolean
step_display_card (TkeJob *job, TkeCeremony *c, gpointer data, GError **error)
{
  g_autoptr (CardSession) session
      = tke_ceremony_read_card (c, CARD_READER_2, CARD_APPLET_EP11, error);
  g_autoptr (CardEp11Info) info = NULL;
  g_autofree char *text = NULL;

  if (session == NULL || !card_ep11_get_info (session, &info, error))
    return FALSE;
  text = otk_card_format_ep11_info (info);
  tke_job_set_card_text (job, text);
  return TRUE;
}

/* ---- actions (main thread) ------------------------------------------------------------ */

typedef struct
{
  const char *action;
  const char *title; /* the button's label: the title of every prompt of the step */
  TkeStepFunc step;
  gpointer data;       /* for @step */
  const char *warning; /* above the confirmation, or NULL */
} StepAction;

/* Seed 003, "Activate the master key". */
#define SET_IMMEDIATE_WARNING                                                                      \
  N_ ("Perform this step only when you are setting up a service instance for the first time "      \
      "and the key storage is empty.  This command changes the value in the current master "       \
      "key register.  If key storage contains keys that are encrypted under a master key "         \
      "different from the one placed in the current master key register by this command, "         \
      "those keys become unusable.\n\nClick Yes only if you are ready to move the master key "     \
      "to the current master key register.  This action can't be reversed.")

static const StepAction step_actions[] = {
  { "generate-signature-key", N_ ("Generate signature key"), step_card_sigkey_gen },
  { "generate-key-part", N_ ("Generate key part"), step_card_mk_gen },
  { "copy-smart-card", N_ ("Copy smart card"), step_card_copy },
  { "copy-signature-key-file", N_ ("Copy signature key file"), step_copy_file,
    GINT_TO_POINTER (CARD_KEYFILE_SIGNATURE_KEY) },
  { "copy-key-part-file", N_ ("Copy key part file"), step_copy_file,
    GINT_TO_POINTER (CARD_KEYFILE_KEY_PART) },
  { "display-smart-card", N_ ("Display smart card"), step_display_card },
  { "add-crypto-units", N_ ("Add crypto units"), step_add_units },
  { "remove-crypto-units", N_ ("Remove crypto units"), step_remove_units },
  { "compare", N_ ("Compare"), step_compare },
  { "refresh-panel", N_ ("Refresh Panel"), NULL },
  { "add-administrator", N_ ("Add administrator"), step_add_admin },
  { "remove-administrator", N_ ("Remove Administrator"), step_remove_admin },
  { "change-signature-thresholds", N_ ("Change signature thresholds"), step_thresholds },
  { "load", N_ ("Load"), step_load },
  { "commit", N_ ("Commit"), step_commit },
  { "set-immediate", N_ ("Set immediate"), step_set_immediate, NULL, SET_IMMEDIATE_WARNING },
  { "clear-new", N_ ("Clear new"), step_clear_new },
  { "clear-current", N_ ("Clear current"), step_clear_current },
  { "rotate", N_ ("Rotate"), step_rotate },
  { "zeroize", N_ ("Zeroize crypto unit"), step_zeroize },
  { "create-signature-key-file", N_ ("Create signature key file"), step_sigkey_file },
  { "create-key-part-file", N_ ("Create key part file"), step_key_part_file },
  { "select-signature-keys", N_ ("Select signature key files"), step_select_sigkeys },
};

static void
on_step_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TkeWindow *self = user_data;
  const StepAction *entry = g_object_get_data (G_OBJECT (action), "tke-step");
  tke_job_run_with_warning (self, _ (entry->title),
                            entry->warning != NULL ? _ (entry->warning) : NULL, entry->step,
                            entry->data, NULL);
}

void
tke_window_set_selection (TkeWindow *self, GArray *nums)
{
  tke_job_run (self, _ ("Select crypto units"), step_set_selection, nums,
               (GDestroyNotify)g_array_unref);
}

static void
on_refresh_readers (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tke_window_refresh_readers (user_data);
}

static void
on_source_change (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  g_simple_action_set_state (action, value);
}

void
tke_window_add_step_actions (TkeWindow *self)
{
  const GActionEntry entries[] = {
    { "refresh-readers", on_refresh_readers, NULL, NULL, NULL, { 0 } },
    /* Seed 003 works with smart cards; key files (seed 002) are the other way. */
    { "source", NULL, "s", "'cards'", on_source_change, { 0 } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (step_actions); i++)
    {
      GSimpleAction *action = g_simple_action_new (step_actions[i].action, NULL);

      g_object_set_data (G_OBJECT (action), "tke-step", (gpointer)&step_actions[i]);
      g_signal_connect (action, "activate", G_CALLBACK (on_step_action), self);
      g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
      g_object_unref (action);
    }
}
