/* The container's root filesystem: make it a mount of its own, switch to it
 * with pivot_root (or chroot for --no-pivot), make it read-only. */
#pragma once
#include <stdbool.h>

#include "util/error.h"

/* In a new mount namespace: stop our mounts propagating to the host (the
 * propagation is rslave unless rootfsPropagation names another), and bind
 * the rootfs onto itself. Returns an O_PATH fd of the rootfs mount. */
int bw_rootfs_prepare(const char *rootfs, unsigned long propagation, struct bw_error **err);
/* Make rootfs the root: pivot_root and detach the old root, or with
 * no_pivot move it over / and chroot (for ramfs roots, where pivot_root fails). */
int bw_rootfs_enter(const char *rootfs, bool no_pivot, struct bw_error **err);
/* After entering: apply rootfsPropagation to /, and make / read-only. */
int bw_rootfs_finish(unsigned long propagation, bool readonly, struct bw_error **err);
/* For a container without a mount namespace of its own: chroot into the
 * rootfs and nothing else (no mount, no pivot_root, which would act on the
 * mount table it shares with the host). */
int bw_rootfs_chroot_only(const char *rootfs, struct bw_error **err);
