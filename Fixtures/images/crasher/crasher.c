/*
 * crasher: a service that dies, for FakeRuntime fixture images.
 * Prints "crasher starting", waits CRASH_AFTER_MS (default 0), then raises CRASH_SIGNAL if set (e.g. 11),
 * else exits with CRASH_CODE (default 3). Dynamically linked.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void) {
    printf("crasher starting\n");
    fflush(stdout);
    const char *after = getenv("CRASH_AFTER_MS");
    long ms = after != NULL ? atol(after) : 0;
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    const char *signal_name = getenv("CRASH_SIGNAL");
    if (signal_name != NULL && *signal_name != '\0') {
        int number = atoi(signal_name);
        signal(number, SIG_DFL);
        raise(number);
    }
    fprintf(stderr, "crasher: giving up\n");
    const char *code = getenv("CRASH_CODE");
    return code != NULL ? atoi(code) : 3;
}
