/*
 * A UDP echo of NAME: bind(), then COUNT times recvfrom() and sendto() back (recvmsg()/sendmsg() with -m).
 * Prints `listening asked=P seen=S real=R` and per datagram `from=PORT`. Usage: ps_udp_server [-m] HOST PORT NAME COUNT
 */
#include "ps_test_util.h"

int main(int argc, char **argv)
{
    int use_msg = argc > 1 && strcmp(argv[1], "-m") == 0;
    if (argc - use_msg != 5)
        return 2;
    char **arg = argv + use_msg;
    struct sockaddr_storage addr;
    int port = atoi(arg[2]);
    socklen_t len = pt_address(arg[1], port, &addr);
    int fd = socket(addr.ss_family, SOCK_DGRAM, 0);
    if (bind(fd, (struct sockaddr *)&addr, len) != 0)
        pt_fail("bind");
    printf("listening asked=%d seen=%d real=%d\n", port, pt_seen_local(fd), pt_real_local(fd));
    fflush(stdout);
    for (int served = 0; served < atoi(arg[4]); served++) {
        char buffer[256];
        struct sockaddr_storage peer;
        socklen_t peer_len = sizeof peer;
        struct iovec io = {.iov_base = buffer, .iov_len = sizeof buffer};
        struct msghdr message = {.msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &io, .msg_iovlen = 1};
        ssize_t got = use_msg ? recvmsg(fd, &message, 0) : recvfrom(fd, buffer, sizeof buffer, 0,
                                                                     (struct sockaddr *)&peer, &peer_len);
        if (got < 0)
            pt_fail("recv");
        printf("from=%d\n", pt_port(&peer));
        fflush(stdout);
        size_t size = strlen(arg[3]);
        io = (struct iovec){.iov_base = arg[3], .iov_len = size};
        message = (struct msghdr){.msg_name = &peer, .msg_namelen = use_msg ? message.msg_namelen : peer_len,
                                  .msg_iov = &io, .msg_iovlen = 1};
        if ((use_msg ? sendmsg(fd, &message, 0) : sendto(fd, arg[3], size, 0, (struct sockaddr *)&peer, peer_len)) < 0)
            pt_fail("send");
    }
    return 0;
}
