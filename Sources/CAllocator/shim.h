#ifndef READER_ALLOCATOR_SHIM_H
#define READER_ALLOCATOR_SHIM_H

/* The allocator settings the `reader` CLI makes. glibc gives every thread that
   allocates an arena of its own (up to 8 per core), and each arena keeps the memory it
   once held. A refresh allocates on the two threads of Swift's cooperative pool and on
   GRDB's writer thread: three arenas instead of two, which measured as 8-10 MB more peak
   RSS for the same work (`reader-bench feeds`, issue 13). Returns 1 when the limit was
   set, 0 where the C library has no such setting (Apple platforms, musl).

   glibc also serves a block of 128 KB or more from its own mapping, returned to the
   system when freed, but raises that threshold to the size of every such block freed, up
   to 32 MB: after the first feed body or sync page is freed, the next ones come from the
   heap, whose freed pages stay resident. Fixing the threshold keeps big buffers in their
   own mappings (`reader-bench sync`: a first sync peaked 0.5-1 MB lower; no change seen
   in a refresh). */

#if defined(__linux__)
#include <features.h>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
static inline int reader_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}
static inline int reader_fix_malloc_mmap_threshold(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
#else
static inline int reader_limit_malloc_arenas(int count) {
    (void)count;
    return 0;
}
static inline int reader_fix_malloc_mmap_threshold(int bytes) {
    (void)bytes;
    return 0;
}
#endif

#endif
