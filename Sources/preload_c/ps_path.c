/* EXTENSIONS: `<dir>/<name>.<ext>` becomes `<dir>/<name>.<APP_GRP>.<ext>` for writes, and for reads when it exists. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ps_internal.h"

static int ps_listed_extension(const char *extension)
{
    for (int i = 0; i < ps_cfg.extension_count; i++)
        if (strcmp(extension, ps_cfg.extensions[i]) == 0)
            return 1;
    return 0;
}

const char *ps_rewrite_path(int dirfd, const char *path, int writing, char *buffer, size_t buffer_len)
{
    if (!path || !ps_cfg.group[0] || ps_cfg.extension_count == 0)
        return path;
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || !ps_listed_extension(dot + 1))
        return path;
    size_t stem = (size_t)(dot - path);
    size_t group = strlen(ps_cfg.group);
    /* A path that already names the group's file is left alone. */
    if ((size_t)(dot - name) > group && dot[-(long)group - 1] == '.' && strncmp(dot - group, ps_cfg.group, group) == 0)
        return path;
    int length = snprintf(buffer, buffer_len, "%.*s.%s%s", (int)stem, path, ps_cfg.group, dot);
    if (length < 0 || (size_t)length >= buffer_len)
        return path;
    if (!writing && faccessat(dirfd, buffer, F_OK, 0) != 0) {
        ps_log(PS_LOG_TRACE, "open reads the shared file: group's file absent path=\"%s\"", path);
        return path;
    }
    ps_log(PS_LOG_SHIFT, "open rewritten group=%s path=\"%s\" real_path=\"%s\"", ps_cfg.group, path, buffer);
    return buffer;
}
