/* harden's fixes, one a rule row names in its .harden field (rules.c).
 * Each has the bw_fix_fn contract of rules.h. */
#pragma once
#include "policy/rules.h"

#define BW_FIX(n) int bw_fix_##n(struct oci_config *c, const struct bw_finding *f, const char **what)
BW_FIX(drop_cap);
BW_FIX(drop_named_cap);
BW_FIX(drop_ptrace);
BW_FIX(user_ns);
BW_FIX(uts_ns);
BW_FIX(cgroup_ns);
BW_FIX(seccomp);
BW_FIX(no_new_privs);
BW_FIX(device_cgroup);
BW_FIX(masked_paths);
BW_FIX(readonly_paths);
BW_FIX(sysfs_ro);
BW_FIX(pids_limit);
BW_FIX(tmpfs_size);
