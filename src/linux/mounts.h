/* The config's mounts: option parsing and mounting one entry onto a target
 * resolved inside the rootfs. */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"
#include "util/error.h"

struct bw_mount_opts {
        unsigned long flags;       /* MS_* to set */
        unsigned long clear;       /* MS_* the options asked to clear (rw, suid ...) */
        unsigned long propagation; /* MS_PRIVATE/SHARED/SLAVE/UNBINDABLE (| MS_REC) or 0 */
        bool bind, recursive;
        char *data;                /* the options the kernel parses (size=, mode= ...) */
};

/* Parse mount options. Unknown options go into data, as mount(8) does. */
int bw_mount_parse_options(char *const *options, struct bw_mount_opts *out, struct bw_error **err);
void bw_mount_opts_free(struct bw_mount_opts *o);

/* Parse a propagation name ("rslave", "private", ...) into MS_* flags; 0
 * for NULL/empty, -EINVAL when unknown. */
long bw_mount_propagation(const char *name);

/* Mount m onto its destination inside the rootfs root_fd (before
 * pivot_root). Bind sources are host paths (relative ones are taken from
 * bundle). The destination is created when missing and resolved with
 * bw_open_in_root, so image symlinks cannot redirect it. */
int bw_mount_one(int root_fd, const char *bundle, const struct oci_mount *m, struct bw_error **err);

/* Is this fd on a filesystem of this magic (statfs f_type)? */
int bw_fd_fs_is(int fd, long magic);
