/* Log lines on stderr: `portshift[pid] LEVEL message key=value`, each written with one write(2). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "ps_internal.h"

void ps_log(int level, const char *format, ...)
{
    if (level > ps_cfg.debug)
        return;
    int saved = errno;
    static const char *const labels[] = {"ERROR", "DEBUG", "TRACE"};
    char line[512];
    int used = snprintf(line, sizeof line, "portshift[%d] %s preload ", (int)getpid(), labels[level]);
    va_list args;
    va_start(args, format);
    int more = vsnprintf(line + used, sizeof line - (size_t)used - 1, format, args);
    va_end(args);
    if (more < 0)
        more = 0;
    size_t length = (size_t)used + (size_t)more;
    if (length > sizeof line - 2)
        length = sizeof line - 2;
    line[length++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, length);
    (void)ignored;
    errno = saved;
}
