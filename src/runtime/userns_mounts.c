/* The idmapped rootfs and bind sources of a container with its own user
 * namespace, made by a helper process and attached inside init's mount
 * namespace (see userns_auto.h). */
#include "runtime/userns_auto.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "linux/idmap.h"
#include "linux/idmap_mount.h"
#include "linux/mount_options.h"
#include "linux/mountinfo.h"
#include "linux/overlay_idmap.h"
#include "runtime/volumes.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

struct view {
        char *path;   /* where it goes (same path in init's mount namespace) */
        int fd;       /* the detached idmapped mount */
};

struct views {
        struct view *v;
        size_t n;
};

static void views_free(struct views *vs)
{
        for (size_t i = 0; i < vs->n; i++) {
                free(vs->v[i].path);
                if (vs->v[i].fd >= 0)
                        close(vs->v[i].fd);
        }
        free(vs->v);
        *vs = (struct views){ 0 };
}

static int views_add(struct views *vs, const char *path, int fd)
{
        struct view *v = realloc(vs->v, (vs->n + 1) * sizeof(*v));
        if (!v) {
                close(fd);
                return -ENOMEM;
        }
        vs->v = v;
        vs->v[vs->n] = (struct view){ strdup(path), fd };
        if (!vs->v[vs->n].path) {
                close(fd);
                return -ENOMEM;
        }
        vs->n++;
        return 0;
}

static bool any_mount_idmap(const struct oci_config *c)
{
        for (size_t i = 0; i < c->n_mounts; i++)
                if (bw_userns_mount_wants_idmap(&c->mounts[i]))
                        return true;
        return false;
}

/* A mount's own mappings, as a user namespace to idmap with. */
static int mount_userns(const struct oci_mount *m, struct bw_error **err)
{
        if (!m->uid_mappings.n || !m->gid_mappings.n)
                return bw_error_msg(err, -EINVAL, "mount %s has %s but no %s; give both or neither",
                                    m->destination ? m->destination : "?",
                                    m->uid_mappings.n ? "uidMappings" : "gidMappings",
                                    m->uid_mappings.n ? "gidMappings" : "uidMappings");
        _cleanup_free_ char *u = bw_idmap_format(&m->uid_mappings), *g = bw_idmap_format(&m->gid_mappings);
        if (!u || !g)
                return bw_error_set(err, -ENOMEM, "formatting the mappings of mount %s", m->destination);
        int fd = bw_userns_fd_new(u, g, err);
        if (fd < 0)
                bw_error_wrap(err, "the uidMappings/gidMappings of mount %s", m->destination ? m->destination : "?");
        return fd;
}

