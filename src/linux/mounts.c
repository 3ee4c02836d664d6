#include "linux/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "linux/cgroup_mount.h"
#include "linux/safe_path.h"
#include "util/cleanup.h"

int bw_fd_fs_is(int fd, long magic)
{
        struct statfs s;
        if (fstatfs(fd, &s) < 0)
                return -errno;
        return s.f_type == magic;
}

/* What a bind's source must be when it is cloned: the object the policy
 * judged (runtime/bind_resolve.c), or NULL for bulwark's own binds. */
struct bind_expect {
        uint64_t dev, ino;
};

/* A bind mount: clone the source tree (open_tree), check that its root is
 * the object the policy judged, set its attributes with mount_setattr
 * (recursively for rbind or an r* option, so "rbind,ro" leaves no
 * writable submount), then attach it to the already-resolved target fd. */
static int mount_bind(const char *source, const struct bind_expect *want, int target_fd, const struct bw_mount_opts *o,
                      struct bw_error **err)
{
        bool rec = o->recursive || o->attr_recursive;
        _cleanup_close_ int tree = open_tree(AT_FDCWD, source,
                                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return bw_error_set(err, -errno, "cloning bind source %s", source);
        if (want) {
                struct stat st;
                if (fstat(tree, &st) < 0)
                        return bw_error_set(err, -errno, "checking bind source %s", source);
                if ((uint64_t)st.st_dev != want->dev || (uint64_t)st.st_ino != want->ino)
                        return bw_error_msg(err, -EXDEV, "bind source %s changed after the policy judged it "
                                            "(device:inode %" PRIu64 ":%" PRIu64 ", now %" PRIu64 ":%" PRIu64 "); "
                                            "something replaced it while the container was being created: retry, "
                                            "and find what writes there", source, want->dev, want->ino,
                                            (uint64_t)st.st_dev, (uint64_t)st.st_ino);
        }
        struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };
        if ((attr.attr_set || attr.attr_clr) &&
            mount_setattr(tree, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
                return bw_error_set(err, -errno, "setting the options of bind mount %s", source);
        if (move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "attaching bind mount of %s", source);
        return 0;
}

/* A bind whose mount the runtime cloned from the fd the policy judged
 * (runtime/bind_resolve.h), options already set: check its root is that
 * object once more, then attach it to the already-resolved target fd. */
static int attach_judged(const struct oci_mount *m, int target_fd, struct bw_error **err)
{
        struct stat st;
        if (fstat(m->src.tree, &st) < 0)
                return bw_error_set(err, -errno, "checking bind source %s", m->src.path);
        if ((uint64_t)st.st_dev != m->src.dev || (uint64_t)st.st_ino != m->src.ino)
                return bw_error_msg(err, -EXDEV, "bind source %s is not the object the policy judged (device:inode "
                                    "%" PRIu64 ":%" PRIu64 ", now %" PRIu64 ":%" PRIu64 "); refusing",
                                    m->src.path, m->src.dev, m->src.ino, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
        if (move_mount(m->src.tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "attaching bind mount of %s", m->src.path);
        return 0;
}

/* Does a bind source name a directory (so the target must be one)? */
static int source_is_dir(const char *src)
{
        struct stat st;
        if (stat(src, &st) < 0)
                return -errno;
        return S_ISDIR(st.st_mode);
}

static int check_mounted_fs(int root_fd, const struct oci_mount *m, struct bw_error **err)
{
        /* Re-open the target after mounting and check that what sits there
         * is the filesystem we mounted: nothing writes under /proc or /sys
         * until we know they are the real thing. */
        long magic = 0;
        if (strcmp(m->type, "proc") == 0)
                magic = PROC_SUPER_MAGIC;
        else if (strcmp(m->type, "sysfs") == 0)
                magic = SYSFS_MAGIC;
        if (!magic)
                return 0;
        _cleanup_close_ int fd = bw_open_in_root(root_fd, m->destination, O_PATH | O_DIRECTORY, BW_RESOLVE_NO_SYMLINKS);
        if (fd < 0)
                return bw_error_set(err, fd, "re-opening %s after mounting", m->destination);
        int r = bw_fd_fs_is(fd, magic);
        if (r < 0)
                return bw_error_set(err, r, "checking the filesystem at %s", m->destination);
        if (!r)
                return bw_error_msg(err, -EPERM, "%s is not a %s filesystem after mounting it", m->destination, m->type);
        return 0;
}

static bool is_dev(const char *dest)
{
        return strcmp(dest, "/dev") == 0 || strcmp(dest, "/dev/") == 0;
}

/* Is this a mount (not a bind) made read-only only at the end? */
static bool ro_deferred(const struct oci_mount *m)
{
        if (!m->destination || !m->type)
                return false;
        return strcmp(m->type, "bind") != 0 && (strcmp(m->type, "tmpfs") == 0 || is_dev(m->destination));
}

int bw_mount_finish_readonly(int root_fd, const struct oci_mount *m, struct bw_error **err)
{
        if (!ro_deferred(m))
                return 0;
        _cleanup_(bw_mount_opts_free) struct bw_mount_opts o;
        int r = bw_mount_parse_options(m->options, &o, err);
        if (r < 0)
                return bw_error_wrap(err, "mount %s", m->destination);
        if (bw_mount_opts_bind(&o, m->type) || !(o.flags & MS_RDONLY))
                return 0;
        _cleanup_close_ int fd = bw_open_in_root(root_fd, m->destination, O_PATH | O_DIRECTORY, BW_RESOLVE_NO_SYMLINKS);
        if (fd < 0)
                return bw_error_set(err, fd, "re-opening %s to make it read-only", m->destination);
        /* Only the read-only attribute of that mount: the flags a user
         * namespace locks (nosuid, nodev, noexec) stay as they are. */
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return bw_error_set(err, -errno, "making mount %s read-only", m->destination);
        return 0;
}

int bw_mount_one(int root_fd, const char *bundle, const struct oci_mount *m, struct bw_error **err)
{
        if (!m->destination || !*m->destination)
                return bw_error_msg(err, -EINVAL, "a mount has no destination");
        _cleanup_(bw_mount_opts_free) struct bw_mount_opts o;
        int r = bw_mount_parse_options(m->options, &o, err);
        if (r < 0)
                return bw_error_wrap(err, "mount %s", m->destination);
        bool bind = bw_mount_opts_bind(&o, m->type);
        _cleanup_free_ char *src = NULL;
        if (m->source && bind && m->source[0] != '/' && bundle) {
                if (asprintf(&src, "%s/%s", bundle, m->source) < 0)
                        return bw_error_set(err, -ENOMEM, "mount %s", m->destination);
        } else if (m->source && !(src = strdup(m->source))) {
                return bw_error_set(err, -ENOMEM, "mount %s", m->destination);
        }
        bool as_file = false;
        if (bind) {
                if (!src)
                        return bw_error_msg(err, -EINVAL, "bind mount %s has no source", m->destination);
                r = m->src.resolved ? S_ISDIR(m->src.mode) : source_is_dir(src);
                if (r < 0)
                        return bw_error_set(err, r, "bind mount %s: source %s", m->destination, src);
                as_file = !r;
        }
        /* /proc, /sys and /dev must be real directories in the image: a
         * symlink there could point our later writes (sysctl, masks) at
         * something else, so such an image is refused. */
        const char *type = m->type ? m->type : "";
        bool no_symlinks = strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0 ||
                           strcmp(m->destination, "/dev") == 0;
        _cleanup_close_ int target = bw_mkpath_in_root(root_fd, m->destination, 0755, as_file);
        if (target < 0)
                return bw_error_set(err, target, "creating mount target %s inside the rootfs", m->destination);
        if (no_symlinks) {
                int t = bw_open_in_root(root_fd, m->destination, O_PATH | O_DIRECTORY, BW_RESOLVE_NO_SYMLINKS);
                if (t < 0)
                        return bw_error_set(err, t, "refusing to mount %s on %s: the image's path is not a plain directory (a symlink?)",
                                            type, m->destination);
                close(target);
                target = t;
        }
        if (bind) {
                /* The policy judged what the runtime resolved: mount that
                 * same object, or nothing. */
                if (!m->src.resolved)
                        return bw_error_msg(err, -EINVAL, "bind mount %s: source %s was not resolved before the policy ran",
                                            m->destination, src);
                struct bind_expect want = { m->src.dev, m->src.ino };
                /* Not cloned by the runtime only when it is not root
                 * (it cannot clone the host's mounts): then here, by the
                 * resolved path, with the same device:inode check. */
                r = m->src.tree >= 0 ? attach_judged(m, target, err) : mount_bind(m->src.path, &want, target, &o, err);
                if (r < 0)
                        return bw_error_wrap(err, "mount %s", m->destination);
        } else {
                char p[64];
                snprintf(p, sizeof(p), "/proc/self/fd/%d", target);
                unsigned long flags = o.flags & ~MS_REMOUNT;
                /* Things are made in a tmpfs or /dev after it is mounted
                 * (devices, links, mount points of later mounts): writable
                 * now, read-only from bw_mount_finish_readonly. */
                if (ro_deferred(m))
                        flags &= ~(unsigned long)MS_RDONLY;
                if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
                        /* The container's own cgroups, never the host's tree. */
                        r = bw_cgmount_own(target, flags, err);
                        if (r < 0)
                                return bw_error_wrap(err, "mount %s", m->destination);
                } else if (mount(src ? src : type, p, type, flags, o.data) < 0) {
                        r = -errno;
                        if (r == -EPERM && strcmp(type, "sysfs") == 0) {
                                /* A new sysfs needs a network namespace we own:
                                 * without one, bind the host's, read-only. */
                                struct bw_mount_opts b = o;
                                b.bind = b.recursive = true;
                                b.flags |= MS_RDONLY;
                                b.attr_set |= MOUNT_ATTR_RDONLY;
                                b.attr_clr &= ~(uint64_t)MOUNT_ATTR_RDONLY;
                                r = mount_bind("/sys", NULL, target, &b, err);
                                if (r < 0)
                                        return bw_error_wrap(err, "mount %s", m->destination);
                        } else {
                                return bw_error_set(err, r, "mounting %s on %s (options %s)", type, m->destination,
                                                    o.data ? o.data : "none");
                        }
                }
                r = check_mounted_fs(root_fd, m, err);
                if (r < 0)
                        return r;
        }
        if (o.propagation) {
                /* Propagation is a property of the new mount: look the
                 * destination up again so the path lands on it, not under it. */
                char p[64];
                _cleanup_close_ int now = bw_open_in_root(root_fd, m->destination, O_PATH, 0);
                if (now >= 0) {
                        snprintf(p, sizeof(p), "/proc/self/fd/%d", now);
                        if (mount(NULL, p, NULL, o.propagation, NULL) < 0)
                                return bw_error_set(err, -errno, "setting propagation of mount %s", m->destination);
                }
        }
        return 0;
}
