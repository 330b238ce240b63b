#ifndef MINI_COMPOSE_CMICROHTTPD_SHIM_H
#define MINI_COMPOSE_CMICROHTTPD_SHIM_H

/* libmicrohttpd's daemon and info entry points are variadic, which Swift cannot call. These inline
 * wrappers give them fixed signatures; options travel as an MHD_OPTION_ARRAY built on the Swift side. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* Signature of the URL unescape hook (MHD_OPTION_UNESCAPE_CALLBACK); the header has no typedef for it. */
typedef size_t (*mc_mhd_unescape_callback)(void *cls, struct MHD_Connection *connection, char *uri);

static inline struct MHD_OptionItem mc_mhd_option_end(void) {
    struct MHD_OptionItem item = {MHD_OPTION_END, 0, NULL};
    return item;
}

static inline struct MHD_OptionItem mc_mhd_option_value(enum MHD_OPTION option, intptr_t value) {
    struct MHD_OptionItem item = {option, value, NULL};
    return item;
}

static inline struct MHD_OptionItem mc_mhd_option_notify_completed(MHD_RequestCompletedCallback callback, void *cls) {
    struct MHD_OptionItem item = {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)callback, cls};
    return item;
}

static inline struct MHD_OptionItem mc_mhd_option_unescape(mc_mhd_unescape_callback callback, void *cls) {
    struct MHD_OptionItem item = {MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)callback, cls};
    return item;
}

static inline struct MHD_OptionItem mc_mhd_option_logger(MHD_LogCallback callback, void *cls) {
    struct MHD_OptionItem item = {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)callback, cls};
    return item;
}

/* Starts a daemon on an already bound and listening socket given by MHD_OPTION_LISTEN_SOCKET in options. */
static inline struct MHD_Daemon *mc_mhd_start_daemon(unsigned int flags, MHD_AccessHandlerCallback handler,
                                                     void *handler_cls, struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls, MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/* A response holding its own copy of the bytes. */
static inline struct MHD_Response *mc_mhd_response_copying(const void *bytes, size_t size) {
    return MHD_create_response_from_buffer(size, (void *)bytes, MHD_RESPMEM_MUST_COPY);
}

/* Number of open connections, suspended ones included; 0 if the daemon cannot tell. */
static inline unsigned int mc_mhd_current_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/* The port the daemon listens on, or 0 if the daemon cannot tell. */
static inline uint16_t mc_mhd_bind_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* The peer address of a connection, or NULL. */
static inline const struct sockaddr *mc_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

#endif
