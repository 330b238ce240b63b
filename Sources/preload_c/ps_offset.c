/*
 * The group's offset, asked for once per process on the first call that needs it. Concurrent first calls wait
 * for one query and share its outcome; a child forked mid-query starts afresh; the answer survives fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ps_internal.h"

static pthread_mutex_t ps_offset_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ps_offset_done = PTHREAD_COND_INITIALIZER;
static atomic_int ps_known;
static int ps_value;
static int ps_querying;
static unsigned ps_attempts;
static char ps_last_reason[200];

static int ps_fail(const char *call, int port, const char *reason)
{
    ps_log(PS_LOG_ERROR,
           "%s refused: no port offset, the unshifted port could collide with another group "
           "group=%s port=%d server=%s reason=\"%s\" hint=\"set " PS_ENV_ALLOW_ZERO "=1 to run unshifted\"",
           call, ps_cfg.group_invalid ? "(invalid)" : ps_cfg.group, port, ps_cfg.server_text, reason);
    errno = EADDRNOTAVAIL;
    return -1;
}

/* Records the outcome of a query; called with the lock held. */
static void ps_settle(int ok, int value, const char *reason)
{
    if (ok) {
        ps_value = value;
        atomic_store(&ps_known, 1);
        ps_log(PS_LOG_SHIFT, "offset received group=%s offset=%d", ps_cfg.group, value);
    } else if (ps_cfg.allow_zero) {
        ps_value = 0;
        atomic_store(&ps_known, 1);
        ps_log(PS_LOG_ERROR,
               "running unshifted (offset 0) as " PS_ENV_ALLOW_ZERO " allows group=%s server=%s reason=\"%s\"",
               ps_cfg.group, ps_cfg.server_text, reason);
    } else {
        snprintf(ps_last_reason, sizeof ps_last_reason, "%s", reason);
    }
}

int ps_offset(int *offset, const char *call, int port)
{
    if (atomic_load_explicit(&ps_known, memory_order_acquire)) {
        *offset = ps_value;
        return 0;
    }
    if (!ps_cfg.group[0] && !ps_cfg.group_invalid) {
        *offset = 0;
        return 0;
    }
    char reason[200];
    pthread_mutex_lock(&ps_offset_lock);
    if (ps_querying) {
        unsigned attempt = ps_attempts;
        while (ps_querying && ps_attempts == attempt)
            pthread_cond_wait(&ps_offset_done, &ps_offset_lock);
        int known = atomic_load(&ps_known);
        snprintf(reason, sizeof reason, "%s", ps_last_reason);
        pthread_mutex_unlock(&ps_offset_lock);
        if (known) {
            *offset = ps_value;
            return 0;
        }
        return ps_fail(call, port, reason);
    }
    if (atomic_load(&ps_known)) {
        pthread_mutex_unlock(&ps_offset_lock);
        *offset = ps_value;
        return 0;
    }
    ps_querying = 1;
    pthread_mutex_unlock(&ps_offset_lock);

    int value = 0;
    int ok;
    if (ps_cfg.group_invalid) {
        snprintf(reason, sizeof reason, "%s is not a valid group name", PS_ENV_GROUP);
        ok = 0;
    } else {
        ok = ps_query_offset(ps_cfg.group, &value, reason, sizeof reason) == 0;
    }

    pthread_mutex_lock(&ps_offset_lock);
    ps_settle(ok, value, reason);
    ps_querying = 0;
    ps_attempts++;
    pthread_cond_broadcast(&ps_offset_done);
    int known = atomic_load(&ps_known);
    pthread_mutex_unlock(&ps_offset_lock);
    if (known) {
        *offset = ps_value;
        return 0;
    }
    return ps_fail(call, port, reason);
}

void ps_offset_atfork_prepare(void)
{
    pthread_mutex_lock(&ps_offset_lock);
}

void ps_offset_atfork_parent(void)
{
    pthread_mutex_unlock(&ps_offset_lock);
}

void ps_offset_atfork_child(void)
{
    /* The thread that was querying does not exist in the child: the next call there asks again. */
    ps_querying = 0;
    pthread_cond_init(&ps_offset_done, NULL);
    pthread_mutex_unlock(&ps_offset_lock);
}
