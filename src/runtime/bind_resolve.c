#include "runtime/bind_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/mount_options.h"
#include "linux/mountinfo.h"
#include "policy/checks.h"
#include "runtime/rootless.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The engine sockets that exist on this host at the known paths: their
 * identity (a hard link or a symlink of another name is the same socket)
 * and where they really live (/var/run/docker.sock is /run/docker.sock). */
struct host_socket {
        char *path;
        dev_t dev;
        ino_t ino;
};

static void host_sockets_free(struct host_socket *v)
{
        for (size_t i = 0; v && v[i].path; i++)
                free(v[i].path);
        free(v);
}

static struct host_socket *host_sockets(void)
{
        size_t n = 0, cap = 8;
        struct host_socket *v = calloc(cap + 1, sizeof(*v));
        if (!v)
                return NULL;
        /* A rootless engine listens in its user's $XDG_RUNTIME_DIR, which
         * need not be /run/user/UID: the caller's own counts too. */
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *own_docker = NULL, *own_podman = NULL;
        if (xdg && xdg[0] == '/' && (asprintf(&own_docker, "%s/docker.sock", xdg) < 0 ||
                                     asprintf(&own_podman, "%s/podman/podman.sock", xdg) < 0))
                own_docker = own_podman = NULL;
        const char *extra[] = { own_docker, own_podman };
        size_t n_known = 0;
        while (bw_engine_socket_paths[n_known])
                n_known++;
        for (size_t i = 0; i < n_known + 2; i++) {
                const char *pattern = i < n_known ? bw_engine_socket_paths[i] : extra[i - n_known];
                glob_t g;
                if (!pattern || glob(pattern, GLOB_NOESCAPE, NULL, &g) != 0)
                        continue;
                for (size_t j = 0; j < g.gl_pathc; j++) {
                        struct stat st;
                        char canon[PATH_MAX];
                        if (stat(g.gl_pathv[j], &st) < 0 || !S_ISSOCK(st.st_mode) || !realpath(g.gl_pathv[j], canon))
                                continue;
                        if (n == cap) {
                                struct host_socket *w = realloc(v, (2 * cap + 1) * sizeof(*v));
                                if (!w)
                                        break;
                                v = w;
                                cap *= 2;
                        }
                        v[n] = (struct host_socket){ strdup(canon), st.st_dev, st.st_ino };
                        if (v[n].path)
                                n++;
                        v[n].path = NULL;
                }
                globfree(&g);
        }
        return v;
}

/* Open a source as mount(2) will (every symlink followed), but never
 * through a /proc magic link: /proc/PID/root, cwd and fd/N lead into
 * another process's mount namespace, where the path read back from the fd
 * is that namespace's, not what the mount is on the host. Without openat2
 * the mount the fd is on must be one of this namespace's. */
static int open_source(const char *path)
{
        struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
        int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
        if (fd >= 0)
                return fd;
        if (errno != ENOSYS)
                return -errno;
        _cleanup_close_ int any = open(path, O_PATH | O_CLOEXEC);
        if (any < 0)
                return -errno;
        struct bw_mountinfo mi = { 0 };
        _cleanup_error_ struct bw_error *ignored = NULL;
        int r = bw_mountinfo_of_fd(any, &mi, &ignored);
        bw_mountinfo_clear(&mi);
        if (r == -ENOENT)
                return -EXDEV;
        return take_fd(any);
}

/* Open source (relative: against the bundle) as the kernel's mount will,
 * following symlinks, and record what it is into *src. what names it in
 * messages ("bind mount /data", "root.path"). */
