#ifndef READER_ALLOCATOR_SHIM_H
#define READER_ALLOCATOR_SHIM_H

/* The one allocator setting the `reader` CLI makes. glibc gives every thread that
   allocates an arena of its own (up to 8 per core), and each arena keeps the memory it
   once held. A refresh allocates on the two threads of Swift's cooperative pool and on
   GRDB's writer thread: three arenas instead of two, which measured as 8-10 MB more peak
   RSS for the same work (`reader-bench feeds`, issue 13). Returns 1 when the limit was
   set, 0 where the C library has no such setting (Apple platforms, musl). */

#if defined(__linux__)
#include <features.h>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
static inline int reader_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}
#else
static inline int reader_limit_malloc_arenas(int count) {
    (void)count;
    return 0;
}
#endif

#endif
