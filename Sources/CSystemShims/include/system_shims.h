#ifndef PAPERSITE_SYSTEM_SHIMS_H
#define PAPERSITE_SYSTEM_SHIMS_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (also where the
/// kernel or file system does not support it).
int papersite_exchange_paths(const char *a, const char *b);

/// Gives freed heap memory back to the system (glibc malloc_trim); nothing
/// elsewhere.
void papersite_release_free_memory(void);

#endif
