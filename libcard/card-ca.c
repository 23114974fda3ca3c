/* card-ca.c: the CA card operations (docs/card-protocol.md §7 and §10). */
#include "card-private.h"

#include <string.h>

enum
{
  INS_INITIALIZE = 0x10,
  INS_PERSONALIZE = 0x14,
  INS_ENROL_CARD = 0x20,
  INS_AUTHORIZE_UNBLOCK = 0x22,
  INS_ADD_TRUSTED_ROOT = 0x24,
  INS_BACKUP_EXPORT = 0x28,
  INS_BACKUP_IMPORT = 0x2A,
  INS_GET_INFO = 0x30,
  INS_GET_CERTIFICATES = 0x34,
  INS_VERIFY = 0x20,
  P1_BACKUP_TARGET = 0x01,
  PIN1 = 0x81,
  PIN2 = 0x82,
};

static gboolean
ca_command (CardSession *ca, CardOp op, guint8 ins, guint8 p1, const guint8 *data, gsize len,
            gsize want, CardResponse *resp, GError **error)
{
  return card_session_app_command (ca, CARD_APPLET_CA, op, ins, p1, data, len, want, resp, error);
}

gboolean
card_ca_initialize (CardSession *ca, const char *zone_description, const char *card_description,
                    const guint8 *roots, gsize roots_len, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();
  CardResponse resp = { 0 };
  guint8 count = (guint8)(roots_len / CARD_CERT_SIZE);

  if (roots_len % CARD_CERT_SIZE != 0 || roots_len > CARD_MAX_ROOTS * CARD_CERT_SIZE)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "A zone trusts 0 to %d crypto-unit root certificates", CARD_MAX_ROOTS);
      return FALSE;
    }
  if (!card_append_str (data, zone_description, error)
      || !card_append_str (data, card_description, error))
    return FALSE;
  g_byte_array_append (data, &count, 1);
  if (roots_len > 0)
    g_byte_array_append (data, roots, (guint)roots_len);
  if (!ca_command (ca, CARD_OP_INITIALIZE, INS_INITIALIZE, 0, data->data, data->len,
                   2 * CARD_ID_SIZE, &resp, error))
    return FALSE;
  card_response_clear (&resp);
  card_session_set_state (ca, CARD_TYPE_CA, CARD_STATE_INITIALIZED);
  return TRUE;
}

gboolean
card_ca_personalize (CardSession *ca, GError **error)
{
  /* State 1: PIN 1 missing; state 2: PIN 2 missing.  A second call after a
   * failed PIN-2 entry continues with PIN 2. */
  while (ca->card_state == CARD_STATE_INITIALIZED || ca->card_state == CARD_STATE_CA_PIN1_SET)
    {
      guint8 ref = ca->card_state == CARD_STATE_INITIALIZED ? PIN1 : PIN2;

      if (!card_session_pin_command (ca, CARD_OP_OTHER, CARD_PIN_OP_MODIFY, 0x80, INS_PERSONALIZE,
                                     0x00, ref, NULL, 0, NULL, 0, error))
        return FALSE;
      card_session_set_state (ca, CARD_TYPE_CA,
                              ref == PIN1 ? CARD_STATE_CA_PIN1_SET : CARD_STATE_PERSONALIZED);
    }
  if (ca->card_state != CARD_STATE_PERSONALIZED)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   "Only an initialized CA card can be personalized");
      return FALSE;
    }
  return TRUE;
}

