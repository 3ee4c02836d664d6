/* The OCI mount options bulwark understands, and what each one means to the
 * kernel. One table and one parser serve `features` (which lists the names),
 * the policy and harden (which ask whether a mount ends read-only, nosuid
 * ...) and the mount code (which applies them). Options not in the table
 * (mode=, size=, ...) are filesystem data passed through to the filesystem. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

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
        bool unadvertised;    /* accepted for compatibility, not listed by `features`:
                               * it changes nothing bulwark can promise */
};

extern const struct bw_mount_option bw_mount_options[];
extern const size_t bw_n_mount_options;

/* The table entry for an option name, or NULL for filesystem data. */
const struct bw_mount_option *bw_mount_option_find(const char *name);

/* What a list of options asks of the kernel, applied in order as the kernel
 * and mount(8) do: of ro/rw/rro/rrw (and each other pair) the last wins. */
struct bw_mount_opts {
        unsigned long flags;       /* MS_* to set (mount(2) of a new filesystem) */
        unsigned long clear;       /* MS_* the options asked to clear (rw, suid ...) */
        unsigned long propagation; /* MS_PRIVATE/SHARED/SLAVE/UNBINDABLE (| MS_REC) or 0 */
        uint64_t attr_set;         /* MOUNT_ATTR_* a bind gets through mount_setattr */
        uint64_t attr_clr;
        bool bind, recursive;      /* bind / rbind */
        bool attr_recursive;       /* an r* option: attributes apply to every submount */
        bool idmap, ridmap, tmpcopyup;
        char *data;                /* the options the kernel parses (size=, mode= ...) */
};

/* Parse mount options. Unknown options go into data, as mount(8) does. */
int bw_mount_parse_options(char *const *options, struct bw_mount_opts *out, struct bw_error **err);
void bw_mount_opts_free(struct bw_mount_opts *o);
/* The same without the filesystem data (o->data stays NULL): never fails,
 * allocates nothing; what the policy reads. */
void bw_mount_options_effect(char *const *options, struct bw_mount_opts *out);

/* Does the mount end read-only / nosuid (for a bind: its whole tree when
 * the option was recursive or the bind is an rbind)? */
bool bw_mount_opts_readonly(const struct bw_mount_opts *o);
bool bw_mount_opts_nosuid(const struct bw_mount_opts *o);

/* Whether an OCI mount is a bind (its type "bind", or a bind or rbind
 * option) and whether it ends read-only, read through this parser: what
 * the policy, harden, the automatic user namespace and the mounter ask. */
struct oci_mount;
bool bw_mount_opts_bind(const struct bw_mount_opts *o, const char *type);
bool bw_mount_is_bind(const struct oci_mount *m);
bool bw_mount_is_ro(const struct oci_mount *m);

/* Parse a propagation name ("rslave", "private", ...) into MS_* flags; 0
 * for NULL/empty, -EINVAL when unknown. */
long bw_mount_propagation(const char *name);
