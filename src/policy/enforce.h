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
