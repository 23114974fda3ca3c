/* card-ep11.c: the EP11 card operations (docs/card-protocol.md §6 and §10). */
#include "card-private.h"

#include <string.h>

enum
{
  INS_INITIALIZE = 0x10,
  INS_ENROL = 0x12,
  INS_PERSONALIZE = 0x14,
  INS_GET_INFO = 0x30,
  INS_GET_KEY_PART_INFO = 0x32,
  INS_GET_CERTIFICATES = 0x34,
  INS_GENERATE_SIGNATURE_KEY = 0x40,
  INS_READ_SIGNATURE_KEY = 0x42,
  INS_SIGN = 0x44,
  INS_GENERATE_KEY_PART = 0x50,
  INS_DELETE_KEY_PART = 0x52,
  INS_EXPORT_KEY_PART = 0x54,
  INS_EXPORT_CARD = 0x60,
  INS_IMPORT_CARD = 0x62,
  INS_IMPORT_KEY = 0x64,
  INS_UNBLOCK = 0x70,
  INS_ZEROIZE = 0x7E,
  INS_GET_CHALLENGE = 0x84,
  INS_VERIFY = 0x20,
  INS_CHANGE_REFERENCE_DATA = 0x24,
  PIN_REF = 0x81,
  CHALLENGE_SIZE = 32,
  BITMAP_SIZE = 11,
  IMPORT_SIGNATURE_KEY = 0x01,
  IMPORT_KEY_PART = 0x02,
};

static const char import_label[] = "OpenTKE card import v1";

static gboolean
ep11_command (CardSession *ep11, CardOp op, guint8 ins, guint8 p1, const guint8 *data, gsize len,
              gsize want, CardResponse *resp, GError **error)
{
  return card_session_app_command (ep11, CARD_APPLET_EP11, op, ins, p1, data, len, want, resp,
                                   error);
}

gboolean
card_ep11_verify_pin (CardSession *ep11, GError **error)
{
  gboolean verified = FALSE;

  /* A card unlocked earlier in this insertion stays unlocked (PIN session). */
  if (!card_session_pin_status (ep11, PIN_REF, &verified, NULL, error))
    return FALSE;
  if (verified)
    return TRUE;
  return card_session_pin_command (ep11, CARD_OP_VERIFY, CARD_PIN_OP_VERIFY, 0x00, INS_VERIFY, 0x00,
                                   PIN_REF, NULL, 0, NULL, 0, error);
}

gboolean
card_ep11_change_pin (CardSession *ep11, GError **error)
{
  return card_session_pin_command (ep11, CARD_OP_VERIFY, CARD_PIN_OP_CHANGE, 0x00,
                                   INS_CHANGE_REFERENCE_DATA, 0x00, PIN_REF, NULL, 0, NULL, 0,
                                   error);
}

gboolean
card_ep11_personalize (CardSession *ep11, const char *description, GError **error)
{
  g_autoptr (GByteArray) after = g_byte_array_new ();

  if (!card_append_str (after, description, error))
    return FALSE;
  if (!card_session_pin_command (ep11, CARD_OP_OTHER, CARD_PIN_OP_MODIFY, 0x80, INS_PERSONALIZE,
                                 0x00, 0x00, NULL, 0, after->data, after->len, error))
    return FALSE;
  card_session_set_state (ep11, CARD_TYPE_EP11, CARD_STATE_PERSONALIZED);
  return TRUE;
}

gboolean
card_ep11_get_info (CardSession *ep11, CardEp11Info **out, GError **error)
{
  CardResponse resp = { 0 };
  CardEp11Info *info = NULL;
  guint8 bitmap[BITMAP_SIZE];
  gboolean ok = FALSE;

  if (!ep11_command (ep11, CARD_OP_OTHER, INS_GET_INFO, 0, NULL, 0, G_MAXSIZE, &resp, error))
    goto out;
  if (!card_ep11_info_parse (resp.data, resp.len, &info, bitmap, error))
    goto out;
  for (guint index = 1; index <= CARD_MAX_KEY_PARTS; index++)
    {
      CardKeyPartInfo *part = NULL;

      if (!(bitmap[(index - 1) / 8] & (1u << ((index - 1) % 8))))
        continue;
      if (!ep11_command (ep11, CARD_OP_OTHER, INS_GET_KEY_PART_INFO, (guint8)index, NULL, 0,
                         G_MAXSIZE, &resp, error)
          || !card_key_part_info_parse (resp.data, resp.len, &part, error))
        goto out;
      if (part->index != index)
        {
          card_key_part_info_free (part);
          g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                       "The EP11 card answered for key part %u instead of %u", part->index, index);
          goto out;
        }
      g_ptr_array_add (info->key_parts, part);
    }
  *out = g_steal_pointer (&info);
  ok = TRUE;

