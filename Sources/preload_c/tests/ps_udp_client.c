/*
 * UDP client: sendto() a datagram and recvfrom() the answer (sendmsg()/recvmsg() with -m, connect() first with
 * -c). Prints `reply=TEXT from=PORT`. With -n it only connect()s and prints `connected seen=S real=R`, sending
 * nothing. Usage: ps_udp_client [-m|-c|-n] HOST PORT
 */
#include <poll.h>

#include "ps_test_util.h"

int main(int argc, char **argv)
{
    char mode = argc == 4 ? argv[1][1] : 's';
    char **arg = argc == 4 ? argv + 1 : argv;
    if (argc < 3)
        return 2;
    struct sockaddr_storage addr;
    socklen_t len = pt_address(arg[1], atoi(arg[2]), &addr);
    int fd = socket(addr.ss_family, SOCK_DGRAM, 0);
    if (mode == 'c' || mode == 'n') {
        if (connect(fd, (struct sockaddr *)&addr, len) != 0)
            pt_fail("connect");
        printf("connected seen=%d real=%d\n", pt_seen_peer(fd), pt_real_peer(fd));
        fflush(stdout);
        if (mode == 'n')
            return 0;
    }
    char ping[] = "ping";
    struct iovec io = {.iov_base = ping, .iov_len = 4};
    struct msghdr message = {.msg_name = &addr, .msg_namelen = len, .msg_iov = &io, .msg_iovlen = 1};
    ssize_t sent = mode == 'm' ? sendmsg(fd, &message, 0)
                   : mode == 'c' ? send(fd, ping, 4, 0)
                                 : sendto(fd, ping, 4, 0, (struct sockaddr *)&addr, len);
    if (sent < 0)
        pt_fail("send");
    struct pollfd wait = {.fd = fd, .events = POLLIN};
    if (poll(&wait, 1, 5000) != 1) {
        errno = ETIMEDOUT;
        pt_fail("poll");
    }
    char buffer[256];
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    io = (struct iovec){.iov_base = buffer, .iov_len = sizeof buffer - 1};
    message = (struct msghdr){.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &io, .msg_iovlen = 1};
    ssize_t got = mode == 'm' ? recvmsg(fd, &message, 0)
                              : recvfrom(fd, buffer, sizeof buffer - 1, 0, (struct sockaddr *)&from, &from_len);
    if (got < 0)
        pt_fail("recv");
    buffer[got] = '\0';
    printf("reply=%s from=%d\n", buffer, pt_port(&from));
    return 0;
}
