/*
 * Forks (after a first connect() of its own with -a, so the child inherits the offset) and connect()s to
 * 127.0.0.1:PORT in the child, then in the parent. Prints `before real=R`, `child real=R` and `parent real=R`.
 * Usage: ps_fork [-a] PORT
 */
#include <sys/wait.h>

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

int main(int argc, char **argv)
{
    int first = argc > 1 && strcmp(argv[1], "-a") == 0;
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
