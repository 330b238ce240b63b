/*
 * oneshot: a job that prints what it was given and exits, for FakeRuntime fixture images.
 * Prints "job done" and its arguments; exits with JOB_EXIT_CODE (default 0). Dynamically linked.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("job done");
    for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    const char *code = getenv("JOB_EXIT_CODE");
    return code != NULL ? atoi(code) : 0;
}
