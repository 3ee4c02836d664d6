/* Shifting a directory tree's owners into a range, once and safely: what
 * makes an engine-made volume (or a folder the operator shares) belong to
 * bulwark's volume range, where every container sees it through its own
 * idmapped view. An owner id k below `size` becomes base+k (uids and gids
 * separately); ids already at or above `size` stay as they are.
 *
 * The walk expects a concurrent attacker (a container writing the same
 * tree): each entry is opened once with O_NOFOLLOW (O_PATH), and every
 * change goes through that fd; symlinks are re-owned, never followed;
 * nothing on another mount is entered; a regular file with more than one
 * hard link is skipped (it may be a host file linked in). setuid and
 * setgid bits survive the chown (put back as they were); file capabilities
 * do not (the kernel drops them on chown, and bulwark does not restore a
 * capability that would take effect on the host). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define BW_ID_SHIFT_XATTR "trusted.bulwark.shifted"

struct bw_id_shift {
        uint32_t uid, gid, size;  /* the range: on-disk k < size becomes uid+k / gid+k */
};

struct bw_id_shift_stats {
        uint64_t entries;    /* entries looked at */
        uint64_t changed;    /* entries re-owned */
        uint64_t linked;     /* regular files skipped: more than one hard link */
        uint64_t other_mount;/* entries on another mount, not entered */
        char *first_linked;  /* path (relative) of the first skipped hard-linked file */
};
void bw_id_shift_stats_clear(struct bw_id_shift_stats *s);

/* Is the tree at path recorded as shifted already (the xattr on its root)? */
bool bw_id_shift_done(const char *path);
/* The same for the object an fd (O_PATH will do) refers to. */
bool bw_id_shift_done_fd(int fd);

/* Shift the tree at path (a directory or a single file; the last component
 * is not followed) and record it with BW_ID_SHIFT_XATTR on its root. */
int bw_id_shift_tree(const char *path, const struct bw_id_shift *range, struct bw_id_shift_stats *stats,
                     struct bw_error **err);
/* The same from an fd already opened (O_PATH) on the tree's root: what the
 * caller judged is what is walked. path names it in messages. */
int bw_id_shift_fd(int fd, const char *path, const struct bw_id_shift *range, struct bw_id_shift_stats *stats,
                   struct bw_error **err);
