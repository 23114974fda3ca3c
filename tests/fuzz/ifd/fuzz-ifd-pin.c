/* Fuzz target over what the virtual PIN-pad driver reads from any PC/SC
 * client: PIN_VERIFY / PIN_MODIFY structures (FEATURE_VERIFY_PIN_DIRECT /
 * FEATURE_MODIFY_PIN_DIRECT), and the feature and property lists libcard
 * reads back from readers.  The first byte picks the parser.
 *
 * Oracle besides the sanitizers: a structure that parses is rebuilt and
 * parsed again to the same entry and the same APDU. */
#include "pcsc-part10.h"

#include <stdlib.h>
#include <string.h>

static void
check_round_trip (int modify, const uint8_t *in, size_t len)
{
  Part10Iso9564Entry e, again;
  const uint8_t *apdu, *apdu2;
  size_t apdu_len, apdu2_len, out_len;
  static uint8_t out[PART10_MODIFY_HEADER_LEN + PART10_MAX_APDU_LEN];

  if (part10_parse_iso9564 (modify, in, len, &e, &apdu, &apdu_len) != PART10_OK)
    return;
  if (apdu_len > PART10_MAX_APDU_LEN || apdu < in || apdu + apdu_len > in + len)
    abort ();
  if ((e.entries == 1) == modify)
    abort (); /* a verify entry from a modify structure, or the reverse */
  if (part10_build_iso9564 (&e, apdu, apdu_len, out, sizeof out, &out_len) != PART10_OK)
    abort ();
  if (part10_parse_iso9564 (modify, out, out_len, &again, &apdu2, &apdu2_len) != PART10_OK)
    abort ();
  if (memcmp (&e, &again, sizeof e) != 0 || apdu2_len != apdu_len
      || memcmp (apdu, apdu2, apdu_len) != 0)
    abort ();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Part10Features features;
  Part10Properties props;

  if (size < 1)
    return 0;
  switch (data[0] % 4)
    {
      case 0:
        check_round_trip (0, data + 1, size - 1);
        break;
      case 1:
        check_round_trip (1, data + 1, size - 1);
        break;
      case 2:
        part10_parse_features (data + 1, size - 1, &features);
        break;
      default:
        part10_parse_properties (data + 1, size - 1, &props);
        break;
    }
  return 0;
}
