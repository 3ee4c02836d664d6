/* The check functions of the rule table, and the predicates over the typed
 * config they share with harden.c. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "linux/mount_options.h" /* bw_mount_is_bind, bw_mount_is_ro */
#include "oci/spec.h"
#include "policy/rules.h"

bool bw_has_ns(const struct oci_config *c, enum oci_ns_type t);
/* Same, but false for a namespace joined by a path that is the host's. */
bool bw_has_own_ns(const struct oci_config *c, enum oci_ns_type t);
bool bw_path_under(const char *path, const char *prefix);
int64_t bw_host_uid(const struct oci_config *c, uint32_t uid);
/* The uid (gid) map the container's ids get: a user namespace joined by
 * path has its real one (read by the runtime, in host ids), a new one the
 * config's uidMappings (gidMappings). NULL without a user namespace. */
const struct oci_idmap_list *bw_user_map(const struct oci_config *c, bool gid);
bool bw_seccomp_allows(const struct oci_seccomp *s, const char *name);
bool bw_is_engine_socket(const char *src);
const char *bw_sensitive_source(const struct oci_config *c, const struct oci_mount *m);
bool bw_sysctl_safe(const struct oci_config *c, const char *key);

extern const char *const bw_breakout_syscalls[];
/* Where engines put their API sockets (glob patterns). */
extern const char *const bw_engine_socket_paths[];
extern const char *const bw_required_masked[];
extern const char *const bw_required_readonly[];

#define BW_CHECK(n) int bw_check_##n(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
BW_CHECK(cap);
BW_CHECK(other_caps);
BW_CHECK(ptrace_hostpid);
BW_CHECK(privileged);
BW_CHECK(no_userns);
BW_CHECK(host_root_mapped);
BW_CHECK(host_root_process);
BW_CHECK(joined_userns_unread);
BW_CHECK(seccomp_absent);
BW_CHECK(seccomp_unconfined);
BW_CHECK(seccomp_breakout);
BW_CHECK(no_new_privs);
BW_CHECK(host_ns);
BW_CHECK(mapping_onto_host_ids);
BW_CHECK(mount_ns_path);
BW_CHECK(unowned_join);
BW_CHECK(joins_other_container);
/* What in the config needs privileges over the namespace ns joined by
 * path (a new /proc over a pid namespace, an mqueue over an IPC one, a
 * hostname in a UTS one, net.* sysctls in a network one), or NULL. */
const char *bw_join_needs_owner(const struct oci_config *c, const struct oci_namespace *ns);
/* Explicit mappings onto host ids below this are refused (BW043). */
#define BW_HOST_IDS_RESERVED 65536u
BW_CHECK(engine_socket);
BW_CHECK(sensitive_rw);
BW_CHECK(unresolved_source);
BW_CHECK(sensitive_ro);
BW_CHECK(mount_idmap);
BW_CHECK(root_host_tree);
BW_CHECK(overlay_mount);
BW_CHECK(lsm_unconfined);
/* Rules whose findings the policy adds (bw_policy_evaluate): none from the config alone. */
BW_CHECK(policy_only);
BW_CHECK(block_devices);
BW_CHECK(char_devices);
BW_CHECK(device_cgroup);
BW_CHECK(masked);
BW_CHECK(readonly);
BW_CHECK(proc_sys);
BW_CHECK(sysfs_rw);
BW_CHECK(unmasked_pseudofs);
BW_CHECK(sysctl);
BW_CHECK(propagation);
BW_CHECK(rootfs_rw);
BW_CHECK(pids_limit);
/* The value of a linux.resources.unified key (the last one), or NULL. */
const char *bw_unified_value(const struct oci_config *c, const char *key);
BW_CHECK(tmpfs_size);
BW_CHECK(memory_limit);
BW_CHECK(hooks);
BW_CHECK(annotations);
/* Pod-spec facts (checks_pod.c): silent unless c->pod.present. */
BW_CHECK(pod_host_path);
BW_CHECK(pod_host_port);
BW_CHECK(pod_privileged_host_port);
BW_CHECK(pod_proc_unmasked);
BW_CHECK(pod_seccomp_unconfined);
BW_CHECK(pod_apparmor_unconfined);
BW_CHECK(pod_selinux);
BW_CHECK(pod_root_group);
BW_CHECK(pod_run_as_non_root);
BW_CHECK(pod_cpu_limit);
BW_CHECK(pod_bidirectional);
BW_CHECK(pod_sa_token);
