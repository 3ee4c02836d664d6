/* A cache of compiled seccomp filters: compile a profile once, then read
 * its BPF back. Files live in a directory the caller names (the runtime
 * uses --root/seccomp-cache), one per profile, named by a hash of the
 * profile's canonical form. */
#pragma once
#include "linux/seccomp_filter.h"

/* bw_seccomp_compile, with the BPF served from dir when an earlier compile
 * of the same profile (by the same bulwark and libseccomp, on the same
 * architecture) stored it there; otherwise compiled and stored. A cache
 * that cannot be used (missing and not creatable, not owned by us, writable
 * by others, a corrupt or foreign file) never fails the compile: it is
 * skipped or rewritten. out->from_cache says which happened. dir may be
 * NULL: no cache. */
int bw_seccomp_compile_cached(const struct oci_seccomp *s, const char *dir, struct bw_seccomp_filter *out,
                              struct bw_error **err);

/* The file the profile is cached in under dir (malloc'd), or NULL on ENOMEM. */
char *bw_seccomp_cache_path(const struct oci_seccomp *s, const char *dir);
