/* /dev inside the container: the default devices, the config's devices,
 * and the usual symlinks. Runs before pivot_root, relative to the rootfs. */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"
#include "util/error.h"

/* Create devices in root_fd: the defaults (null zero full random urandom
 * tty) unless the config lists them, then the config's. With bind_from_host
 * (a user namespace, where mknod is not allowed) each device is a bind
 * mount of the host's node of the same path. */
int bw_devices_create(int root_fd, const struct oci_device *devs, size_t n, bool bind_from_host,
                      struct bw_error **err);
/* /dev/ptmx -> pts/ptmx, /dev/fd -> /proc/self/fd, stdin/stdout/stderr. */
int bw_devices_links(int root_fd, struct bw_error **err);
