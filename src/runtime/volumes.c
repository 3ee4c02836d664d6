/* Bind sources under the volume range (see volumes.h). */
#include "runtime/volumes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "linux/id_shift.h"
#include "linux/idmap.h"
#include "linux/idmap_mount.h"
#include "linux/mount_options.h"
#include "policy/engine_paths.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Engine-made roots, by the layout of their last components under any
 * data root (FNM_PATHNAME: one * is one component). */
static const char *const engine_roots[] = {
        "/volumes/*/_data",                           /* Docker and Podman named volumes */
        "/containers/*/hosts", "/containers/*/hostname", "/containers/*/resolv.conf", /* Docker */
        "/containers/*/mounts/shm",                   /* Docker's /dev/shm (a tmpfs of its own) */
        "/overlay-containers/*/userdata/*",           /* Podman: hosts, hostname, resolv.conf, shm, run ... */
        "/sandboxes/*/hosts", "/sandboxes/*/hostname", "/sandboxes/*/resolv.conf", "/sandboxes/*/shm", /* CRI */
        "/pods/*/etc-hosts", "/pods/*/volumes/*/*", "/pods/*/containers/*/*", /* kubelet */
        NULL,
};

static bool tail_matches(const char *p)
{
        for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/'))
                for (size_t i = 0; engine_roots[i]; i++)
                        if (fnmatch(engine_roots[i], s, FNM_PATHNAME) == 0)
                                return true;
        return false;
}

char *bw_volume_engine_root(const char *real)
{
        if (!real || real[0] != '/')
                return NULL;
        /* The longest leading part that matches a root: a source below a
         * volume's _data (a subpath) shifts the whole volume. */
        _cleanup_free_ char *p = strdup(real);
        if (!p)
                return NULL;
        for (char *end = p + strlen(p);;) {
                if (tail_matches(p))
                        return strdup(p);
                end = strrchr(p, '/');
                if (!end || end == p)
                        return NULL;
                *end = '\0';
        }
}

