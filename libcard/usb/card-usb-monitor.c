/* card-usb-monitor.c: CCID readers plugged in and removed (libusb hotplug).
 *
 * libusb delivers hotplug events from its event loop, which runs here in a
 * thread of its own; each event is passed to the caller's main context, so
 * the callback runs where the caller expects it (the GTK thread, say).
 */
#include "card-usb-private.h"
#include "opentke-card.h"

#include <libusb.h>

struct _CardUsbMonitor
{
  libusb_context *usb;
  libusb_hotplug_callback_handle handle;
  GThread *thread;
  int stop; /* read by libusb_handle_events_completed() */
  GMainContext *main_context;
  CardUsbHotplugFunc func;
  gpointer user_data;
};

typedef struct
{
  CardUsbMonitor *monitor;
  gboolean arrived;
  CardUsbReader *reader;
} HotplugEvent;

/* Queued events hold a reference, so that freeing the monitor never leaves
 * them pointing at freed memory; they are dropped once it is stopped. */
static void
monitor_clear (gpointer data)
{
  CardUsbMonitor *monitor = data;

  g_main_context_unref (monitor->main_context);
}

static gboolean
deliver_event (gpointer data)
{
  HotplugEvent *ev = data;

  if (!g_atomic_int_get (&ev->monitor->stop))
    ev->monitor->func (ev->arrived, ev->reader, ev->monitor->user_data);
  return G_SOURCE_REMOVE;
}

static void
free_event (gpointer data)
{
  HotplugEvent *ev = data;

  card_usb_reader_free (ev->reader);
  g_rc_box_release_full (ev->monitor, monitor_clear);
  g_free (ev);
}

static int LIBUSB_CALL
on_hotplug (libusb_context *usb, libusb_device *dev, libusb_hotplug_event event, void *data)
{
  CardUsbMonitor *monitor = data;
  /* No device I/O in a hotplug callback (libusb): names are not read. */
  CardUsbReader *reader = card_usb_reader_from_device (dev, FALSE);
  HotplugEvent *ev;

  if (reader == NULL)
    return 0; /* not a smart card reader */
  ev = g_new0 (HotplugEvent, 1);
  ev->monitor = g_rc_box_acquire (monitor);
  ev->arrived = event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED;
  ev->reader = reader;
  g_main_context_invoke_full (monitor->main_context, G_PRIORITY_DEFAULT, deliver_event, ev,
                              free_event);
  return 0;
}

static gpointer
event_thread (gpointer data)
{
  CardUsbMonitor *monitor = data;

  while (!g_atomic_int_get (&monitor->stop))
    libusb_handle_events_completed (monitor->usb, &monitor->stop);
  return NULL;
}

CardUsbMonitor *
card_usb_monitor_new (CardUsbHotplugFunc func, gpointer user_data, GError **error)
{
  CardUsbMonitor *monitor = g_rc_box_new0 (CardUsbMonitor);
  int rc;

  monitor->func = func;
  monitor->user_data = user_data;
  monitor->main_context = g_main_context_ref_thread_default ();
  rc = libusb_init (&monitor->usb);

  if (rc == 0 && !libusb_has_capability (LIBUSB_CAP_HAS_HOTPLUG))
    rc = LIBUSB_ERROR_NOT_SUPPORTED;
  if (rc == 0)
    rc = libusb_hotplug_register_callback (
        monitor->usb, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0,
        LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug,
        monitor, &monitor->handle);
  if (rc != 0)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_TRANSPORT,
                   "USB readers cannot be followed as they are plugged in (%s)",
                   libusb_strerror (rc));
      if (monitor->usb != NULL)
        libusb_exit (monitor->usb);
      g_rc_box_release_full (monitor, monitor_clear);
      return NULL;
    }
  monitor->thread = g_thread_new ("opentke-usb-hotplug", event_thread, monitor);
  return monitor;
}

void
card_usb_monitor_free (CardUsbMonitor *monitor)
{
  if (monitor == NULL)
    return;
  g_atomic_int_set (&monitor->stop, 1);
  libusb_hotplug_deregister_callback (monitor->usb, monitor->handle);
  libusb_interrupt_event_handler (monitor->usb);
  g_thread_join (monitor->thread);
  libusb_exit (monitor->usb);
  g_rc_box_release_full (monitor, monitor_clear);
}
