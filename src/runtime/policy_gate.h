/* The breakout policy at create: resolve it (flags > policy file >
 * defaults), apply it to the loaded config before anything exists, and
 * record the config that actually runs. */
#pragma once
#include "oci/spec.h"
#include "runtime/store.h"
#include "policy/profile.h"
#include "util/error.h"

/* The profile and mode the container was created under (exec and update
 * are judged by them). */
#define BW_POLICY_SAVED "policy.effective.json"

struct bw_policy_choice {
        const char *file;     /* --policy, NULL: /etc/bulwark/policy.json when it exists */
        const char *profile;  /* --profile */
        const char *mode;     /* --policy-mode */
};

/* Mark each namespace whose path is the host's own (ns->host), so the
 * policy, which does not look at the machine, can tell that joining it
 * is sharing the host's; and gather the other facts about this host the
 * policy needs (below). */
void bw_policy_mark_host_namespaces(struct oci_config *c);
/* The facts the policy judges with, also called by the above: the real
 * maps of a user namespace joined by path, and the host's pid_max. */
void bw_policy_read_joined_userns(struct oci_config *c);
void bw_policy_read_limits(struct oci_config *c);
/* When c has explicit id mappings or joins a user namespace by path: the
 * host's users and groups (/etc/passwd, /etc/group), every user's
 * subordinate ranges (/etc/subuid, /etc/subgid) and, as root, the ranges
 * live containers hold (the id-range store) into c->host_ids, for BW043. False when the live
 * ranges could not be read (not root). */
bool bw_policy_gather_host_ids(struct oci_config *c);
/* Mark the subordinate ranges of the users the policy file's
 * mappableSubidUsers names as ranges explicit maps may use (BW043); the
 * engines' users (root, dockremap, containers, kubelet) are marked when
 * the ranges are gathered. */
void bw_policy_mark_mappable_subids(struct oci_config *c, const struct bw_policy *p);
/* Enforce, harden, warn or pass c (host namespaces marked first). A refusal returns -EPERM with *err
 * listing each violated rule and its fix (exit status 1). */
int bw_policy_gate(struct oci_config *c, const struct bw_policy_choice *pc, struct bw_error **err);
/* Write c into the container's directory as BW_EFFECTIVE_CONFIG. */
int bw_policy_save_effective(const struct bw_store_entry *e, const struct oci_config *c, struct bw_error **err);
/* Write the profile and mode pc resolves to into the container's
 * directory as BW_POLICY_SAVED. */
int bw_policy_save_choice(const struct bw_store_entry *e, const struct bw_policy_choice *pc, struct bw_error **err);
/* The policy a container was created under: its saved profile and mode
 * (with the policy file's exceptions); the defaults when none was saved. */
int bw_policy_load_saved(const char *dir, struct bw_policy *out, struct bw_error **err);
/* Judge an update (the saved effective config with u applied) by the
 * policy the container was created under; -EPERM with every rule and its
 * fix when it may not be applied. Nothing is written. */
int bw_policy_gate_update(const char *root, const char *id, const struct oci_resources *u, struct bw_error **err);
