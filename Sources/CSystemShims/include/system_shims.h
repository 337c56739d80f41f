#ifndef PAPERSITE_SYSTEM_SHIMS_H
#define PAPERSITE_SYSTEM_SHIMS_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (also where the
/// kernel or file system does not support it).
int papersite_exchange_paths(const char *a, const char *b);

/// Gives freed heap memory back to the system (glibc malloc_trim); nothing
/// elsewhere.
void papersite_release_free_memory(void);

#include <stddef.h>
#include <stdint.h>

/// Sets flags[i] to `value`, atomically (relaxed): many threads mark the
/// build cache's values as used without a lock.
static inline void papersite_mark(uint8_t *flags, size_t i, uint8_t value) { __atomic_store_n(&flags[i], value, __ATOMIC_RELAXED); }

/// Reads flags[i] (atomically, relaxed).
static inline uint8_t papersite_marked(const uint8_t *flags, size_t i) { return __atomic_load_n(&flags[i], __ATOMIC_RELAXED); }

#endif
