#include "linux/overlay_idmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include "linux/idmap_mount.h"
#include "linux/mountinfo.h"
#include "util/cleanup.h"
#include "util/strv.h"

void bw_overlay_layers_free(struct bw_overlay_layers *l)
{
        bw_strv_free(l->lower);
        bw_strv_free(l->data);
        free(l->upper);
        free(l->work);
        bw_strv_free(l->options);
        *l = (struct bw_overlay_layers){ 0 };
}

/* Options a rebuilt overlay keeps; the layers are given anew, and index
 * is forced off (the original mount still holds the upper directory, and
 * with index=on overlayfs refuses a second user of it). */
static const char *const kept_options[] = {
        "redirect_dir", "metacopy", "xino", "volatile", "fsync", "uuid", "userxattr", "verity",
};

static bool kept(const char *opt)
{
        size_t n = strcspn(opt, "=");
        for (size_t i = 0; i < ARRAY_SIZE(kept_options); i++)
                if (strlen(kept_options[i]) == n && strncmp(opt, kept_options[i], n) == 0)
                        return true;
        return false;
}

/* Split a legacy lowerdir list: ':' separates layers, '\' escapes the next
 * character, "::" starts the data-only layers. */
static int split_lowerdir(const char *s, struct bw_overlay_layers *out)
{
        size_t len = strlen(s);
        _cleanup_free_ char *cur = malloc(len + 1);
        if (!cur)
                return -ENOMEM;
        size_t n = 0;
        bool data = false;
        for (const char *p = s;; p++) {
                if (*p == '\\' && p[1]) {
                        cur[n++] = *++p;
                        continue;
                }
                if (*p && *p != ':') {
                        cur[n++] = *p;
                        continue;
                }
                cur[n] = '\0';
                if (n == 0) {
                        /* an empty element: the "::" separator (once), else malformed */
                        if (!*p || data || !out->lower)
                                return -EINVAL;
                        data = true;
                } else if (bw_strv_push(data ? &out->data : &out->lower, cur) < 0) {
                        return -ENOMEM;
                }
                n = 0;
                if (!*p)
                        break;
        }
        return 0;
}

static int set_string(char **dst, const char *v)
{
        free(*dst);
        *dst = strdup(v);
        return *dst ? 0 : -ENOMEM;
}

static int parse_one(char *opt, struct bw_overlay_layers *out, struct bw_error **err)
{
        char *eq = strchr(opt, '=');
        char *val = eq ? eq + 1 : NULL;
        if (eq)
                *eq = '\0';
        if (val)
                bw_mountinfo_unescape(val);
        int r = 0;
        if (strcmp(opt, "lowerdir") == 0 && val) {
                r = split_lowerdir(val, out);
                if (r == -EINVAL)
                        return bw_error_msg(err, -EINVAL, "overlay option lowerdir=%s: an empty layer", val);
        } else if (strcmp(opt, "lowerdir+") == 0 && val) {
                r = bw_strv_push(&out->lower, val);
        } else if (strcmp(opt, "datadir+") == 0 && val) {
                r = bw_strv_push(&out->data, val);
        } else if (strcmp(opt, "upperdir") == 0 && val) {
                r = set_string(&out->upper, val);
        } else if (strcmp(opt, "workdir") == 0 && val) {
                r = set_string(&out->work, val);
        } else if (kept(opt)) {
                if (eq)
                        *eq = '=';
                r = bw_strv_push(&out->options, opt);
        }
        return r < 0 ? bw_error_set(err, r, "parsing overlay options") : 0;
}

static int parse_layers(const char *superopts, struct bw_overlay_layers *out, struct bw_error **err)
{
        *out = (struct bw_overlay_layers){ 0 };
        _cleanup_free_ char *copy = strdup(superopts);
        if (!copy)
                return bw_error_set(err, -ENOMEM, "parsing overlay options");
        /* mountinfo shows commas inside values as \054, so a literal comma
         * always separates options. */
        char *save = NULL;
        for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
                int r = parse_one(opt, out, err);
                if (r < 0) {
                        bw_overlay_layers_free(out);
                        return r;
                }
        }
        if (!out->lower) {
                bw_overlay_layers_free(out);
                return bw_error_msg(err, -EINVAL, "overlay options \"%s\" name no lower layer", superopts);
        }
        if (!out->upper != !out->work) {
                bw_overlay_layers_free(out);
                return bw_error_msg(err, -EINVAL, "overlay options \"%s\" have upperdir without workdir or the reverse",
                                    superopts);
        }
        return 0;
}

