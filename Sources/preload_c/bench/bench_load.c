/*
 * CLIENTS threads each loop for SECONDS: connect to 127.0.0.1:PORT, send `bench-<n>\n`, read the answer line,
 * close; one query per connection. Prints `queries=Q qps=R p50_us=A p99_us=B errors=E`.
 * Usage: bench_load PORT CLIENTS SECONDS
 */
#include <pthread.h>

#include "bench_util.h"

#define MAX_SAMPLES 2000000

struct worker {
    pthread_t thread;
    int index;
    long long *samples;
    size_t count;
    long errors;
};

static int port;
static long long stop_at;

static int query(int index)
{
    struct sockaddr_in addr = bench_loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    char request[32];
    int length = snprintf(request, sizeof request, "bench-%d\n", index % 32);
    if (write(fd, request, (size_t)length) != length) {
        bench_close_now(fd);
        return -1;
    }
    char reply[64];
    size_t used = 0;
    while (used < sizeof reply) {
        ssize_t got = read(fd, reply + used, sizeof reply - used);
        if (got <= 0)
            break;
        used += (size_t)got;
        if (memchr(reply, '\n', used))
            break;
    }
    bench_close_now(fd);
    return used > 0 && reply[used - 1] == '\n' && reply[0] >= '0' && reply[0] <= '9' ? 0 : -1;
}

static void *run(void *argument)
{
    struct worker *worker = argument;
    while (bench_now_ns() < stop_at) {
        long long start = bench_now_ns();
        if (query(worker->index) != 0) {
            worker->errors++;
            continue;
        }
        if (worker->count < MAX_SAMPLES / 32)
            worker->samples[worker->count++] = bench_now_ns() - start;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    port = atoi(argv[1]);
    int clients = atoi(argv[2]);
    double seconds = atof(argv[3]);
    struct worker workers[256];
    long long started = bench_now_ns();
    stop_at = started + (long long)(seconds * 1e9);
    for (int i = 0; i < clients && i < 256; i++) {
        workers[i] = (struct worker){.index = i, .samples = calloc(MAX_SAMPLES / 32, sizeof(long long))};
        pthread_create(&workers[i].thread, NULL, run, &workers[i]);
    }
    long long *all = calloc(MAX_SAMPLES, sizeof(long long));
    size_t total = 0;
    long errors = 0;
    for (int i = 0; i < clients && i < 256; i++) {
        pthread_join(workers[i].thread, NULL);
        memcpy(all + total, workers[i].samples, workers[i].count * sizeof(long long));
        total += workers[i].count;
        errors += workers[i].errors;
    }
    double elapsed = (double)(bench_now_ns() - started) / 1e9;
    long long p50 = bench_percentile(all, total, 0.5);
    long long p99 = bench_percentile(all, total, 0.99);
    printf("queries=%zu qps=%.0f p50_us=%.1f p99_us=%.1f errors=%ld\n", total, (double)total / elapsed, p50 / 1e3,
           p99 / 1e3, errors);
    return 0;
}
