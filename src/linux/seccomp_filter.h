/* Seccomp: an OCI seccomp profile compiled (with libseccomp) into classic
 * BPF, and that BPF loaded into the calling thread.
 *
 * Compiling and loading are apart so the runtime can compile in the parent
 * (where errors reach the user and the result can be cached, see
 * seccomp_cache.c) and load in the container's init, last before execve,
 * after no_new_privs.
 *
 * (This header is not called seccomp.h: with -Isrc that name would shadow
 * the kernel's <linux/seccomp.h>, which libseccomp's <seccomp.h> includes.) */
#pragma once
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/spec.h"
#include "util/error.h"

/* A compiled filter. The instructions are what the kernel receives; flags
 * and notify say how to load them. */
struct bw_seccomp_filter {
        struct sock_filter *insns; /* owned */
        size_t n_insns;
        /* SECCOMP_FILTER_FLAG_* the profile asked for, each one checked
         * against the running kernel at compile time. */
        unsigned int flags;
        /* Some rule returns SCMP_ACT_NOTIFY: load with
         * SECCOMP_FILTER_FLAG_NEW_LISTENER and hand the listener on. */
        bool notify;
        /* Set by bw_seccomp_compile_cached when the BPF came from the cache. */
        bool from_cache;
};

/* Compile a profile. Syscall names libseccomp does not know are skipped
 * (logged at debug level); syscalls numbered above the highest one the
 * profile names get ENOSYS unless the default action already lets them
 * through. Errors name the part of the profile at fault. */
int bw_seccomp_compile(const struct oci_seccomp *s, struct bw_seccomp_filter *out,
                       struct bw_error **err);

/* Only the BPF of a profile: what bw_seccomp_compile computes and the cache
 * stores. *insns is malloc'd. */
int bw_seccomp_compile_bpf(const struct oci_seccomp *s, struct sock_filter **insns, size_t *n,
                           struct bw_error **err);

/* Only the load flags and notify of a profile (validated, probed against
 * the kernel); the part of compiling that a cached BPF does not cover. */
int bw_seccomp_load_flags(const struct oci_seccomp *s, unsigned int *flags, bool *notify,
                          struct bw_error **err);

/* Load a compiled filter into the calling thread (with TSYNC: the process).
 * The caller must have set no_new_privs or hold CAP_SYS_ADMIN. When the
 * filter notifies, *listener_fd receives the listener (O_CLOEXEC) and the
 * caller owns it; otherwise it is set to -1. listener_fd may be NULL only
 * for filters that do not notify. */
int bw_seccomp_load(const struct bw_seccomp_filter *f, int *listener_fd, struct bw_error **err);

/* Free what a filter owns and reset it to empty. */
void bw_seccomp_filter_clear(struct bw_seccomp_filter *f);

/* The highest syscall number on the architecture scmp_arch (SCMP_ARCH_*)
 * that the profile names and libseccomp knows, or -1 when it names none:
 * the boundary above which the filter answers ENOSYS. */
long bw_seccomp_last_syscall(const struct oci_seccomp *s, uint32_t scmp_arch);

