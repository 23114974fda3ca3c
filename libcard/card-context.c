/* card-context.c: a backend's readers, reader roles 1 and 2, and the policies
 * (host PIN entry, PIN-pad timeout, trace hook) shared by every session. */
#include "card-private.h"

#include <string.h>

enum
{
  PIN_TIMEOUT_DEFAULT = 60,
  PIN_TIMEOUT_MIN = 30, /* pcsc-reference: keep bTimerOut between 30 and 90 s */
  PIN_TIMEOUT_MAX = 90,
};

CardBackendReader *
card_backend_reader_new (const char *name, gboolean has_pin_pad, gboolean card_present)
{
  CardBackendReader *reader = g_new0 (CardBackendReader, 1);

  reader->name = g_strdup (name);
  reader->has_pin_pad = has_pin_pad;
  reader->card_present = card_present;
  return reader;
}

void
card_backend_reader_free (CardBackendReader *reader)
{
  if (reader == NULL)
    return;
  g_free (reader->name);
  g_free (reader);
}

static void
card_reader_free (CardReader *reader)
{
  g_free (reader->name);
  g_free (reader);
}

CardContext *
card_context_new_for_backend (CardBackend *backend)
{
  CardContext *ctx = g_new0 (CardContext, 1);

  ctx->backend = backend;
  ctx->readers = g_ptr_array_new_with_free_func ((GDestroyNotify)card_reader_free);
  ctx->pin_timeout_s = PIN_TIMEOUT_DEFAULT;
  return ctx;
}

CardContext *
card_context_new_virtual (const char *deck_dir, GError **error)
{
#ifdef OTK_HAVE_VIRTUAL_BACKEND
  CardBackend *backend = card_backend_virtual_new (deck_dir, error);

  return backend != NULL ? card_context_new_for_backend (backend) : NULL;
#else
  g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SERVICE,
               "This build of OpenTKE has no virtual card deck");
  return NULL;
#endif
}

CardContext *
card_context_new_pcsc (GError **error)
{
#ifdef OTK_HAVE_PCSC_BACKEND
  CardBackend *backend = card_backend_pcsc_new (error);

  return backend != NULL ? card_context_new_for_backend (backend) : NULL;
#else
  g_set_error (error, CARD_ERROR, CARD_ERROR_NO_SERVICE,
               "This build of OpenTKE has no PC/SC support; use the virtual card deck");
  return NULL;
#endif
}

void
card_context_free (CardContext *ctx)
{
  if (ctx == NULL)
    return;
  g_ptr_array_unref (ctx->readers);
  g_free (ctx->reader_match[CARD_READER_1]);
  g_free (ctx->reader_match[CARD_READER_2]);
  ctx->backend->klass->free (ctx->backend);
  g_free (ctx);
}

void
card_context_set_trace_func (CardContext *ctx, CardTraceFunc func, gpointer user_data)
{
  ctx->trace_func = func;
  ctx->trace_data = user_data;
}

void
card_context_set_host_pin_entry (CardContext *ctx, CardHostPinFunc func, gpointer user_data)
{
  ctx->host_pin_func = func;
  ctx->host_pin_data = user_data;
}

void
card_context_set_pin_prompt_func (CardContext *ctx, CardPinPromptFunc func, gpointer user_data)
{
  ctx->pin_prompt_func = func;
  ctx->pin_prompt_data = user_data;
}

void
card_context_set_pin_timeout (CardContext *ctx, guint seconds)
{
  ctx->pin_timeout_s = CLAMP (seconds, PIN_TIMEOUT_MIN, PIN_TIMEOUT_MAX);
}

void
card_context_set_reader_match (CardContext *ctx, CardReaderRole role, const char *substring)
{
  g_return_if_fail (role == CARD_READER_1 || role == CARD_READER_2);
  g_free (ctx->reader_match[role]);
  ctx->reader_match[role] = substring != NULL && substring[0] != '\0' ? g_strdup (substring) : NULL;
}

static const char *
environment_variable (CardReaderRole role)
{
  return role == CARD_READER_1 ? "OPENTKE_READER1" : "OPENTKE_READER2";
}

/* What names the reader of @role: the environment, else the app's match, else NULL. */
static const char *
wanted_substring (CardContext *ctx, CardReaderRole role, gboolean *from_environment)
{
  const char *wanted = g_getenv (environment_variable (role));

  *from_environment = wanted != NULL && *wanted != '\0';
  return *from_environment ? wanted : ctx->reader_match[role];
}

static CardReader *
find_reader (CardContext *ctx, const char *name)
{
  for (guint i = 0; i < ctx->readers->len; i++)
    {
      CardReader *reader = g_ptr_array_index (ctx->readers, i);

      if (strcmp (reader->name, name) == 0)
        return reader;
    }
  return NULL;
}

static int
compare_by_name (gconstpointer a, gconstpointer b)
{
  const CardReader *ra = *(CardReader *const *)a;
  const CardReader *rb = *(CardReader *const *)b;

  return strcmp (ra->name, rb->name);
}

/* Role order: PIN-pad readers first, then name order. */
static int
compare_for_roles (gconstpointer a, gconstpointer b)
{
  const CardReader *ra = *(CardReader *const *)a;
  const CardReader *rb = *(CardReader *const *)b;

  if (ra->has_pin_pad != rb->has_pin_pad)
    return ra->has_pin_pad ? -1 : 1;
  return strcmp (ra->name, rb->name);
}

