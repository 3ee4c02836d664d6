#include "linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
        unsigned long flag;
        const char *proc;
} ns_table[OCI_NS_COUNT] = {
        [OCI_NS_PID] = { CLONE_NEWPID, "pid" },
        [OCI_NS_NETWORK] = { CLONE_NEWNET, "net" },
        [OCI_NS_MOUNT] = { CLONE_NEWNS, "mnt" },
        [OCI_NS_IPC] = { CLONE_NEWIPC, "ipc" },
        [OCI_NS_UTS] = { CLONE_NEWUTS, "uts" },
        [OCI_NS_USER] = { CLONE_NEWUSER, "user" },
        [OCI_NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup" },
        [OCI_NS_TIME] = { CLONE_NEWTIME, "time" },
};

unsigned long bw_ns_clone_flag(enum oci_ns_type t)
{
        return (unsigned)t < OCI_NS_COUNT ? ns_table[t].flag : 0;
}

const char *bw_ns_proc_name(enum oci_ns_type t)
{
        return (unsigned)t < OCI_NS_COUNT ? ns_table[t].proc : "?";
}

int bw_ns_join_fd(enum oci_ns_type t, int fd, const char *what, struct bw_error **err)
{
        /* nstype makes the kernel check that fd is a namespace of this type,
         * so a config cannot hand us a net namespace where it names a mount one. */
        if (setns(fd, (int)bw_ns_clone_flag(t)) < 0)
                return bw_error_set(err, -errno, "joining %s namespace %s", bw_ns_proc_name(t), what);
        return 0;
}

int bw_ns_join_path(enum oci_ns_type t, const char *path, struct bw_error **err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s namespace %s (check that linux.namespaces[].path names a live namespace)",
                                    bw_ns_proc_name(t), path);
        return bw_ns_join_fd(t, fd, path, err);
}

int bw_ns_same_as_self(pid_t pid, enum oci_ns_type t)
{
        char path[64];
        struct stat a, b;
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, bw_ns_proc_name(t));
        if (stat(path, &a) < 0)
                return -errno;
        snprintf(path, sizeof(path), "/proc/self/ns/%s", bw_ns_proc_name(t));
        if (stat(path, &b) < 0)
                return -errno;
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int bw_ns_path_is_host(enum oci_ns_type t, const char *path)
{
        struct stat ns, host;
        if (!path || stat(path, &ns) < 0)
                return 0;
        static const char *const owners[] = { "1", "self" };
        for (size_t i = 0; i < ARRAY_SIZE(owners); i++) {
                char p[64];
                snprintf(p, sizeof(p), "/proc/%s/ns/%s", owners[i], bw_ns_proc_name(t));
                if (stat(p, &host) == 0 && ns.st_dev == host.st_dev && ns.st_ino == host.st_ino)
                        return 1;
        }
        return 0;
}

struct bw_clone_args {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
                set_tid, set_tid_size, cgroup;
};

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

pid_t bw_clone_ns(uint64_t flags, int cgroup_fd, bool *into, struct bw_error **err)
{
        /* clone3 without CLONE_VM behaves like fork: the child continues here
         * on a copy of our memory. It is the only way to ask for a new time
         * namespace in the same call. Born in its cgroup, the child needs no
         * migration afterwards (a write to cgroup.procs, which waits for an
         * RCU grace period on most kernels). */
        struct bw_clone_args args = { .flags = flags, .exit_signal = SIGCHLD };
        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t)cgroup_fd;
        }
        long r = syscall(SYS_clone3, &args, sizeof(args));
        /* A kernel before 5.7, or a cgroup that cannot take the child
         * (EBUSY: it delegates controllers; EOPNOTSUPP: a threaded or
         * domain-invalid one): born here, moved by the caller. */
        if (r < 0 && cgroup_fd >= 0 && (errno == EINVAL || errno == E2BIG || errno == EBUSY || errno == EOPNOTSUPP)) {
                args.flags = flags;
                args.cgroup = 0;
                r = syscall(SYS_clone3, &args, sizeof(args));
        }
        if (r < 0 && errno == ENOSYS && !(flags & CLONE_NEWTIME)) {
                args.flags = flags;
                r = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
        }
        if (r < 0)
                return bw_error_set(err, -errno, "cloning the container's init into new namespaces");
        if (into)
                *into = (args.flags & CLONE_INTO_CGROUP) != 0;
        return (pid_t)r;
}
