/* The container's own cgroupfs (a "cgroup" mount of the config, usually at
 * /sys/fs/cgroup): the container sees its own cgroup as the root of each
 * hierarchy, with its limits in it, and nothing of the host's tree.
 *
 * Each hierarchy is either mounted afresh from inside the container's
 * cgroup namespace (the kernel then shows the namespace's root, which is
 * the container's cgroup: init unshares it there), or, when a fresh mount
 * would show more than the container's cgroup (no cgroup namespace: the
 * caller's cgroup is not the root of what it sees), the container's
 * directory of the host's hierarchy is bind-mounted instead. Never the
 * host's whole tree.
 *
 * Unified host: one cgroup2 on the target. v1 or hybrid host: a tmpfs on
 * the target holding one directory per hierarchy the host mounts under
 * /sys/fs/cgroup (same names: memory, cpu,cpuacct, systemd, unified ...),
 * and links for co-mounted controllers (cpu -> cpu,cpuacct), as runc. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct bw_cgmount_entry {
        char *name; /* directory under the target; "" = the target itself (unified) */
        bool v2;
        char *data; /* v1: what selects the hierarchy ("memory", "cpu,cpuacct", "none,name=systemd") */
        bool fresh; /* mount afresh (what the kernel shows is the container's cgroup) */
        char *bind; /* the host directory of the container's cgroup: bound when not
                     * fresh, or when a fresh mount is refused; NULL when only a
                     * fresh mount shows no more than the container's cgroup */
};

struct bw_cgmount_plan {
        bool unified; /* one cgroup2 on the target, no tmpfs */
        struct bw_cgmount_entry *e;
        size_t n;
};

/* The plan from mountinfo and /proc/self/cgroup as init sees them (after
 * unsharing its cgroup namespace, before pivot_root). Pure: tests feed
 * fake texts. */
int bw_cgmount_plan(const char *mountinfo, const char *proc_cgroup, struct bw_cgmount_plan *out,
                    struct bw_error **err);
void bw_cgmount_plan_clear(struct bw_cgmount_plan *p);

/* Mount the container's cgroupfs on target_fd (a directory resolved inside
 * the rootfs) with the mount flags of the config (MS_NOSUID, MS_RDONLY ...). */
int bw_cgmount_own(int target_fd, unsigned long flags, struct bw_error **err);
