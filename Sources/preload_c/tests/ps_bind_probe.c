/*
 * bind() once and report: `bound asked=P seen=S real=R`. A successful bind must leave errno as it was (the
 * shim's offset query runs inside it): otherwise it exits 3. Usage: ps_bind_probe tcp|udp|unix HOST|PATH PORT
 */
#include <sys/un.h>

#include "ps_test_util.h"

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    if (strcmp(argv[1], "unix") == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[2]);
        if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
            pt_fail("bind");
        struct sockaddr_un seen;
        socklen_t len = sizeof seen;
        getsockname(fd, (struct sockaddr *)&seen, &len);
        printf("bound path=%s\n", seen.sun_path);
        return 0;
    }
    struct sockaddr_storage addr;
    int port = atoi(argv[3]);
    socklen_t len = pt_address(argv[2], port, &addr);
    int fd = socket(addr.ss_family, strcmp(argv[1], "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM, 0);
    errno = 4242;
    if (bind(fd, (struct sockaddr *)&addr, len) != 0)
        pt_fail("bind");
    if (errno != 4242) {
        printf("error errno changed by a successful bind: %d\n", errno);
        return 3;
    }
    printf("bound asked=%d seen=%d real=%d\n", port, pt_seen_local(fd), pt_real_local(fd));
    return 0;
}
