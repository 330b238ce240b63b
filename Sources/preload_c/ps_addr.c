/* Socket address helpers: ports, and whether a destination is this host (whose ports the group shares). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <pthread.h>
#include <string.h>

#include "ps_internal.h"

#define PS_MAX_OWN 64

static struct sockaddr_storage ps_own[PS_MAX_OWN];
static int ps_own_count;
static pthread_once_t ps_own_once = PTHREAD_ONCE_INIT;

int ps_port_of(const struct sockaddr *addr, socklen_t len)
{
    if (!addr)
        return -1;
    if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
        return ntohs(((const struct sockaddr_in *)addr)->sin_port);
    if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
        return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
    return -1;
}

void ps_set_port(struct sockaddr *addr, int port)
{
    if (addr->sa_family == AF_INET)
        ((struct sockaddr_in *)addr)->sin_port = htons((uint16_t)port);
    else if (addr->sa_family == AF_INET6)
        ((struct sockaddr_in6 *)addr)->sin6_port = htons((uint16_t)port);
}

int ps_parse_ip(const char *text, int port, struct sockaddr_storage *out, socklen_t *len)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *sin = (struct sockaddr_in *)out;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        *len = sizeof *sin;
        return 0;
    }
    if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        *len = sizeof *sin6;
        return 0;
    }
    return -1;
}

void ps_format_addr(const struct sockaddr *addr, char *out, size_t out_len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (addr->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, host, sizeof host);
        snprintf(out, out_len, "%s:%d", host, ps_port_of(addr, sizeof(struct sockaddr_in)));
    } else {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, host, sizeof host);
        snprintf(out, out_len, "[%s]:%d", host, ps_port_of(addr, sizeof(struct sockaddr_in6)));
    }
}

/* The IPv4 address in an AF_INET or v4-mapped AF_INET6 address, in network order; 0 if it has none. */
static int ps_ipv4_of(const struct sockaddr *addr, uint32_t *ip)
{
    if (addr->sa_family == AF_INET) {
        *ip = ((const struct sockaddr_in *)addr)->sin_addr.s_addr;
        return 1;
    }
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)addr)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a6)) {
        memcpy(ip, &a6->s6_addr[12], 4);
        return 1;
    }
    return 0;
}

/* Same host address, comparing IPv4 with v4-mapped IPv6 as equal. */
static int ps_same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
    uint32_t ip_a = 0, ip_b = 0;
    int v4_a = ps_ipv4_of(a, &ip_a), v4_b = ps_ipv4_of(b, &ip_b);
    if (v4_a || v4_b)
        return v4_a && v4_b && ip_a == ip_b;
    return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr,
                  sizeof(struct in6_addr))
           == 0;
}

static void ps_load_own_addresses(void)
{
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0)
        return;
    for (struct ifaddrs *it = list; it && ps_own_count < PS_MAX_OWN; it = it->ifa_next) {
        if (!it->ifa_addr || (it->ifa_addr->sa_family != AF_INET && it->ifa_addr->sa_family != AF_INET6))
            continue;
        size_t size = it->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        memcpy(&ps_own[ps_own_count++], it->ifa_addr, size);
    }
    freeifaddrs(list);
}

int ps_is_local_destination(const struct sockaddr *addr)
{
    if (ps_cfg.shift_all)
        return 1;
    uint32_t ip;
    if (ps_ipv4_of(addr, &ip)) {
        uint32_t host = ntohl(ip);
        if ((host >> 24) == 127 || host == 0)
            return 1;
    } else {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)addr)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a6) || IN6_IS_ADDR_UNSPECIFIED(a6))
            return 1;
    }
    for (int i = 0; i < ps_cfg.shift_addr_count; i++)
        if (ps_same_ip(addr, (const struct sockaddr *)&ps_cfg.shift_addrs[i]))
            return 1;
    pthread_once(&ps_own_once, ps_load_own_addresses);
    for (int i = 0; i < ps_own_count; i++)
        if (ps_same_ip(addr, (const struct sockaddr *)&ps_own[i]))
            return 1;
    return 0;
}

int ps_is_offset_server(const struct sockaddr *addr)
{
    const struct sockaddr *server = (const struct sockaddr *)&ps_cfg.server;
    if (ps_port_of(addr, sizeof(struct sockaddr_in6)) != ps_port_of(server, ps_cfg.server_len))
        return 0;
    if (ps_same_ip(addr, server))
        return 1;
    /* Any local address reaches a server listening on this host's wildcard or loopback address. */
    return ps_is_local_destination(server) && ps_is_local_destination(addr);
}
