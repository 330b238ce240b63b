/*
 * Writes TEXT to PATH, or reads PATH and prints it, through one call of the open() family. `open2` and
 * `openat2` call open()/openat() without a mode: built with _FORTIFY_SOURCE (ps_file_io_fortified) they reach
 * glibc's __open_2/__openat_2. Usage:
 * ps_file_io write|read open|open2|open64|openat|openat2|openat64|creat|creat64|fopen|fopen64 PATH [TEXT]
 */
#include "ps_test_util.h"

#include <fcntl.h>

static int open_with(const char *call, const char *path, int flags)
{
    if (strcmp(call, "open") == 0)
        return open(path, flags, 0644);
    if (strcmp(call, "open2") == 0)
        return open(path, flags & ~O_CREAT);
    if (strcmp(call, "openat2") == 0)
        return openat(AT_FDCWD, path, flags & ~O_CREAT);
    if (strcmp(call, "open64") == 0)
        return open64(path, flags, 0644);
    if (strcmp(call, "openat") == 0)
        return openat(AT_FDCWD, path, flags, 0644);
    if (strcmp(call, "openat64") == 0)
        return openat64(AT_FDCWD, path, flags, 0644);
    if (strcmp(call, "creat") == 0)
        return creat(path, 0644);
    if (strcmp(call, "creat64") == 0)
        return creat64(path, 0644);
    return -2;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    int writing = strcmp(argv[1], "write") == 0;
    const char *call = argv[2], *path = argv[3];
    if (strncmp(call, "fopen", 5) == 0) {
        const char *mode = writing ? "w" : "r";
        FILE *file = strcmp(call, "fopen") == 0 ? fopen(path, mode) : fopen64(path, mode);
        if (!file)
            pt_fail(call);
        if (writing) {
            fputs(argc > 4 ? argv[4] : "", file);
        } else {
            char line[256];
            while (fgets(line, sizeof line, file))
                fputs(line, stdout);
        }
        fclose(file);
        return 0;
    }
    int fd = open_with(call, path, writing ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY);
    if (fd == -2)
        return 2;
    if (fd < 0)
        pt_fail(call);
    if (writing) {
        if (write(fd, argv[4], strlen(argv[4])) < 0)
            pt_fail("write");
    } else {
        char buffer[256];
        ssize_t got;
        while ((got = read(fd, buffer, sizeof buffer)) > 0)
            fwrite(buffer, 1, (size_t)got, stdout);
    }
    close(fd);
    return 0;
}
