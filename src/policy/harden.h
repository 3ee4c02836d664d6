/* Rewriting a config to comply with its profile where that is safe. */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"
#include "policy/profile.h"

struct bw_harden_result {
        char **changes;     /* "BW019: dropped CAP_NET_RAW", one per change made */
        char **remaining;   /* "BW050: ... (why it was not changed)", violations left */
        struct bw_findings findings; /* the evaluation after hardening */
};

/* Higher than `bulwark spec`'s default: engine configs run ordinary
 * images, where every thread of a JVM or a worker pool counts. */
#define BW_HARDEN_PIDS_LIMIT 4096

/* Evaluate c against the policy; when something is refused outright
 * (privileged, engine sockets, host namespaces, sensitive mounts, host
 * devices ...) change nothing and list it; otherwise apply the safe fixes
 * (drop capabilities, add a user namespace without mappings, restore
 * masked and read-only paths, make sysfs read-only, deny-all device
 * cgroup, set noNewPrivileges, add a pids limit, add UTS/cgroup
 * namespaces) and evaluate again. Returns the number of violations left
 * (0: c now complies), or a negative code with *err set. */
int bw_harden(struct oci_config *c, const struct bw_policy *p, struct bw_harden_result *res,
              struct bw_error **err);
void bw_harden_result_free(struct bw_harden_result *res);

/* A config that joins namespaces owned by a bulwark container's user
 * namespace (linux.owner_userns, found by the runtime) and has a new
 * user namespace without mappings (bulwark's to choose), or none and add
 * is true: make it join that user namespace, with its maps for the rules
 * to judge. Returns 1 when changed, 0 when not, -ENOMEM. */
int bw_harden_join_owner_userns(struct oci_config *c, bool add);