static int resolve_into(const char *source, const char *bundle, const char *what, const struct host_socket *socks,
                        struct oci_mount_source *src, struct bw_error **err)
{
        _cleanup_free_ char *joined = NULL;
        const char *path = source;
        if (path[0] != '/') {
                if (asprintf(&joined, "%s/%s", bundle, source) < 0)
                        return bw_error_set(err, -ENOMEM, "%s: source %s", what, source);
                path = joined;
        }
        /* Followed to the end, as mount(2) and open_tree do. This fd is
         * the source from now on: judged here, cloned for the mount. */
        _cleanup_close_ int fd = open_source(path);
        if (fd == -ELOOP || fd == -EXDEV)
                return bw_error_msg(err, fd, "%s: source %s leads through a /proc link (a process's root, cwd or fd) "
                                    "into another mount namespace, or its symlinks loop: bulwark judges and mounts "
                                    "only what its own mount namespace holds; name the source as the host sees it",
                                    what, path);
        if (fd < 0)
                return bw_error_set(err, fd, "%s: source %s", what, path);
        struct stat st;
        if (fstat(fd, &st) < 0)
                return bw_error_set(err, -errno, "%s: source %s", what, path);
        char proc[64], canon[PATH_MAX];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        ssize_t l = readlink(proc, canon, sizeof(canon) - 1);
        if (l <= 0 || canon[0] != '/')
                return bw_error_msg(err, -EINVAL, "%s: source %s has no path on this host (%s)", what, path,
                                    l > 0 ? "not reachable from /" : "readlink failed");
        canon[l] = 0;
        _cleanup_free_ char *canonical = strdup(canon), *written = strdup(source);
        if (!canonical || !written)
                return bw_error_set(err, -ENOMEM, "%s: source %s", what, path);
        free(src->path);
        free(src->written);
        free(src->engine_socket);
        oci_mount_source_close(src);
        *src = (struct oci_mount_source){ .resolved = true, .path = take_ptr(canonical), .written = take_ptr(written),
                                          .dev = st.st_dev, .ino = st.st_ino, .mode = st.st_mode,
                                          .fd = take_fd(fd), .tree = -1 };
        for (size_t i = 0; socks && socks[i].path && !src->engine_socket; i++) {
                bool is = S_ISSOCK(st.st_mode) && st.st_dev == socks[i].dev && st.st_ino == socks[i].ino;
                bool holds = S_ISDIR(st.st_mode) && bw_path_under(socks[i].path, src->path);
                if ((is || holds) && !(src->engine_socket = strdup(socks[i].path)))
                        return bw_error_set(err, -ENOMEM, "%s: source %s", what, path);
        }
        if (strcmp(src->written, src->path) != 0)
                bw_debug("%s: %s is %s on this host", what, src->written, src->path);
        return 0;
}

static int resolve_one(struct oci_mount *m, const char *bundle, const struct host_socket *socks, struct bw_error **err)
{
        char what[PATH_MAX + 16];
        snprintf(what, sizeof(what), "bind mount %s", m->destination ? m->destination : "?");
        int r = resolve_into(m->source, bundle, what, socks, &m->src, err);
        if (r < 0)
                return r;
        char *copy = strdup(m->src.path);
        if (!copy)
                return bw_error_set(err, -ENOMEM, "%s", what);
        free(m->source);
        m->source = copy;
        return 0;
}

/* The rootfs layouts engines make in their state, whole paths (fnmatch,
 * FNM_PATHNAME: one * is one component). Only these: the state around
 * them (Docker's containers/ID/config.v2.json, image layers, other
 * containers' directories) is host root's and never a container's /.
 * Overlay "merged" directories are also caught as overlay mount roots;
 * these cover vfs, btrfs, zfs and a merged directory not mounted yet. */
static const char *const engine_rootfs[] = {
        "/var/lib/docker/overlay2/*/merged", "/var/lib/docker/fuse-overlayfs/*/merged",
        "/var/lib/docker/vfs/dir/*", "/var/lib/docker/btrfs/subvolumes/*", "/var/lib/docker/zfs/graph/*",
        "/var/lib/containers/storage/overlay/*/merged", "/var/lib/containers/storage/vfs/dir/*",
        "/var/lib/containers/storage/btrfs/subvolumes/*",
        "/run/containerd/io.containerd.runtime.v2.task/*/*/rootfs",
        "/var/run/containerd/io.containerd.runtime.v2.task/*/*/rootfs",
        NULL,
};

static bool engine_rootfs_layout(const char *path)
{
        for (size_t i = 0; engine_rootfs[i]; i++)
                if (fnmatch(engine_rootfs[i], path, FNM_PATHNAME) == 0)
                        return true;
        return false;
}

