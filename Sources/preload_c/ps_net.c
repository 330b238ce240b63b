/*
 * The socket hooks. Each exported symbol forwards to a ps_ function holding the logic, which calls the real
 * function resolved once at start-up. Without _GNU_SOURCE so glibc declares plain sockaddr pointers.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <string.h>

#include "ps_internal.h"

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

#define PS_PASS(name, ...) (ps_real.name ? ps_real.name : (ps_resolve_real(), ps_real.name))(__VA_ARGS__)

/* Makes sure start-up has run; 0 inside the library's own calls, which pass straight through. */
static int ps_ready(void)
{
    if (!ps_enter())
        return 0;
    ps_leave();
    return 1;
}

/* Calls the real function (outside the guard: it may block), or passes through when nested. */
#define PS_CALL(name, ...) (ps_ready() ? ps_real.name(__VA_ARGS__) : PS_PASS(name, __VA_ARGS__))

/*
 * Whether a call on `addr` gets the offset: 0 unchanged, 1 shifted into `out`, -1 refused (errno set).
 * Outgoing calls shift only towards this host, never towards the offset server, nor to a peer's real port
 * learnt from a datagram it sent.
 */
static int ps_shift(const char *call, int fd, const struct sockaddr *addr, socklen_t len, int outgoing,
                    struct sockaddr_storage *out, int *asked, int *real)
{
    int port = ps_port_of(addr, len);
    if (port <= 0 || len > (socklen_t)sizeof *out)
        return 0;
    int saved = errno; /* the query's own calls must not leak into the program's errno */
    if (ps_cfg.except_ports[port / 8] & (1u << (port % 8))) {
        ps_log(PS_LOG_TRACE, "%s unchanged: listed in " PS_ENV_EXCEPT_PORTS " port=%d", call, port);
        return 0;
    }
    if (outgoing) {
        if (!ps_is_local_destination(addr)) {
            ps_log(PS_LOG_TRACE, "%s unchanged: destination is another host port=%d", call, port);
            return 0;
        }
        if (ps_is_offset_server(addr) || ps_track_is_learned(fd, port)) {
            ps_log(PS_LOG_TRACE, "%s unchanged: offset server or a peer's real port port=%d", call, port);
            return 0;
        }
    }
    int offset;
    if (ps_offset(&offset, call, port) != 0)
        return -1;
    errno = saved;
    if (offset == 0)
        return 0;
    if (port + offset > 65535) {
        ps_log(PS_LOG_ERROR, "%s refused: shifted port beyond 65535 group=%s port=%d offset=%d", call,
               ps_cfg.group, port, offset);
        errno = EADDRNOTAVAIL;
        return -1;
    }
    memcpy(out, addr, len);
    ps_set_port((struct sockaddr *)out, port + offset);
    *asked = port;
    *real = port + offset;
    ps_log(PS_LOG_SHIFT, "%s shifted group=%s port=%d real_port=%d", call, ps_cfg.group, port, port + offset);
    return 1;
}

/* Replaces a port this library shifted with the one the program asked for, in an address it reads back. */
static void ps_map_back(int fd, struct sockaddr *addr, socklen_t given, socklen_t returned, int local)
{
    if (!addr)
        return;
    int port = ps_port_of(addr, given < returned ? given : returned);
    if (port <= 0)
        return;
    int saved = errno;
    int asked = local ? ps_track_map_local(fd, port) : ps_track_map_remote(fd, port);
    if (asked != port)
        ps_set_port(addr, asked);
    else if (!local && ps_is_local_destination(addr))
        ps_track_learn(fd, port);
    errno = saved;
}

/* A new socket: whatever was tracked for a closed socket with the same number is forgotten. */
static int ps_socket(int domain, int type, int protocol)
{
    int fd = PS_CALL(socket, domain, type, protocol);
    if (fd >= 0)
        ps_track_reset(fd);
    return fd;
}

static int ps_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    if (!ps_enter())
        return PS_PASS(bind, fd, addr, len);
    struct sockaddr_storage shifted;
    int asked, real, result;
    int decision = ps_shift("bind", fd, addr, len, 0, &shifted, &asked, &real);
    if (decision == 0)
        result = ps_real.bind(fd, addr, len);
    else if (decision < 0)
        result = -1;
    else if ((result = ps_real.bind(fd, (struct sockaddr *)&shifted, len)) == 0)
        ps_track_bound(fd, asked, real);
    ps_leave();
    return result;
}

static int ps_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    if (!ps_enter())
        return PS_PASS(connect, fd, addr, len);
    struct sockaddr_storage shifted;
    int asked, real, result;
    int decision = ps_shift("connect", fd, addr, len, 1, &shifted, &asked, &real);
    if (decision == 0) {
        result = ps_real.connect(fd, addr, len);
    } else if (decision < 0) {
        result = -1;
    } else {
        result = ps_real.connect(fd, (struct sockaddr *)&shifted, len);
        int saved = errno;
        if (result == 0 || errno == EINPROGRESS)
            ps_track_peer(fd, asked, real);
        errno = saved;
    }
    ps_leave();
    return result;
}

