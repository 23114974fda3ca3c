/* scup-ep11-actions.c: the EP11 Smart Card menu.  The EP11 card being set up is in
 * reader 2; the CA smart card of its zone, when needed, in reader 1. */
#include "scup.h"

#include "opentke-common.h"

#include <glib/gi18n.h>

/* ---- worker functions ---------------------------------------------------------------- */

/* The EP11 card in reader 2, which must be in @state (or any EP11 state when -1). */
static CardSession *
open_ep11_card (CardContext *ctx, int state, GError **error)
{
  g_autoptr (CardSession) ep11 = scup_open_card (ctx, CARD_READER_2, CARD_APPLET_EP11, error);

  if (ep11 == NULL)
    return NULL;
  if (card_session_get_card_type (ep11) != CARD_TYPE_EP11)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   _ ("The card in reader 2 is not an EP11 smart card."));
      return NULL;
    }
  if (state == CARD_STATE_ENROLLED && card_session_get_card_state (ep11) != CARD_STATE_ENROLLED)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   card_session_get_card_state (ep11) == CARD_STATE_PERSONALIZED
                       ? _ ("The EP11 smart card in reader 2 is personalized already.")
                       : _ ("The EP11 smart card in reader 2 is not enrolled in a zone yet: "
                            "use Initialize and enroll EP11 smart card first."));
      return NULL;
    }
  if (state == CARD_STATE_PERSONALIZED
      && card_session_get_card_state (ep11) != CARD_STATE_PERSONALIZED)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NOT_PERSONALIZED,
                   _ ("The EP11 smart card in reader 2 has no PIN yet: use Personalize EP11 "
                      "smart card first."));
      return NULL;
    }
  return g_steal_pointer (&ep11);
}

/* The personalized CA card of the zone in reader 1, unlocked. */
static CardSession *
open_unlocked_ca_card (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ca = scup_open_card (ctx, CARD_READER_1, CARD_APPLET_CA, error);

  if (ca == NULL)
    return NULL;
  if (card_session_get_card_type (ca) != CARD_TYPE_CA
      || card_session_get_card_state (ca) != CARD_STATE_PERSONALIZED)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   _ ("Reader 1 must hold the personalized CA smart card of the zone."));
      return NULL;
    }
  if (!scup_unlock_card (job, ca, error))
    return NULL;
  return g_steal_pointer (&ca);
}

static gboolean
enroll_ep11 (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ep11 = scup_open_card (ctx, CARD_READER_2, CARD_APPLET_EP11, error);
  g_autoptr (CardSession) ca = NULL;

  if (ep11 == NULL)
    return FALSE;
  if (card_session_get_card_type (ep11) != CARD_TYPE_BLANK)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NOT_BLANK,
                   _ ("The card in reader 2 is not blank. Insert a blank card in reader 2 (Zeroize "
                      "EP11 smart card makes an EP11 card blank again)."));
      return FALSE;
    }
  ca = open_unlocked_ca_card (job, ctx, error);
  if (ca == NULL || !scup_job_check_cancelled (job, error) || !card_ca_enrol_ep11 (ca, ep11, error))
    return FALSE;
  job->done_message = g_strdup (_ ("The card in reader 2 is now an EP11 smart card of the "
                                   "zone. Personalize it next: Personalize EP11 smart card."));
  return TRUE;
}

static gboolean
personalize_ep11 (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ep11 = open_ep11_card (ctx, CARD_STATE_ENROLLED, error);
  gboolean ok;

  if (ep11 == NULL)
    return FALSE;
  scup_job_pin_prompt_begin (job, CARD_READER_2,
                             _ ("Set the PIN of the EP11 smart card: six digits, then the same "
                                "six digits again."));
  ok = card_ep11_personalize (ep11, job->text1, error);
  scup_job_pin_prompt_end (job);
  if (ok)
    job->done_message = g_strdup_printf (_ ("The EP11 smart card \"%s\" is personalized and "
                                            "ready for the TKE application."),
                                         job->text1);
  return ok;
}

static gboolean
unblock_ep11 (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ep11 = open_ep11_card (ctx, CARD_STATE_PERSONALIZED, error);
  g_autoptr (CardSession) ca = NULL;
  gboolean ok;

  if (ep11 == NULL)
    return FALSE;
  ca = open_unlocked_ca_card (job, ctx, error);
  if (ca == NULL || !scup_job_check_cancelled (job, error))
    return FALSE;
  scup_job_pin_prompt_begin (job, CARD_READER_2,
                             _ ("Set a new PIN for the EP11 smart card: six digits, then the "
                                "same six digits again."));
  ok = card_ep11_unblock (ep11, ca, error);
  scup_job_pin_prompt_end (job);
  if (ok)
    job->done_message = g_strdup (_ ("The EP11 smart card in reader 2 is unblocked and has its "
                                     "new PIN."));
  return ok;
}

static gboolean
change_pin (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ep11 = open_ep11_card (ctx, CARD_STATE_PERSONALIZED, error);
  gboolean ok;

  if (ep11 == NULL)
    return FALSE;
  scup_job_pin_prompt_begin (job, CARD_READER_2,
                             _ ("Enter the current PIN, then the new PIN, then the new PIN "
                                "again."));
  ok = card_ep11_change_pin (ep11, error);
  scup_job_pin_prompt_end (job);
  if (ok)
    job->done_message = g_strdup (_ ("The PIN of the EP11 smart card in reader 2 is changed."));
  return ok;
}

