/* containerd's running tasks as audit targets: the OCI config.json its
 * runc shim (io.containerd.runc.v2) wrote into each task's bundle,
 * STATE/io.containerd.runtime.v2.task/NAMESPACE/ID/config.json. Read only;
 * no socket. */
#pragma once
#include <stddef.h>

#include "util/error.h"

/* containerd's default state directory (its `state` setting). */
#define BW_CONTAINERD_STATE "/run/containerd"

struct bw_containerd_task {
        char *name; /* "NAMESPACE/ID" */
        char *path; /* the bundle's config.json */
        char *data; /* its text, NUL-terminated */
        size_t len;
};

struct bw_containerd_tasks {
        struct bw_containerd_task *t;
        size_t n;
};

/* Every task bundle under state (every namespace, or only ns when it is
 * not NULL), namespaces and ids in name order. A bundle without a
 * config.json yet (a task being created) is skipped. No task directory
 * under state is an error naming it (containerd not running, or another
 * state directory); a namespace without a directory has no running
 * tasks. Directories and files are opened without following symbolic
 * links. */
int bw_containerd_tasks(const char *state, const char *ns, struct bw_containerd_tasks *out, struct bw_error **err);
void bw_containerd_tasks_free(struct bw_containerd_tasks *t);