/* The first layer path that is not absolute, or NULL. */
static const char *relative_layer(const struct bw_overlay_layers *out)
{
        const char *rel = NULL;
        for (char **v = out->lower; *v && !rel; v++)
                if (**v != '/')
                        rel = *v;
        for (char **v = out->data; v && *v && !rel; v++)
                if (**v != '/')
                        rel = *v;
        if (!rel && out->upper && (*out->upper != '/' || *out->work != '/'))
                rel = *out->upper != '/' ? out->upper : out->work;
        return rel;
}

static int refuse_relative(struct bw_overlay_layers *out, const char *rel, const char *tried, struct bw_error **err)
{
        int r = bw_error_msg(err, -EINVAL,
                             "overlay layer \"%s\" is not an absolute path (the mounter's working directory is "
                             "unknown%s%s); mount the rootfs with absolute layer paths",
                             rel, tried ? ", and it is not under " : "", tried ? tried : "");
        bw_overlay_layers_free(out);
        return r;
}

int bw_overlay_parse_options(const char *superopts, struct bw_overlay_layers *out, struct bw_error **err)
{
        int r = parse_layers(superopts, out, err);
        if (r < 0)
                return r;
        const char *rel = relative_layer(out);
        return rel ? refuse_relative(out, rel, NULL, err) : 0;
}

static int rebase(char **p, const char *base)
{
        if (!*p || **p == '/')
                return 0;
        char *n = NULL;
        if (asprintf(&n, "%s/%s", base, *p) < 0)
                return -ENOMEM;
        struct stat st;
        if (stat(n, &st) < 0) {
                free(n);
                return -ENOENT;
        }
        free(*p);
        *p = n;
        return 0;
}

/* Docker's overlay2 driver names layers relative to its root (l/ABC,
 * ID/diff) when absolute paths would not fit in a page, mounting from
 * that directory; its mount point is ROOT/ID/merged. Accept the names
 * only when every one of them exists there. */
static int rebase_docker(struct bw_overlay_layers *l, const char *mountpoint, struct bw_error **err)
{
        const char *first = relative_layer(l);
        if (!first)
                return 0;
        _cleanup_free_ char *rel = strdup(first), *base = strdup(mountpoint);
        if (!rel)
                return bw_error_set(err, -ENOMEM, "reading overlay layers");
        if (!base)
                return bw_error_set(err, -ENOMEM, "reading overlay layers");
        for (int up = 0; up < 2; up++) {
                char *slash = strrchr(base, '/');
                if (!slash || slash == base)
                        return refuse_relative(l, rel, NULL, err);
                *slash = '\0';
        }
        int r = 0;
        for (char **v = l->lower; r == 0 && v && *v; v++)
                r = rebase(v, base);
        for (char **v = l->data; r == 0 && v && *v; v++)
                r = rebase(v, base);
        if (r == 0)
                r = rebase(&l->upper, base);
        if (r == 0)
                r = rebase(&l->work, base);
        if (r < 0)
                return refuse_relative(l, rel, base, err);
        return 0;
}

