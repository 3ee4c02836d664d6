/* Idmapped mounts: a detached clone of a directory whose files are seen
 * through a user namespace's mappings (open_tree + mount_setattr
 * MOUNT_ATTR_IDMAP). The caller attaches it with move_mount where it
 * belongs (inside the container's mount namespace). Also: user namespace
 * fds to idmap with, made for the purpose or taken from a process. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* A detached idmapped clone of path (dirfd-relative, AT_FDCWD for plain
 * paths; "" with dirfd for the directory dirfd itself). recursive clones
 * the submounts too (AT_RECURSIVE) and idmaps each of them. Returns the
 * mount fd (O_CLOEXEC). When the filesystem refuses, the error names the
 * mount, its filesystem and the two ways out; nothing falls back to an
 * unmapped mount. */
int bw_idmap_mount_clone(int dirfd, const char *path, int userns_fd, bool recursive, struct bw_error **err);

/* Idmap an existing detached mount (one made by open_tree or fsmount). */
int bw_idmap_mount_set(int mnt_fd, int userns_fd, bool recursive, const char *what, struct bw_error **err);

/* A user namespace with the given maps ("0 100000 65536\n" lines, as the
 * kernel reads them), as an fd: a child unshares CLONE_NEWUSER, we write
 * its maps, open /proc/CHILD/ns/user and let the child go. Needs the
 * privilege to write such maps (root, or maps of our own ids). */
int bw_userns_fd_new(const char *uid_map, const char *gid_map, struct bw_error **err);

/* A process's user namespace (e.g. the container init's), as an fd. */
int bw_userns_fd_of_pid(pid_t pid, struct bw_error **err);
