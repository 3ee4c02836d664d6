/* Profiles, modes and the policy: which rules must not fire, what happens
 * when they do, and the one decision function that create, audit and check
 * share. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "oci/spec.h"
#include "policy/rules.h"
#include "util/error.h"

enum bw_profile { BW_PROFILE_RESTRICTED, BW_PROFILE_BASELINE, BW_PROFILE_PRIVILEGED, BW_PROFILE_COUNT };
enum bw_mode { BW_MODE_ENFORCE, BW_MODE_HARDEN, BW_MODE_WARN, BW_MODE_OFF };

#define BW_POLICY_FILE "/etc/bulwark/policy.json"
#define BW_DEFAULT_PROFILE BW_PROFILE_BASELINE
#define BW_DEFAULT_MODE BW_MODE_HARDEN
#define BW_DEFAULT_ANNOTATION "org.bulwark.profile"

const char *bw_profile_name(enum bw_profile p);
int bw_profile_from_name(const char *name);   /* -1 when unknown */
const char *bw_mode_name(enum bw_mode m);
int bw_mode_from_name(const char *name);      /* -1 when unknown */

/* Does the profile forbid this rule firing? */
bool bw_profile_forbids(enum bw_profile p, const struct bw_rule *r);

/* A per-rule waiver from the policy file: the rule's findings whose detail
 * contains match (every finding when match is NULL) do not count. */
struct bw_exception {
        char *rule;
        char *match;
        char *reason;
};

struct bw_policy {
        enum bw_profile profile;
        enum bw_mode mode;
        struct bw_exception *exceptions;
        size_t n_exceptions;
        /* The annotation a config may use to choose its profile, and the
         * profiles it may choose (bit per enum bw_profile); no key: the
         * annotation is ignored, so a container cannot lower its profile. */
        char *annotation;
        unsigned annotation_profiles;
        char *source;        /* where the profile came from, for messages */
        /* Host directories whose bind mounts keep the old identity mapping
         * (container root acts as host root on their files): the policy
         * file's "identityMappedVolumes", never the container's config.
         * Reported as BW074. NULL-terminated, or NULL. */
        char **identity_volumes;
        /* Host executables hooks may run (the policy file's
         * "trustedHooks", absolute paths compared resolved); any other
         * hook is BW110. NULL-terminated, or NULL. */
        char **trusted_hooks;
        /* Users of /etc/subuid and /etc/subgid whose ranges explicit maps
         * may land on, beyond the engines' (root, dockremap, containers,
         * kubelet): the policy file's "mappableSubidUsers". Any other
         * user's range is BW043. NULL-terminated, or NULL. */
        char **mappable_subid_users;
};

/* Is a bind source (an absolute path; the runtime passes it resolved)
 * equal to or below a directory the policy opts into identity mapping? */
bool bw_policy_identity_mapped(const struct bw_policy *p, const char *source);

/* Build the policy: defaults, then the policy file, then the flags.
 * file NULL reads BW_POLICY_FILE when it exists; a file named explicitly
 * must exist. profile/mode NULL keep the file's or the default. */
int bw_policy_resolve(const char *file, const char *profile, const char *mode,
                      struct bw_policy *out, struct bw_error **err);
/* Parse a policy file's bytes (name is used in messages). */
int bw_policy_parse(const char *data, size_t len, const char *name, struct bw_policy *p,
                    struct bw_error **err);
void bw_policy_free(struct bw_policy *p);

/* The profile that applies to a config: the policy's, or the one its
 * annotation names when the policy allows that annotation and profile. An
 * annotation naming a profile the policy does not allow is an error. */
int bw_policy_profile_for(const struct bw_policy *p, const struct oci_config *c,
                          enum bw_profile *out, struct bw_error **err);

/* The decision: run every rule over c, mark each finding that violates the
 * applicable profile (and is not waived), sort worst first. out must be
 * empty (one evaluation per findings list); out->profile names the profile
 * applied. Returns the number of violations, or a
 * negative code with *err set. */
int bw_policy_evaluate(const struct oci_config *c, const struct bw_policy *p,
                       struct bw_findings *out, struct bw_error **err);
