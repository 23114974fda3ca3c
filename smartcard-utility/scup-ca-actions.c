/* scup-ca-actions.c: the CA Smart Card menu.  The CA card is always in reader 1; a
 * backup target is in reader 2. */
#include "scup.h"

#include "opentke-common.h"

#include <glib/gi18n.h>
#include <string.h>

/* ---- inputs ------------------------------------------------------------------------- */

/* A crypto-unit root certificate file: the 331 bytes of docs/interfaces.md, raw or as
 * hex text. */
static GBytes *
load_root_certificate (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GString) hex = NULL;
  guint8 cert[CARD_CERT_SIZE];

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  if (len == CARD_CERT_SIZE)
    return g_bytes_new (contents, len);
  hex = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace (contents[i]))
      g_string_append_c (hex, contents[i]);
  if (hex->len != 2 * CARD_CERT_SIZE || !otk_hex_decode (hex->str, cert, sizeof cert))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _ ("%s is not a crypto-unit root certificate: it must hold the %d bytes of "
                      "the certificate, or them in hex."),
                   path, CARD_CERT_SIZE);
      return NULL;
    }
  return g_bytes_new (cert, sizeof cert);
}

static gboolean
collect_root (ScupFormDialog *form, ScupJob *job, gboolean required, GError **error)
{
  g_autofree char *path = scup_form_dialog_get_file (form);

  if (path == NULL)
    {
      if (required)
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     _ ("Choose the file of the crypto-unit root certificate."));
      return !required;
    }
  job->file = load_root_certificate (path, error);
  return job->file != NULL;
}

static gboolean
collect_initialize (ScupFormDialog *form, ScupJob *job, GError **error)
{
  if (job->text1[0] == '\0' || job->text2[0] == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _ ("Type a zone description and a CA card description."));
      return FALSE;
    }
  return collect_root (form, job, FALSE, error);
}

static gboolean
collect_required_root (ScupFormDialog *form, ScupJob *job, GError **error)
{
  return collect_root (form, job, TRUE, error);
}

/* ---- the cards the actions need ------------------------------------------------------ */

/* The personalized CA card in reader 1, whose two PINs the officers enter. */
static const ScupCardNeed personalized_ca = {
  SCUP_NEED_PERSONALIZED_CA (N_ ("The card in reader 1 is not a personalized CA smart card.")),
};

static const ScupCardNeed backup_target = {
  .reader = CARD_READER_2,
  .applet = CARD_APPLET_CA,
  .type = CARD_TYPE_BLANK,
  .wrong_type = N_ ("The card in reader 2 is not blank. Insert a blank card in reader 2."),
};

static const ScupCardNeed any_ca = {
  .reader = CARD_READER_1,
  .applet = CARD_APPLET_CA,
  .type = CARD_TYPE_CA,
  .wrong_type = N_ ("The card in reader 1 is not a CA smart card."),
};

/* ---- worker functions ---------------------------------------------------------------- */

static gboolean
initialize_ca (ScupJob *job, CardContext *ctx, GError **error)
{
  g_autoptr (CardSession) ca = scup_open_card (ctx, CARD_READER_1, CARD_APPLET_CA, error);
  g_autoptr (CardCaInfo) info = NULL;
  g_autofree char *zone = NULL;

  if (ca == NULL)
    return FALSE;
  if (card_session_get_card_type (ca) == CARD_TYPE_BLANK)
    {
      gsize roots_len = 0;
      const guint8 *roots = job->file ? g_bytes_get_data (job->file, &roots_len) : NULL;

      if (!card_ca_initialize (ca, job->text1, job->text2, roots, roots_len, error))
        return FALSE;
    }
  else if (card_session_get_card_type (ca) != CARD_TYPE_CA
           || card_session_get_card_state (ca) == CARD_STATE_PERSONALIZED
           || card_session_get_card_state (ca) == CARD_STATE_CA_BACKUP_TARGET)
    {
      /* A CA card whose PINs are not all set is finished instead. */
      g_set_error (error, CARD_ERROR, CARD_ERROR_NOT_BLANK,
                   _ ("The card in reader 1 is not blank. Insert a blank card in reader 1."));
      return FALSE;
    }
  if (!scup_job_check_cancelled (job, error))
    return FALSE;
  if (!card_ca_personalize (ca, error) || !card_ca_get_info (ca, &info, error))
    return FALSE;
  zone = otk_hex_encode (info->zone_id, sizeof info->zone_id);
  job->done_message = g_strdup_printf (_ ("The CA smart card of zone \"%s\" is ready (zone ID "
                                          "%s). Make a backup of it next."),
                                       info->zone_description, zone);
  return TRUE;
}

static gboolean
add_root (ScupJob *job, CardSession **cards, GError **error)
{
  return card_ca_add_trusted_root (cards[0], g_bytes_get_data (job->file, NULL), error);
}

/* ---- menu actions ------------------------------------------------------------------- */

const ScupAction scup_ca_actions[] = {
  { .name = "ca-init",
    .title = N_ ("Initialize and personalize CA smart card"),
    .explanation
    = N_ ("Insert a blank card in reader 1. The card makes the zone key of a new smart card "
          "zone; EP11 smart cards enrolled by it form the zone.\n\nThen set the two CA PINs on "
          "the PIN pad of reader 1, each entered twice. Both PINs are needed for every use of "
          "the CA card, and five wrong PINs block it for good, so give them to two different "
          "people.\n\nThe zone trusts the crypto-unit root certificate you choose (optional: "
          "add it later with Add trusted crypto-unit root)."),
    .text1_label = N_ ("_Zone description"),
    .text2_label = N_ ("CA card _description"),
    .file_label = N_ ("Crypto-unit _root certificate"),
    .ok_label = N_ ("_Initialize"),
    .descriptions = TRUE,
    .collect = collect_initialize,
    .func = initialize_ca },
  { .name = "ca-backup",
    .title = N_ ("Backup CA smart card"),
    .explanation
    = N_ ("Insert the CA smart card in reader 1 and a blank card in reader 2. You enter both "
          "CA PINs on the PIN pad of reader 1; the card in reader 2 becomes a CA smart card of "
          "the same zone, with the same PINs and descriptions."),
    .ok_label = N_ ("_Back up"),
    .cards = { &personalized_ca, &backup_target },
    .pair_op = card_ca_backup,
    .done = N_ ("The card in reader 2 is now a backup of the CA smart card: same zone, same PINs. "
                "Keep it in a safe place.") },
  { .name = "ca-display",
    .title = N_ ("Display CA smart card"),
    .cards = { &any_ca },
    .op = scup_show_card,
    .done = N_ ("The contents of the CA smart card in reader 1 are shown below.") },
  { .name = "ca-add-root",
    .title = N_ ("Add trusted crypto-unit root"),
    .explanation
    = N_ ("Insert the CA smart card in reader 1. The zone will trust crypto units whose "
          "importer keys chain to this root; you enter both CA PINs on the PIN pad of reader "
          "1."),
    .file_label = N_ ("Crypto-unit _root certificate"),
    .ok_label = N_ ("_Add root"),
    .collect = collect_required_root,
    .cards = { &personalized_ca },
    .op = add_root,
    .done = N_ ("The zone now trusts the crypto-unit root. EP11 smart cards enrolled from now on "
                "carry it.") },
};

const gsize scup_ca_n_actions = G_N_ELEMENTS (scup_ca_actions);

void
scup_ca_actions_add (ScupWindow *self)
{
  scup_actions_add (self, scup_ca_actions, scup_ca_n_actions);
}