/* The reader whose name contains the wanted substring of @role, if one is wanted. */
static CardReader *
reader_matching (CardContext *ctx, GPtrArray *attached, CardReaderRole role, gboolean *set)
{
  gboolean from_environment;
  const char *wanted = wanted_substring (ctx, role, &from_environment);

  *set = wanted != NULL;
  if (!*set)
    return NULL;
  for (guint i = 0; i < attached->len; i++)
    {
      CardReader *reader = g_ptr_array_index (attached, i);

      if (strstr (reader->name, wanted) != NULL)
        return reader;
    }
  return NULL;
}

static void
assign_roles (CardContext *ctx)
{
  g_autoptr (GPtrArray) attached = g_ptr_array_new ();
  CardReader *one, *two;
  gboolean set1, set2;

  for (guint i = 0; i < ctx->readers->len; i++)
    {
      CardReader *reader = g_ptr_array_index (ctx->readers, i);

      reader->role = 0;
      if (reader->attached)
        g_ptr_array_add (attached, reader);
    }
  g_ptr_array_sort (attached, compare_for_roles);

  one = reader_matching (ctx, attached, CARD_READER_1, &set1);
  two = reader_matching (ctx, attached, CARD_READER_2, &set2);
  for (guint i = 0; i < attached->len && (!set1 || !set2); i++)
    {
      CardReader *reader = g_ptr_array_index (attached, i);

      if (reader == one || reader == two)
        continue;
      if (!set1 && one == NULL)
        one = reader;
      else if (!set2 && two == NULL)
        two = reader;
    }
  if (one != NULL)
    one->role = CARD_READER_1;
  if (two != NULL && two != one)
    two->role = CARD_READER_2;
}

void
card_context_refresh_readers (CardContext *ctx, GError **error)
{
  g_autoptr (GPtrArray) listed = NULL;

  listed = ctx->backend->klass->list_readers (ctx->backend, error);
  if (listed == NULL)
    return;
  /* Readers stay allocated once seen, so pointers handed out remain valid. */
  for (guint i = 0; i < ctx->readers->len; i++)
    ((CardReader *)g_ptr_array_index (ctx->readers, i))->attached = FALSE;
  for (guint i = 0; i < listed->len; i++)
    {
      CardBackendReader *info = g_ptr_array_index (listed, i);
      CardReader *reader = find_reader (ctx, info->name);

      if (reader == NULL)
        {
          reader = g_new0 (CardReader, 1);
          reader->ctx = ctx;
          reader->name = g_strdup (info->name);
          g_ptr_array_add (ctx->readers, reader);
        }
      reader->has_pin_pad = info->has_pin_pad;
      reader->card_present = info->card_present;
      reader->attached = TRUE;
    }
  assign_roles (ctx);
}

GPtrArray *
card_context_list_readers (CardContext *ctx, GError **error)
{
  GError *local = NULL;
  GPtrArray *out;

  card_context_refresh_readers (ctx, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  out = g_ptr_array_new ();
  for (guint i = 0; i < ctx->readers->len; i++)
    {
      CardReader *reader = g_ptr_array_index (ctx->readers, i);

      if (reader->attached)
        g_ptr_array_add (out, reader);
    }
  g_ptr_array_sort (out, compare_by_name);
  return out;
}

CardReader *
card_context_get_reader (CardContext *ctx, CardReaderRole role, GError **error)
{
  g_autoptr (GPtrArray) attached = card_context_list_readers (ctx, error);

  if (attached == NULL)
    return NULL;
  if (attached->len == 0)
    {
      g_set_error (error, CARD_ERROR, CARD_ERROR_NO_READERS,
                   "No smart card readers found: connect two PIN-pad readers");
      return NULL;
    }
  for (guint i = 0; i < attached->len; i++)
    {
      CardReader *reader = g_ptr_array_index (attached, i);

      if (reader->role == role)
        return reader;
    }
  {
    gboolean from_environment;
    const char *wanted = wanted_substring (ctx, role, &from_environment);

    if (wanted != NULL && from_environment)
      g_set_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND,
                   "Reader %d is set to \"%s\" (OPENTKE_READER%d) but no such reader is "
                   "attached",
                   role, wanted, role);
    else if (wanted != NULL)
      g_set_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND,
                   "Reader %d is set to \"%s\" (Smart Card Readers) but no such reader is "
                   "attached",
                   role, wanted);
    else
      g_set_error (error, CARD_ERROR, CARD_ERROR_READER_NOT_FOUND,
                   "Reader %d not found: only %u reader(s) attached; connect a second "
                   "PIN-pad reader",
                   role, attached->len);
  }
  return NULL;
}

const char *
card_reader_get_name (CardReader *reader)
{
  return reader->name;
}

gboolean
card_reader_has_pin_pad (CardReader *reader)
{
  return reader->has_pin_pad;
}

CardReaderRole
card_reader_get_role (CardReader *reader)
{
  return reader->role;
}

gboolean
card_reader_is_card_present (CardReader *reader, GError **error)
{
  GError *local = NULL;

  card_context_refresh_readers (reader->ctx, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return reader->attached && reader->card_present;
}

gboolean
card_reader_wait (CardReader *reader, gboolean present, guint timeout_ms, GCancellable *cancellable,
                  GError **error)
{
  CardBackend *backend = reader->ctx->backend;

  return backend->klass->wait_card (backend, reader->name, present, timeout_ms, cancellable, error);
}
