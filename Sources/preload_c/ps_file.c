/* The open() family: paths with a listed extension go to the group's own file (see ps_path.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "ps_internal.h"

#define PS_PASS(name, ...) (ps_real.name ? ps_real.name : (ps_resolve_real(), ps_real.name))(__VA_ARGS__)

static int ps_writes(int flags)
{
    return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND)) != 0;
}

static int ps_mode_writes(const char *mode)
{
    return mode && (mode[0] == 'w' || mode[0] == 'a' || strchr(mode, '+') != NULL);
}

static int ps_takes_mode(int flags)
{
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

/* Runs `expression` with `target` set to the path to use; the real function is called outside the guard. */
#define PS_WITH_PATH(dirfd, path, writing, expression)                                                                \
    do {                                                                                                           \
        char rewritten_[PATH_MAX];                                                                                 \
        const char *target = path;                                                                                 \
        if (ps_enter()) {                                                                                          \
            int saved_ = errno;                                                                                    \
            target = ps_rewrite_path(dirfd, path, writing, rewritten_, sizeof rewritten_);                         \
            errno = saved_;                                                                                        \
            ps_leave();                                                                                            \
        }                                                                                                          \
        return expression;                                                                                         \
    } while (0)

static int ps_openat(int (*real)(int, const char *, int, ...), int dirfd, const char *path, int flags, mode_t mode)
{
    PS_WITH_PATH(dirfd, path, ps_writes(flags), real(dirfd, target, flags, mode));
}

static int ps_open(int (*real)(const char *, int, ...), const char *path, int flags, mode_t mode)
{
    PS_WITH_PATH(AT_FDCWD, path, ps_writes(flags), real(target, flags, mode));
}

static FILE *ps_fopen(FILE *(*real)(const char *, const char *), const char *path, const char *mode)
{
    PS_WITH_PATH(AT_FDCWD, path, ps_mode_writes(mode), real(target, mode));
}

static int ps_creat(int (*real)(const char *, mode_t), const char *path, mode_t mode)
{
    PS_WITH_PATH(AT_FDCWD, path, 1, real(target, mode));
}

#define PS_MODE_ARGUMENT(flags, mode)                                                                              \
    mode_t mode = 0;                                                                                               \
    if (ps_takes_mode(flags)) {                                                                                    \
        va_list args;                                                                                              \
        va_start(args, flags);                                                                                     \
        mode = (mode_t)va_arg(args, int);                                                                          \
        va_end(args);                                                                                              \
    }

/* Exported symbols: one-line forwarders (after reading open's optional mode). */
int open(const char *path, int flags, ...)
{
    PS_MODE_ARGUMENT(flags, mode);
    return ps_open(ps_real.open ? ps_real.open : (ps_resolve_real(), ps_real.open), path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    PS_MODE_ARGUMENT(flags, mode);
    return ps_open(ps_real.open64 ? ps_real.open64 : (ps_resolve_real(), ps_real.open64), path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    PS_MODE_ARGUMENT(flags, mode);
    return ps_openat(ps_real.openat ? ps_real.openat : (ps_resolve_real(), ps_real.openat), dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    PS_MODE_ARGUMENT(flags, mode);
    return ps_openat(ps_real.openat64 ? ps_real.openat64 : (ps_resolve_real(), ps_real.openat64), dirfd, path, flags,
                     mode);
}

/* The fortified entry points never take O_CREAT (the compiler routes those to open itself). */
int __open_2(const char *path, int flags)
{
    PS_WITH_PATH(AT_FDCWD, path, ps_writes(flags), PS_PASS(open_2, target, flags));
}

int __open64_2(const char *path, int flags)
{
    PS_WITH_PATH(AT_FDCWD, path, ps_writes(flags), PS_PASS(open64_2, target, flags));
}

int __openat_2(int dirfd, const char *path, int flags)
{
    PS_WITH_PATH(dirfd, path, ps_writes(flags), PS_PASS(openat_2, dirfd, target, flags));
}

int __openat64_2(int dirfd, const char *path, int flags)
{
    PS_WITH_PATH(dirfd, path, ps_writes(flags), PS_PASS(openat64_2, dirfd, target, flags));
}

int creat(const char *path, mode_t mode)
{
    return ps_creat(ps_real.creat ? ps_real.creat : (ps_resolve_real(), ps_real.creat), path, mode);
}

int creat64(const char *path, mode_t mode)
{
    return ps_creat(ps_real.creat64 ? ps_real.creat64 : (ps_resolve_real(), ps_real.creat64), path, mode);
}

FILE *fopen(const char *path, const char *mode)
{
    return ps_fopen(ps_real.fopen ? ps_real.fopen : (ps_resolve_real(), ps_real.fopen), path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    return ps_fopen(ps_real.fopen64 ? ps_real.fopen64 : (ps_resolve_real(), ps_real.fopen64), path, mode);
}
