/* credentials.h: bearer credentials of the service instances.
 *
 * Each service instance has one credential: "otkcu1_" followed by 64 hex
 * digits of randomness.  Only its SHA-256 is stored, in
 * <state>/.cryptounitd/credentials/<instance> (mode 0600). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CUD_AUTH_OK,             /* the credential of this instance */
  CUD_AUTH_MISSING,        /* no credential: 401 */
  CUD_AUTH_UNKNOWN,        /* not the credential of any instance: 401 */
  CUD_AUTH_OTHER_INSTANCE, /* a valid credential, but of another instance: 403 */
} CudAuthResult;

/* TRUE when @instance is usable as an instance name (and file name). */
gboolean cud_instance_name_is_valid (const char *instance);

/* Creates a new credential for @instance, replacing the old one (which stops
 * working at once).  Returns it; the caller shows it once and wipes it. */
char *cud_credentials_create (const char *state_dir, const char *instance, GError **error);

/* A new credential, not stored anywhere yet; the caller wipes it. */
char *cud_credentials_generate (GError **error);
/* Stores the hash of @token as the credential of @instance (the zones of a
 * split instance share one credential). */
gboolean cud_credentials_store (const char *state_dir, const char *instance, const char *token,
                                GError **error);
/* Forgets the credential of @instance (an instance whose creation failed). */
void cud_credentials_remove (const char *state_dir, const char *instance);

/* Checks @token (may be NULL) for @instance. */
CudAuthResult cud_credentials_check (const char *state_dir, const char *instance,
                                     const char *token);

G_END_DECLS