static bool unmapped_allowed(const struct oci_config *c, const char *dest)
{
        for (size_t i = 0; i < c->annotations.n; i++) {
                if (strcmp(c->annotations.v[i].key, BW_ANNOTATION_UNMAPPED) != 0 || !c->annotations.v[i].value)
                        continue;
                _cleanup_free_ char *list = strdup(c->annotations.v[i].value);
                char *save = NULL;
                for (char *t = list ? strtok_r(list, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
                        if (strcmp(t, "*") == 0 || strcmp(t, dest) == 0)
                                return true;
        }
        return false;
}

/* mkdir that accepts an existing directory, never a symlink. */
static int mkdir_at(int dfd, const char *name, mode_t mode, struct bw_error **err, const char *what)
{
        if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST)
                return bw_error_set(err, -errno, "making %s", what);
        int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", what);
        return fd;
}

/* WRITES/<key>-<uid>/{upper,work} for a directory rootfs: only host root
 * may enter (0700); upper and work are handed to the range's root by the
 * overlay rebuild. */
static int writes_dirs(const char *dir, char **upper, char **work, struct bw_error **err)
{
        _cleanup_close_ int lib = mkdir_at(AT_FDCWD, "/var/lib/bulwark", 0755, err, "/var/lib/bulwark");
        if (lib < 0)
                return lib;
        _cleanup_close_ int top = mkdir_at(lib, "rootfs", 0700, err, BW_ROOTFS_WRITES);
        if (top < 0)
                return top;
        _cleanup_close_ int own = mkdir_at(top, strrchr(dir, '/') + 1, 0700, err, dir);
        if (own < 0)
                return own;
        _cleanup_close_ int u = mkdir_at(own, "upper", 0755, err, "the rootfs's upper directory");
        if (u < 0)
                return u;
        _cleanup_close_ int w = mkdir_at(own, "work", 0700, err, "the rootfs's work directory");
        if (w < 0)
                return w;
        if (asprintf(upper, "%s/upper", dir) < 0 || asprintf(work, "%s/work", dir) < 0)
                return bw_error_set(err, -ENOMEM, "naming the rootfs's writes");
        return 0;
}

/* A directory rootfs (a bundle's rootfs/) that container root may write:
 * an overlay whose lower layer is the idmapped view of the directory (so
 * host root's files read as container root's, as before) and whose upper
 * and work directories, kept under BW_ROOTFS_WRITES and keyed like the id
 * range, belong to the range. Every write lands there as a range id; the
 * bundle's directory is never written. */
static int dir_overlay(const struct bw_userns_plan *p, const char *rootfs, int rootfs_fd, int userns,
                       struct bw_error **err)
{
        struct bw_rootfs_key key = { 0 };
        int r = bw_rootfs_key_of_dir(rootfs, &key, err);
        if (r < 0)
                return r;

        _cleanup_free_ char *dir = bw_rootfs_writes_dir(NULL, &key, &p->range);
        bw_rootfs_key_clear(&key);
        if (!dir)
                return bw_error_set(err, -ENOMEM, "naming the rootfs's writes");
        _cleanup_free_ char *upper = NULL, *work = NULL;
        if ((r = writes_dirs(dir, &upper, &work, err)) < 0)
                return r;
        /* The layer by the path of the directory opened and checked; the
         * legacy overlay route (kernels before 6.5) needs a real path, so
         * the check is repeated once the overlay exists. */
        char self[64], real[PATH_MAX];
        snprintf(self, sizeof(self), "/proc/self/fd/%d", rootfs_fd);
        ssize_t len = readlink(self, real, sizeof(real) - 1);
        if (len <= 0)
                return bw_error_set(err, -errno, "reading the path of the rootfs %s", rootfs);
        real[len] = '\0';
        char *lower[] = { real, NULL };
        struct bw_overlay_layers l = { .lower = lower, .upper = upper, .work = work, .own_upper = true };
        int fd = bw_overlay_idmapped(&l, userns, p->range.uid, p->range.gid, p->range.size, err);
        struct stat a, b;
        if (fd >= 0 && (stat(real, &a) < 0 || fstat(rootfs_fd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)) {
                close(fd);
                return bw_error_msg(err, -EBUSY, "the rootfs %s changed while its overlay was made; refusing", rootfs);
        }
        if (fd >= 0)
                bw_debug("the rootfs %s is written to %s", rootfs, upper);
        return fd;
}

/* A read-only rootfs: its idmapped view, every submount read-only. The
 * top stays writable while init creates the config's missing mount
 * points (empty directories and files, as runc makes them), and init
 * makes it read-only before anything of the container runs
 * (bw_rootfs_finish), so no process of the container writes through it. */
static int ro_view(int rootfs_fd, int userns, struct bw_error **err)
{
        _cleanup_close_ int fd = bw_idmap_mount_clone(rootfs_fd, "", userns, true, err);
        if (fd < 0)
                return fd;
        struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY }, rw = { .attr_clr = MOUNT_ATTR_RDONLY };
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0 ||
            mount_setattr(fd, "", AT_EMPTY_PATH, &rw, sizeof(rw)) < 0)
                return bw_error_set(err, -errno, "making the idmapped view's submounts read-only (mount_setattr)");
        return take_fd(fd);
}

