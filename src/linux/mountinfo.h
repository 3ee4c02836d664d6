/* /proc/self/mountinfo, one entry at a time: which mount a path is on, its
 * filesystem type and its superblock options (what overlayfs reports its
 * layers in). */
#pragma once
#include "util/error.h"

struct bw_mountinfo {
        int id, parent;
        char *root;        /* the mount's root within its filesystem, unescaped */
        char *mountpoint;  /* unescaped */
        char *fstype;
        char *source;      /* unescaped */
        char *superopts;   /* as the kernel shows them: commas inside values stay \054 */
};
void bw_mountinfo_clear(struct bw_mountinfo *m);

/* Undo mountinfo's octal escapes (\040 for space, \054 for a comma ...)
 * in place. */
void bw_mountinfo_unescape(char *s);

/* Parse one mountinfo line (no trailing newline needed). -EINVAL when it
 * does not have mountinfo's shape. */
int bw_mountinfo_parse_line(const char *line, struct bw_mountinfo *out);

/* The entry with mount id `id` in mountinfo text; -ENOENT when absent. */
int bw_mountinfo_find(const char *text, int id, struct bw_mountinfo *out);

/* The id of the mount fd is on (statx STATX_MNT_ID). */
int bw_mount_id_of_fd(int fd, int *id);

/* The mount a path is on, from /proc/self/mountinfo. */
int bw_mountinfo_of_path(const char *path, struct bw_mountinfo *out, struct bw_error **err);
int bw_mountinfo_of_fd(int fd, struct bw_mountinfo *out, struct bw_error **err);
