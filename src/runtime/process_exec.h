/* The last steps of every process that enters a container, init's and
 * exec's alike: its terminal, then from HOME and the LSM labels to
 * execve, and the one way such a child reports a failure. */
#pragma once
#include <stdbool.h>

#include "linux/lsm.h"
#include "oci/spec.h"
#include "runtime/seccomp_setup.h"
#include "util/error.h"

struct bw_proc_exec {
        struct oci_process *p;                    /* the child's own copy: HOME may be added */
        const struct oci_personality *persona;    /* linux.personality or NULL */
        int preserve_fds;
        struct bw_seccomp_setup *sc;              /* NULL or empty: no filter */
        const struct bw_lsm_plan *lsm;            /* read from the host's /sys before entering */
        int proc_fd;                              /* a procfs of our own for the LSM writes, or -1: opened if needed */
        const struct oci_hook_list *start_hooks;  /* startContainer hooks, or NULL */
        const char *hook_state;                   /* their state JSON */
};

/* Prepare the calling process as p says and execve it. Returns only on
 * failure, with *err set. */
int bw_process_exec(const struct bw_proc_exec *x, struct bw_error **err);

/* process.terminal: a new pty in the container, owned by the process's
 * user, made stdin/out/err; its master goes to console_fd. */
int bw_process_terminal(const struct oci_process *p, int console_fd, struct bw_error **err);

/* The child must not be dumpable (no ptrace, no /proc/PID/mem from the
 * container) until execve; checked, as crun, runc and youki do. */
int bw_process_undumpable(struct bw_error **err);

/* A child's failure, the one way: an ERROR message with err's whole chain
 * on sync_fd, which the parent turns back into the error it prints; with
 * sync_fd < 0 (init after start: nobody waits on it) the container's
 * stderr, prefixed with who. Exits 127 for a missing file, else 126. */
_Noreturn void bw_process_fail(int sync_fd, const char *who, const struct bw_error *err);