static int rootfs_view(const struct bw_userns_plan *p, const struct oci_config *c, const char *rootfs, int userns,
                       struct views *vs, struct bw_error **err)
{
        struct bw_overlay_layers l = { 0 };
        int r = bw_overlay_of_path(rootfs, &l, err);
        if (r < 0)
                return r;
        int fd;
        if (r == 1) {
                fd = bw_overlay_idmapped(&l, userns, p->range.uid, p->range.gid, p->range.size, err);
                bw_overlay_layers_free(&l);
        } else {
                /* A directory: opened once and checked to be what the
                 * policy judged (root.path resolved before it ran), and the
                 * view made from that fd, so no path swapped in between
                 * (a symlink to /etc) is idmapped instead. */
                _cleanup_close_ int rfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
                struct stat st;
                if (rfd < 0 || fstat(rfd, &st) < 0)
                        return bw_error_set(err, -errno, "opening the rootfs %s", rootfs);
                if (c->root.src.resolved && (c->root.src.dev != (uint64_t)st.st_dev || c->root.src.ino != (uint64_t)st.st_ino))
                        return bw_error_msg(err, -EBUSY, "the rootfs %s is not the directory the policy judged (%s): "
                                            "it changed in between; refusing", rootfs, c->root.src.path);
                /* Read-only, the missing mount points are made in the
                 * directory itself, as runc makes them: only in one that is
                 * the container's own (the bundle's, an engine's rootfs).
                 * Any other (BW073 not enforced) gets the overlay: they land
                 * in bulwark's upper, and init makes / read-only all the same. */
                fd = c->root.readonly && c->root.placed ? ro_view(rfd, userns, err)
                                                        : dir_overlay(p, rootfs, rfd, userns, err);
                /* A FUSE rootfs (fuse-overlayfs) cannot be idmapped, and
                 * unmapped it would be host root's files under container
                 * root: refused, saying what works instead. */
                struct statfs sfs;
                if (fd < 0 && fstatfs(rfd, &sfs) == 0 && sfs.f_type == FUSE_SUPER_MAGIC) {
                        int code = bw_error_code(*err, fd);
                        bw_error_free(*err);
                        *err = NULL;
                        return bw_error_msg(err, code,
                                            "the rootfs %s is a FUSE mount (fuse-overlayfs?), which the kernel "
                                            "cannot idmap, and bulwark as root does not use a rootfs unmapped; use "
                                            "the kernel's overlay (Podman: remove mount_program from "
                                            "storage.conf; Docker: the overlay2 driver), or run the engine "
                                            "rootless, where no idmapped view is needed",
                                            rootfs);
                }
        }
        if (fd < 0) {
                bw_error_wrap(err, "the rootfs %s", rootfs);
                return fd;
        }
        return views_add(vs, rootfs, fd) < 0 ? bw_error_set(err, -ENOMEM, "idmapping the rootfs") : 0;
}

/* What the kernel says when a filesystem cannot be idmapped. */
static bool kernel_refused(int code)
{
        return code == -EINVAL || code == -EOPNOTSUPP || code == -ENOSYS;
}

/* Bind sources get an idmapped view: with the mount's own mappings when it
 * has some (honoured as given); with an automatic range, from the volume
 * range (volumes.h: on-disk V+n is container id n, host ids are nobody),
 * engine-made content shifted there first, unless the policy file opted
 * the source into the container's own mapping (BW074); with explicit
 * container maps, those marked idmap/ridmap get the container's. */
/* The kernel refused an idmapped view of m's source (fd < 0, error e):
 * 0 when the mount is bound as it is (a tmpfs the engine made, before
 * 6.3; or the annotation allows it), else the error. */
