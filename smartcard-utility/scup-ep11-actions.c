/* scup-ep11-actions.c: the EP11 Smart Card menu.  The EP11 card being set up is in
 * reader 2; the CA smart card of its zone, when needed, in reader 1. */
#include "scup.h"

#include "opentke-common.h"

#include <glib/gi18n.h>

/* ---- the cards the actions need ------------------------------------------------------ */

/* The personalized CA card of the zone in reader 1, whose two PINs the officers enter. */
static const ScupCardNeed zone_ca = {
  SCUP_NEED_PERSONALIZED_CA (N_ ("Reader 1 must hold the personalized CA smart card of the zone.")),
};

/* The fields every need of an EP11 card in reader 2 starts with. */
#define EP11_CARD                                                                                  \
  .reader = CARD_READER_2, .applet = CARD_APPLET_EP11, .type = CARD_TYPE_EP11,                     \
  .wrong_type = N_ ("The card in reader 2 is not an EP11 smart card.")

static const ScupCardNeed any_ep11 = { EP11_CARD };

static const ScupCardNeed blank_card = {
  .reader = CARD_READER_2,
  .applet = CARD_APPLET_EP11,
  .type = CARD_TYPE_BLANK,
  .wrong_type = N_ ("The card in reader 2 is not blank. Insert a blank card in reader 2 (Zeroize "
                    "EP11 smart card makes an EP11 card blank again)."),
};

static const ScupCardNeed enrolled_ep11 = {
  EP11_CARD,
  .state = CARD_STATE_ENROLLED,
  .state_code = CARD_ERROR_WRONG_CARD_TYPE,
  .too_early = N_ ("The EP11 smart card in reader 2 is not enrolled in a zone yet: use Initialize "
                   "and enroll EP11 smart card first."),
  .too_late = N_ ("The EP11 smart card in reader 2 is personalized already."),
};

static const ScupCardNeed personalized_ep11 = {
  EP11_CARD,
  .state = CARD_STATE_PERSONALIZED,
  .state_code = CARD_ERROR_NOT_PERSONALIZED,
  .too_early = N_ ("The EP11 smart card in reader 2 has no PIN yet: use Personalize EP11 smart "
                   "card first."),
};

/* ---- worker functions ---------------------------------------------------------------- */

static gboolean
enroll_ep11 (ScupJob *job, CardSession **cards, GError **error)
{
  return card_ca_enrol_ep11 (cards[1], cards[0], error);
}

static gboolean
personalize_ep11 (ScupJob *job, CardSession **cards, GError **error)
{
  if (!card_ep11_personalize (cards[0], job->text1, error))
    return FALSE;
  job->done_message = g_strdup_printf (_ ("The EP11 smart card \"%s\" is personalized and ready "
                                          "for the TKE application."),
                                       job->text1);
  return TRUE;
}

/* Reads what is on the card, so that the confirmation can name what will be lost. */
static gboolean
list_losses (ScupJob *job, CardSession **cards, GError **error)
{
  g_autoptr (CardEp11Info) info = NULL;
  GString *lost;

  if (!card_ep11_get_info (cards[0], &info, error))
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

/* The second step of Zeroize, once the officer said yes. */
static const ScupAction zeroize_confirmed = {
  .cards = { &any_ep11 },
  .card_op = card_ep11_zeroize,
  .done = N_ ("The card in reader 2 is zeroized: it is a blank card now."),
};

static void
confirm_zeroize (ScupJob *read_job)
{
  ScupJob *job = scup_job_new (read_job->window, read_job->title);

  job->action = &zeroize_confirmed;
  scup_confirm_job (job, _ ("Zeroize the EP11 smart card in reader 2? This cannot be undone."),
                    read_job->results, _ ("_Zeroize"), scup_card_flow_run);
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

const ScupAction scup_ep11_actions[] = {
  { .name = "ep11-init",
    .title = N_ ("Initialize and enroll EP11 smart card"),
    .explanation
    = N_ ("Insert the CA smart card of the zone in reader 1 and a blank card in reader 2. You "
          "enter both CA PINs on the PIN pad of reader 1; the card in reader 2 makes its device "
          "key and is enrolled in the CA card's zone."),
    .ok_label = N_ ("_Initialize and enroll"),
    .cards = { &blank_card, &zone_ca },
    .op = enroll_ep11,
    .done = N_ ("The card in reader 2 is now an EP11 smart card of the zone. Personalize it next: "
                "Personalize EP11 smart card.") },
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
    .cards = { &enrolled_ep11 },
    .op = personalize_ep11 },
  { .name = "ep11-unblock",
    .title = N_ ("Unblock EP11 smart card"),
    .explanation
    = N_ ("Insert the CA smart card of the card's zone in reader 1 and the blocked EP11 smart "
          "card in reader 2. You enter both CA PINs on the PIN pad of reader 1, then a new PIN "
          "for the EP11 card, twice, on the PIN pad of reader 2."),
    .ok_label = N_ ("_Unblock"),
    .cards = { &personalized_ep11, &zone_ca },
    .pair_op = card_ep11_unblock,
    .done = N_ ("The EP11 smart card in reader 2 is unblocked and has its new PIN.") },
  { .name = "ep11-change-pin",
    .title = N_ ("Change PIN"),
    .cards = { &personalized_ep11 },
    .card_op = card_ep11_change_pin,
    .done = N_ ("The PIN of the EP11 smart card in reader 2 is changed.") },
  { .name = "ep11-display",
    .title = N_ ("Display EP11 smart card"),
    .cards = { &any_ep11 },
    .op = scup_show_card,
    .done = N_ ("The contents of the EP11 smart card in reader 2 are shown below.") },
  /* Reads the card first so that the confirmation names what will be lost. */
  { .name = "ep11-zeroize",
    .title = N_ ("Zeroize EP11 smart card"),
    .cards = { &any_ep11 },
    .op = list_losses,
    .on_success = confirm_zeroize },
};

const gsize scup_ep11_n_actions = G_N_ELEMENTS (scup_ep11_actions);

void
scup_ep11_actions_add (ScupWindow *self)
{
  scup_actions_add (self, scup_ep11_actions, scup_ep11_n_actions);
}
