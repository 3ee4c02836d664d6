/* The container's init, from clone to execve. Runs in the child only. */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"
#include "runtime/seccomp_setup.h"
#include "util/error.h"

struct bw_init_ctx {
        const struct oci_config *config;
        const char *id;
        const char *bundle;
        const char *rootfs;          /* absolute */
        int sync_fd;                 /* SOCK_SEQPACKET to the parent */
        int fifo_fd;                 /* exec fifo, read to wait for start */
        int console_fd;              /* connected --console-socket, or -1 */
        bool new_userns;
        bool user_joined;            /* the user namespace was joined before init was forked */
        int user_fd;                 /* the user namespace joined by path, or -1 */
        unsigned parent_joined;      /* 1 << type: namespaces the parent joined before the clone */
        bool no_pivot;
        bool no_new_keyring;
        int preserve_fds;
        struct bw_seccomp_setup *seccomp; /* compiled by the parent; NULL or empty: none */
};

_Noreturn void bw_init_run(const struct bw_init_ctx *ctx);

/* With a user namespace, the parent may join these namespaces' paths
 * before the clone (see join_before_userns; it says which in
 * parent_joined); init must not join those again. */
static inline bool bw_init_joined_by_parent(enum oci_ns_type t)
{
        return t == OCI_NS_NETWORK || t == OCI_NS_IPC || t == OCI_NS_UTS || t == OCI_NS_CGROUP;
}