gboolean
card_ca_verify_pins (CardSession *ca, GError **error)
{
  static const guint8 refs[] = { PIN1, PIN2 };

  if (ca->applet != CARD_APPLET_CA)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   "This operation needs the CA card");
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (refs); i++)
    {
      gboolean verified = FALSE;

      if (!card_session_pin_status (ca, refs[i], &verified, NULL, error))
        return FALSE;
      if (!verified
          && !card_session_pin_command (ca, CARD_OP_VERIFY, CARD_PIN_OP_VERIFY, 0x00, INS_VERIFY,
                                        0x00, refs[i], NULL, 0, NULL, 0, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
card_ca_get_info (CardSession *ca, CardCaInfo **info, GError **error)
{
  CardResponse resp = { 0 };
  gboolean ok;

  if (!ca_command (ca, CARD_OP_OTHER, INS_GET_INFO, 0, NULL, 0, G_MAXSIZE, &resp, error))
    return FALSE;
  ok = card_ca_info_parse (resp.data, resp.len, info, error);
  card_response_clear (&resp);
  return ok;
}

gboolean
card_ca_add_trusted_root (CardSession *ca, const guint8 *root, GError **error)
{
  CardResponse resp = { 0 };

  return ca_command (ca, CARD_OP_OTHER, INS_ADD_TRUSTED_ROOT, 0, root, CARD_CERT_SIZE, 0, &resp,
                     error);
}

gboolean
card_ca_backup (CardSession *ca, CardSession *target, GError **error)
{
  CardResponse id_point = { 0 };
  CardResponse blob = { 0 };
  CardResponse done = { 0 };
  gboolean ok = FALSE;

  if (!ca_command (target, CARD_OP_INITIALIZE, INS_INITIALIZE, P1_BACKUP_TARGET, NULL, 0,
                   CARD_ID_SIZE + CARD_POINT_SIZE, &id_point, error))
    goto out;
  card_session_set_state (target, CARD_TYPE_CA, CARD_STATE_CA_BACKUP_TARGET);
  if (!ca_command (ca, CARD_OP_OTHER, INS_BACKUP_EXPORT, 0, id_point.data, id_point.len, G_MAXSIZE,
                   &blob, error))
    goto out;
  if (!ca_command (target, CARD_OP_OTHER, INS_BACKUP_IMPORT, 0, blob.data, blob.len, 0, &done,
                   error))
    goto out;
  card_session_set_state (target, CARD_TYPE_CA, CARD_STATE_PERSONALIZED);
  ok = TRUE;

out:
  card_response_clear (&id_point);
  card_response_clear (&blob);
  card_response_clear (&done);
  return ok;
}

gboolean
card_ca_enrol_ep11 (CardSession *ca, CardSession *ep11, GError **error)
{
  CardResponse id_point = { 0 };
  CardResponse device_cert = { 0 };
  CardResponse zone_certs = { 0 };
  g_autoptr (GByteArray) certs = g_byte_array_new ();
  gboolean ok = FALSE;

  if (ca->applet != CARD_APPLET_CA)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_WRONG_CARD_TYPE,
                   "Enrolment needs the CA card of the zone");
      goto out;
    }
  if (!card_ep11_initialize (ep11, &id_point, error))
    goto out;
  if (!ca_command (ca, CARD_OP_OTHER, INS_ENROL_CARD, 0, id_point.data, id_point.len,
                   CARD_CERT_SIZE, &device_cert, error))
    goto out;
  if (!ca_command (ca, CARD_OP_OTHER, INS_GET_CERTIFICATES, 0, NULL, 0, G_MAXSIZE, &zone_certs,
                   error))
    goto out;
  if (zone_certs.len < CARD_CERT_SIZE || zone_certs.len % CARD_CERT_SIZE != 0
      || zone_certs.len > (1 + CARD_MAX_ROOTS) * CARD_CERT_SIZE)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The CA card's certificate list is malformed");
      goto out;
    }
  g_byte_array_append (certs, device_cert.data, (guint)device_cert.len);
  g_byte_array_append (certs, zone_certs.data, (guint)zone_certs.len);
  if (!card_ep11_enrol (ep11, certs->data, certs->len, error))
    goto out;
  ok = TRUE;

out:
  card_response_clear (&id_point);
  card_response_clear (&device_cert);
  card_response_clear (&zone_certs);
  return ok;
}

gboolean
card_ca_authorize_unblock (CardSession *ca, const guint8 *request, gsize len, CardResponse *sig,
                           GError **error)
{
  return ca_command (ca, CARD_OP_ZONE, INS_AUTHORIZE_UNBLOCK, 0, request, len, CARD_SIGNATURE_SIZE,
                     sig, error);
}
