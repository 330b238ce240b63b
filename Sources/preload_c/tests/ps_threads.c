/*
 * THREADS threads connect() to 127.0.0.1:PORT at the same moment, so the shim's first query happens under
 * contention. Prints `connected=N failed=F` and each distinct real peer port as `real=R`.
 * Usage: ps_threads THREADS PORT
 */
#include <pthread.h>

#include "ps_test_util.h"

static pthread_barrier_t start;
static int port;

static void *dial(void *slot)
{
    struct sockaddr_storage addr;
    socklen_t len = pt_address("127.0.0.1", port, &addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    pthread_barrier_wait(&start);
    *(int *)slot = connect(fd, (struct sockaddr *)&addr, len) == 0 ? pt_real_peer(fd) : -errno;
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int count = atoi(argv[1]);
    port = atoi(argv[2]);
    pthread_t threads[256];
    int results[256];
    pthread_barrier_init(&start, NULL, (unsigned)count);
    for (int i = 0; i < count && i < 256; i++)
        pthread_create(&threads[i], NULL, dial, &results[i]);
    int connected = 0, failed = 0;
    for (int i = 0; i < count && i < 256; i++) {
        pthread_join(threads[i], NULL);
        if (results[i] > 0)
            connected++;
        else
            failed++;
    }
    printf("connected=%d failed=%d\n", connected, failed);
    for (int i = 0; i < count; i++) {
        int first = 1;
        for (int j = 0; j < i; j++)
            first &= results[j] != results[i];
        if (first && results[i] > 0)
            printf("real=%d\n", results[i]);
    }
    return 0;
}
