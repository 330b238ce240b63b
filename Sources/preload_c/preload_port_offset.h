/*
 * libpreload_port_offset.so: gives each group (APP_GRP) of programs its own window of ports on a shared host
 * network, without changing the programs. Loaded with LD_PRELOAD, it asks the port-offset server for the
 * group's offset and adds it to the ports the program binds and dials, and maps the ports back wherever
 * the program reads them.
 *
 * Environment
 *   APP_GRP                      group name, [A-Za-z0-9._-]{1,64}; unset or empty: offset 0, no query, no rewriting
 *   OFFSET_SERVER_ADDR           host or host:port ([v6]:port) of the offset server (default 127.0.0.1:25000)
 *   EXCEPT_PORTS                 comma-separated ports (or ranges a-b) never shifted, such as 22,80,443
 *   EXTENSIONS                   comma-separated file extensions (log,txt) whose paths get the group in open()
 *   SHIFT_ADDRS                  comma-separated IP addresses of other hosts whose ports are shifted too,
 *                                or * for every destination
 *   PORTSHIFT_ALLOW_ZERO_OFFSET  1: when no offset can be had, warn once and run unshifted (offset 0)
 *   PORTSHIFT_TIMEOUT_MS         bound on the whole offset query, retries included (default 2000)
 *   PORTSHIFT_DEBUG              log level on stderr: 0 errors only (default), 1 every shift, 2 every decision
 *
 * Behaviour
 *   bind(), connect(), and sendto()/sendmsg() with a destination (UDP, TCP fast open) add the offset to the
 *   port, for IPv4, IPv6 and v4-mapped addresses. Port 0, EXCEPT_PORTS, AF_UNIX and other families are never
 *   touched, nor is the offset server's own address. Outgoing calls are shifted only towards this host
 *   (loopback, the unspecified address, or an address of one of its interfaces) or SHIFT_ADDRS.
 *   getsockname(), getpeername(), accept(), accept4(), recvfrom() and recvmsg() report the port the program
 *   asked for in place of one this library shifted on that socket (socket() is hooked only to forget what was
 *   tracked for a closed socket with the same number). A UDP peer whose datagram arrived on a socket is
 *   answered on its real port. A shifted port above 65535 fails the call with EADDRNOTAVAIL.
 *   When no offset can be had the call fails with EADDRNOTAVAIL and a line on stderr, unless opted out above.
 *   open(), open64(), openat(), openat64(), creat(), creat64(), fopen() and fopen64() (and the fortified
 *   __open_2 family) send writes of a path with a listed extension to <dir>/<name>.<APP_GRP>.<ext>; reads use
 *   that file when it exists and the original path otherwise.
 *
 * Limitations
 *   Statically linked programs and Go programs (which make system calls directly) are not affected.
 *   The dynamic loader ignores LD_PRELOAD paths with a slash for setuid and setgid programs.
 *   Raw syscall(2) calls, io_uring, sendmmsg() and recvmmsg() are not intercepted.
 *   Ports are mapped back on sockets numbered below 65536 only, and only within the process that shifted them
 *   (a socket inherited across exec, or duplicated with dup(), reports its shifted port).
 *   Opening a listed file for update without O_CREAT (fopen "r+") fails with ENOENT until the group has its copy.
 *   The host's own addresses are read once per process, at the first outgoing call to a non-loopback address.
 */
#ifndef PRELOAD_PORT_OFFSET_H
#define PRELOAD_PORT_OFFSET_H

#define PS_ENV_GROUP "APP_GRP"
#define PS_ENV_SERVER "OFFSET_SERVER_ADDR"
#define PS_ENV_EXCEPT_PORTS "EXCEPT_PORTS"
#define PS_ENV_EXTENSIONS "EXTENSIONS"
#define PS_ENV_SHIFT_ADDRS "SHIFT_ADDRS"
#define PS_ENV_ALLOW_ZERO "PORTSHIFT_ALLOW_ZERO_OFFSET"
#define PS_ENV_TIMEOUT "PORTSHIFT_TIMEOUT_MS"
#define PS_ENV_DEBUG "PORTSHIFT_DEBUG"

#define PS_DEFAULT_SERVER_PORT 25000
#define PS_DEFAULT_TIMEOUT_MS 2000

#endif