static int dotdot(int fd)
{
        return openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static bool same_object(int fd, const struct stat *st)
{
        struct stat now;
        return fstat(fd, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

/* The path the kernel gives the object fd refers to, compared with want. */
static bool fd_is_at(int fd, const char *want)
{
        char proc[64], at[PATH_MAX];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        ssize_t l = readlink(proc, at, sizeof(at) - 1);
        if (l <= 0)
                return false;
        at[l] = '\0';
        return strcmp(at, want) == 0;
}

/* The directory that holds a non-directory source. A file has no ".." to
 * open: its parent is opened by the recorded canonical path, then accepted
 * only if it is at that path and its entry of the file's name is the very
 * object that was judged (dev, ino); what follows is checked on that
 * directory and its ancestors, reached from it. */
static int file_parent(const struct oci_mount_source *s)
{
        const char *slash = strrchr(s->path, '/');
        if (!slash || !slash[1])
                return -EINVAL;
        _cleanup_free_ char *dir = slash == s->path ? strdup("/") : strndup(s->path, (size_t)(slash - s->path));
        if (!dir)
                return -ENOMEM;
        _cleanup_close_ int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || !fd_is_at(fd, dir) || fstatat(fd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            st.st_dev != (dev_t)s->dev || st.st_ino != (ino_t)s->ino)
                return -ESTALE;
        return take_fd(fd);
}

/* Every directory from dir up to / belongs to host root and only host root
 * may add or swap entries in it; each is opened as ".." of the one below,
 * never by a path. */
static bool root_held_from(int dir)
{
        _cleanup_close_ int cur = fcntl(dir, F_DUPFD_CLOEXEC, 0);
        for (int depth = 0; cur >= 0 && depth < PATH_MAX / 2; depth++) {
                struct stat st;
                if (fstat(cur, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0)
                        return false;
                if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
                        return false;
                int up = dotdot(cur);
                if (up < 0)
                        return false;
                if (same_object(up, &st)) { /* ".." of / is / */
                        close(up);
                        return true;
                }
                close(cur);
                cur = up;
        }
        return false;
}

/* The engine-made root of the judged source, as an O_PATH fd reached from
 * the fd the resolver opened: up as many directories as the canonical path
 * recorded then has components below root, checked to be at root and held
 * by host root above. -ENOENT: not engine-made (or no longer where it was
 * judged); nothing is shifted. */
static int engine_root_fd(const struct oci_mount_source *s, const char *root)
{
        size_t levels = 0;
        for (const char *c = s->path + strlen(root); *c; c++)
                levels += *c == '/';
        _cleanup_close_ int cur = -1, parent = -1;
        if (S_ISDIR(s->mode) || levels == 0) {
                if ((cur = fcntl(s->fd, F_DUPFD_CLOEXEC, 0)) < 0)
                        return -errno;
                if (!S_ISDIR(s->mode) && (parent = file_parent(s)) < 0)
                        return parent == -ENOMEM ? -ENOMEM : -ENOENT;
        } else {
                if ((cur = file_parent(s)) < 0)
                        return cur == -ENOMEM ? -ENOMEM : -ENOENT;
                levels--;
        }
        for (; levels > 0; levels--) {
                int up = dotdot(cur);
                if (up < 0)
                        return -ENOENT;
                close(cur);
                cur = up;
        }
        if (!fd_is_at(cur, root))
                return -ENOENT;
        if (parent < 0 && (parent = dotdot(cur)) < 0)
                return -ENOENT;
        if (!root_held_from(parent))
                return -ENOENT;
        return take_fd(cur);
}

static bool mount_ro(const struct oci_mount *m)
{
        struct bw_mount_opts o;
        bw_mount_options_effect(m->options, &o);
        return bw_mount_opts_readonly(&o);
}

static bool in_range(uint32_t id, uint32_t start, uint32_t size)
{
        return id >= start && (uint64_t)id < (uint64_t)start + size;
}

int bw_volume_prepare(const struct oci_config *c, const struct bw_idrange *volume, const struct oci_mount *m,
                      const char *src, struct bw_error **err)
{
        const struct oci_mount_source *s = &m->src;
        /* Only the object that was judged and is mounted: the fd opened
         * at resolve time and the canonical path recorded then; no path is
         * resolved again. */
        if (!s->resolved || s->fd < 0 || !s->path) {
                bw_debug("bind %s: %s was not opened by the resolver; nothing is shifted", m->destination, src);
                return 0;
        }
        _cleanup_free_ char *root = bw_volume_engine_root(s->path);
        if (root && !bw_engine_path_is_mine(c, root)) {
                bw_debug("bind %s: %s is another container's, pod's or sandbox's; not shifted", m->destination, root);
                free(root);
                root = NULL;
        }
        _cleanup_close_ int rfd = -1;
        if (root && (rfd = engine_root_fd(s, root)) == -ENOMEM)
                return bw_error_set(err, -ENOMEM, "bind mount %s: finding what the engine made", m->destination);
        if (root && rfd < 0)
                bw_debug("bind %s: %s has an engine's layout but is not held by host root above it (or moved "
                         "since it was judged); not shifted", m->destination, root);
        if (rfd >= 0) {
                if (bw_id_shift_done_fd(rfd)) {
                        bw_debug("bind %s: %s was shifted into the volume range before", m->destination, root);
                        return 0;
                }
                struct bw_id_shift range = { volume->uid, volume->gid, volume->size };
                struct bw_id_shift_stats st = { 0 };
                int r = bw_id_shift_fd(rfd, root, &range, &st, err);
                if (r < 0) {
                        bw_id_shift_stats_clear(&st);
                        return bw_error_wrap(err, "bind mount %s: shifting what the engine made into the volume range",
                                             m->destination);
                }
                bw_info("bind %s: engine-made %s shifted into the volume range (%llu of %llu entries re-owned%s%s)",
                        m->destination, root, (unsigned long long)st.changed, (unsigned long long)st.entries,
                        st.linked ? "; hard-linked files left as they were, first: " : "",
                        st.linked ? st.first_linked : "");
                bw_id_shift_stats_clear(&st);
                return 0;
        }
        if (!bw_log_debug_enabled() || mount_ro(m))
                return 0;
        struct stat st;
        if (fstat(s->fd, &st) < 0)
                return 0;
        if (!in_range(st.st_uid, volume->uid, volume->size) && !(st.st_mode & S_IWOTH))
                bw_debug("bind %s: %s belongs to host uid %u, outside bulwark's ranges: container root sees it as "
                         "nobody's and cannot write it; to let containers write it, run `bulwark share %s` (its "
                         "files then belong to the volume range)", m->destination, s->path, (unsigned)st.st_uid,
                         s->path);
        return 0;
}

int bw_volume_userns(const struct bw_idrange *volume, const struct bw_idrange *range, struct bw_error **err)
{
        _cleanup_free_ char *u = bw_idmap_format_one(volume->uid, range->uid, range->size);
        _cleanup_free_ char *g = bw_idmap_format_one(volume->gid, range->gid, range->size);
        if (!u || !g)
                return bw_error_set(err, -ENOMEM, "formatting the volume range's id maps");
        int fd = bw_userns_fd_new(u, g, err);
        if (fd < 0)
                bw_error_wrap(err, "the user namespace that maps the volume range to the container's");
        return fd;
}

bool bw_volume_engine_tmpfs(const struct oci_config *c, const struct oci_mount *m)
{
        const struct oci_mount_source *s = &m->src;
        struct statfs sfs;
        if (!s->resolved || s->fd < 0 || !s->path || fstatfs(s->fd, &sfs) < 0 || sfs.f_type != TMPFS_MAGIC)
                return false;
        _cleanup_free_ char *root = bw_volume_engine_root(s->path);
        if (!root || !bw_engine_path_is_mine(c, root))
                return false;
        /* the same test bw_volume_prepare passes before it shifts: reached
         * from the judged fd, held by host root above */
        _cleanup_close_ int rfd = engine_root_fd(s, root);
        return rfd >= 0;
}