static int view_refused(const struct bw_userns_plan *p, const struct oci_config *c, const struct oci_mount *m,
                        bool volume_view, int fd, const struct bw_error *e, struct bw_error **err)
{
        const char *dest = m->destination ? m->destination : "?";
        if (volume_view && kernel_refused(bw_error_code(e, fd)) && bw_volume_engine_tmpfs(c, m)) {
                /* Before 6.3 no tmpfs can be idmapped. One the engine made
                 * for the container (its /dev/shm) is bound as it is:
                 * container root is an unprivileged host uid of its range,
                 * so it acts there as that uid, never as host root. */
                bw_warn("bind mount %s: %s is a tmpfs the engine made for the container and this kernel cannot "
                        "idmap tmpfs (Linux 6.3 can): bound without an idmapped view, where the container's ids are "
                        "their host ids (root is host uid %u)", dest, m->src.path, p->range.uid);
                return 0;
        }
        if (!bw_userns_mount_wants_idmap(m) && unmapped_allowed(c, m->destination ? m->destination : "")) {
                bw_warn("bind mount %s stays unmapped (annotation " BW_ANNOTATION_UNMAPPED "): %s", dest, e->msg);
                return 0;
        }
        return bw_error_msg(err, bw_error_code(e, fd), "bind mount %s: %s (or list it in the annotation "
                            BW_ANNOTATION_UNMAPPED ")", dest, e->msg);
}

static int bind_views(const struct bw_userns_plan *p, const struct oci_config *c, const char *bundle, int userns,
                      struct views *vs, struct bw_error **err)
{
        _cleanup_close_ int volns = -1;
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!bw_userns_mount_wants_idmap(m) && !(p->idmap_mounts && bw_mount_is_bind(m)))
                        continue;
                if (!bw_mount_is_bind(m) || !m->source)
                        return bw_error_msg(err, -EOPNOTSUPP, "mount %s: idmap and ridmap are supported on bind mounts only",
                                            m->destination ? m->destination : "?");
                _cleanup_close_ int own = -1;
                if ((m->uid_mappings.n || m->gid_mappings.n) && (own = mount_userns(m, err)) < 0)
                        return own;
                _cleanup_free_ char *src = NULL;
                if (m->source[0] == '/' ? !(src = strdup(m->source)) : asprintf(&src, "%s/%s", bundle, m->source) < 0)
                        return bw_error_set(err, -ENOMEM, "idmapping bind mounts");
                /* The runtime cloned the judged source (bind_resolve.h):
                 * idmap that clone; init attaches it. */
                bool cloned = m->src.resolved && m->src.tree >= 0;
                bool dup = false;
                for (size_t k = 0; k < vs->n && !dup && !cloned; k++)
                        dup = strcmp(vs->v[k].path, src) == 0;
                if (dup)
                        continue;
                int with = own >= 0 ? own : userns;
                bool volume_view = own < 0 && p->idmap_mounts && !m->identity_mapped && !bw_userns_mount_wants_idmap(m);
                if (own < 0 && p->idmap_mounts && !m->identity_mapped) {
                        int r = bw_volume_prepare(c, &p->volume, m, src, err);
                        if (r < 0)
                                return r;
                        if (volns < 0 && (volns = bw_volume_userns(&p->volume, &p->range, err)) < 0)
                                return volns;
                        with = volns;
                } else if (own < 0 && p->idmap_mounts) {
                        bw_warn("bind mount %s: %s is identity-mapped (policy file, BW074): container root acts as "
                                "host root on its files", m->destination ? m->destination : "?", src);
                }
                _cleanup_error_ struct bw_error *e = NULL;
                struct bw_mount_opts mo; /* read as the mounter reads them */
                bw_mount_options_effect(m->options, &mo);
                bool recursive = mo.recursive || mo.ridmap;
                int fd = cloned ? bw_idmap_mount_set(m->src.tree, with, recursive, m->src.path, &e)
                                : bw_idmap_mount_clone(AT_FDCWD, src, with, recursive, &e);
                if (fd < 0) {
                        int r = view_refused(p, c, m, volume_view, fd, e, err);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (cloned)
                        continue;
                if (views_add(vs, src, fd) < 0)
                        return bw_error_set(err, -ENOMEM, "idmapping bind mounts");
        }
        return 0;
}

/* The directories above path that container root cannot search: owned
 * by an unmapped host id, and others may not enter (Docker's
 * /var/lib/docker is 0710, podman's storage and layer directories 0700).
 * Outermost first; NULL when there is none. */
