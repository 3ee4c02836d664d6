/* create: from the bundle to a parked init (clone it, run the parent's
 * steps, record the state). Orders the mechanisms of src/linux in time;
 * start, kill and delete are in lifecycle.h. */
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
/* Load the bundle's config.json (bundle NULL: cwd). */
int bw_bundle_load(const char *bundle, char **abs_bundle, struct oci_config **config, struct bw_error **err);
