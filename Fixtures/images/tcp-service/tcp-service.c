/*
 * tcp-service: a line-protocol TCP server for FakeRuntime fixture images.
 *
 * Listens on SERVICE_HOST (default 127.0.0.1) port SERVICE_PORT (default 8080), or the first argument as the
 * port. Each line a client sends gets one line back:
 *   PING      -> PONG <identity>
 *   WHO       -> <identity>
 *   ENV NAME  -> the value of NAME in this process's environment (empty line if unset)
 *   PORT      -> the port this process asked to listen on
 *   QUIT      -> BYE, then the connection closes
 * anything else gets "ERR unknown command". The identity is SERVICE_IDENTITY, else INSTANCE_ID, else
 * MINI_COMPOSE_INSTANCE (which the launcher gives every container), else
 * the host name, so tests can tell which copy of a stack answered. Prints "listening on HOST:PORT" once bound,
 * with the port actually bound (so port 0 works).
 * One child process per connection; dynamically linked on purpose, so LD_PRELOAD shims apply.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *identity(void) {
    const char *value = getenv("SERVICE_IDENTITY");
    if (value == NULL || *value == '\0') value = getenv("INSTANCE_ID");
    if (value == NULL || *value == '\0') value = getenv("MINI_COMPOSE_INSTANCE");
    if (value == NULL || *value == '\0') {
        static char host[256];
        if (gethostname(host, sizeof host) != 0) strcpy(host, "unknown");
        value = host;
    }
    return value;
}

static void reply(int fd, const char *text) {
    size_t length = strlen(text), done = 0;
    while (done < length) {
        ssize_t n = write(fd, text + done, length - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += (size_t)n;
    }
}

static void serve(int fd, const char *port) {
    char line[1024];
    size_t used = 0;
    for (;;) {
        ssize_t n = read(fd, line + used, sizeof line - 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        used += (size_t)n;
        char *newline;
        while ((newline = memchr(line, '\n', used)) != NULL) {
            *newline = '\0';
            if (newline > line && newline[-1] == '\r') newline[-1] = '\0';
            char out[1200];
            if (strcmp(line, "PING") == 0) {
                snprintf(out, sizeof out, "PONG %s\n", identity());
            } else if (strcmp(line, "WHO") == 0) {
                snprintf(out, sizeof out, "%s\n", identity());
            } else if (strncmp(line, "ENV ", 4) == 0) {
                const char *value = getenv(line + 4);
                snprintf(out, sizeof out, "%s\n", value ? value : "");
            } else if (strcmp(line, "PORT") == 0) {
                snprintf(out, sizeof out, "%s\n", port);
            } else if (strcmp(line, "QUIT") == 0) {
                reply(fd, "BYE\n");
                return;
            } else {
                snprintf(out, sizeof out, "ERR unknown command\n");
            }
            reply(fd, out);
            size_t consumed = (size_t)(newline - line) + 1;
            memmove(line, newline + 1, used - consumed);
            used -= consumed;
        }
        if (used == sizeof line - 1) used = 0;
    }
}

int main(int argc, char **argv) {
    const char *host = getenv("SERVICE_HOST");
    const char *port = argc > 1 ? argv[1] : getenv("SERVICE_PORT");
    if (host == NULL || *host == '\0') host = "127.0.0.1";
    if (port == NULL || *port == '\0') port = "8080";
    signal(SIGCHLD, SIG_IGN);

    struct addrinfo hints = {0}, *found = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    int status = getaddrinfo(host, port, &hints, &found);
    if (status != 0) {
        fprintf(stderr, "tcp-service: bad address %s:%s: %s\n", host, port, gai_strerror(status));
        return 2;
    }
    int listener = socket(found->ai_family, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (listener < 0 || bind(listener, found->ai_addr, found->ai_addrlen) != 0 || listen(listener, 64) != 0) {
        fprintf(stderr, "tcp-service: cannot listen on %s:%s: %s\n", host, port, strerror(errno));
        return 1;
    }
    freeaddrinfo(found);
    struct sockaddr_storage bound;
    socklen_t length = sizeof bound;
    char actual[NI_MAXSERV] = "?";
    if (getsockname(listener, (struct sockaddr *)&bound, &length) == 0) {
        getnameinfo((struct sockaddr *)&bound, length, NULL, 0, actual, sizeof actual, NI_NUMERICSERV);
    }
    printf("listening on %s:%s identity=%s\n", host, actual, identity());
    fflush(stdout);
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "tcp-service: accept: %s\n", strerror(errno));
            return 1;
        }
        pid_t child = fork();
        if (child == 0) {
            close(listener);
            serve(client, port);
            _exit(0);
        }
        close(client);
    }
}
