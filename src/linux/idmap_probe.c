/* Probe for idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.12+;
 * tmpfs since 6.3). The answer depends on the kernel, the filesystem and our
 * privileges, so the only honest test is to make one.
 *
 * Shape: a forked child ("prober") gets a user namespace to map with by
 * forking a grandchild that unshares CLONE_NEWUSER and waits; the prober
 * writes its maps through a procfs handle of its own (procfs_handle.h),
 * takes the namespace from a pidfd (or that procfs), and asks mount_setattr to idmap
 * a detached tmpfs (fsopen/fsmount: attached nowhere, gone when its fd
 * closes). If tmpfs cannot be idmapped (kernels before 6.3), a detached
 * clone of the root mount is tried instead. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include "linux/idmap.h"
#include "linux/idmap_probe.h"
#include "linux/procfs_handle.h"
#include "util/cleanup.h"

enum { PROBE_YES = 0, PROBE_NO = 10, PROBE_FAILED = 11 };

/* Map container id 0 to our own uid/gid in the user namespace of pid,
 * writing through our private procfs (proc_fd): no path of the host's /proc
 * is followed. Our own ids are always ours to map. */
static int map_ids(int proc_fd, pid_t pid, uid_t uid, gid_t gid, bool deny_setgroups)
{
        char path[64];
        int r;
        if (deny_setgroups) {
                snprintf(path, sizeof(path), "%d/setgroups", (int)pid);
                if ((r = bw_procfs_write(proc_fd, path, "deny", NULL)) < 0)
                        return r;
        }
        _cleanup_free_ char *u = bw_idmap_format_one(0, uid, 1), *g = bw_idmap_format_one(0, gid, 1);
        if (!u || !g)
                return -ENOMEM;
        snprintf(path, sizeof(path), "%d/uid_map", (int)pid);
        if ((r = bw_procfs_write(proc_fd, path, u, NULL)) < 0)
                return r;
        snprintf(path, sizeof(path), "%d/gid_map", (int)pid);
        return bw_procfs_write(proc_fd, path, g, NULL);
}

#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9)
#endif

/* The user namespace of pid as an fd: from a pidfd of it (Linux 6.11+), or
 * else from its ns directory in our private procfs. Checked to be a user
 * namespace either way. */
static int userns_of(int proc_fd, pid_t pid)
{
        int fd = -1;
        _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd >= 0)
                fd = ioctl(pidfd, PIDFD_GET_USER_NAMESPACE, 0);
        if (fd < 0) {
                char path[64];
                snprintf(path, sizeof(path), "%d/ns", (int)pid);
                _cleanup_close_ int dir = bw_procfs_openat(proc_fd, path, O_PATH | O_DIRECTORY);
                if (dir < 0)
                        return dir;
                fd = openat(dir, "user", O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
        }
        if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWUSER) {
                close(fd);
                return -EINVAL;
        }
        return fd;
}

/* A user namespace fd with a one-id mapping, made by a grandchild that
 * unshares and then waits until killed. */
static int make_userns(int proc_fd)
{
        int ready[2];
        if (pipe2(ready, O_CLOEXEC) < 0)
                return -errno;
        pid_t pid = fork();
        if (pid < 0) {
                close(ready[0]);
                close(ready[1]);
                return -errno;
        }
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                char c = unshare(CLONE_NEWUSER) == 0 ? 'u' : 'x';
                (void)!write(ready[1], &c, 1);
                for (;;)
                        pause();
        }
        close(ready[1]);
        char c = 0;
        ssize_t n = read(ready[0], &c, 1);
        close(ready[0]);
        int fd = -EPERM;
        if (n == 1 && c == 'u' && map_ids(proc_fd, pid, getuid(), getgid(), false) == 0)
                fd = userns_of(proc_fd, pid);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return fd;
}

static int idmap(int mnt_fd, int userns_fd)
{
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
        return mount_setattr(mnt_fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

static int detached_tmpfs(void)
{
        _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        int m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
        return m < 0 ? -errno : m;
}

static int prober(void)
{
        /* Making mounts needs CAP_SYS_ADMIN over the mount namespace's
         * owner; a mount namespace of our own gives us that whenever we hold
         * it in our user namespace. Without it (an unprivileged caller), try
         * as root of a user namespace of our own: that is where a rootless
         * bulwark makes its mounts. */
        _cleanup_error_ struct bw_error *e = NULL;
        _cleanup_close_ int proc = bw_procfs_open_host(&e);
        if (proc < 0)
                return PROBE_FAILED;
        if (unshare(CLONE_NEWNS) < 0) {
                uid_t uid = getuid();
                gid_t gid = getgid();
                if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                        return PROBE_NO;
                if (map_ids(proc, getpid(), uid, gid, true) < 0)
                        return PROBE_NO;
        }
        _cleanup_close_ int userns = make_userns(proc);
        if (userns < 0)
                return userns == -EPERM || userns == -EINVAL ? PROBE_NO : PROBE_FAILED;

        _cleanup_close_ int tmpfs = detached_tmpfs();
        if (tmpfs >= 0 && idmap(tmpfs, userns) == 0)
                return PROBE_YES;

        _cleanup_close_ int root = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (root >= 0 && idmap(root, userns) == 0)
                return PROBE_YES;
        return PROBE_NO;
}

int bw_probe_idmapped_mounts(struct bw_error **err)
{
        fflush(NULL); /* a child's exit must not flush our buffers twice */
        pid_t pid = fork();
        if (pid < 0)
                return bw_error_set(err, -errno, "probing idmapped mounts: fork");
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                _exit(prober());
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return bw_error_set(err, -errno, "probing idmapped mounts: waitpid %d", (int)pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_YES)
                return 1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_NO)
                return 0;
        return bw_error_msg(err, -EIO, "probing idmapped mounts: the probe process %s %d",
                            WIFEXITED(status) ? "exited with status" : "was killed by signal",
                            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}