int bw_overlay_of_path(const char *path, struct bw_overlay_layers *out, struct bw_error **err)
{
        *out = (struct bw_overlay_layers){ 0 };
        _cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        struct bw_mountinfo mi = { 0 };
        if (bw_mountinfo_of_fd(fd, &mi, err) < 0)
                return bw_error_wrap(err, "finding the mount of %s", path);
        int r = 0;
        /* Only the overlay's own root: a subdirectory of an overlay is
         * idmapped (and refused) like any directory. */
        struct stat a, b;
        if (strcmp(mi.fstype, "overlay") == 0 && strcmp(mi.root, "/") == 0 && stat(mi.mountpoint, &a) == 0 &&
            fstat(fd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
                r = parse_layers(mi.superopts, out, err);
                if (r == 0)
                        r = rebase_docker(out, mi.mountpoint, err);
                if (r < 0)
                        bw_error_wrap(err, "reading the layers of the overlay at %s", path);
                else
                        r = 1;
        }
        bw_mountinfo_clear(&mi);
        return r;
}

/* Read the filesystem context's log: overlayfs says there why it refused. */
static void context_log(int fs_fd, char *buf, size_t size)
{
        size_t used = 0;
        buf[0] = '\0';
        char line[512];
        ssize_t n;
        while ((n = read(fs_fd, line, sizeof(line) - 1)) > 0) {
                line[n] = '\0';
                int w = snprintf(buf + used, size - used, "%s%s", used ? "; " : "", line);
                if (w < 0 || (size_t)w >= size - used)
                        break;
                used += (size_t)w;
        }
}

static int config_fail(int fs_fd, int code, const char *what, struct bw_error **err)
{
        char log[1024];
        context_log(fs_fd, log, sizeof(log));
        if (*log)
                return bw_error_msg(err, code, "overlayfs refused %s: %s (%s)", what, strerror(-code), log);
        return bw_error_set(err, code, "overlayfs refused %s", what);
}

/* How layers reach overlayfs: by fd (6.13+), by /proc/self/fd path with
 * lowerdir+ (6.8+), or by those paths in one legacy lowerdir list. The
 * paths work for detached mounts too. The first layer finds the route. */
struct route {
        int how;              /* BW_OVL_ROUTE_* */
        char **lower, **data; /* the legacy list, built up */
};

static void route_free(struct route *r)
{
        bw_strv_free(r->lower);
        bw_strv_free(r->data);
}

static void drain_log(int fs_fd)
{
        char drain[1024];
        context_log(fs_fd, drain, sizeof(drain));
}

/* The first layer finds the route. EINVAL to an fd: overlayfs on the new
 * mount API before 6.13, which takes /proc/self/fd paths with lowerdir+
 * (6.8+) or else in one lowerdir list. EOPNOTSUPP to an fd: a legacy
 * filesystem (overlayfs before 6.5), which accepts any key and value
 * here and only parses them at create, so lowerdir+ would pass here and
 * fail there: the one legacy list it is. */
static int add_layer(int fs_fd, const char *key, int layer_fd, struct route *rt, struct bw_error **err)
{
        if (rt->how == BW_OVL_ROUTE_FD) {
                if (fsconfig(fs_fd, FSCONFIG_SET_FD, key, NULL, layer_fd) == 0)
                        return 0;
                if (errno != EINVAL && errno != EOPNOTSUPP)
                        return config_fail(fs_fd, -errno, key, err);
                rt->how = errno == EOPNOTSUPP ? BW_OVL_ROUTE_LEGACY : BW_OVL_ROUTE_PATH;
                drain_log(fs_fd);
        }
        char p[64];
        snprintf(p, sizeof(p), "/proc/self/fd/%d", layer_fd);
        bool layer = strcmp(key, "lowerdir+") == 0 || strcmp(key, "datadir+") == 0;
        if (rt->how == BW_OVL_ROUTE_PATH || !layer) {
                if (fsconfig(fs_fd, FSCONFIG_SET_STRING, key, p, 0) == 0)
                        return 0;
                if (errno != EINVAL || !layer)
                        return config_fail(fs_fd, -errno, key, err);
                rt->how = BW_OVL_ROUTE_LEGACY;
                drain_log(fs_fd);
        }
        if (bw_strv_push(strcmp(key, "datadir+") == 0 ? &rt->data : &rt->lower, p) < 0)
                return bw_error_set(err, -ENOMEM, "listing overlay layers");
        return 0;
}

/* The legacy route: "lowerdir=A:B::DATA1:DATA2" in one go. */
static int add_legacy_list(int fs_fd, const struct route *rt, struct bw_error **err)
{
        if (rt->how != BW_OVL_ROUTE_LEGACY)
                return 0;
        char *list = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&list, &len);
        if (!f)
                return bw_error_set(err, -ENOMEM, "listing overlay layers");
        for (char **p = rt->lower; p && *p; p++)
                fprintf(f, "%s%s", p == rt->lower ? "" : ":", *p);
        for (char **p = rt->data; p && *p; p++)
                fprintf(f, "%s%s", p == rt->data ? "::" : ":", *p);
        fclose(f);
        _cleanup_free_ char *text = list;
        if (!text)
                return bw_error_set(err, -ENOMEM, "listing overlay layers");
        if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir", text, 0) < 0)
                return config_fail(fs_fd, -errno, "lowerdir", err);
        return 0;
}

