/* independent-open.h: the unit side of docs/interfaces.md "Key part in transit", written
 * directly on OpenSSL for the applet tests. */
#pragma once

#include <glib.h>

/* Opens a 226-byte key part blob with the importer key; FALSE on any mismatch. */
gboolean independent_open_key_part (const guint8 imp_priv[66], const guint8 imp_pub[133],
                                    const guint8 subject[32], const guint8 *blob, gsize len,
                                    guint8 part[32]);
