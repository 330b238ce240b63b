/* Linked into the installed executables by scripts/install so that they run on glibc 2.34 (RHEL 9 and the
 * clusters built on it) although they are built on a newer one. The Swift runtime and the static libstdc++
 * reference three functions whose current versions appeared later: hypot and hypotf got new versions in glibc
 * 2.35 (the old ones differ only in how they report errors, through errno, which Swift does not read), and
 * arc4random appeared in 2.36. Defining them here resolves those references inside the executable. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

double mc_hypot_2_2_5(double x, double y);
float mc_hypotf_2_2_5(float x, float y);
__asm__(".symver mc_hypot_2_2_5, hypot@GLIBC_2.2.5");
__asm__(".symver mc_hypotf_2_2_5, hypotf@GLIBC_2.2.5");

double hypot(double x, double y) { return mc_hypot_2_2_5(x, y); }

float hypotf(float x, float y) { return mc_hypotf_2_2_5(x, y); }

static int read_urandom(void *buffer, size_t length) {
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < length) {
        ssize_t n = read(fd, (char *)buffer + done, length - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    close(fd);
    return done == length ? 0 : -1;
}

uint32_t arc4random(void) {
    uint32_t value;
    int saved = errno;
    for (;;) {
        ssize_t n = getrandom(&value, sizeof value, 0);
        if (n == (ssize_t)sizeof value) break;
        if (n < 0 && errno == EINTR) continue;
        /* A kernel without getrandom (before 3.17), or a seccomp filter that refuses it. */
        if (read_urandom(&value, sizeof value) == 0) break;
        abort();
    }
    errno = saved;
    return value;
}
