/*
 * Forks (after a first connect() of its own with -a, so the child inherits the offset) and connect()s to
 * 127.0.0.1:PORT in the child, then in the parent. Prints `before real=R`, `child real=R` and `parent real=R`
 * (R negative: -errno). With -q, a thread first starts a bind() whose offset query hangs, and the process forks
 * while it is under way: the child's own bind must end within the query timeout, not wait on a lock held by a
 * thread that does not exist in the child. Usage: ps_fork [-a|-q] PORT
 */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>

#include "ps_test_util.h"

static int dial(int port)
{
    struct sockaddr_storage addr;
    socklen_t len = pt_address("127.0.0.1", port, &addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int real = connect(fd, (struct sockaddr *)&addr, len) == 0 ? pt_real_peer(fd) : -errno;
    close(fd);
    return real;
}

static int bind_result(int port)
{
    struct sockaddr_storage addr;
    socklen_t len = pt_address("127.0.0.1", port, &addr);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int result = bind(fd, (struct sockaddr *)&addr, len) == 0 ? 0 : -errno;
    close(fd);
    return result;
}

static void *bind_in_thread(void *port)
{
    printf("thread bind=%d\n", bind_result(*(int *)port));
    return NULL;
}

static int fork_during_query(int port)
{
    pthread_t thread;
    pthread_create(&thread, NULL, bind_in_thread, &port);
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 100 * 1000000}; /* lets the thread reach its query */
    nanosleep(&pause, NULL);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("child bind=%d\n", bind_result(port + 1));
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    pthread_join(thread, NULL);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
    int first = argc > 1 && strcmp(argv[1], "-a") == 0;
    if (argc == 3 && strcmp(argv[1], "-q") == 0)
        return fork_during_query(atoi(argv[2]));
    if (argc - first != 2)
        return 2;
    int port = atoi(argv[1 + first]);
    if (first)
        printf("before real=%d\n", dial(port));
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("child real=%d\n", dial(port));
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("parent real=%d\n", dial(port));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
