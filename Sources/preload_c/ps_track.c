/*
 * What the library shifted on each socket, so the ports can be mapped back. Entries are indexed by descriptor
 * and cleared whenever socket(), accept() or accept4() hands out that number, so an entry left by a closed
 * socket never reaches a new one; a port is mapped back only if the kernel still reports the shifted value.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>

#include "ps_internal.h"

#define PS_TRACKED_FDS 65536
#define PS_STRIPES 64
/* A UDP socket remembers its last 4 shifted destinations and 4 peers' real ports; older ones are forgotten. */
#define PS_PORTS_PER_SOCKET 4

struct ps_pair {
    uint16_t asked, real;
};

struct ps_socket {
    uint8_t used;
    struct ps_pair bound, peer;
    struct ps_pair destinations[PS_PORTS_PER_SOCKET];
    uint16_t learned[PS_PORTS_PER_SOCKET];
    uint8_t next_destination, next_learned;
};

static struct ps_socket ps_sockets[PS_TRACKED_FDS];
static pthread_mutex_t ps_stripes[PS_STRIPES] = {[0 ... PS_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

/* Locks and returns the entry for fd (made fresh when `create` and unused); NULL if there is none. */
static struct ps_socket *ps_open_entry(int fd, int create)
{
    if (fd < 0 || fd >= PS_TRACKED_FDS)
        return NULL;
    /* Most sockets never had a port shifted: skip the lock for them. */
    if (!create && !__atomic_load_n(&ps_sockets[fd].used, __ATOMIC_ACQUIRE))
        return NULL;
    pthread_mutex_lock(&ps_stripes[fd % PS_STRIPES]);
    struct ps_socket *entry = &ps_sockets[fd];
    if (!entry->used) {
        if (!create) {
            pthread_mutex_unlock(&ps_stripes[fd % PS_STRIPES]);
            return NULL;
        }
        memset(entry, 0, sizeof *entry);
        __atomic_store_n(&entry->used, 1, __ATOMIC_RELEASE);
    }
    return entry;
}

void ps_track_reset(int fd)
{
    if (fd < 0 || fd >= PS_TRACKED_FDS || !__atomic_load_n(&ps_sockets[fd].used, __ATOMIC_ACQUIRE))
        return;
    pthread_mutex_lock(&ps_stripes[fd % PS_STRIPES]);
    memset(&ps_sockets[fd], 0, sizeof ps_sockets[fd]);
    pthread_mutex_unlock(&ps_stripes[fd % PS_STRIPES]);
}

static void ps_close_entry(int fd)
{
    pthread_mutex_unlock(&ps_stripes[fd % PS_STRIPES]);
}

void ps_track_bound(int fd, int asked, int real)
{
    struct ps_socket *entry = ps_open_entry(fd, 1);
    if (!entry)
        return;
    entry->bound = (struct ps_pair){(uint16_t)asked, (uint16_t)real};
    ps_close_entry(fd);
}

void ps_track_peer(int fd, int asked, int real)
{
    struct ps_socket *entry = ps_open_entry(fd, 1);
    if (!entry)
        return;
    entry->peer = (struct ps_pair){(uint16_t)asked, (uint16_t)real};
    ps_close_entry(fd);
}

void ps_track_destination(int fd, int asked, int real)
{
    struct ps_socket *entry = ps_open_entry(fd, 1);
    if (!entry)
        return;
    int known = 0;
    for (int i = 0; i < PS_PORTS_PER_SOCKET; i++)
        known |= entry->destinations[i].real == real && entry->destinations[i].asked == asked;
    if (!known) {
        entry->destinations[entry->next_destination] = (struct ps_pair){(uint16_t)asked, (uint16_t)real};
        entry->next_destination = (uint8_t)((entry->next_destination + 1) % PS_PORTS_PER_SOCKET);
    }
    ps_close_entry(fd);
}

void ps_track_learn(int fd, int real)
{
    struct ps_socket *entry = ps_open_entry(fd, 1);
    if (!entry)
        return;
    int known = 0;
    for (int i = 0; i < PS_PORTS_PER_SOCKET; i++)
        known |= entry->learned[i] == real;
    if (!known) {
        entry->learned[entry->next_learned] = (uint16_t)real;
        entry->next_learned = (uint8_t)((entry->next_learned + 1) % PS_PORTS_PER_SOCKET);
    }
    ps_close_entry(fd);
}

int ps_track_is_learned(int fd, int real)
{
    struct ps_socket *entry = ps_open_entry(fd, 0);
    if (!entry)
        return 0;
    int known = 0;
    for (int i = 0; i < PS_PORTS_PER_SOCKET; i++)
        known |= entry->learned[i] == real;
    ps_close_entry(fd);
    return known;
}

void ps_track_inherit(int listener, int accepted)
{
    ps_track_reset(accepted);
    struct ps_socket *entry = ps_open_entry(listener, 0);
    if (!entry)
        return;
    struct ps_pair bound = entry->bound;
    ps_close_entry(listener);
    if (bound.real != 0)
        ps_track_bound(accepted, bound.asked, bound.real);
}

int ps_track_map_local(int fd, int real)
{
    struct ps_socket *entry = ps_open_entry(fd, 0);
    if (!entry)
        return real;
    int asked = entry->bound.real == real && real != 0 ? entry->bound.asked : real;
    ps_close_entry(fd);
    return asked;
}

int ps_track_map_remote(int fd, int real)
{
    struct ps_socket *entry = ps_open_entry(fd, 0);
    if (!entry)
        return real;
    int asked = real;
    if (real != 0 && entry->peer.real == real)
        asked = entry->peer.asked;
    for (int i = 0; i < PS_PORTS_PER_SOCKET && asked == real && real != 0; i++)
        if (entry->destinations[i].real == real)
            asked = entry->destinations[i].asked;
    ps_close_entry(fd);
    return asked;
}

void ps_track_atfork_prepare(void)
{
    for (int i = 0; i < PS_STRIPES; i++)
        pthread_mutex_lock(&ps_stripes[i]);
}

void ps_track_atfork_release(void)
{
    for (int i = PS_STRIPES - 1; i >= 0; i--)
        pthread_mutex_unlock(&ps_stripes[i]);
}
