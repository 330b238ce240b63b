/* Declarations shared by the shim's files. Nothing here is exported: the version script keeps it local. */
#ifndef PS_INTERNAL_H
#define PS_INTERNAL_H

#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "preload_port_offset.h"

#define PS_MAX_LIST 64
#define PS_MAX_GROUP 64

/* Settings read from the environment once per process. */
struct ps_config {
    char group[PS_MAX_GROUP + 1]; /* empty: no group, offset 0 */
    int group_invalid;            /* APP_GRP set but unusable: every shift fails */
    struct sockaddr_storage server;
    socklen_t server_len;
    char server_text[128];
    unsigned char except_ports[65536 / 8];
    char extensions[PS_MAX_LIST][16];
    int extension_count;
    struct sockaddr_storage shift_addrs[PS_MAX_LIST];
    int shift_addr_count;
    int shift_all;
    int allow_zero;
    int timeout_ms;
    int debug;
};

extern struct ps_config ps_cfg;

/* The functions this library replaces, resolved once with RTLD_NEXT. */
struct ps_real_functions {
    int (*socket)(int, int, int);
    int (*bind)(int, const struct sockaddr *, socklen_t);
    int (*connect)(int, const struct sockaddr *, socklen_t);
    ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    ssize_t (*sendmsg)(int, const struct msghdr *, int);
    int (*getsockname)(int, struct sockaddr *, socklen_t *);
    int (*getpeername)(int, struct sockaddr *, socklen_t *);
    int (*accept)(int, struct sockaddr *, socklen_t *);
    int (*accept4)(int, struct sockaddr *, socklen_t *, int);
    ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
    ssize_t (*recvmsg)(int, struct msghdr *, int);
    int (*open)(const char *, int, ...);
    int (*open64)(const char *, int, ...);
    int (*openat)(int, const char *, int, ...);
    int (*openat64)(int, const char *, int, ...);
    int (*open_2)(const char *, int);
    int (*open64_2)(const char *, int);
    int (*openat_2)(int, const char *, int);
    int (*openat64_2)(int, const char *, int);
    int (*creat)(const char *, mode_t);
    int (*creat64)(const char *, mode_t);
    FILE *(*fopen)(const char *, const char *);
    FILE *(*fopen64)(const char *, const char *);
};

extern struct ps_real_functions ps_real;

/* ps_init.c: one-time set-up and the guard against re-entering the library from inside itself. */
int ps_enter(void); /* 1: run the library's logic; 0: pass straight through (nested call) */
void ps_leave(void);
void ps_resolve_real(void);
void ps_config_load(void);

/* ps_log.c */
void ps_log(int level, const char *format, ...) __attribute__((format(printf, 2, 3)));
#define PS_LOG_ERROR 0
#define PS_LOG_SHIFT 1
#define PS_LOG_TRACE 2

/* ps_offset.c: the group's offset, queried once per process. 0 on success; -1 with errno set and a line logged. */
int ps_offset(int *offset, const char *call, int port);
void ps_offset_atfork_prepare(void);
void ps_offset_atfork_parent(void);
void ps_offset_atfork_child(void);

/* ps_query.c: one query to the offset server, bounded by the deadline. 0 and *offset, or -1 and a reason. */
int ps_query_offset(const char *group, int *offset, char *reason, size_t reason_len);
long long ps_now_ms(void);

/* ps_addr.c */
int ps_port_of(const struct sockaddr *addr, socklen_t len); /* -1 if not AF_INET/AF_INET6 */
void ps_set_port(struct sockaddr *addr, int port);
int ps_is_local_destination(const struct sockaddr *addr);
int ps_is_offset_server(const struct sockaddr *addr);
int ps_parse_ip(const char *text, int port, struct sockaddr_storage *out, socklen_t *len);
void ps_format_addr(const struct sockaddr *addr, char *out, size_t out_len);

/* ps_track.c: what was shifted on each socket, so it can be mapped back. */
void ps_track_reset(int fd); /* a new socket got this descriptor */
void ps_track_bound(int fd, int asked, int real);
void ps_track_peer(int fd, int asked, int real);
void ps_track_destination(int fd, int asked, int real);
void ps_track_learn(int fd, int real);
int ps_track_is_learned(int fd, int real);
void ps_track_inherit(int listener, int accepted);
int ps_track_map_local(int fd, int real);  /* the port asked for, or `real` */
int ps_track_map_remote(int fd, int real); /* the port asked for, or `real` */
void ps_track_atfork_prepare(void);
void ps_track_atfork_release(void);

/* ps_path.c: EXTENSIONS rewriting; returns `path` or `buffer` holding the group's file. */
const char *ps_rewrite_path(int dirfd, const char *path, int writing, char *buffer, size_t buffer_len);

#endif
