/* cu-zones.h: a transport over the availability zones of one service
 * instance, internal to libcrypto-unit.
 *
 * Each zone is a transport of its own (remote: one cryptounitd each); the
 * zones transport routes every call on a unit to the zone that holds it and
 * merges the zones' lists of units (cu_client_new_remote_zones()). */
#pragma once

#include "opentke-crypto-unit.h"

typedef struct _CuZones CuZones;

CuZones *cu_zones_new (void);
/* Adds the next zone (1, 2, 3 in order); takes @self (freed with
 * @vtable->free).  @url names the zone in messages. */
void cu_zones_add (CuZones *zones, const char *url, const CuTransportVtable *vtable, gpointer self);

/* The transport; self is a CuZones (freed by its free). */
extern const CuTransportVtable cu_zones_vtable;
