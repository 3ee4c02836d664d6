/* Where an unprivileged caller's container cgroup may go: a cgroup v2
 * subtree delegated to it (systemd's user@UID.service on a real host), or
 * nowhere, with the reason. */
#pragma once
#include <sys/types.h>

#include "linux/cgroup.h"

/* The delegated subtree the caller runs in: the highest cgroup above (and
 * including) its own whose directory and cgroup.procs belong to euid, on
 * a cgroup v2-only host. Returns 0 with *parent (the cgroup path, as
 * /proc/self/cgroup names it) or with *parent NULL and *why saying what
 * is missing (host_uid: who the caller is on the host, for it); -ENOMEM. */
int bw_rootless_cgroup_delegation(const struct bw_cg_system *sys, uid_t euid, uid_t host_uid, char **parent,
                                  char **why);
