/* Probe for idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.12+;
 * tmpfs since 6.3). The answer depends on the kernel, the filesystem and our
 * privileges, so the only honest test is to make one.
 *
 * Shape: a forked child ("prober") gets a user namespace to map with by
 * forking a grandchild that unshares CLONE_NEWUSER and waits; the prober
 * writes its maps, opens /proc/PID/ns/user, and asks mount_setattr to idmap
 * a detached tmpfs (fsopen/fsmount: attached nowhere, gone when its fd
 * closes). If tmpfs cannot be idmapped (kernels before 6.3), a detached
 * clone of the root mount is tried instead. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include "linux/idmap_probe.h"
#include "util/cleanup.h"

enum { PROBE_YES = 0, PROBE_NO = 10, PROBE_FAILED = 11 };

static int write_file(const char *path, const char *s)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, s, strlen(s));
        if (n < 0)
                return -errno;
        return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* Map container id 0 to our own uid/gid in the namespace of pid ("self"
 * included). Our own ids are always ours to map. */
static int map_ids(const char *pid, uid_t uid, gid_t gid, bool deny_setgroups)
{
        char path[64], line[64];
        int r;
        if (deny_setgroups) {
                snprintf(path, sizeof(path), "/proc/%s/setgroups", pid);
                if ((r = write_file(path, "deny")) < 0)
                        return r;
        }
        snprintf(path, sizeof(path), "/proc/%s/uid_map", pid);
        snprintf(line, sizeof(line), "0 %u 1\n", (unsigned)uid);
        if ((r = write_file(path, line)) < 0)
                return r;
        snprintf(path, sizeof(path), "/proc/%s/gid_map", pid);
        snprintf(line, sizeof(line), "0 %u 1\n", (unsigned)gid);
        return write_file(path, line);
}

/* A user namespace fd with a one-id mapping, made by a grandchild that
 * unshares and then waits until killed. */
static int make_userns(void)
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
        char c = 0, spid[32];
        ssize_t n = read(ready[0], &c, 1);
        close(ready[0]);
        int fd = -EPERM;
        snprintf(spid, sizeof(spid), "%d", (int)pid);
        if (n == 1 && c == 'u' && map_ids(spid, getuid(), getgid(), false) == 0) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        fd = -errno;
        }
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
        if (unshare(CLONE_NEWNS) < 0) {
                uid_t uid = getuid();
                gid_t gid = getgid();
                if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                        return PROBE_NO;
                if (map_ids("self", uid, gid, true) < 0)
                        return PROBE_NO;
        }
        _cleanup_close_ int userns = make_userns();
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
