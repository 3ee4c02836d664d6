#include "linux/idmap_mount.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/mountinfo.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const char *fs_name(int fd)
{
        static const struct { unsigned long magic; const char *name; } names[] = {
                { EXT4_SUPER_MAGIC, "ext4" }, { XFS_SUPER_MAGIC, "xfs" }, { BTRFS_SUPER_MAGIC, "btrfs" },
                { TMPFS_MAGIC, "tmpfs" }, { OVERLAYFS_SUPER_MAGIC, "overlay" }, { NFS_SUPER_MAGIC, "nfs" },
                { FUSE_SUPER_MAGIC, "fuse" }, { 0xFF534D42, "cifs" }, { SMB2_SUPER_MAGIC, "smb2" },
                { V9FS_MAGIC, "9p" }, { 0x2fc12fc1, "zfs" }, { MSDOS_SUPER_MAGIC, "vfat" },
                { SQUASHFS_MAGIC, "squashfs" }, { PROC_SUPER_MAGIC, "proc" }, { SYSFS_MAGIC, "sysfs" },
        };
        struct statfs sfs;
        if (fstatfs(fd, &sfs) < 0)
                return "an unknown filesystem";
        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
                if ((unsigned long)sfs.f_type == names[i].magic)
                        return names[i].name;
        return "an unknown filesystem";
}

/* Say which mount refused and what the user can do about it. Never fall
 * back: an unmapped mount would let container root act as host root on
 * those files (or hide them behind the overflow id). */
static int refusal(struct bw_error **err, int code, int fs_fd, const char *what)
{
        char where[512] = "";
        struct bw_mountinfo mi = { 0 };
        _cleanup_error_ struct bw_error *ignored = NULL;
        if (bw_mountinfo_of_fd(fs_fd, &mi, &ignored) == 0)
                snprintf(where, sizeof(where), ", mounted at %s from %s", mi.mountpoint, mi.source);
        bw_mountinfo_clear(&mi);
        const char *fs = fs_name(fs_fd);
        if (code == -EINVAL || code == -EOPNOTSUPP || code == -ENOSYS)
                return bw_error_msg(err, code,
                                    "idmapping %s (on %s%s): the filesystem or kernel does not support idmapped "
                                    "mounts; either allow this mount unmapped in the policy (container root then "
                                    "acts on it as its unprivileged host uid) or chown its files into the "
                                    "container's id range; bulwark does not mount it unmapped on its own",
                                    what, fs, where);
        return bw_error_set(err, code, "idmapping %s (on %s%s)", what, fs, where);
}

static int idmap_set(int mnt_fd, int userns_fd, bool recursive)
{
        struct mount_attr attr = {
                .attr_set = MOUNT_ATTR_IDMAP,
                .userns_fd = (uint64_t)userns_fd,
        };
        unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
        return mount_setattr(mnt_fd, "", flags, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

int bw_idmap_mount_set(int mnt_fd, int userns_fd, bool recursive, const char *what, struct bw_error **err)
{
        int r = idmap_set(mnt_fd, userns_fd, recursive);
        return r < 0 ? refusal(err, r, mnt_fd, what) : 0;
}

int bw_idmap_mount_clone(int dirfd, const char *path, int userns_fd, bool recursive, struct bw_error **err)
{
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
        if (!*path)
                flags |= AT_EMPTY_PATH;
        const char *what = *path ? path : "the directory";
        _cleanup_close_ int fd = open_tree(dirfd, path, flags);
        if (fd < 0)
                return bw_error_set(err, -errno, "cloning the mount of %s (open_tree)", what);
        int r = idmap_set(fd, userns_fd, recursive);
        if (r < 0) {
                /* Describe the original (the clone is in no mount table). */
                _cleanup_close_ int orig = *path ? openat(dirfd, path, O_PATH | O_CLOEXEC) : fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
                return refusal(err, r, orig >= 0 ? orig : fd, what);
        }
        return take_fd(fd);
}

static int write_file(const char *path, const char *text, struct bw_error **err)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        return bw_write_text(fd, text, path, err);
}

static int map_child(pid_t pid, const char *uid_map, const char *gid_map, struct bw_error **err)
{
        char path[64];
        int r = 0;
        if (gid_map && *gid_map) {
                snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
                r = write_file(path, gid_map, err);
        }
        if (r >= 0 && uid_map && *uid_map) {
                snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
                r = write_file(path, uid_map, err);
        }
        return r < 0 ? r : 0;
}

int bw_userns_fd_new(const char *uid_map, const char *gid_map, struct bw_error **err)
{
        int ready[2];
        if (pipe2(ready, O_CLOEXEC) < 0)
                return bw_error_set(err, -errno, "making a user namespace: pipe");
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(ready[0]);
                close(ready[1]);
                return bw_error_set(err, r, "making a user namespace: fork");
        }
        if (pid == 0) {
                /* Wait to be killed: the namespace lives as long as an fd
                 * or a process holds it. */
                close(ready[0]);
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                char c = unshare(CLONE_NEWUSER) == 0 ? 'u' : (char)errno;
                (void)!write(ready[1], &c, 1);
                for (;;)
                        pause();
        }
        close(ready[1]);
        char c = 0;
        ssize_t n;
        while ((n = read(ready[0], &c, 1)) < 0 && errno == EINTR)
                ;
        close(ready[0]);
        int r;
        if (n != 1)
                r = bw_error_msg(err, -EIO, "making a user namespace: the helper process died");
        else if (c != 'u')
                r = bw_error_set(err, -(int)c, "making a user namespace: unshare(CLONE_NEWUSER)");
        else if (map_child(pid, uid_map, gid_map, err) < 0)
                r = bw_error_wrap(err, "making a user namespace");
        else
                r = bw_userns_fd_of_pid(pid, err);
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        return r;
}

int bw_userns_fd_of_pid(pid_t pid, struct bw_error **err)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        return fd;
}
