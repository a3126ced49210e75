#ifndef REELDESK_CARGON2_SHIM_H
#define REELDESK_CARGON2_SHIM_H
#include <argon2.h>
#include <malloc.h>

/* Argon2id takes its 19 MiB with one malloc. glibc serves the first from mmap, then raises its
   mmap threshold to that size, so later ones come from the worker threads' arenas, which keep
   the memory for good (80 sign-ins took a responder from 111 to 443 MB). A fixed threshold
   (which also stops the dynamic one) keeps every allocation over 1 MiB in mmap: freed, it goes
   back to the system at once. */
static inline int rd_return_large_allocations(void) { return mallopt(M_MMAP_THRESHOLD, 1 << 20); }
#endif