/* Before 6.15 overlayfs takes a layer only from a mount of the caller's
 * own mount namespace ("failed to clone lowerpath" for a detached one),
 * and before 6.5 (a legacy filesystem) it parses the layers only at
 * create. So on the legacy route a child makes the superblock: in a
 * mount namespace of its own (private: nothing it attaches reaches the
 * host), it attaches each idmapped view over its own layer's directory,
 * which keeps the /proc/self/fd/N names of the list pointing at mounts of
 * its namespace (a layer's name may be a symlink, as Docker's l/ID are:
 * followed, since only the place of the view in this throwaway namespace
 * depends on it, never what the list names), and reopens the upper and work directories there (the
 * same inodes as the runtime's fds, checked). The superblock holds its
 * own clones of the layers, so it outlives the child's namespace; the
 * caller mounts it from the shared filesystem context. */
static int reopen_same(const char *path, int fd)
{
        int n = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat a, b;
        if (n < 0 || fstat(n, &a) < 0 || fstat(fd, &b) < 0)
                return -errno;
        if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
                return -ESTALE; /* the name no longer leads to the opened directory */
        return n;
}

static int set_dir(int fs_fd, const char *key, int fd)
{
        char p[64];
        snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
        return fsconfig(fs_fd, FSCONFIG_SET_STRING, key, p, 0) < 0 ? -errno : 0;
}

static int legacy_child(int fs_fd, char **paths, const int *views, size_t n, const char *upper, int upper_fd,
                        const char *work, int work_fd)
{
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -errno;
        for (size_t i = 0; i < n; i++)
                if (move_mount(views[i], "", AT_FDCWD, paths[i], MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS) < 0)
                        return -errno;
        if (upper) {
                int u = reopen_same(upper, upper_fd), w = u < 0 ? u : reopen_same(work, work_fd);
                if (u < 0 || w < 0)
                        return u < 0 ? u : w;
                int r = set_dir(fs_fd, "upperdir", u);
                if (r < 0 || (r = set_dir(fs_fd, "workdir", w)) < 0)
                        return r;
        }
        return fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ? -errno : 0;
}

static int legacy_create(int fs_fd, char **paths, const int *views, size_t n, const char *upper, int upper_fd,
                         const char *work, int work_fd, struct bw_error **err)
{
        pid_t pid = fork();
        if (pid < 0)
                return bw_error_set(err, -errno, "forking to make the overlay");
        if (pid == 0)
                _exit(-legacy_child(fs_fd, paths, views, n, upper, upper_fd, work, work_fd));
        int st = 0;
        while (waitpid(pid, &st, 0) < 0)
                if (errno != EINTR)
                        return bw_error_set(err, -errno, "waiting for the child making the overlay");
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                return 0;
        int code = WIFEXITED(st) ? -WEXITSTATUS(st) : -EIO;
        if (code == -ESTALE)
                return bw_error_msg(err, code, "the overlay's upper or work directory (%s, %s) was replaced while the "
                                    "overlay was rebuilt", upper, work);
        char log[1024];
        context_log(fs_fd, log, sizeof(log));
        return bw_error_msg(err, code,
                            "overlayfs refused the rebuilt overlay (its layers attached in a mount namespace of its "
                            "own, as overlayfs before 6.15 needs): %s (%s)",
                            strerror(-code), *log ? log : "overlayfs before 6.5 says why in the kernel log");
}

static int own_dir(const char *path, uid_t uid, gid_t gid, int *out, struct bw_error **err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening overlay directory %s", path);
        if (fchown(fd, uid, gid) < 0)
                return bw_error_set(err, -errno, "handing overlay directory %s to the container's root (%u:%u)",
                                    path, (unsigned)uid, (unsigned)gid);
        *out = take_fd(fd);
        return 0;
}

/* chmod through an fd (O_PATH included): fchmodat2's AT_EMPTY_PATH (6.6+),
 * else the fd's /proc/self/fd link, which names the opened inode itself
 * and is never resolved again by name. */
