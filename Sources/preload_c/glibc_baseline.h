/* Included with -include by `scripts/build-shim --glibc-baseline`: binds the two symbols that glibc 2.34 moved
 * into libc.so.6 (and so versioned GLIBC_2.34) to their original GLIBC_2.2.5 versions, which every glibc still
 * exports (from libc.so.6 since 2.34, from libdl.so.2 and libpthread.so.0 before). With libdl.so.2 and
 * libpthread.so.0 needed as well, the library then loads on glibc 2.17 and later; build-shim checks the
 * newest version it references with objdump. */
#ifndef PS_GLIBC_BASELINE_H
#define PS_GLIBC_BASELINE_H
__asm__(".symver dlsym, dlsym@GLIBC_2.2.5");
__asm__(".symver pthread_once, pthread_once@GLIBC_2.2.5");
#endif
