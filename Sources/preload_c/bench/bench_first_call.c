/*
 * Times the process's first bind() (which, under the shim, asks the offset server) and a second one.
 * Prints `first_ns=F second_ns=S`. Usage: bench_first_call PORT
 */
#include "bench_util.h"

static long long timed_bind(int port)
{
    struct sockaddr_in addr = bench_loopback(port);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    long long start = bench_now_ns();
    int result = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    long long elapsed = bench_now_ns() - start;
    if (result != 0) {
        perror("bind");
        exit(1);
    }
    return elapsed;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int port = atoi(argv[1]);
    long long first = timed_bind(port);
    long long second = timed_bind(port + 1);
    printf("first_ns=%lld second_ns=%lld\n", first, second);
    return 0;
}
