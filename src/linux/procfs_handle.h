/* Writes to /proc through a procfs instance bulwark mounted itself.
 *
 * A container's /proc is the container's to arrange: a bind mount in the
 * config (or anything mounted over a /proc file) can make a path such as
 * /proc/sys/net/ipv4/ping_group_range name another file, even another
 * real procfs file (sysrq-trigger), so "is it on procfs?" proves nothing.
 * Every write bulwark makes under /proc goes instead through a fresh
 * procfs that is mounted detached (fsopen/fsmount: attached nowhere,
 * reachable only through our fd) and opened from its root with openat2
 * RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS: no symlink
 * (so no /proc/self: name the pid), no magic link, no other mount.
 *
 * A procfs belongs to the pid namespace of the process that mounts it, and
 * its /proc/sys to the net, uts, ipc namespaces of the writer: the
 * container's init opens its own handle inside the container's namespaces,
 * the parent opens one in the host's. Never hand one across a clone. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* A private procfs of the caller's pid namespace: the fd of its root.
 * Where the kernel refuses a new procfs (no fsopen, or a user namespace
 * whose /proc is already partly covered), a non-recursive clone of the
 * /proc mount (none of the mounts on top of its files come along), checked
 * to be the root of a procfs. Open it before masking /proc. */
int bw_procfs_open(struct bw_error **err);

/* The same for the runtime's own process on the host side, whose mount
 * namespace the container does not control: when no procfs can be mounted
 * (an unprivileged caller), the root of the /proc mount of our mount
 * namespace, checked to be a procfs root. */
int bw_procfs_open_host(struct bw_error **err);

/* Open path (relative, e.g. "sys/kernel/hostname" or "42/uid_map") beneath
 * the procfs root proc_fd; no symlink, magic link, ".." or mount crossing
 * is followed. Returns an fd or a negative errno (no error filled: callers
 * decide whether a missing file matters). */
int bw_procfs_openat(int proc_fd, const char *path, int flags);

/* Write text to path beneath proc_fd in one write(2), as procfs wants.
 * Returns 0 or -errno with err naming the file. */
int bw_procfs_write(int proc_fd, const char *path, const char *text, struct bw_error **err);

/* Read at most size-1 bytes of path beneath proc_fd, NUL-terminated.
 * Returns the length or -errno (no error filled). */
ssize_t bw_procfs_read(int proc_fd, const char *path, char *buf, size_t size);
