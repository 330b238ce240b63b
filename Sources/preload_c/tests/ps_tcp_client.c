/*
 * connect() (or sendto() with MSG_FASTOPEN, with -f) to HOST PORT, send a line and print the answer:
 * `connected seen=S real=R` then `reply=TEXT`. Usage: ps_tcp_client [-f] HOST PORT
 */
#include "ps_test_util.h"

int main(int argc, char **argv)
{
    int fast_open = argc > 1 && strcmp(argv[1], "-f") == 0;
    if (argc - fast_open != 3)
        return 2;
    char **arg = argv + fast_open;
    struct sockaddr_storage addr;
    socklen_t len = pt_address(arg[1], atoi(arg[2]), &addr);
    int fd = socket(addr.ss_family, SOCK_STREAM, 0);
    const char hello[] = "hello\n";
    if (fast_open) {
        if (sendto(fd, hello, sizeof hello - 1, MSG_FASTOPEN, (struct sockaddr *)&addr, len) < 0)
            pt_fail("sendto");
    } else {
        if (connect(fd, (struct sockaddr *)&addr, len) != 0)
            pt_fail("connect");
        if (write(fd, hello, sizeof hello - 1) < 0)
            pt_fail("write");
    }
    printf("connected seen=%d real=%d\n", pt_seen_peer(fd), pt_real_peer(fd));
    char reply[256] = "";
    ssize_t got = read(fd, reply, sizeof reply - 1);
    if (got < 0)
        pt_fail("read");
    reply[got > 0 ? got : 0] = '\0';
    reply[strcspn(reply, "\n")] = '\0';
    printf("reply=%s\n", reply);
    return 0;
}
