/* One request to the offset server, `<group>\n` → `<offset>\n`, bounded by PORTSHIFT_TIMEOUT_MS in all. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ps_internal.h"

long long ps_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int ps_wait(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - ps_now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd entry = {.fd = fd, .events = events};
        int ready = poll(&entry, 1, (int)left);
        if (ready > 0)
            return 0;
        if (ready < 0 && errno != EINTR)
            return -1;
    }
}

/* Connects with the real connect(), so the server's own address is never shifted. */
static int ps_connect_server(long long deadline)
{
    int fd = socket(ps_cfg.server.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (ps_real.connect(fd, (struct sockaddr *)&ps_cfg.server, ps_cfg.server_len) != 0) {
        if (errno != EINPROGRESS || ps_wait(fd, POLLOUT, deadline) != 0)
            goto fail;
        int pending = 0;
        socklen_t length = sizeof pending;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length);
        if (pending != 0) {
            errno = pending;
            goto fail;
        }
    }
    return fd;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

static int ps_exchange(int fd, const char *group, char *reply, size_t reply_len, long long deadline)
{
    char request[PS_MAX_GROUP + 2];
    size_t length = (size_t)snprintf(request, sizeof request, "%s\n", group);
    if (send(fd, request, length, MSG_NOSIGNAL) != (ssize_t)length)
        return -1;
    size_t used = 0;
    while (used < reply_len - 1) {
        if (ps_wait(fd, POLLIN, deadline) != 0)
            return -1;
        ssize_t got = recv(fd, reply + used, reply_len - 1 - used, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = ECONNRESET;
            return -1;
        }
        used += (size_t)got;
        reply[used] = '\0';
        if (memchr(reply, '\n', used))
            return 0;
    }
    errno = EPROTO;
    return -1;
}

int ps_query_offset(const char *group, int *offset, char *reason, size_t reason_len)
{
    long long deadline = ps_now_ms() + ps_cfg.timeout_ms;
    for (;;) {
        int fd = ps_connect_server(deadline);
        if (fd < 0) {
            /* A server being restarted refuses for a moment: retry until the deadline. */
            if ((errno == ECONNREFUSED || errno == EAGAIN) && ps_now_ms() + 50 < deadline) {
                struct timespec pause = {.tv_sec = 0, .tv_nsec = 50 * 1000000};
                nanosleep(&pause, NULL);
                continue;
            }
            snprintf(reason, reason_len, "cannot connect: %s (waited up to %d ms)", strerror(errno),
                     ps_cfg.timeout_ms);
            return -1;
        }
        char reply[128];
        int failed = ps_exchange(fd, group, reply, sizeof reply, deadline);
        int saved = errno;
        close(fd);
        if (failed) {
            snprintf(reason, reason_len, "no answer: %s (waited up to %d ms)", strerror(saved), ps_cfg.timeout_ms);
            return -1;
        }
        reply[strcspn(reply, "\r\n")] = '\0';
        if (strncmp(reply, "ERR ", 4) == 0) {
            snprintf(reason, reason_len, "server refused: %.100s", reply + 4);
            return -1;
        }
        char *end = NULL;
        long value = strtol(reply, &end, 10);
        if (end == reply || *end != '\0' || value < 0 || value > 65535) {
            snprintf(reason, reason_len, "unexpected reply \"%.60s\"", reply);
            return -1;
        }
        *offset = (int)value;
        return 0;
    }
}
