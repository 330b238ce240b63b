/* Shared by the PortShift benchmark programs: a clock, loopback sockets and percentiles. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline long long bench_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static inline struct sockaddr_in bench_loopback(int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

/* Closing with a zero linger sends a reset: no TIME_WAIT, so long loops do not exhaust ephemeral ports. */
static inline void bench_close_now(int fd)
{
    struct linger off = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof off);
    close(fd);
}

static int bench_compare(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Sorts `samples` and returns the value at `fraction` (0.5 for the median). */
static inline long long bench_percentile(long long *samples, size_t count, double fraction)
{
    if (count == 0)
        return 0;
    qsort(samples, count, sizeof *samples, bench_compare);
    size_t index = (size_t)(fraction * (double)(count - 1));
    return samples[index];
}

#endif
