/* Reads the environment into ps_cfg, once per process. Bad values are reported and ignored, never fatal. */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "ps_internal.h"

struct ps_config ps_cfg;

static int ps_valid_group(const char *name)
{
    size_t length = strlen(name);
    if (length == 0 || length > PS_MAX_GROUP)
        return 0;
    for (const char *c = name; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.'
                 || *c == '_' || *c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* Calls `each` with every comma-separated, blank-trimmed item of `list`. */
static void ps_for_each_item(const char *list, void (*each)(const char *item, size_t length))
{
    while (list && *list) {
        const char *end = strchr(list, ',');
        size_t length = end ? (size_t)(end - list) : strlen(list);
        const char *item = list;
        while (length > 0 && (*item == ' ' || *item == '\t')) {
            item++;
            length--;
        }
        while (length > 0 && (item[length - 1] == ' ' || item[length - 1] == '\t'))
            length--;
        if (length > 0)
            each(item, length);
        list = end ? end + 1 : NULL;
    }
}

static int ps_parse_port(const char *text, size_t length)
{
    if (length == 0 || length > 5)
        return -1;
    int value = 0;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value <= 65535 ? value : -1;
}

static void ps_add_except(const char *item, size_t length)
{
    const char *dash = memchr(item, '-', length);
    int low = ps_parse_port(item, dash ? (size_t)(dash - item) : length);
    int high = dash ? ps_parse_port(dash + 1, length - (size_t)(dash - item) - 1) : low;
    if (low < 0 || high < low) {
        ps_log(PS_LOG_ERROR, "ignoring bad port in " PS_ENV_EXCEPT_PORTS " item=\"%.*s\"", (int)length, item);
        return;
    }
    for (int port = low; port <= high; port++)
        ps_cfg.except_ports[port / 8] |= (unsigned char)(1u << (port % 8));
}

static void ps_add_extension(const char *item, size_t length)
{
    if (*item == '.') {
        item++;
        length--;
    }
    if (length == 0 || length >= sizeof ps_cfg.extensions[0] || ps_cfg.extension_count >= PS_MAX_LIST
        || memchr(item, '/', length)) {
        ps_log(PS_LOG_ERROR, "ignoring bad extension in " PS_ENV_EXTENSIONS " item=\"%.*s\"", (int)length, item);
        return;
    }
    memcpy(ps_cfg.extensions[ps_cfg.extension_count], item, length);
    ps_cfg.extensions[ps_cfg.extension_count][length] = '\0';
    ps_cfg.extension_count++;
}

static void ps_add_shift_addr(const char *item, size_t length)
{
    char text[64];
    if (length == 1 && *item == '*') {
        ps_cfg.shift_all = 1;
        return;
    }
    socklen_t unused;
    if (length >= sizeof text || ps_cfg.shift_addr_count >= PS_MAX_LIST) {
        ps_log(PS_LOG_ERROR, "ignoring address in " PS_ENV_SHIFT_ADDRS " item=\"%.*s\"", (int)length, item);
        return;
    }
    memcpy(text, item, length);
    text[length] = '\0';
    if (ps_parse_ip(text, 0, &ps_cfg.shift_addrs[ps_cfg.shift_addr_count], &unused) != 0) {
        ps_log(PS_LOG_ERROR, "ignoring bad address in " PS_ENV_SHIFT_ADDRS " item=\"%s\"", text);
        return;
    }
    ps_cfg.shift_addr_count++;
}

/* OFFSET_SERVER_ADDR: host, host:port, [v6] or [v6]:port; a host name is resolved once, here. */
static void ps_load_server(const char *text)
{
    char host[128];
    int port = PS_DEFAULT_SERVER_PORT;
    const char *colon = strrchr(text, ':');
    size_t host_length = strlen(text);
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close)
            goto bad;
        host_length = (size_t)(close - text - 1);
        text++;
        if (close[1] == ':')
            port = ps_parse_port(close + 2, strlen(close + 2));
        else if (close[1] != '\0')
            goto bad;
    } else if (colon && strchr(text, ':') == colon) {
        host_length = (size_t)(colon - text);
        port = ps_parse_port(colon + 1, strlen(colon + 1));
    }
    if (port <= 0 || host_length == 0 || host_length >= sizeof host)
        goto bad;
    memcpy(host, text, host_length);
    host[host_length] = '\0';
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (ps_parse_ip(host, port, &ps_cfg.server, &ps_cfg.server_len) == 0)
        goto done;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *found = NULL;
    if (getaddrinfo(host, NULL, &hints, &found) != 0 || !found)
        goto bad;
    memcpy(&ps_cfg.server, found->ai_addr, found->ai_addrlen);
    ps_cfg.server_len = found->ai_addrlen;
    ps_set_port((struct sockaddr *)&ps_cfg.server, port);
    freeaddrinfo(found);
done:
    ps_format_addr((struct sockaddr *)&ps_cfg.server, ps_cfg.server_text, sizeof ps_cfg.server_text);
    return;
bad:
    ps_log(PS_LOG_ERROR, "bad " PS_ENV_SERVER ", using 127.0.0.1:%d value=\"%s\"", PS_DEFAULT_SERVER_PORT, text);
    ps_load_server("127.0.0.1");
}

void ps_config_load(void)
{
    const char *debug = getenv(PS_ENV_DEBUG);
    ps_cfg.debug = debug ? atoi(debug) : 0;
    const char *group = getenv(PS_ENV_GROUP);
    if (group && *group) {
        if (ps_valid_group(group))
            strcpy(ps_cfg.group, group);
        else
            ps_log(PS_LOG_ERROR, "bad " PS_ENV_GROUP " (expected [A-Za-z0-9._-]{1,64}); every shift will fail "
                                 "value=\"%.80s\"", group);
    }
    const char *server = getenv(PS_ENV_SERVER);
    ps_load_server(server && *server ? server : "127.0.0.1");
    ps_for_each_item(getenv(PS_ENV_EXCEPT_PORTS), ps_add_except);
    ps_for_each_item(getenv(PS_ENV_EXTENSIONS), ps_add_extension);
    ps_for_each_item(getenv(PS_ENV_SHIFT_ADDRS), ps_add_shift_addr);
    const char *zero = getenv(PS_ENV_ALLOW_ZERO);
    ps_cfg.allow_zero = zero && strcmp(zero, "1") == 0;
    const char *timeout = getenv(PS_ENV_TIMEOUT);
    ps_cfg.timeout_ms = timeout && atoi(timeout) > 0 ? atoi(timeout) : PS_DEFAULT_TIMEOUT_MS;
    ps_cfg.group_invalid = group && *group && !ps_cfg.group[0];
}
