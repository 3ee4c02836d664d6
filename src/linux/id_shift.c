/* Re-owning a tree into a range, one fd per entry (see id_shift.h). */
#include "linux/id_shift.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

/* Each level holds one directory fd open. */
#define MAX_DEPTH 512

struct walk {
        const struct bw_id_shift *r;
        struct bw_id_shift_stats *st;
        uint32_t dev_major, dev_minor;
        uint64_t mnt_id;
        char path[PATH_MAX]; /* relative to the root, for messages */
};

void bw_id_shift_stats_clear(struct bw_id_shift_stats *s)
{
        free(s->first_linked);
        *s = (struct bw_id_shift_stats){ 0 };
}

static uint32_t shifted(uint32_t id, uint32_t base, uint32_t size)
{
        return id < size ? base + id : id;
}

static int stat_fd(int fd, struct statx *stx)
{
        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_MNT_ID, stx) < 0)
                return -errno;
        return 0;
}

/* Re-own the object fd refers to (stx: its stat, taken through fd). The
 * chown goes through the fd (AT_EMPTY_PATH): whatever the name points to
 * by now, this is the object that was looked at. chown clears setuid and
 * setgid on a regular file; they are put back, through the fd, as they
 * were: the file now belongs to an id of the range, so they give that id
 * and nothing else. */
static int reown(struct walk *w, int fd, const struct statx *stx, struct bw_error **err)
{
        uint32_t nu = shifted(stx->stx_uid, w->r->uid, w->r->size);
        uint32_t ng = shifted(stx->stx_gid, w->r->gid, w->r->size);
        if (nu == stx->stx_uid && ng == stx->stx_gid)
                return 0;
        if (fchownat(fd, "", nu, ng, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
                return bw_error_set(err, -errno, "re-owning %s to %u:%u", w->path[0] ? w->path : ".", nu, ng);
        w->st->changed++;
        if (!S_ISLNK(stx->stx_mode) && (stx->stx_mode & (S_ISUID | S_ISGID))) {
                char proc[64];
                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
                if (chmod(proc, stx->stx_mode & 07777) < 0)
                        return bw_error_set(err, -errno, "keeping the mode of %s", w->path);
        }
        return 0;
}

static bool same_mount(const struct walk *w, const struct statx *stx)
{
        return stx->stx_dev_major == w->dev_major && stx->stx_dev_minor == w->dev_minor &&
               (!(stx->stx_mask & STATX_MNT_ID) || stx->stx_mnt_id == w->mnt_id);
}

static int walk_entry(struct walk *w, int fd, const struct statx *stx, int depth, struct bw_error **err);

static int walk_dir(struct walk *w, int pathfd, const struct statx *stx, int depth, struct bw_error **err)
{
        if (depth >= MAX_DEPTH)
                return bw_error_msg(err, -ELOOP, "%s: deeper than %d directories; re-own it by hand", w->path, MAX_DEPTH);
        /* Reopen the same directory (".": no name to swap) to read it. */
        int dfd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0)
                return bw_error_set(err, -errno, "opening directory %s", w->path[0] ? w->path : ".");
        struct statx again;
        if (stat_fd(dfd, &again) < 0 || again.stx_ino != stx->stx_ino || again.stx_dev_major != stx->stx_dev_major ||
            again.stx_dev_minor != stx->stx_dev_minor) {
                close(dfd);
                return bw_error_msg(err, -ESTALE, "directory %s changed while it was opened", w->path);
        }
        _cleanup_closedir_ DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return bw_error_set(err, -errno, "reading directory %s", w->path);
        }
        size_t plen = strlen(w->path);
        struct dirent *de;
        errno = 0;
        while ((de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (plen + 1 + strlen(de->d_name) + 1 > sizeof(w->path))
                        return bw_error_msg(err, -ENAMETOOLONG, "%s/%s: path too long", w->path, de->d_name);
                snprintf(w->path + plen, sizeof(w->path) - plen, "%s%s", plen ? "/" : "", de->d_name);
                _cleanup_close_ int fd = openat(dirfd(d), de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 && errno == ENOENT) {
                        w->path[plen] = '\0';
                        continue; /* gone meanwhile */
                }
                if (fd < 0)
                        return bw_error_set(err, -errno, "opening %s", w->path);
                struct statx e;
                int r = stat_fd(fd, &e);
                if (r < 0)
                        return bw_error_set(err, r, "reading %s", w->path);
                if ((r = walk_entry(w, fd, &e, depth + 1, err)) < 0)
                        return r;
                w->path[plen] = '\0';
                errno = 0;
        }
        if (errno)
                return bw_error_set(err, -errno, "reading directory %s", w->path);
        return 0;
}

static int walk_entry(struct walk *w, int fd, const struct statx *stx, int depth, struct bw_error **err)
{
        w->st->entries++;
        if (!same_mount(w, stx)) {
                w->st->other_mount++;
                bw_debug("id shift: %s is on another mount; left as it is", w->path);
                return 0;
        }
        if (S_ISREG(stx->stx_mode) && stx->stx_nlink > 1) {
                w->st->linked++;
                if (!w->st->first_linked)
                        w->st->first_linked = strdup(w->path[0] ? w->path : ".");
                bw_warn("%s has %u hard links (one may be outside the tree): its owner is left as it is",
                        w->path[0] ? w->path : ".", (unsigned)stx->stx_nlink);
                return 0;
        }
        int r = reown(w, fd, stx, err);
        if (r < 0)
                return r;
        return S_ISDIR(stx->stx_mode) ? walk_dir(w, fd, stx, depth, err) : 0;
}

bool bw_id_shift_done(const char *path)
{
        return lgetxattr(path, BW_ID_SHIFT_XATTR, NULL, 0) >= 0;
}

bool bw_id_shift_done_fd(int fd)
{
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        return getxattr(proc, BW_ID_SHIFT_XATTR, NULL, 0) >= 0;
}

int bw_id_shift_tree(const char *path, const struct bw_id_shift *range, struct bw_id_shift_stats *stats,
                     struct bw_error **err)
{
        *stats = (struct bw_id_shift_stats){ 0 };
        _cleanup_close_ int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        return bw_id_shift_fd(fd, path, range, stats, err);
}

int bw_id_shift_fd(int fd, const char *path, const struct bw_id_shift *range, struct bw_id_shift_stats *stats,
                   struct bw_error **err)
{
        *stats = (struct bw_id_shift_stats){ 0 };
        struct statx stx;
        int r = stat_fd(fd, &stx);
        if (r < 0)
                return bw_error_set(err, r, "reading %s", path);
        if (S_ISLNK(stx.stx_mode))
                return bw_error_msg(err, -ELOOP, "%s is a symbolic link; give the directory it points to", path);
        struct walk w = { .r = range, .st = stats, .dev_major = stx.stx_dev_major, .dev_minor = stx.stx_dev_minor,
                          .mnt_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0 };
        if ((r = walk_entry(&w, fd, &stx, 0, err)) < 0)
                return bw_error_wrap(err, "re-owning %s into ids %u.. and gids %u..", path, range->uid, range->gid);
        /* The record, so that it never happens twice: trusted.* can be
         * written only by host root, not by a container. */
        char proc[64], value[64];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        int n = snprintf(value, sizeof(value), "%u:%u:%u", range->uid, range->gid, range->size);
        if (setxattr(proc, BW_ID_SHIFT_XATTR, value, (size_t)n, 0) < 0)
                bw_debug("id shift: cannot record %s on %s (%s); it will be walked again next time", BW_ID_SHIFT_XATTR,
                         path, strerror(errno));
        return 0;
}
