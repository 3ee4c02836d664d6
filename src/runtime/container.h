/* The lifecycle of a container: create (clone init, park it), start
 * (release it), kill, delete. Orders the mechanisms of src/linux in time. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "runtime/store.h"
#include "util/error.h"

struct bw_create_opts {
        const char *root;            /* state root (--root) */
        const char *id;
        const char *bundle;          /* NULL: the current directory */
        const char *pid_file;
        const char *console_socket;
        int console_fd;              /* instead of console_socket: a connected socket, or -1 */
        bool no_pivot;
        bool no_new_keyring;
        int preserve_fds;
        bool systemd_cgroup;         /* --systemd-cgroup */
        const char *policy_file;     /* --policy; these three NULL: policy file or defaults */
        const char *profile;         /* --profile */
        const char *policy_mode;     /* --policy-mode */
};

/* Create the container and leave its init parked, a child of this process.
 * Returns 0 and its pid; on failure nothing is left behind. */
int bw_container_create(const struct bw_create_opts *o, pid_t *pid, struct bw_error **err);
/* Release a created container's init to exec the process; runs poststart. */
int bw_container_start(const char *root, const char *id, struct bw_error **err);
/* Signal the container's init (all its processes with all). */
int bw_container_kill(const char *root, const char *id, int sig, bool all, struct bw_error **err);
/* Delete: a stopped or created container, or with force a running one. */
int bw_container_delete(const char *root, const char *id, bool force, struct bw_error **err);
/* Load the bundle's config.json (bundle NULL: cwd). */
int bw_bundle_load(const char *bundle, char **abs_bundle, struct oci_config **config, struct bw_error **err);
/* The pids of the container's processes (init first). */
int bw_container_pids(const struct bw_state *s, pid_t **pids, size_t *n, struct bw_error **err);
/* Wait up to timeout_ms for pid (with start_time) to be gone. */
bool bw_wait_gone(pid_t pid, uint64_t start_time, int timeout_ms);
/* The config's annotations as a JSON object. */
#include <jansson.h>
json_t *bw_annotations_json(const struct oci_kv_list *l);
/* The OCI state JSON text of a container being created (for hooks). */
char *bw_state_json_text(const char *id, const char *bundle, const struct oci_kv_list *annotations,
                         pid_t pid, enum bw_status status);
