/* Resolving paths inside a container's rootfs so that no symlink or ".."
 * in the image can lead outside it (CVE-2021-30465 and friends).
 * openat2(RESOLVE_IN_ROOT) where the kernel has it; otherwise a walk that
 * resolves one component at a time with the same semantics. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

enum {
        BW_RESOLVE_NO_SYMLINKS = 1, /* fail with ELOOP on any symlink */
};

/* Open path (absolute or relative, always taken relative to root_fd) as if
 * root_fd were "/". flags as for open(2); O_CLOEXEC is always added.
 * Returns an fd or a negative errno. */
int bw_open_in_root(int root_fd, const char *path, int flags, int resolve);
/* Like bw_open_in_root, but create missing directories (mode) on the way;
 * the last component is created as a directory, or as an empty regular
 * file when as_file. Returns an O_PATH fd or a negative errno. */
int bw_mkpath_in_root(int root_fd, const char *path, mode_t mode, bool as_file);
/* Split off the parent of path: opens the parent in root (creating it when
 * create) and returns its fd; *name points into path at the last component. */
int bw_open_parent_in_root(int root_fd, const char *path, bool create, const char **name);