static ssize_t ps_sendto(int fd, const void *buffer, size_t size, int flags, const struct sockaddr *addr,
                         socklen_t len)
{
    if (!addr || !ps_enter())
        return PS_PASS(sendto, fd, buffer, size, flags, addr, len);
    struct sockaddr_storage shifted;
    int asked, real;
    ssize_t result;
    int decision = ps_shift("sendto", fd, addr, len, 1, &shifted, &asked, &real);
    if (decision == 0) {
        result = ps_real.sendto(fd, buffer, size, flags, addr, len);
    } else if (decision < 0) {
        result = -1;
    } else {
        result = ps_real.sendto(fd, buffer, size, flags, (struct sockaddr *)&shifted, len);
        int saved = errno;
        ps_track_destination(fd, asked, real);
        if (flags & MSG_FASTOPEN)
            ps_track_peer(fd, asked, real);
        errno = saved;
    }
    ps_leave();
    return result;
}

static ssize_t ps_sendmsg(int fd, const struct msghdr *message, int flags)
{
    if (!message || !message->msg_name || !ps_enter())
        return PS_PASS(sendmsg, fd, message, flags);
    struct sockaddr_storage shifted;
    int asked, real;
    ssize_t result;
    int decision = ps_shift("sendmsg", fd, message->msg_name, message->msg_namelen, 1, &shifted, &asked, &real);
    if (decision == 0) {
        result = ps_real.sendmsg(fd, message, flags);
    } else if (decision < 0) {
        result = -1;
    } else {
        struct msghdr copy = *message;
        copy.msg_name = &shifted;
        result = ps_real.sendmsg(fd, &copy, flags);
        int saved = errno;
        ps_track_destination(fd, asked, real);
        if (flags & MSG_FASTOPEN)
            ps_track_peer(fd, asked, real);
        errno = saved;
    }
    ps_leave();
    return result;
}

static int ps_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    socklen_t given = len ? *len : 0;
    int result = PS_CALL(getsockname, fd, addr, len);
    if (result == 0 && ps_enter()) {
        ps_map_back(fd, addr, given, *len, 1);
        ps_leave();
    }
    return result;
}

static int ps_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    socklen_t given = len ? *len : 0;
    int result = PS_CALL(getpeername, fd, addr, len);
    if (result == 0 && ps_enter()) {
        ps_map_back(fd, addr, given, *len, 0);
        ps_leave();
    }
    return result;
}

/* An accepted connection answers on the listener's shifted port: it maps back the same way. */
static int ps_accepted(int listener, int fd)
{
    if (fd >= 0 && ps_enter()) {
        int saved = errno;
        ps_track_inherit(listener, fd);
        errno = saved;
        ps_leave();
    }
    return fd;
}

static ssize_t ps_recvfrom(int fd, void *buffer, size_t size, int flags, struct sockaddr *addr, socklen_t *len)
{
    socklen_t given = len ? *len : 0;
    ssize_t result = PS_CALL(recvfrom, fd, buffer, size, flags, addr, len);
    if (result >= 0 && addr && len && ps_enter()) {
        ps_map_back(fd, addr, given, *len, 0);
        ps_leave();
    }
    return result;
}

static ssize_t ps_recvmsg(int fd, struct msghdr *message, int flags)
{
    socklen_t given = message ? message->msg_namelen : 0;
    ssize_t result = PS_CALL(recvmsg, fd, message, flags);
    if (result >= 0 && message->msg_name && ps_enter()) {
        ps_map_back(fd, message->msg_name, given, message->msg_namelen, 0);
        ps_leave();
    }
    return result;
}

/* Exported symbols: one-line forwarders. */
int socket(int domain, int type, int protocol)
{
    return ps_socket(domain, type, protocol);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    return ps_bind(fd, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    return ps_connect(fd, addr, len);
}

ssize_t sendto(int fd, const void *buffer, size_t size, int flags, const struct sockaddr *addr, socklen_t len)
{
    return ps_sendto(fd, buffer, size, flags, addr, len);
}

ssize_t sendmsg(int fd, const struct msghdr *message, int flags)
{
    return ps_sendmsg(fd, message, flags);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return ps_getsockname(fd, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return ps_getpeername(fd, addr, len);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return ps_accepted(fd, PS_CALL(accept, fd, addr, len));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    return ps_accepted(fd, PS_CALL(accept4, fd, addr, len, flags));
}

ssize_t recvfrom(int fd, void *buffer, size_t size, int flags, struct sockaddr *addr, socklen_t *len)
{
    return ps_recvfrom(fd, buffer, size, flags, addr, len);
}

ssize_t recvmsg(int fd, struct msghdr *message, int flags)
{
    return ps_recvmsg(fd, message, flags);
}