out:
  card_response_clear (&resp);
  card_ep11_info_free (info);
  return ok;
}

gboolean
card_ep11_generate_signature_key (CardSession *ep11, const char *admin_name, guint8 *public_key,
                                  GError **error)
{
  CardResponse resp = { 0 };
  gsize len = admin_name != NULL ? strlen (admin_name) : 0;

  if (len == 0 || len > 255)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "An administrator name must have 1 to %d characters", CARD_MAX_ADMIN_NAME);
      return FALSE;
    }
  if (!ep11_command (ep11, CARD_OP_OTHER, INS_GENERATE_SIGNATURE_KEY, 0, (const guint8 *)admin_name,
                     len, CARD_POINT_SIZE, &resp, error))
    return FALSE;
  if (public_key != NULL)
    memcpy (public_key, resp.data, CARD_POINT_SIZE);
  card_response_clear (&resp);
  return TRUE;
}

gboolean
card_ep11_read_signature_key (CardSession *ep11, char **admin_name, guint8 *public_key,
                              GError **error)
{
  CardResponse resp = { 0 };
  CardParser parser = { 0 };
  g_autofree char *name = NULL;
  const guint8 *point = NULL;
  gboolean ok;

  if (!ep11_command (ep11, CARD_OP_READ_SIGNATURE_KEY, INS_READ_SIGNATURE_KEY, 0, NULL, 0,
                     G_MAXSIZE, &resp, error))
    return FALSE;
  parser.data = resp.data;
  parser.len = resp.len;
  ok = (name = card_parser_str (&parser, CARD_MAX_ADMIN_NAME)) != NULL && *name != '\0'
       && (point = card_parser_take (&parser, CARD_POINT_SIZE)) != NULL;
  ok = card_parser_finish (&parser, ok, "signature key", error);
  if (ok)
    {
      if (public_key != NULL)
        memcpy (public_key, point, CARD_POINT_SIZE);
      if (admin_name != NULL)
        *admin_name = g_steal_pointer (&name);
    }
  card_response_clear (&resp);
  return ok;
}

gboolean
card_ep11_sign (CardSession *ep11, const guint8 *digest, guint8 *signature, GError **error)
{
  CardResponse resp = { 0 };

  /* Reader 1 holds the signing card (DESIGN.md §2). */
  if (ep11->reader->role != CARD_READER_1)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NOT_READER_1,
                   "The card with the signature key must be in reader 1 (%s is not reader 1)",
                   ep11->reader->name);
      return FALSE;
    }
  if (!ep11_command (ep11, CARD_OP_SIGN, INS_SIGN, 0, digest, CARD_DIGEST_SIZE, CARD_SIGNATURE_SIZE,
                     &resp, error))
    return FALSE;
  memcpy (signature, resp.data, CARD_SIGNATURE_SIZE);
  card_response_clear (&resp);
  return TRUE;
}

/* index (1) || VP (32), as GENERATE KEY PART and IMPORT KEY answer. */
static gboolean
take_index_vp (CardResponse *resp, guint *index, guint8 *vp, GError **error)
{
  if (resp->data[0] < 1 || resp->data[0] > CARD_MAX_KEY_PARTS)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The EP11 card answered key part index %u", resp->data[0]);
      return FALSE;
    }
  if (index != NULL)
    *index = resp->data[0];
  if (vp != NULL)
    memcpy (vp, resp->data + 1, CARD_ID_SIZE);
  return TRUE;
}

gboolean
card_ep11_generate_key_part (CardSession *ep11, const char *description, guint *index, guint8 *vp,
                             GError **error)
{
  CardResponse resp = { 0 };
  gsize len = description != NULL ? strlen (description) : 0;
  gboolean ok;

  if (len == 0 || len > 255)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_INVALID_DATA,
                   "A key part description must have 1 to %d characters", CARD_MAX_DESCRIPTION);
      return FALSE;
    }
  if (!ep11_command (ep11, CARD_OP_OTHER, INS_GENERATE_KEY_PART, 0, (const guint8 *)description,
                     len, 1 + CARD_ID_SIZE, &resp, error))
    return FALSE;
  ok = take_index_vp (&resp, index, vp, error);
  card_response_clear (&resp);
  return ok;
}

static gboolean
check_index (guint index, GError **error)
{
  if (index >= 1 && index <= CARD_MAX_KEY_PARTS)
    return TRUE;
  g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SUCH_KEY, "Key part index %u is outside 1..%d",
               index, CARD_MAX_KEY_PARTS);
  return FALSE;
}

gboolean
card_ep11_delete_key_part (CardSession *ep11, guint index, GError **error)
{
  CardResponse resp = { 0 };

  if (!check_index (index, error))
    return FALSE;
  if (!ep11_command (ep11, CARD_OP_OTHER, INS_DELETE_KEY_PART, (guint8)index, NULL, 0, 0, &resp,
                     error))
    return FALSE;
  card_response_clear (&resp);
  return TRUE;
}