static char **blocking_dirs(const char *path)
{
        char **dirs = NULL;
        _cleanup_free_ char *p = strdup(path);
        for (char *s = p ? strchr(p + 1, '/') : NULL; s; s = strchr(s + 1, '/')) {
                *s = '\0';
                struct stat st;
                if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && !(st.st_mode & S_IXOTH) && bw_strv_push(&dirs, p) < 0) {
                        bw_strv_free(dirs);
                        return NULL;
                }
                *s = '/';
        }
        return dirs;
}

static int by_length(const void *a, const void *b)
{
        size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
        return la < lb ? -1 : la > lb;
}

static bool under(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The mount point of the mount a path is on. */
static char *mount_point_of(const char *path, struct bw_error **err)
{
        struct bw_mountinfo mi = { 0 };
        if (bw_mountinfo_of_path(path, &mi, err) < 0)
                return NULL;
        char *mp = take_ptr(mi.mountpoint);
        bw_mountinfo_clear(&mi);
        return mp;
}

/* init walks to the rootfs and the bind sources as container root. Where
 * a directory on the way shuts it out, that directory is covered (inside
 * init's mount namespace only) by a clone of itself, submounts included,
 * whose top mount is idmapped: container root then owns what host root
 * owns there and may pass. A blocking directory further down that sits on
 * a submount of a cover (podman bind-mounts its overlay directory onto
 * itself and keeps each layer's directory 0700) gets that submount
 * covered the same way, on top. Other submounts (overlays, volumes ...)
 * stay as they are. The views go on top of the covers. Nothing of it
 * outlives pivot_root, which detaches the old root. */
static int add_covers(const struct views *targets, int userns, struct views *out, struct bw_error **err)
{
        _cleanup_strv_ char **dirs = NULL, **blocked = NULL;
        for (size_t i = 0; i < targets->n; i++) {
                _cleanup_free_ char *real = realpath(targets->v[i].path, NULL);
                _cleanup_strv_ char **b = blocking_dirs(real ? real : targets->v[i].path);
                for (char **d = b; d && *d; d++)
                        if (!bw_strv_contains(blocked, *d) && bw_strv_push(&blocked, *d) < 0)
                                return bw_error_set(err, -ENOMEM, "covering blocked directories");
        }
        /* outermost first: a cover's own blocking dirs below it need a
         * cover only where they are on another mount */
        if (blocked) /* qsort wants an array even for none */
                qsort(blocked, bw_strv_len(blocked), sizeof(char *), by_length);
        for (char **b = blocked; b && *b; b++) {
                const char *top = NULL;
                for (char **d = dirs; d && *d && !top; d++)
                        if (under(*b, *d))
                                top = *d;
                _cleanup_free_ char *cover = NULL;
                if (!top) {
                        cover = strdup(*b);
                } else {
                        cover = mount_point_of(*b, err);
                        if (!cover)
                                return bw_error_wrap(err, "letting container root through %s", *b);
                        /* on the cover's own mount (or one covered already) */
                        if (!under(cover, top) || bw_strv_contains(dirs, cover))
                                continue;
                }
                if (!cover || bw_strv_push(&dirs, cover) < 0)
                        return bw_error_set(err, -ENOMEM, "covering blocked directories");
        }
        /* attached outermost first: a cover holds the host's mounts below
         * it as they are, so an inner cover must go on top of it */
        if (dirs)
                qsort(dirs, bw_strv_len(dirs), sizeof(char *), by_length);
        for (char **d = dirs; d && *d; d++) {
                _cleanup_close_ int fd = open_tree(AT_FDCWD, *d, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
                if (fd < 0)
                        return bw_error_set(err, -errno, "cloning %s (open_tree)", *d);
                /* the top mount only: submounts (other overlays ...) stay as they are */
                int r = bw_idmap_mount_set(fd, userns, false, *d, err);
                if (r < 0) {
                        bw_error_wrap(err, "letting container root through %s, which others may not enter "
                                      "(chmod o+x it, or move the rootfs)", *d);
                        return r;
                }
                if (views_add(out, *d, take_fd(fd)) < 0)
                        return bw_error_set(err, -ENOMEM, "covering blocked directories");
                bw_debug("covering %s with an idmapped view in the container's mount namespace", *d);
        }
        return 0;
}

/* In init's mount namespace: nothing may propagate back to the host, so
 * everything becomes a slave first (init does the same, and then applies
 * rootfsPropagation itself). */
static int attach_in(int mnt, const struct views *vs, struct bw_error **err)
{
        if (setns(mnt, CLONE_NEWNS) < 0)
                return bw_error_set(err, -errno, "entering the container's mount namespace");
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return bw_error_set(err, -errno, "making the container's mounts slaves");
        for (size_t i = 0; i < vs->n; i++) {
                if (move_mount(vs->v[i].fd, "", AT_FDCWD, vs->v[i].path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        return bw_error_set(err, -errno, "attaching the idmapped view of %s", vs->v[i].path);
                /* A clone of a shared mount (a cover of Docker's shared
                 * data-root) joins its peer group: a slave before anything
                 * is attached on top, or that would appear on the host. */
                if (mount(NULL, vs->v[i].path, NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        return bw_error_set(err, -errno, "making the idmapped view of %s a slave", vs->v[i].path);
        }
        return 0;
}

/* The runtime enters init's mount namespace itself and comes back (a
 * forked helper cost a fork, an exit and a wait per container). setns
 * resets root and cwd to the namespace's, so both are put back. bulwark
 * is single-threaded here, as setns(CLONE_NEWNS) requires. */
static int attach_views(pid_t init, const struct views *vs, struct bw_error **err)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)init);
        _cleanup_close_ int mnt = open(path, O_RDONLY | O_CLOEXEC);
        if (mnt < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        _cleanup_close_ int home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (home < 0 || root < 0 || cwd < 0)
                return bw_error_set(err, -errno, "keeping the runtime's own mount namespace, root and cwd");
        int r = attach_in(mnt, vs, err);
        if (setns(home, CLONE_NEWNS) < 0 || fchdir(root) < 0 || chroot(".") < 0 || fchdir(cwd) < 0) {
                /* Nothing after this may run in the container's view. */
                bw_log(BW_LOG_ERROR, "cannot return to the runtime's own mount namespace: %s", strerror(errno));
                _exit(1);
        }
        return r;
}

static int helper(const struct bw_userns_plan *p, const struct oci_config *c, const char *bundle, const char *rootfs,
                  pid_t init, struct bw_error **err)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init);
        _cleanup_close_ int userns = open(path, O_RDONLY | O_CLOEXEC);
        if (userns < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        __attribute__((cleanup(views_free))) struct views vs = { 0 }, all = { 0 };
        int r;
        /* The rootfs goes last: a bind source that contains it (the
         * bundle, say) must not cover its view. */
        if ((r = bind_views(p, c, bundle, userns, &vs, err)) < 0 ||
            (p->idmap_mounts && (r = rootfs_view(p, c, rootfs, userns, &vs, err)) < 0))
                return r;
        if ((r = add_covers(&vs, userns, &all, err)) < 0)
                return r;
        for (size_t i = 0; i < vs.n; i++) {
                int fd = take_fd(vs.v[i].fd); /* all owns it now */
                if (views_add(&all, vs.v[i].path, fd) < 0)
                        return bw_error_set(err, -ENOMEM, "idmapping the container's mounts");
        }
        return attach_views(init, &all, err);
}

int bw_userns_auto_mounts(const struct bw_userns_plan *p, const struct oci_config *c, const char *bundle,
                          const char *rootfs, pid_t init, struct bw_error **err)
{
        if (!p->idmap_mounts && !any_mount_idmap(c))
                return 0;
        int r = helper(p, c, bundle, rootfs, init, err);
        return r < 0 ? bw_error_wrap(err, "idmapping the container's mounts") : 0;
}
