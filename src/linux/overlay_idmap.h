/* An overlayfs rootfs (what Docker and containerd hand over) under a user
 * namespace. An overlay mount cannot be idmapped itself, so it is rebuilt:
 * a new overlayfs, mounted in the host's user namespace, over idmapped
 * views of the original lower layers, with the original upper and work
 * directories owned by the container's root id (a volatile overlay's
 * rebuild gets a work directory of its own). Image layers are only read;
 * copy-ups and new files land in the upper layer owned by the container's
 * range. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

struct bw_overlay_layers {
        char **lower;     /* top first, as overlayfs orders them */
        char **data;      /* data-only layers (datadir+, or after "::") */
        char *upper;      /* NULL: a read-only overlay */
        char *work;
        char **options;   /* "metacopy=on" ...: kept for the rebuild */
        bool own_upper;   /* the upper layer is bulwark's own (a directory rootfs's
                           * writes): only overlayfs writes there, nothing to shift */
};
void bw_overlay_layers_free(struct bw_overlay_layers *l);

/* Parse overlayfs's superblock options as /proc/self/mountinfo shows them
 * (commas inside values as \054, lowerdir as a ':' list with '\' escapes,
 * or one lowerdir+= / datadir+= per layer). */
int bw_overlay_parse_options(const char *superopts, struct bw_overlay_layers *out, struct bw_error **err);

/* Is path the root of an overlayfs mount? 1 and its layers when it is, 0
 * when it is not, negative with *err set when that cannot be told. */
int bw_overlay_of_path(const char *path, struct bw_overlay_layers *out, struct bw_error **err);

/* A volatile overlay's rebuild works in this directory beside the
 * original work directory (see overlay_idmap.c). */
#define BW_OVERLAY_VOLATILE_WORK "bulwark-work"

/* Mount the rebuilt overlay, detached: returns its mount fd for the caller
 * to attach (move_mount) inside the container's mount namespace, so no
 * mount is left on the host if bulwark dies. The upper and work
 * directories are chowned to root_uid:root_gid first, and what the upper
 * layer already holds under host ids 0..size-1 is moved to the range
 * (root_uid + id): overlayfs cannot idmap an upper layer. */
int bw_overlay_idmapped(const struct bw_overlay_layers *l, int userns_fd, uid_t root_uid, gid_t root_gid,
                        unsigned size, struct bw_error **err);

/* Move what an upper layer holds under host ids 0..size-1 to uid/gid +
 * id, as host root, safely against a container changing the tree
 * meanwhile: each entry of dfd is opened once (O_PATH | O_NOFOLLOW),
 * checked against the inode readdir listed (`listed`, 0: unchecked) and
 * the layer's device, and changed through that fd only. *dir_fd (when
 * given) gets the entry opened as a directory when it is one, else -1.
 * 0 or -errno. */
int bw_overlay_shift_entry(int dfd, const char *name, ino_t listed, uid_t uid, gid_t gid, unsigned size,
                           dev_t dev, int *dir_fd);
int bw_overlay_shift_tree(int dfd, uid_t uid, gid_t gid, unsigned size, dev_t dev, int depth);

/* Empty a directory as host root: depth first, never following a symlink
 * nor entering another filesystem (-EXDEV). 0 or -errno. */
int bw_overlay_clear_dir(int dfd, int depth);

/* How layers are handed to overlayfs; the rebuild starts with the fd
 * route and falls back in this order, as the kernel refuses each. */
enum {
        BW_OVL_ROUTE_FD,     /* lowerdir+ with FSCONFIG_SET_FD (6.13+) */
        BW_OVL_ROUTE_PATH,   /* lowerdir+ with /proc/self/fd paths (6.8+) */
        BW_OVL_ROUTE_LEGACY, /* one lowerdir list of those paths */
};
