/* Helpers of the probes, private to src/check. */
#pragma once
#include <stddef.h>

/* Read a /proc or /sys file (not following a final symlink): 0 or -errno. */
int probe_read(const char *path, char **out);
/* One field of /proc/self/status ("CapEff"), without the key. */
int probe_status_field(const char *key, char *val, size_t n);
/* "EPERM" for EPERM, "ok" for 0. */
const char *probe_errno_name(int e);
/* A file of this process's own cgroup (controller NULL: the v2 unified
 * hierarchy), found through /proc/self/cgroup and the cgroupfs mount that
 * shows it; where gets the path read. 0, -ENOENT when not visible, or
 * -errno. */
int probe_cgroup_read(const char *controller, const char *file, char **out, char *where, size_t n);
