#include "linux/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "linux/safe_path.h"
#include "util/cleanup.h"

enum { SET, CLEAR, PROP, BIND };

static const struct {
        const char *name;
        int kind;
        unsigned long flag;
} option_table[] = {
        { "defaults", SET, 0 },
        { "ro", SET, MS_RDONLY },           { "rw", CLEAR, MS_RDONLY },
        { "nosuid", SET, MS_NOSUID },       { "suid", CLEAR, MS_NOSUID },
        { "nodev", SET, MS_NODEV },         { "dev", CLEAR, MS_NODEV },
        { "noexec", SET, MS_NOEXEC },       { "exec", CLEAR, MS_NOEXEC },
        { "sync", SET, MS_SYNCHRONOUS },    { "async", CLEAR, MS_SYNCHRONOUS },
        { "dirsync", SET, MS_DIRSYNC },
        { "remount", SET, MS_REMOUNT },
        { "mand", SET, MS_MANDLOCK },       { "nomand", CLEAR, MS_MANDLOCK },
        { "noatime", SET, MS_NOATIME },     { "atime", CLEAR, MS_NOATIME },
        { "nodiratime", SET, MS_NODIRATIME }, { "diratime", CLEAR, MS_NODIRATIME },
        { "relatime", SET, MS_RELATIME },   { "norelatime", CLEAR, MS_RELATIME },
        { "strictatime", SET, MS_STRICTATIME }, { "nostrictatime", CLEAR, MS_STRICTATIME },
        { "lazytime", SET, MS_LAZYTIME },   { "nolazytime", CLEAR, MS_LAZYTIME },
        { "iversion", SET, MS_I_VERSION },  { "noiversion", CLEAR, MS_I_VERSION },
        { "silent", SET, MS_SILENT },       { "loud", CLEAR, MS_SILENT },
        { "bind", BIND, 0 },                { "rbind", BIND, MS_REC },
        { "private", PROP, MS_PRIVATE },    { "rprivate", PROP, MS_PRIVATE | MS_REC },
        { "shared", PROP, MS_SHARED },      { "rshared", PROP, MS_SHARED | MS_REC },
        { "slave", PROP, MS_SLAVE },        { "rslave", PROP, MS_SLAVE | MS_REC },
        { "unbindable", PROP, MS_UNBINDABLE }, { "runbindable", PROP, MS_UNBINDABLE | MS_REC },
        /* Asks a runtime to copy the image's files into a tmpfs; accepted, not done. */
        { "tmpcopyup", SET, 0 },
};

long bw_mount_propagation(const char *name)
{
        if (!name || !*name)
                return 0;
        for (size_t i = 0; i < ARRAY_SIZE(option_table); i++)
                if (option_table[i].kind == PROP && strcmp(option_table[i].name, name) == 0)
                        return (long)option_table[i].flag;
        return -EINVAL;
}

void bw_mount_opts_free(struct bw_mount_opts *o)
{
        free(o->data);
        o->data = NULL;
}

int bw_mount_parse_options(char *const *options, struct bw_mount_opts *out, struct bw_error **err)
{
        *out = (struct bw_mount_opts){ 0 };
        for (size_t i = 0; options && options[i]; i++) {
                const char *o = options[i];
                bool known = false;
                for (size_t k = 0; k < ARRAY_SIZE(option_table) && !known; k++) {
                        if (strcmp(option_table[k].name, o) != 0)
                                continue;
                        known = true;
                        unsigned long f = option_table[k].flag;
                        switch (option_table[k].kind) {
                        case SET: out->flags |= f; out->clear &= ~f; break;
                        case CLEAR: out->flags &= ~f; out->clear |= f; break;
                        case PROP: out->propagation = f; break;
                        case BIND: out->bind = true; out->recursive = f & MS_REC; break;
                        }
                }
                if (known)
                        continue;
                /* The parent idmapped the bind source already (runtime/userns_auto.c). */
                if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0)
                        continue;
                char *d = NULL;
                if (asprintf(&d, "%s%s%s", out->data ? out->data : "", out->data ? "," : "", o) < 0) {
                        bw_mount_opts_free(out);
                        return bw_error_set(err, -ENOMEM, "parsing mount options");
                }
                free(out->data);
                out->data = d;
        }
        return 0;
}