gboolean
card_ep11_export_key_part (CardSession *ep11, guint index, const guint8 *chain, gsize chain_len,
                           guint8 *blob, GError **error)
{
  CardResponse resp = { 0 };

  if (!check_index (index, error))
    return FALSE;
  if (chain_len != 2 * CARD_CERT_SIZE)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_UNTRUSTED_IMPORTER,
                   "The crypto unit's importer chain must be two certificates (importer key, "
                   "unit device key)");
      return FALSE;
    }
  if (!ep11_command (ep11, CARD_OP_EXPORT_KEY_PART, INS_EXPORT_KEY_PART, (guint8)index, chain,
                     chain_len, CARD_KEY_PART_BLOB_SIZE, &resp, error))
    return FALSE;
  memcpy (blob, resp.data, CARD_KEY_PART_BLOB_SIZE);
  card_response_clear (&resp);
  return TRUE;
}

/* GET CERTIFICATES: device cert || zone cert || roots; at least the first two. */
static gboolean
get_certificates (CardSession *ep11, CardResponse *resp, GError **error)
{
  if (!ep11_command (ep11, CARD_OP_OTHER, INS_GET_CERTIFICATES, 0, NULL, 0, G_MAXSIZE, resp, error))
    return FALSE;
  if (resp->len < 2 * CARD_CERT_SIZE || resp->len % CARD_CERT_SIZE != 0
      || resp->len > (2 + CARD_MAX_ROOTS) * CARD_CERT_SIZE)
    {
      card_response_clear (resp);
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The EP11 card's certificate list is malformed");
      return FALSE;
    }
  return TRUE;
}

gboolean
card_ep11_copy (CardSession *source, CardSession *target, GError **error)
{
  CardResponse certs = { 0 };
  CardResponse blob = { 0 };
  CardResponse done = { 0 };
  gboolean ok = FALSE;

  if (!get_certificates (target, &certs, error))
    goto out;
  if (!ep11_command (source, CARD_OP_ZONE, INS_EXPORT_CARD, 0, certs.data, CARD_CERT_SIZE,
                     G_MAXSIZE, &blob, error))
    goto out;
  if (!ep11_command (target, CARD_OP_IMPORT_CARD, INS_IMPORT_CARD, 0, blob.data, blob.len, 0, &done,
                     error))
    goto out;
  ok = TRUE;

out:
  card_response_clear (&certs);
  card_response_clear (&blob);
  card_response_clear (&done);
  return ok;
}

/* Seals @payload to the card's device key after checking that key's certificate
 * against the card's zone certificate, and sends IMPORT KEY. */
static gboolean
import_key (CardSession *ep11, const guint8 *payload, gsize payload_len, gsize want,
            CardResponse *resp, GError **error)
{
  CardResponse certs = { 0 };
  guint8 *sealed = g_malloc (CARD_SEAL_OVERHEAD + payload_len);
  const guint8 *device, *zone;
  gboolean ok = FALSE;

  if (!get_certificates (ep11, &certs, error))
    goto out;
  device = certs.data;
  zone = certs.data + CARD_CERT_SIZE;
  if (zone[CARD_CERT_TYPE_OFF] != CARD_CERT_TYPE_ZONE
      || device[CARD_CERT_TYPE_OFF] != CARD_CERT_TYPE_EP11_DEVICE)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The EP11 card's certificates are not a device and a zone certificate");
      goto out;
    }
  if (!card_crypto_cert_verify (zone, zone + CARD_CERT_POINT_OFF, error)
      || !card_crypto_cert_verify (device, zone + CARD_CERT_POINT_OFF, error))
    goto out;
  if (!card_crypto_seal (import_label, device + CARD_CERT_POINT_OFF, device + CARD_CERT_SUBJECT_OFF,
                         payload, payload_len, sealed, error))
    goto out;
  ok = ep11_command (ep11, CARD_OP_OTHER, INS_IMPORT_KEY, 0, sealed,
                     CARD_SEAL_OVERHEAD + payload_len, want, resp, error);

out:
  card_response_clear (&certs);
  secure_clear (sealed, CARD_SEAL_OVERHEAD + payload_len);
  g_free (sealed);
  return ok;
}

/* type || str name-or-description || secret, wiped by the caller. */
static GByteArray *
import_payload (guint8 type, const char *text, const guint8 *secret, gsize secret_len,
                GError **error)
{
  GByteArray *payload = g_byte_array_new ();

  g_byte_array_append (payload, &type, 1);
  if (!card_append_str (payload, text, error))
    {
      g_byte_array_unref (payload);
      return NULL;
    }
  g_byte_array_append (payload, secret, (guint)secret_len);
  return payload;
}

