/* --no-pivot: hide the proc and sysfs mounts outside the rootfs that chroot
 * would leave in the container's mount namespace (pseudofs_cover.c). */
#pragma once
#include "util/error.h"

/* Detach, or cover with an empty read-only tmpfs, every whole proc and
 * sysfs mount of this mount namespace that is not at or below rootfs. */
int bw_pseudofs_cover_outside(const char *rootfs, struct bw_error **err);
