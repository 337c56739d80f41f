// Swift's Glibc module does not export renameat2 (a GNU extension), so the
// one call the output writer needs is made here.
#define _GNU_SOURCE
#include "system_shims.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/fs.h>
#endif

int papersite_exchange_paths(const char *a, const char *b) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
void papersite_release_free_memory(void) { malloc_trim(0); }
// A thread's heap grows by mprotect(2) as it needs room; by default a
// little at a time, and it gives its top back as soon as that is free, so
// a build's allocations made some ten thousand such calls, each taking
// the process's memory-map lock that page faults on the other threads
// wait for. Growing (and keeping) 64 MiB at a time makes it a few dozen.
// Pages are only counted as used when touched.
//
// And a thread that finds the heaps busy makes one of its own, up to eight
// per core; memory freed in one heap serves only the threads that use it,
// so a large site's build held a fifth more memory than it used (at
// 100,000 papers, a peak of 553 MiB against 496 with one heap per core,
// in the same time).
//
// Set as the program loads: a heap made before (the first threads' are)
// would still grow by pages.
__attribute__((constructor)) static void papersite_tune_heaps(void) {
    mallopt(M_TOP_PAD, 64 << 20);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, cores > 1 ? (int)cores : 1);
}
#else
void papersite_release_free_memory(void) {}
#endif
