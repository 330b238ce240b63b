/* Helpers for the shim's test programs: addresses from text, and ports as the kernel really has them. */
#ifndef PS_TEST_UTIL_H
#define PS_TEST_UTIL_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Fills `out` from an IPv4 or IPv6 literal (including v4-mapped ::ffff:a.b.c.d). */
static inline socklen_t pt_address(const char *host, int port, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *sin = (struct sockaddr_in *)out;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        return sizeof *sin;
    }
    if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        return sizeof *sin6;
    }
    fprintf(stderr, "bad address %s\n", host);
    exit(2);
}

static inline int pt_port(const struct sockaddr_storage *addr)
{
    if (addr->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)addr)->sin_port);
    if (addr->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
    return -1;
}

/* The local port as the program sees it (through the shim, if loaded). */
static inline int pt_seen_local(int fd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    return getsockname(fd, (struct sockaddr *)&addr, &len) == 0 ? pt_port(&addr) : -1;
}

/* The local port as the kernel has it: a raw system call the shim cannot intercept. */
static inline int pt_real_local(int fd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    return syscall(SYS_getsockname, fd, &addr, &len) == 0 ? pt_port(&addr) : -1;
}

static inline int pt_seen_peer(int fd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    return getpeername(fd, (struct sockaddr *)&addr, &len) == 0 ? pt_port(&addr) : -1;
}

static inline int pt_real_peer(int fd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    return syscall(SYS_getpeername, fd, &addr, &len) == 0 ? pt_port(&addr) : -1;
}

static inline void pt_fail(const char *call)
{
    printf("error %s errno=%d %s\n", call, errno, strerror(errno));
    fflush(stdout);
    exit(1);
}

#endif