/* A rootfs belongs inside its bundle, at the root of an overlay mount, or
 * at one of the rootfs layouts an engine makes. Anywhere else (a host
 * tree, an engine's state around its rootfs, bulwark's own state, /srv,
 * /opt ...) the idmapped rootfs view would make host root's files there
 * container root's. Judged on the fd opened at resolve time. */
static bool rootfs_placed(const struct oci_mount_source *src, const char *bundle)
{
        if (bw_rootless())
                return true; /* no idmapped view: the caller's own access */
        if (!src->resolved || !src->path || src->fd < 0 || !S_ISDIR(src->mode))
                return false;
        if (bundle && bw_path_under(src->path, bundle))
                return true;
        if (engine_rootfs_layout(src->path))
                return true;
        struct statfs sfs;
        struct statx stx;
        return fstatfs(src->fd, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC &&
               statx(src->fd, "", AT_EMPTY_PATH, 0, &stx) == 0 && (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
               (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

int bw_bind_resolve(struct oci_config *c, const char *bundle, struct bw_error **err)
{
        struct host_socket *socks = host_sockets();
        /* The rootfs is a bind of root.path at / as far as what it exposes
         * goes. One that cannot be opened stays unresolved: create reports
         * it right after the policy. */
        if (c->has_root && c->root.path && *c->root.path) {
                _cleanup_error_ struct bw_error *ignored = NULL;
                int r = resolve_into(c->root.path, bundle, "root.path", socks, &c->root.src, &ignored);
                if (r == -ENOMEM) {
                        host_sockets_free(socks);
                        return bw_error_set(err, r, "resolving root.path");
                }
                c->root.placed = rootfs_placed(&c->root.src, bundle);
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (!m->source || !*m->source || !bw_mount_is_bind(m))
                        continue;
                int r = resolve_one(m, bundle, socks, err);
                if (r < 0) {
                        host_sockets_free(socks);
                        return r == -ENOMEM ? bw_error_set(err, r, "resolving bind sources") : r;
                }
        }
        host_sockets_free(socks);
        return 0;
}

/* Clone one judged source into a detached mount from the fd opened at
 * resolve time, check that its root is still that object, and give it the
 * attributes its options ask for. */
static int clone_one(struct oci_mount *m, struct bw_error **err)
{
        const char *dest = m->destination ? m->destination : "?";
        struct bw_mount_opts o;
        bw_mount_options_effect(m->options, &o);
        bool rec = o.recursive || o.attr_recursive;
        _cleanup_close_ int tree = open_tree(m->src.fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                                (o.recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return bw_error_set(err, -errno, "bind mount %s: cloning the mount of %s (open_tree)", dest, m->src.path);
        struct stat st;
        if (fstat(tree, &st) < 0)
                return bw_error_set(err, -errno, "bind mount %s: checking the clone of %s", dest, m->src.path);
        if ((uint64_t)st.st_dev != m->src.dev || (uint64_t)st.st_ino != m->src.ino)
                return bw_error_msg(err, -EXDEV, "bind mount %s: the clone of %s is not the object the policy judged; "
                                    "refusing", dest, m->src.path);
        struct mount_attr attr = { .attr_set = o.attr_set, .attr_clr = o.attr_clr };
        if ((attr.attr_set || attr.attr_clr) &&
            mount_setattr(tree, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
                return bw_error_set(err, -errno, "bind mount %s: setting the options of %s", dest, m->src.path);
        m->src.tree = take_fd(tree);
        return 0;
}

int bw_bind_clone_sources(struct oci_config *c, struct bw_error **err)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (!m->src.resolved || m->src.fd < 0 || m->src.tree >= 0 || !bw_mount_is_bind(m))
                        continue;
                int r = clone_one(m, err);
                if (r == -EPERM && geteuid() != 0) {
                        /* Not root: no mount can be cloned in the host's
                         * namespace. init clones the source in its own
                         * namespace, checked against what was judged. */
                        bw_error_free(*err);
                        *err = NULL;
                        bw_debug("bind mount %s: cloned by init (bulwark is not root)", m->destination);
                        continue;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}
