/* card-usb-private.h: shared by the files of libcard/usb/. */
#pragma once

#include "card-usb.h"

#include <libusb.h>

/* A CardUsbReader for @dev when it is a CCID reader, else NULL.  With
 * @read_strings the device is opened for its names (without permission the
 * names stay NULL). */
CardUsbReader *card_usb_reader_from_device (libusb_device *dev, gboolean read_strings);
