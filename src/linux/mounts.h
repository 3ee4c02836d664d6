/* The config's mounts: option parsing and mounting one entry onto a target
 * resolved inside the rootfs. */
#pragma once
#include <stdbool.h>

#include "linux/mount_options.h"
#include "oci/spec.h"
#include "util/error.h"

/* Mount m onto its destination inside the rootfs root_fd (before
 * pivot_root). A bind's source must have been resolved on the host
 * (runtime/bind_resolve.c: m->source is then its canonical path); the
 * cloned tree's root must still be that device and inode, else the mount
 * is refused. The destination is created when missing and resolved with
 * bw_open_in_root, so image symlinks cannot redirect it. */
int bw_mount_one(int root_fd, const char *bundle, const struct oci_mount *m, struct bw_error **err);

/* A tmpfs or /dev mount with "ro" is mounted writable by bw_mount_one, so
 * that devices, links and later mounts' mount points can be made in it (as
 * runc); this makes it read-only once they are. No-op for other mounts. */
int bw_mount_finish_readonly(int root_fd, const struct oci_mount *m, struct bw_error **err);

/* Is this fd on a filesystem of this magic (statfs f_type)? */
int bw_fd_fs_is(int fd, long magic);