int bw_fd_fs_is(int fd, long magic)
{
        struct statfs s;
        if (fstatfs(fd, &s) < 0)
                return -errno;
        return s.f_type == magic;
}

static unsigned long ms_to_attr(unsigned long ms)
{
        unsigned long a = 0;
        if (ms & MS_RDONLY) a |= MOUNT_ATTR_RDONLY;
        if (ms & MS_NOSUID) a |= MOUNT_ATTR_NOSUID;
        if (ms & MS_NODEV) a |= MOUNT_ATTR_NODEV;
        if (ms & MS_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
        if (ms & MS_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
        if (ms & MS_NOATIME) a |= MOUNT_ATTR_NOATIME;
        else if (ms & MS_STRICTATIME) a |= MOUNT_ATTR_STRICTATIME;
        else if (ms & MS_RELATIME) a |= MOUNT_ATTR_RELATIME;
        return a;
}

/* A bind mount: clone the source tree (open_tree), set its attributes with
 * mount_setattr (recursively for rbind, so "rbind,ro" leaves no writable
 * submount), then attach it to the already-resolved target fd. */
static int mount_bind(const char *source, int target_fd, const struct bw_mount_opts *o, struct bw_error **err)
{
        _cleanup_close_ int tree = open_tree(AT_FDCWD, source,
                                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return bw_error_set(err, -errno, "cloning bind source %s", source);
        struct mount_attr attr = {
                .attr_set = ms_to_attr(o->flags),
                .attr_clr = ms_to_attr(o->clear & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME)),
        };
        if (attr.attr_set & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_RELATIME))
                attr.attr_clr |= MOUNT_ATTR__ATIME;
        if ((attr.attr_set || attr.attr_clr) &&
            mount_setattr(tree, "", AT_EMPTY_PATH | (o->recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
                return bw_error_set(err, -errno, "setting the options of bind mount %s", source);
        if (move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "attaching bind mount of %s", source);
        return 0;
}

static bool is_bind(const struct oci_mount *m, const struct bw_mount_opts *o)
{
        return o->bind || (m->type && strcmp(m->type, "bind") == 0);
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

int bw_mount_one(int root_fd, const char *bundle, const struct oci_mount *m, struct bw_error **err)
{
        if (!m->destination || !*m->destination)
                return bw_error_msg(err, -EINVAL, "a mount has no destination");
        _cleanup_(bw_mount_opts_free) struct bw_mount_opts o;
        int r = bw_mount_parse_options(m->options, &o, err);
        if (r < 0)
                return bw_error_wrap(err, "mount %s", m->destination);
        bool bind = is_bind(m, &o);
        _cleanup_free_ char *src = NULL;
        if (m->source && bind && m->source[0] != '/' && bundle) {
                if (asprintf(&src, "%s/%s", bundle, m->source) < 0)
                        return bw_error_set(err, -ENOMEM, "mount %s", m->destination);
        } else if (m->source) {
                src = strdup(m->source);
        }
        bool as_file = false;
        if (bind) {
                if (!src)
                        return bw_error_msg(err, -EINVAL, "bind mount %s has no source", m->destination);
                r = source_is_dir(src);
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
                r = mount_bind(src, target, &o, err);
                if (r < 0)
                        return bw_error_wrap(err, "mount %s", m->destination);
        } else {
                char p[64];
                snprintf(p, sizeof(p), "/proc/self/fd/%d", target);
                unsigned long flags = o.flags & ~MS_REMOUNT;
                if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
                        /* cgroup namespacing and v1/v2 layout belong to the
                         * cgroup issue: until then show the host's cgroupfs. */
                        struct bw_mount_opts b = o;
                        b.bind = true;
                        b.recursive = true;
                        r = mount_bind("/sys/fs/cgroup", target, &b, err);
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
                                r = mount_bind("/sys", target, &b, err);
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
