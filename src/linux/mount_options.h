/* The OCI mount options bulwark understands, and what each one means to the
 * kernel. One table serves `features` (which lists the names) and the mount
 * code (which applies them); options not in it (mode=, size=, ...) are
 * filesystem data passed through to the filesystem. */
#pragma once
#include <stddef.h>
#include <stdint.h>

enum bw_mount_option_kind {
        BW_MOPT_FLAG,        /* mount(2) flags: set `flags`, or clear them when `clear` */
        BW_MOPT_PROPAGATION, /* a propagation change (MS_PRIVATE, ... maybe | MS_REC) */
        BW_MOPT_RECURSIVE,   /* mount_setattr(AT_RECURSIVE): attr_set / attr_clr */
        BW_MOPT_BIND,        /* MS_BIND, with MS_REC for rbind */
        BW_MOPT_IDMAP,       /* idmap the mount with its uidMappings/gidMappings */
        BW_MOPT_TMPCOPYUP,   /* tmpfs: copy the image's directory contents up */
        BW_MOPT_NOOP,        /* accepted, changes nothing ("defaults") */
};

struct bw_mount_option {
        const char *name;
        enum bw_mount_option_kind kind;
        unsigned long flags;  /* MS_* for FLAG, PROPAGATION, BIND */
        int clear;            /* FLAG: clear flags instead of setting them */
        uint64_t attr_set;    /* MOUNT_ATTR_* for RECURSIVE */
        uint64_t attr_clr;
        int recursive;        /* IDMAP: the whole tree (ridmap) */
};

extern const struct bw_mount_option bw_mount_options[];
extern const size_t bw_n_mount_options;

/* The table entry for an option name, or NULL for filesystem data. */
const struct bw_mount_option *bw_mount_option_find(const char *name);
