/* scup-card-flow.c: what the CA and EP11 actions do with their cards, written once: open
 * the cards an action needs and refuse the wrong ones, enter the PINs, and run the card
 * operation behind the PIN-pad prompt.  Runs on the card queue's thread. */
#include "scup.h"

#include <glib/gi18n.h>

CardSession *
scup_open_needed_card (CardContext *ctx, const ScupCardNeed *need, GError **error)
{
  g_autoptr (CardSession) card = scup_open_card (ctx, need->reader, need->applet, error);
  CardState state;

  if (card == NULL)
    return NULL;
  if (card_session_get_card_type (card) != need->type)
    {
      g_set_error_literal (error, CARD_ERROR,
                           need->type == CARD_TYPE_BLANK ? CARD_ERROR_NOT_BLANK
                                                         : CARD_ERROR_WRONG_CARD_TYPE,
                           _ (need->wrong_type));
      return NULL;
    }
  state = card_session_get_card_state (card);
  if (need->state_code != 0 && state != need->state)
    {
      const char *refusal
          = state > need->state && need->too_late != NULL ? need->too_late : need->too_early;

      g_set_error_literal (error, CARD_ERROR, need->state_code, _ (refusal));
      return NULL;
    }
  return g_steal_pointer (&card);
}

static gboolean
run_card_op (ScupJob *job, const ScupAction *action, CardSession **cards, GError **error)
{
  if (action->card_op != NULL)
    return action->card_op (cards[0], error);
  if (action->pair_op != NULL)
    return action->pair_op (cards[0], cards[1], error);
  return action->op (job, cards, error);
}

gboolean
scup_card_flow_run (ScupJob *job, CardContext *ctx, GError **error)
{
  const ScupAction *action = job->action;
  CardSession *cards[SCUP_FLOW_CARDS] = { NULL };
  gsize n = 0;
  gboolean ok = FALSE;

  for (; n < SCUP_FLOW_CARDS && action->cards[n] != NULL; n++)
    if ((cards[n] = scup_open_needed_card (ctx, action->cards[n], error)) == NULL)
      goto out;
  /* Only once every card is there: nobody types PINs for an action that cannot run. */
  for (gsize i = 0; i < n; i++)
    if (action->cards[i]->unlock
        && (!scup_unlock_card (job, cards[i], error) || !scup_job_check_cancelled (job, error)))
      goto out;
  ok = run_card_op (job, action, cards, error);
  if (ok && action->done != NULL)
    job->done_message = g_strdup (_ (action->done));
out:
  for (gsize i = 0; i < SCUP_FLOW_CARDS; i++)
    g_clear_pointer (&cards[i], card_session_close);
  return ok;
}

gboolean
scup_show_card (ScupJob *job, CardSession **cards, GError **error)
{
  g_autoptr (CardCaInfo) ca = NULL;
  g_autoptr (CardEp11Info) ep11 = NULL;

  if (card_session_get_card_type (cards[0]) == CARD_TYPE_CA)
    {
      if (card_ca_get_info (cards[0], &ca, error))
        job->results = otk_card_format_ca_info (ca);
    }
  else if (card_ep11_get_info (cards[0], &ep11, error))
    job->results = otk_card_format_ep11_info (ep11);
  return job->results != NULL;
}