static gboolean
display_ep11 (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ep11 = open_ep11_card (ctx, -1, error);
  g_autoptr (CardEp11Info) info = NULL;

  if (ep11 == NULL || !card_ep11_get_info (ep11, &info, error))
    return FALSE;
  job->results = otk_card_format_ep11_info (info);
  job->done_message = g_strdup (_ ("The contents of the EP11 smart card in reader 2 are shown "
                                   "below."));
  return TRUE;
}

static gboolean
zeroize_ep11 (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ep11 = open_ep11_card (ctx, -1, error);

  if (ep11 == NULL || !card_ep11_zeroize (ep11, error))
    return FALSE;
  job->done_message = g_strdup (_ ("The card in reader 2 is zeroized: it is a blank card now."));
  return TRUE;
}

/* Reads what is on the card, so that the confirmation can name what will be lost. */
static gboolean
read_before_zeroize (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ep11 = open_ep11_card (ctx, -1, error);
  g_autoptr (CardEp11Info) info = NULL;
  GString *lost;

  if (ep11 == NULL || !card_ep11_get_info (ep11, &info, error))
    return FALSE;
  lost = g_string_new (NULL);
  g_string_append_printf (lost, _ ("Card \"%s\" in reader 2.\n"),
                          info->description && info->description[0] ? info->description
                                                                    : _ ("(no description)"));
  if (info->admin_name != NULL)
    g_string_append_printf (lost, _ ("The signature key of administrator \"%s\" will be lost.\n"),
                            info->admin_name);
  if (info->key_parts != NULL && info->key_parts->len > 0)
    {
      g_string_append_printf (lost,
                              g_dngettext (GETTEXT_PACKAGE, "%u master key part will be lost:\n",
                                           "%u master key parts will be lost:\n",
                                           info->key_parts->len),
                              info->key_parts->len);
      for (guint i = 0; i < info->key_parts->len; i++)
        {
          const CardKeyPartInfo *part = g_ptr_array_index (info->key_parts, i);

          g_string_append_printf (lost, "  %u. %s\n", part->index, part->description);
        }
    }
  g_string_append (lost, _ ("The card's PIN and its enrolment in the zone will be lost. Unless "
                            "these keys are on a backup card, they are gone for good."));
  job->results = g_string_free (lost, FALSE);
  return TRUE;
}

static void
confirm_zeroize (ScupJob *read_job)
{
  ScupJob *job = scup_job_new (read_job->window, read_job->title);

  scup_confirm_job (job, _ ("Zeroize the EP11 smart card in reader 2? This cannot be undone."),
                    read_job->results, _ ("_Zeroize"), zeroize_ep11);
}

static gboolean
collect_description (ScupFormDialog *form, ScupJob *job, GError **error)
{
  if (job->text1[0] != '\0')
    return TRUE;
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
               _ ("Type a description for the card, for example the name of its holder."));
  return FALSE;
}

/* ---- menu actions ------------------------------------------------------------------- */

static const ScupAction ep11_actions[] = {
  { .name = "ep11-init",
    .title = N_ ("Initialize and enroll EP11 smart card"),
    .explanation
    = N_ ("Insert the CA smart card of the zone in reader 1 and a blank card in reader 2. You "
          "enter both CA PINs on the PIN pad of reader 1; the card in reader 2 makes its device "
          "key and is enrolled in the CA card's zone."),
    .ok_label = N_ ("_Initialize and enroll"),
    .func = enroll_ep11 },
  { .name = "ep11-personalize",
    .title = N_ ("Personalize EP11 smart card"),
    .explanation
    = N_ ("Insert the enrolled EP11 smart card in reader 2. You set its PIN on the PIN pad of "
          "reader 2: six digits, entered twice. Three wrong PINs block the card until it is "
          "unblocked with the CA smart card of its zone."),
    .text1_label = N_ ("Card _description"),
    .ok_label = N_ ("_Personalize"),
    .descriptions = TRUE,
    .collect = collect_description,
    .func = personalize_ep11 },
  { .name = "ep11-unblock",
    .title = N_ ("Unblock EP11 smart card"),
    .explanation
    = N_ ("Insert the CA smart card of the card's zone in reader 1 and the blocked EP11 smart "
          "card in reader 2. You enter both CA PINs on the PIN pad of reader 1, then a new PIN "
          "for the EP11 card, twice, on the PIN pad of reader 2."),
    .ok_label = N_ ("_Unblock"),
    .func = unblock_ep11 },
  { .name = "ep11-change-pin", .title = N_ ("Change PIN"), .func = change_pin },
  { .name = "ep11-display", .title = N_ ("Display EP11 smart card"), .func = display_ep11 },
  /* Reads the card first so that the confirmation names what will be lost. */
  { .name = "ep11-zeroize",
    .title = N_ ("Zeroize EP11 smart card"),
    .func = read_before_zeroize,
    .on_success = confirm_zeroize },
};

void
scup_ep11_actions_add (ScupWindow *self)
{
  scup_actions_add (self, ep11_actions, G_N_ELEMENTS (ep11_actions));
}
