/* One-time set-up and the per-thread guard that lets the library's own calls pass straight through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "ps_internal.h"

struct ps_real_functions ps_real;

/* initial-exec: reading the guard must never allocate, since it runs inside every hooked call. */
static __thread int ps_depth __attribute__((tls_model("initial-exec")));
static pthread_once_t ps_once = PTHREAD_ONCE_INIT;

static void ps_atfork_prepare(void)
{
    ps_offset_atfork_prepare();
    ps_track_atfork_prepare();
}

static void ps_atfork_parent(void)
{
    ps_track_atfork_release();
    ps_offset_atfork_parent();
}

static void ps_atfork_child(void)
{
    ps_track_atfork_release();
    ps_offset_atfork_child();
}

#define PS_RESOLVE(field, name) ps_real.field = (__typeof__(ps_real.field))dlsym(RTLD_NEXT, name)

void ps_resolve_real(void)
{
    PS_RESOLVE(socket, "socket");
    PS_RESOLVE(bind, "bind");
    PS_RESOLVE(connect, "connect");
    PS_RESOLVE(sendto, "sendto");
    PS_RESOLVE(sendmsg, "sendmsg");
    PS_RESOLVE(getsockname, "getsockname");
    PS_RESOLVE(getpeername, "getpeername");
    PS_RESOLVE(accept, "accept");
    PS_RESOLVE(accept4, "accept4");
    PS_RESOLVE(recvfrom, "recvfrom");
    PS_RESOLVE(recvmsg, "recvmsg");
    PS_RESOLVE(open, "open");
    PS_RESOLVE(open64, "open64");
    PS_RESOLVE(openat, "openat");
    PS_RESOLVE(openat64, "openat64");
    PS_RESOLVE(open_2, "__open_2");
    PS_RESOLVE(open64_2, "__open64_2");
    PS_RESOLVE(openat_2, "__openat_2");
    PS_RESOLVE(openat64_2, "__openat64_2");
    PS_RESOLVE(creat, "creat");
    PS_RESOLVE(creat64, "creat64");
    PS_RESOLVE(fopen, "fopen");
    PS_RESOLVE(fopen64, "fopen64");
}

static void ps_init(void)
{
    ps_resolve_real();
    ps_config_load();
    pthread_atfork(ps_atfork_prepare, ps_atfork_parent, ps_atfork_child);
}

int ps_enter(void)
{
    if (ps_depth > 0)
        return 0;
    int saved = errno;
    ps_depth++;
    pthread_once(&ps_once, ps_init);
    errno = saved;
    return 1;
}

void ps_leave(void)
{
    ps_depth--;
}