static void
payload_free (GByteArray *payload)
{
  if (payload == NULL)
    return;
  secure_clear (payload->data, payload->len);
  g_byte_array_unref (payload);
}

gboolean
card_ep11_import_signature_key (CardSession *ep11, const char *admin_name,
                                const guint8 *private_key, guint8 *public_key, GError **error)
{
  GByteArray *payload = import_payload (IMPORT_SIGNATURE_KEY, admin_name, private_key,
                                        CARD_PRIVATE_KEY_SIZE, error);
  CardResponse resp = { 0 };
  gboolean ok = FALSE;

  if (payload == NULL)
    return FALSE;
  if (!import_key (ep11, payload->data, payload->len, CARD_POINT_SIZE, &resp, error))
    goto out;
  if (public_key != NULL)
    memcpy (public_key, resp.data, CARD_POINT_SIZE);
  ok = TRUE;

out:
  card_response_clear (&resp);
  payload_free (payload);
  return ok;
}

gboolean
card_ep11_import_key_part (CardSession *ep11, const char *description, const guint8 *key_part,
                           guint *index, guint8 *vp, GError **error)
{
  GByteArray *payload
      = import_payload (IMPORT_KEY_PART, description, key_part, CARD_KEY_PART_SIZE, error);
  CardResponse resp = { 0 };
  gboolean ok = FALSE;

  if (payload == NULL)
    return FALSE;
  if (!import_key (ep11, payload->data, payload->len, 1 + CARD_ID_SIZE, &resp, error))
    goto out;
  ok = take_index_vp (&resp, index, vp, error);

out:
  card_response_clear (&resp);
  payload_free (payload);
  return ok;
}

gboolean
card_ep11_zeroize (CardSession *ep11, GError **error)
{
  CardResponse resp = { 0 };

  if (!ep11_command (ep11, CARD_OP_OTHER, INS_ZEROIZE, 0, NULL, 0, 0, &resp, error))
    return FALSE;
  card_session_set_state (ep11, CARD_TYPE_BLANK, CARD_STATE_BLANK);
  return TRUE;
}

gboolean
card_ep11_unblock (CardSession *ep11, CardSession *ca, GError **error)
{
  CardApdu get_challenge = {
    .cla = 0x00,
    .ins = INS_GET_CHALLENGE,
    .want_data = TRUE,
  };
  CardResponse challenge = { 0 };
  CardResponse certs = { 0 };
  CardResponse sig = { 0 };
  guint8 request[CARD_CERT_SIZE + CHALLENGE_SIZE];
  gboolean ok = FALSE;

  /* The challenge must come from this EP11 session: no reset until UNBLOCK. */
  if (!card_session_transact (ep11, CARD_OP_OTHER, &get_challenge, &challenge, error))
    goto out;
  if (challenge.len != CHALLENGE_SIZE)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_PROTOCOL,
                   "The EP11 card's unblock challenge is malformed");
      goto out;
    }
  if (!get_certificates (ep11, &certs, error))
    goto out;
  memcpy (request, certs.data, CARD_CERT_SIZE);
  memcpy (request + CARD_CERT_SIZE, challenge.data, CHALLENGE_SIZE);
  if (!card_ca_authorize_unblock (ca, request, sizeof request, &sig, error))
    goto out;
  if (!card_session_pin_command (ep11, CARD_OP_ZONE, CARD_PIN_OP_MODIFY, 0x80, INS_UNBLOCK, 0x00,
                                 0x00, sig.data, sig.len, NULL, 0, error))
    goto out;
  ok = TRUE;

out:
  card_response_clear (&challenge);
  card_response_clear (&certs);
  card_response_clear (&sig);
  return ok;
}

/* EP11 half of card_ca_enrol_ep11(): INITIALIZE answers card ID || device point. */
gboolean
card_ep11_initialize (CardSession *ep11, CardResponse *id_point, GError **error)
{
  if (!ep11_command (ep11, CARD_OP_INITIALIZE, INS_INITIALIZE, 0, NULL, 0,
                     CARD_ID_SIZE + CARD_POINT_SIZE, id_point, error))
    return FALSE;
  card_session_set_state (ep11, CARD_TYPE_EP11, CARD_STATE_INITIALIZED);
  return TRUE;
}

gboolean
card_ep11_enrol (CardSession *ep11, const guint8 *certs, gsize len, GError **error)
{
  CardResponse resp = { 0 };

  if (!ep11_command (ep11, CARD_OP_ZONE, INS_ENROL, 0, certs, len, 0, &resp, error))
    return FALSE;
  card_session_set_state (ep11, CARD_TYPE_EP11, CARD_STATE_ENROLLED);
  return TRUE;
}
