/* The container's seccomp filter from config to kernel: compiled by the
 * runtime's parent (errors reach the user, the BPF is cached under --root),
 * loaded by the process that enters the container last before execve. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "linux/seccomp_filter.h"
#include "oci/spec.h"
#include "util/error.h"

struct bw_seccomp_setup {
        bool present;
        struct bw_seccomp_filter filter;
        /* linux.seccompStacked (bulwark's default stacked by harden), loaded
         * before filter; n_insns 0: none. */
        struct bw_seccomp_filter stacked;
        /* With SCMP_ACT_NOTIFY: a socket connected to listenerPath by the
         * parent (the process that loads the filter cannot reach the path
         * from inside the rootfs), and what to tell the agent. */
        int agent_fd;
        char *metadata;
        char *state_json;    /* the container's state; set by bw_seccomp_setup_state */
};

/* Compile c's linux.seccomp (nothing when absent) and the filter stacked on
 * it, using root/seccomp-cache; connect to the agent when the profile
 * notifies. */
int bw_seccomp_setup_prepare(const struct oci_config *c, const char *root, struct bw_seccomp_setup *out,
                             struct bw_error **err);
/* The container state the agent receives with the listener (call before
 * loading: it allocates). */
int bw_seccomp_setup_state(struct bw_seccomp_setup *s, const char *id, const char *bundle,
                           const struct oci_kv_list *annotations, pid_t pid, struct bw_error **err);
/* In the process about to execve: load the filter; hand the listener to the
 * agent. Without no_new_privs the load needs CAP_SYS_ADMIN, so a process
 * that does not set it loads early (before it drops capabilities): early
 * says which call this is, and the call that does not match does nothing. */
int bw_seccomp_setup_install(struct bw_seccomp_setup *s, bool no_new_privs, bool early, struct bw_error **err);
void bw_seccomp_setup_clear(struct bw_seccomp_setup *s);
