/*
 * The baseline for the offset server's benchmark: a minimal single-threaded C responder that accepts, reads
 * one line, answers `100\n` and closes. Prints `port=P` once listening. Usage: bench_responder
 */
#include "bench_util.h"

int main(void)
{
    struct sockaddr_in addr = bench_loopback(0);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 1024) != 0) {
        perror("bind/listen");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(listener, (struct sockaddr *)&addr, &len);
    printf("port=%d\n", ntohs(addr.sin_port));
    fflush(stdout);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            continue;
        char line[256];
        size_t used = 0;
        while (used < sizeof line) {
            ssize_t got = read(fd, line + used, sizeof line - used);
            if (got <= 0)
                break;
            used += (size_t)got;
            if (memchr(line, '\n', used))
                break;
        }
        ssize_t ignored = write(fd, "100\n", 4);
        (void)ignored;
        close(fd);
    }
}