static int chmod_fd(int fd, mode_t mode)
{
#ifdef SYS_fchmodat2
        if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
                return 0;
        if (errno != ENOSYS && errno != EINVAL)
                return -errno;
#endif
        char p[64];
        snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
        return chmod(p, mode) < 0 ? -errno : 0;
}

/* An id below the range's size is a host id the engine wrote (podman puts
 * /etc/mtab and the like in the upper layer before the container starts);
 * it becomes the container's view of the same id. Ids already in the
 * range (an earlier start, or copy-ups) and any others stay.
 *
 * This runs as host root over a directory a container may write to, so it
 * acts on one object only: the entry is opened once, O_PATH | O_NOFOLLOW
 * (a symlink is opened as itself, a device or fifo is not opened for I/O),
 * checked to be the inode readdir listed, and then changed through that fd
 * (chown with AT_EMPTY_PATH, chmod through the fd). A name swapped for a
 * symlink between the look and the change cannot redirect either. */
int bw_overlay_shift_entry(int dfd, const char *name, ino_t listed, uid_t uid, gid_t gid, unsigned size,
                           dev_t dev, int *dir_fd)
{
        if (dir_fd)
                *dir_fd = -1;
        _cleanup_close_ int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno; /* gone meanwhile: nothing to shift */
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_dev != dev || (listed && st.st_ino != listed))
                return 0; /* a mount inside the layer, or swapped since readdir: not ours to touch */
        uid_t u = st.st_uid < size ? uid + st.st_uid : st.st_uid;
        gid_t g = st.st_gid < size ? gid + st.st_gid : st.st_gid;
        if ((u != st.st_uid || g != st.st_gid) && fchownat(fd, "", u, g, AT_EMPTY_PATH) < 0)
                return -errno;
        /* chown drops setuid and setgid from a file: put them back, on the
         * same inode (a regular file: fstat of this very fd said so) */
        if ((u != st.st_uid || g != st.st_gid) && S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID))) {
                int r = chmod_fd(fd, st.st_mode & 07777);
                if (r < 0)
                        return r;
        }
        if (dir_fd && S_ISDIR(st.st_mode)) {
                /* "." from the O_PATH fd: the same directory, not the name again */
                *dir_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (*dir_fd < 0)
                        return -errno;
        }
        return 0;
}

/* A DIR of its own over dfd (which stays open and unmoved). */
static DIR *opendir_dup(int dfd)
{
        int fd = dup(dfd);
        if (fd < 0)
                return NULL;
        DIR *d = fdopendir(fd);
        if (!d) {
                int e = errno;
                close(fd);
                errno = e;
        }
        return d;
}

