/* otk-card-queue.c: one worker thread for card calls.  A CardContext and the cards in
 * its readers are used by one thread at a time; GTask's own pool would run two card calls
 * at once, so the apps queue them here instead. */
#include "otk-widgets.h"

struct _OtkCardQueue
{
  GThreadPool *pool;
};

typedef struct
{
  GTask *task;
  GTaskThreadFunc func;
} QueuedCall;

static void
run_call (gpointer data, gpointer user_data)
{
  QueuedCall *call = data;

  call->func (call->task, g_task_get_source_object (call->task), g_task_get_task_data (call->task),
              g_task_get_cancellable (call->task));
  g_object_unref (call->task);
  g_free (call);
}

OtkCardQueue *
otk_card_queue_new (void)
{
  OtkCardQueue *queue = g_new0 (OtkCardQueue, 1);

  /* One non-exclusive thread: created on demand, at most one card call at a time. */
  queue->pool = g_thread_pool_new (run_call, NULL, 1, FALSE, NULL);
  return queue;
}

void
otk_card_queue_free (OtkCardQueue *queue)
{
  if (queue == NULL)
    return;
  g_thread_pool_free (queue->pool, FALSE, TRUE);
  g_free (queue);
}

void
otk_card_queue_run (OtkCardQueue *queue, GTask *task, GTaskThreadFunc func)
{
  QueuedCall *call = g_new0 (QueuedCall, 1);

  call->task = g_object_ref (task);
  call->func = func;
  g_thread_pool_push (queue->pool, call, NULL);
}
