/*
 * connect()+close() to a loopback listener of its own, ITERATIONS times after one warm-up call, alternating
 * the libc connect() (hooked when the shim is loaded) with a raw connect system call to the same real port,
 * which no preloaded library sees. Prints `median_ns=M p90_ns=P raw_median_ns=R`.
 * Usage: bench_connect PORT ITERATIONS
 */
#include <pthread.h>
#include <sys/syscall.h>

#include "bench_util.h"

static int listener;

static void *accept_all(void *unused)
{
    (void)unused;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd >= 0)
            close(fd);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int port = atoi(argv[1]);
    size_t iterations = (size_t)atol(argv[2]);
    struct sockaddr_in addr = bench_loopback(port);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 4096) != 0) {
        perror("bind/listen");
        return 1;
    }
    pthread_t thread;
    pthread_create(&thread, NULL, accept_all, NULL);
    struct sockaddr_in real = addr;
    socklen_t real_len = sizeof real;
    syscall(SYS_getsockname, listener, &real, &real_len);
    long long *samples = calloc(iterations, sizeof *samples);
    long long *raw = calloc(iterations, sizeof *raw);
    for (size_t i = 0; i <= iterations; i++) {
        for (int bypass = 0; bypass < 2; bypass++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            long long start = bench_now_ns();
            int result = bypass ? (int)syscall(SYS_connect, fd, &real, sizeof real)
                                : connect(fd, (struct sockaddr *)&addr, sizeof addr);
            if (result != 0) {
                perror("connect");
                return 1;
            }
            bench_close_now(fd);
            if (i > 0) /* the first call carries the offset query: measured by bench_first_call */
                (bypass ? raw : samples)[i - 1] = bench_now_ns() - start;
        }
    }
    long long median = bench_percentile(samples, iterations, 0.5);
    long long p90 = bench_percentile(samples, iterations, 0.9);
    printf("median_ns=%lld p90_ns=%lld raw_median_ns=%lld\n", median, p90, bench_percentile(raw, iterations, 0.5));
    return 0;
}