int bw_overlay_shift_tree(int dfd, uid_t uid, gid_t gid, unsigned size, dev_t dev, int depth)
{
        if (depth > 512)
                return -ELOOP;
        DIR *d = opendir_dup(dfd);
        if (!d)
                return -errno;
        int r = 0;
        struct dirent *e;
        while (r == 0 && (e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                _cleanup_close_ int sub = -1;
                r = bw_overlay_shift_entry(dfd, e->d_name, e->d_ino, uid, gid, size, dev, &sub);
                if (r == 0 && sub >= 0)
                        r = bw_overlay_shift_tree(sub, uid, gid, size, dev, depth + 1);
        }
        closedir(d);
        return r;
}

/* What the upper layer already holds is seen by the container through its
 * mappings (overlayfs cannot idmap an upper layer): host ids there become
 * the container's, so root's files stay root's inside. */
static int shift_upper(int fd, const char *path, uid_t uid, gid_t gid, unsigned size, struct bw_error **err)
{
        struct stat st;
        if (fstat(fd, &st) < 0)
                return bw_error_set(err, -errno, "reading overlay directory %s", path);
        int r = bw_overlay_shift_tree(fd, uid, gid, size, st.st_dev, 0);
        if (r < 0)
                return bw_error_set(err, r, "handing the files in the upper layer %s to the container's ids (%u-%u)",
                                    path, (unsigned)uid, (unsigned)(uid + size - 1));
        return 0;
}

static bool is_volatile(const struct bw_overlay_layers *l)
{
        for (char **o = l->options; o && *o; o++)
                if (strcmp(*o, "volatile") == 0 || strcmp(*o, "fsync=volatile") == 0)
                        return true;
        return false;
}

/* Empty a directory (depth first, never following symlinks or crossing
 * into mounts: everything in it was made by overlayfs). */
int bw_overlay_clear_dir(int dfd, int depth)
{
        if (depth > 64)
                return -ELOOP;
        DIR *d = opendir_dup(dfd);
        if (!d)
                return -errno;
        int r = 0;
        /* again until a pass finds nothing: removing entries while reading
         * a directory may make readdir skip some */
        for (bool removed = true; r == 0 && removed;) {
                removed = false;
                rewinddir(d);
                struct dirent *e;
                while (r == 0 && (e = readdir(d))) {
                        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                                continue;
                        removed = true;
                        if (unlinkat(dfd, e->d_name, 0) == 0)
                                continue;
                        if (errno != EISDIR && errno != EPERM) {
                                r = -errno;
                                break;
                        }
                        _cleanup_close_ int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        struct stat a, b;
                        if (sub < 0 || fstat(sub, &a) < 0 || fstat(dfd, &b) < 0) {
                                r = -errno;
                                break;
                        }
                        if (a.st_dev != b.st_dev) {
                                r = -EXDEV; /* a mount in a work directory: not overlayfs's */
                                break;
                        }
                        if ((r = bw_overlay_clear_dir(sub, depth + 1)) == 0 && unlinkat(dfd, e->d_name, AT_REMOVEDIR) < 0)
                                r = -errno;
                }
        }
        closedir(d);
        return r;
}

/* A volatile overlay (podman run --rm) leaves work/incompat/volatile in
 * its work directory, and overlayfs refuses to mount any other overlay
 * with that work directory while it is there. The rebuilt overlay gets a
 * work directory of its own beside the original one (on the same
 * filesystem, as overlayfs requires, and inside the layer's directory,
 * which the engine removes with the layer), emptied of what a previous
 * start of the container left. */
static int own_volatile_work(const char *work, uid_t uid, gid_t gid, int *out, char **path, struct bw_error **err)
{
        _cleanup_free_ char *copy = strdup(work);
        if (!copy)
                return bw_error_set(err, -ENOMEM, "naming a work directory");
        const char *parent = dirname(copy);
        if (asprintf(path, "%s/%s", strcmp(parent, "/") == 0 ? "" : parent, BW_OVERLAY_VOLATILE_WORK) < 0) {
                *path = NULL;
                return bw_error_set(err, -ENOMEM, "naming a work directory");
        }
        _cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd < 0)
                return bw_error_set(err, -errno, "opening %s", parent);
        if (mkdirat(pfd, BW_OVERLAY_VOLATILE_WORK, 0700) < 0 && errno != EEXIST)
                return bw_error_set(err, -errno, "making the rebuilt overlay's work directory %s", *path);
        _cleanup_close_ int fd = openat(pfd, BW_OVERLAY_VOLATILE_WORK, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", *path);
        int r = bw_overlay_clear_dir(fd, 0);
        if (r < 0)
                return bw_error_set(err, r, "emptying %s (left by an earlier start of this container)", *path);
        if (fchown(fd, uid, gid) < 0)
                return bw_error_set(err, -errno, "handing overlay directory %s to the container's root (%u:%u)",
                                    *path, (unsigned)uid, (unsigned)gid);
        *out = take_fd(fd);
        return 0;
}

/* The idmapped views must stay open until the superblock is made:
 * closing the last fd of a detached mount dissolves it, and overlayfs
 * refuses a layer that is no longer mounted ("failed to clone lowerpath"). */
struct views {
        int fd[512];
        size_t n;
};

static void views_close(struct views *v)
{
        for (size_t i = 0; i < v->n; i++)
                close(v->fd[i]);
        v->n = 0;
}

static int add_layers(int fs_fd, char **paths, const char *key, int userns_fd, struct views *v, struct route *rt,
                      struct bw_error **err)
{
        for (char **p = paths; p && *p; p++) {
                if (v->n == ARRAY_SIZE(v->fd))
                        return bw_error_msg(err, -E2BIG, "the overlay has more than %zu layers", ARRAY_SIZE(v->fd));
                int m = bw_idmap_mount_clone(AT_FDCWD, *p, userns_fd, false, err);
                if (m < 0) {
                        bw_error_wrap(err, "overlay layer");
                        return m;
                }
                v->fd[v->n++] = m;
                int r = add_layer(fs_fd, key, m, rt, err);
                if (r < 0) {
                        bw_error_wrap(err, "adding layer %s", *p);
                        return r;
                }
        }
        return 0;
}

int bw_overlay_idmapped(const struct bw_overlay_layers *l, int userns_fd, uid_t root_uid, gid_t root_gid,
                        unsigned size, struct bw_error **err)
{
        _cleanup_close_ int upper = -1, work = -1;
        _cleanup_free_ char *work_path = NULL;
        int r;
        if (l->upper && ((r = own_dir(l->upper, root_uid, root_gid, &upper, err)) < 0 ||
                         (r = is_volatile(l) ? own_volatile_work(l->work, root_uid, root_gid, &work, &work_path, err)
                                             : own_dir(l->work, root_uid, root_gid, &work, err)) < 0 ||
                         (!l->own_upper && (r = shift_upper(upper, l->upper, root_uid, root_gid, size, err)) < 0)))
                return r;
        _cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs < 0)
                return bw_error_set(err, -errno, "fsopen(overlay): is the overlay module loaded?");
        if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "bulwark-overlay", 0) < 0)
                return config_fail(fs, -errno, "source", err);
        __attribute__((cleanup(route_free))) struct route rt = { .how = BW_OVL_ROUTE_FD };
        __attribute__((cleanup(views_close))) struct views views = { .n = 0 };
        if ((r = add_layers(fs, l->lower, "lowerdir+", userns_fd, &views, &rt, err)) < 0 ||
            (r = add_layers(fs, l->data, "datadir+", userns_fd, &views, &rt, err)) < 0 ||
            (r = add_legacy_list(fs, &rt, err)) < 0) {
                bw_error_wrap(err, "rebuilding the overlay rootfs");
                return r;
        }
        bool legacy = rt.how == BW_OVL_ROUTE_LEGACY;
        if (upper >= 0 && !legacy &&
            ((r = add_layer(fs, "upperdir", upper, &rt, err)) < 0 || (r = add_layer(fs, "workdir", work, &rt, err)) < 0)) {
                bw_error_wrap(err, "rebuilding the overlay rootfs (upper layer %s)", l->upper);
                return r;
        }
        if (fsconfig(fs, FSCONFIG_SET_STRING, "index", "off", 0) < 0)
                return config_fail(fs, -errno, "index=off", err);
        for (char **o = l->options; o && *o; o++) {
                _cleanup_free_ char *k = strdup(*o);
                if (!k)
                        return bw_error_set(err, -ENOMEM, "overlay options");
                char *eq = strchr(k, '=');
                if (eq)
                        *eq = '\0';
                r = eq ? fsconfig(fs, FSCONFIG_SET_STRING, k, eq + 1, 0) : fsconfig(fs, FSCONFIG_SET_FLAG, k, NULL, 0);
                if (r < 0)
                        return config_fail(fs, -errno, *o, err);
        }
        if (legacy) {
                /* the views in the order of the paths they came from */
                _cleanup_free_ char **paths = calloc(views.n + 1, sizeof(*paths));
                if (!paths)
                        return bw_error_set(err, -ENOMEM, "listing overlay layers");
                size_t i = 0;
                for (char **p = l->lower; p && *p && i < views.n; p++)
                        paths[i++] = *p;
                for (char **p = l->data; p && *p && i < views.n; p++)
                        paths[i++] = *p;
                r = legacy_create(fs, paths, views.fd, views.n, upper >= 0 ? l->upper : NULL, upper,
                                  work_path ? work_path : l->work, work, err);
                if (r < 0) {
                        bw_error_wrap(err, "rebuilding the overlay rootfs over idmapped layers");
                        return r;
                }
        } else if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                r = config_fail(fs, -errno, "the rebuilt overlay", err);
                bw_error_wrap(err, "rebuilding the overlay rootfs over idmapped layers");
                return r;
        }
        int m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
        if (m < 0)
                return config_fail(fs, -errno, "fsmount of the rebuilt overlay", err);
        return m;
}
