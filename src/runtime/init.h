/* The container's init, from clone to execve. Runs in the child only. */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"

struct bw_init_ctx {
        const struct oci_config *config;
        const char *id;
        const char *bundle;
        const char *rootfs;          /* absolute */
        int sync_fd;                 /* SOCK_SEQPACKET to the parent */
        int fifo_fd;                 /* exec fifo, read to wait for start */
        int console_fd;              /* connected --console-socket, or -1 */
        bool new_userns;
        bool no_pivot;
        bool no_new_keyring;
        int preserve_fds;
};

_Noreturn void bw_init_run(const struct bw_init_ctx *ctx);
