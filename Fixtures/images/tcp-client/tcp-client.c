/*
 * tcp-client: dials HOST PORT repeatedly and reports what it reached, for FakeRuntime fixture images.
 *
 * Usage: tcp-client [HOST [PORT [COUNT [INTERVAL_MS]]]], defaults from TARGET_HOST (127.0.0.1), TARGET_PORT
 * (8080), TARGET_COUNT (0 = until stopped) and TARGET_INTERVAL_MS (500). Each attempt sends "WHO" and prints
 *   reached HOST:PORT identity=<the answer>
 * or
 *   failed HOST:PORT error=<reason>
 * Exits 0 if the last attempt reached the service, 1 otherwise. Dynamically linked, so LD_PRELOAD applies.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *setting(int argc, char **argv, int index, const char *name, const char *fallback) {
    if (argc > index) return argv[index];
    const char *value = getenv(name);
    return value != NULL && *value != '\0' ? value : fallback;
}

static int attempt(const char *host, const char *port) {
    struct addrinfo hints = {0}, *found = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int status = getaddrinfo(host, port, &hints, &found);
    if (status != 0) {
        printf("failed %s:%s error=%s\n", host, port, gai_strerror(status));
        return 0;
    }
    int fd = socket(found->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        printf("failed %s:%s error=%s\n", host, port, strerror(errno));
        if (fd >= 0) close(fd);
        freeaddrinfo(found);
        return 0;
    }
    freeaddrinfo(found);
    char answer[512];
    size_t used = 0;
    if (write(fd, "WHO\n", 4) != 4) {
        printf("failed %s:%s error=%s\n", host, port, strerror(errno));
        close(fd);
        return 0;
    }
    while (used < sizeof answer - 1) {
        ssize_t n = read(fd, answer + used, sizeof answer - 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += (size_t)n;
        if (memchr(answer, '\n', used) != NULL) break;
    }
    close(fd);
    answer[used] = '\0';
    char *newline = strchr(answer, '\n');
    if (newline == NULL) {
        printf("failed %s:%s error=no answer\n", host, port);
        return 0;
    }
    *newline = '\0';
    printf("reached %s:%s identity=%s\n", host, port, answer);
    return 1;
}

int main(int argc, char **argv) {
    const char *host = setting(argc, argv, 1, "TARGET_HOST", "127.0.0.1");
    const char *port = setting(argc, argv, 2, "TARGET_PORT", "8080");
    long count = atol(setting(argc, argv, 3, "TARGET_COUNT", "0"));
    long interval = atol(setting(argc, argv, 4, "TARGET_INTERVAL_MS", "500"));
    int reached = 0;
    for (long i = 0; count == 0 || i < count; i++) {
        if (i > 0) {
            struct timespec pause = {interval / 1000, (interval % 1000) * 1000000L};
            nanosleep(&pause, NULL);
        }
        reached = attempt(host, port);
        fflush(stdout);
    }
    return reached ? 0 : 1;
}
