/* What `create` does with a config under the policy: the one call the
 * lifecycle makes. */
#pragma once
#include "oci/spec.h"
#include "policy/profile.h"

/* Apply p's mode to c:
 *   off      nothing;
 *   warn     log every violation (with its fix), allow;
 *   enforce  refuse when anything violates the profile;
 *   harden   rewrite c where safe (bw_harden), log each change, refuse what
 *            is left.
 * Returns 0 when the container may be created (c possibly rewritten), or
 * -EPERM with *err listing every violated rule, its detail and its fix, in
 * words the user of docker/podman/kubectl sees on their terminal. */
int bw_policy_apply(struct oci_config *c, const struct bw_policy *p, struct bw_error **err);

/* The same policy for a process exec'd into a container: c is the
 * container's effective config (as saved at create), p the new process,
 * pol the policy in force at the container's create. Only what p brings
 * counts (the violations of c running p that c itself has not):
 *   off      nothing;
 *   warn     log them;
 *   enforce  refuse (-EPERM, each rule and its fix in *err);
 *   harden   first bring p down to the container's own settings (no
 *            capability outside its bounding set, no_new_privs when it has
 *            it, its AppArmor profile and SELinux label; each change logged
 *            at debug level), then refuse what is left.
 * c is not changed (its process is swapped for the evaluation only). */
int bw_policy_apply_process(struct oci_config *c, struct oci_process *p, const struct bw_policy *pol,
                            struct bw_error **err);

/* The same policy for `update`: after is c's resources with the update
 * applied (what the cgroup will hold). Only what the update brings counts.
 * warn logs; enforce and harden refuse (-EPERM, each rule and its fix):
 * limits are not rewritten behind the caller's back. c is not changed. */
int bw_policy_apply_update(struct oci_config *c, const struct oci_resources *after, const struct bw_policy *pol,
                           struct bw_error **err);
