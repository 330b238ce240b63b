/*
 * bind(), listen(), then accept() (or accept4() with -4) COUNT connections, answering each line with NAME.
 * Prints `listening asked=P seen=S real=R`, then per connection `accepted seen=S real=R`.
 * Usage: ps_tcp_server [-4] HOST PORT NAME COUNT
 */
#include "ps_test_util.h"

int main(int argc, char **argv)
{
    int use_accept4 = argc > 1 && strcmp(argv[1], "-4") == 0;
    if (argc - use_accept4 != 5)
        return 2;
    char **arg = argv + use_accept4;
    struct sockaddr_storage addr;
    int port = atoi(arg[2]);
    socklen_t len = pt_address(arg[1], port, &addr);
    int fd = socket(addr.ss_family, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, len) != 0)
        pt_fail("bind");
    if (listen(fd, 64) != 0)
        pt_fail("listen");
    printf("listening asked=%d seen=%d real=%d\n", port, pt_seen_local(fd), pt_real_local(fd));
    fflush(stdout);
    for (int served = 0; served < atoi(arg[4]); served++) {
        struct sockaddr_storage peer;
        socklen_t peer_len = sizeof peer;
        int conn = use_accept4 ? accept4(fd, (struct sockaddr *)&peer, &peer_len, SOCK_CLOEXEC)
                               : accept(fd, (struct sockaddr *)&peer, &peer_len);
        if (conn < 0)
            pt_fail("accept");
        printf("accepted seen=%d real=%d\n", pt_seen_local(conn), pt_real_local(conn));
        fflush(stdout);
        char line[256];
        ssize_t got = read(conn, line, sizeof line);
        (void)got;
        dprintf(conn, "%s\n", arg[3]);
        close(conn);
    }
    return 0;
}
