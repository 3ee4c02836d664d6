#include "linux/procfs_handle.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

#ifndef PROC_ROOT_INO
#define PROC_ROOT_INO 1
#endif

/* The root of a procfs, and nothing else: the clone fallback must not
 * accept a bind of some procfs subdirectory (or a tmpfs) at /proc. */
static int check_proc_root(int fd)
{
        struct statfs sf;
        struct stat st;
        if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (sf.f_type != PROC_SUPER_MAGIC || st.st_ino != PROC_ROOT_INO || !S_ISDIR(st.st_mode))
                return -EXDEV;
        return 0;
}

static int fresh_procfs(void)
{
        _cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        /* Detached: never attached to any mount tree, so nothing in the
         * container can mount over its files or even see it. */
        int m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        return m < 0 ? -errno : m;
}

int bw_procfs_open(struct bw_error **err)
{
        int fd = fresh_procfs();
        if (fd >= 0)
                return fd;
        int fresh_err = fd;
        /* The kernel refuses a new procfs in a user namespace once the
         * mount namespace's /proc is partly covered, and before 5.2 has no
         * fsopen. Clone the /proc mount alone, without AT_RECURSIVE: the
         * mounts a config placed on top of its files stay behind. */
        _cleanup_close_ int tree = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
        if (tree < 0)
                return bw_error_set(err, fresh_err, "mounting a private procfs (and cloning /proc: %s); bulwark writes to /proc only through one",
                                    strerror(errno));
        int r = check_proc_root(tree);
        if (r < 0)
                return bw_error_set(err, r == -EXDEV ? -EPERM : r,
                                    "mounting a private procfs failed (%s) and /proc is not the root of a procfs; mount proc at /proc",
                                    strerror(-fresh_err));
        return take_fd(tree);
}

int bw_procfs_open_host(struct bw_error **err)
{
        int fd = fresh_procfs();
        if (fd >= 0)
                return fd;
        int fresh_err = fd;
        _cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (proc < 0)
                return bw_error_set(err, -errno, "opening /proc (a private procfs could not be mounted: %s)", strerror(-fresh_err));
        int r = check_proc_root(proc);
        if (r < 0)
                return bw_error_set(err, r == -EXDEV ? -EPERM : r, "/proc is not the root of a procfs (and a private one could not be mounted: %s)",
                                    strerror(-fresh_err));
        return take_fd(proc);
}

static int mount_id(int fd, uint64_t *id)
{
        struct statx sx;
        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
                return -errno;
        *id = (sx.stx_mask & STATX_MNT_ID) ? sx.stx_mnt_id : 0;
        return 0;
}

/* Without openat2: one component at a time, none a symlink, none "..",
 * each on the mount we started from. */
static int walk(int proc_fd, const char *path, int flags)
{
        uint64_t root_mnt;
        int r = mount_id(proc_fd, &root_mnt);
        if (r < 0)
                return r;
        _cleanup_free_ char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        _cleanup_close_ int cur = fcntl(proc_fd, F_DUPFD_CLOEXEC, 3);
        if (cur < 0)
                return -errno;
        char *save = NULL;
        char *comp = strtok_r(copy, "/", &save);
        while (comp) {
                char *next = strtok_r(NULL, "/", &save);
                if (strcmp(comp, "..") == 0)
                        return -EXDEV;
                if (strcmp(comp, ".") == 0) {
                        comp = next;
                        continue;
                }
                int fd = openat(cur, comp, (next ? O_PATH : flags) | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                struct stat st;
                uint64_t m;
                if (fstat(fd, &st) < 0 || (r = mount_id(fd, &m)) < 0) {
                        r = r < 0 ? r : -errno;
                        close(fd);
                        return r;
                }
                if (S_ISLNK(st.st_mode) || m != root_mnt) {
                        close(fd);
                        return S_ISLNK(st.st_mode) ? -ELOOP : -EXDEV;
                }
                close(cur);
                cur = fd;
                comp = next;
        }
        return take_fd(cur);
}

int bw_procfs_openat(int proc_fd, const char *path, int flags)
{
        while (*path == '/')
                path++;
        struct open_how how = {
                .flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, proc_fd, path, &how, sizeof(how));
        if (fd >= 0)
                return (int)fd;
        /* ENOSYS: before 5.6; EPERM: a seccomp filter of whoever
         * runs us. The walk gives the same guarantees. */
        if (errno != ENOSYS && errno != EPERM && errno != EAGAIN)
                return -errno;
        return walk(proc_fd, path, flags);
}

int bw_procfs_write(int proc_fd, const char *path, const char *text, struct bw_error **err)
{
        _cleanup_close_ int fd = bw_procfs_openat(proc_fd, path, O_WRONLY);
        if (fd < 0)
                return bw_error_set(err, fd, "opening /proc/%s", path);
        _cleanup_free_ char *what = NULL;
        if (asprintf(&what, "/proc/%s", path) < 0)
                return bw_error_set(err, -ENOMEM, "writing /proc/%s", path);
        return bw_write_text(fd, text, what, err);
}

ssize_t bw_procfs_read(int proc_fd, const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = bw_procfs_openat(proc_fd, path, O_RDONLY);
        if (fd < 0)
                return fd;
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return n;
}
