/* card-reader-report.c: PC/SC readers and USB readers side by side, so that
 * "No smart card readers found" can say whether a reader is on the bus. */
#include "card-usb.h"
#include "opentke-card.h"

CardReaderReport *
card_reader_report_new (CardContext *ctx, const GError *ctx_error)
{
  CardReaderReport *report = g_new0 (CardReaderReport, 1);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  report->readers = ctx != NULL ? card_context_list_readers (ctx, &report->pcsc_error) : NULL;
  if (ctx == NULL && ctx_error != NULL)
    report->pcsc_error = g_error_copy (ctx_error);
  if (report->readers == NULL)
    report->readers = g_ptr_array_new ();
  for (guint i = 0; i < report->readers->len; i++)
    g_ptr_array_add (names, (gpointer)card_reader_get_name (report->readers->pdata[i]));
  g_ptr_array_add (names, NULL);
  report->usb_readers = card_usb_list_readers (&report->usb_error);
  if (report->usb_readers == NULL)
    report->usb_readers = g_ptr_array_new_with_free_func ((GDestroyNotify)card_usb_reader_free);
  report->unseen = card_usb_find_unseen (report->usb_readers, (const char *const *)names->pdata);
  return report;
}

void
card_reader_report_free (CardReaderReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->unseen);
  g_ptr_array_unref (report->usb_readers);
  g_ptr_array_unref (report->readers);
  g_clear_error (&report->pcsc_error);
  g_clear_error (&report->usb_error);
  g_free (report);
}

static void
append_usb_reader (GString *out, const CardUsbReader *r)
{
  g_string_append_printf (out, "  %04x:%04x %s%s%s (bus %u, device %u), %s\n", r->vendor_id,
                          r->product_id, r->manufacturer ? r->manufacturer : "",
                          r->manufacturer ? " " : "", r->product ? r->product : "unnamed reader",
                          r->bus, r->address,
                          card_usb_reader_has_pin_pad (r) ? "PIN pad" : "no PIN pad");
}

char *
card_reader_report_to_text (const CardReaderReport *report)
{
  GString *out = g_string_new (NULL);

  if (report->readers->len > 0)
    g_string_append (out, "Readers seen by pcscd:\n");
  else if (report->pcsc_error != NULL)
    g_string_append_printf (out, "%s\n", report->pcsc_error->message);
  else
    g_string_append (out, "No smart card readers found by pcscd.\n");
  for (guint i = 0; i < report->readers->len; i++)
    {
      CardReader *reader = report->readers->pdata[i];
      CardReaderRole role = card_reader_get_role (reader);
      gboolean present = card_reader_is_card_present (reader, NULL);

      g_string_append_printf (out, "  %s%s: %s, %s\n",
                              role == CARD_READER_1   ? "reader 1 = "
                              : role == CARD_READER_2 ? "reader 2 = "
                                                      : "",
                              card_reader_get_name (reader),
                              card_reader_has_pin_pad (reader) ? "PIN pad" : "no PIN pad",
                              present ? "card present" : "no card");
    }
  if (report->usb_error != NULL)
    g_string_append_printf (out, "%s\n", report->usb_error->message);
  else if (report->usb_readers->len == 0)
    g_string_append (out, "No USB smart card reader is plugged in.\n");
  else
    {
      g_string_append (out, "USB smart card readers:\n");
      for (guint i = 0; i < report->usb_readers->len; i++)
        append_usb_reader (out, report->usb_readers->pdata[i]);
    }
  for (guint i = 0; i < report->unseen->len; i++)
    {
      const CardUsbReader *r = report->unseen->pdata[i];

      g_string_append_printf (out,
                              "Reader %04x:%04x %s is plugged in but not seen by pcscd: is the "
                              "driver installed (Debian package libccid) and pcscd running?\n",
                              r->vendor_id, r->product_id, r->product ? r->product : "");
    }
  return g_string_free (out, FALSE);
}
