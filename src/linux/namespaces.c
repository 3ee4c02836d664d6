#include "linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

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

static int for_children_slot(enum oci_ns_type t)
{
        return t == OCI_NS_PID ? 0 : t == OCI_NS_TIME ? 1 : -1;
}

int bw_ns_for_children_save(struct bw_ns_for_children *s, enum oci_ns_type t, struct bw_error **err)
{
        int i = for_children_slot(t);
        if (i < 0)
                return bw_error_msg(err, -EINVAL, "%s namespaces apply to the process itself, not to its children",
                                    bw_ns_proc_name(t));
        if (s->fd[i] >= 0)
                return 0; /* the first save holds our own */
        char path[32];
        /* /proc/self/ns/pid is the namespace we are in, whatever our
         * children's is. */
        snprintf(path, sizeof(path), "/proc/self/ns/%s", bw_ns_proc_name(t));
        s->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd[i] < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        return 0;
}

void bw_ns_for_children_restore(struct bw_ns_for_children *s, bool in_child)
{
        static const enum oci_ns_type types[] = { OCI_NS_PID, OCI_NS_TIME };
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
                if (s->fd[i] < 0)
                        continue;
                if (!in_child && setns(s->fd[i], (int)bw_ns_clone_flag(types[i])) < 0)
                        bw_warn("returning our children to our own %s namespace: %s", bw_ns_proc_name(types[i]),
                                strerror(errno));
                close(s->fd[i]);
                s->fd[i] = -1;
        }
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

int bw_ns_owner_fd(int ns_fd)
{
        int fd = ioctl(ns_fd, NS_GET_USERNS);
        if (fd < 0)
                return -errno;
        /* ioctl gives no O_CLOEXEC: add it before anything forks or execs. */
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        return fd;
}

int bw_ns_same_fd(int a, int b)
{
        struct stat x, y;
        if (fstat(a, &x) < 0 || fstat(b, &y) < 0)
                return -errno;
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

int bw_ns_fd_is(int fd, const char *proc_ns_path)
{
        struct stat x, y;
        if (fstat(fd, &x) < 0 || stat(proc_ns_path, &y) < 0)
                return -errno;
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* "inside outside count" lines of a uid_map or gid_map. */
static int parse_map(const char *text, struct oci_idmap_list *out)
{
        *out = (struct oci_idmap_list){ .present = true };
        for (const char *p = text; p && *p;) {
                unsigned long in, host, count;
                int used = 0;
                if (sscanf(p, " %lu %lu %lu%n", &in, &host, &count, &used) != 3)
                        break;
                struct oci_idmap *v = realloc(out->v, (out->n + 1) * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                out->v = v;
                v[out->n++] = (struct oci_idmap){ (uint32_t)in, (uint32_t)host, (uint32_t)count };
                p += used;
                while (*p == '\n' || *p == ' ')
                        p++;
        }
        return 0;
}

static int read_map(int proc_pid_fd, const char *name, struct oci_idmap_list *out)
{
        _cleanup_close_ int fd = openat(proc_pid_fd, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        char buf[8192];
        size_t n = 0;
        ssize_t k;
        while (n < sizeof(buf) - 1 && (k = read(fd, buf + n, sizeof(buf) - 1 - n)) != 0) {
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                n += (size_t)k;
        }
        buf[n] = '\0';
        return parse_map(buf, out);
}

static int read_maps_of(const char *proc_pid, struct oci_idmap_list *uid, struct oci_idmap_list *gid)
{
        _cleanup_close_ int dir = open(proc_pid, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return -errno;
        int r = read_map(dir, "uid_map", uid);
        return r < 0 ? r : read_map(dir, "gid_map", gid);
}

int bw_userns_maps(int ns_fd, struct oci_idmap_list *uid, struct oci_idmap_list *gid, struct bw_error **err)
{
        *uid = *gid = (struct oci_idmap_list){ 0 };
        int type = ioctl(ns_fd, NS_GET_NSTYPE);
        if (type < 0)
                return bw_error_set(err, -errno, "asking the kernel what namespace it is");
        if (type != CLONE_NEWUSER)
                return bw_error_msg(err, -EINVAL, "not a user namespace");
        /* Our own (the host's): setns cannot enter it again, and its maps
         * are ours. */
        struct stat a, b;
        if (fstat(ns_fd, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
                int r = read_maps_of("/proc/self", uid, gid);
                return r < 0 ? bw_error_set(err, r, "reading our own uid_map and gid_map") : 0;
        }
        /* There is no call that reads a namespace's maps from its fd. A
         * child of ours enters it and waits; we read /proc/CHILD/uid_map
         * from here. Safe: the child's pid cannot be reused before we reap
         * it, so the maps are those of the namespace the fd names, whether
         * it is a /proc/PID/ns/user link, a bind-mounted ns file or one no
         * process lives in any more. And read from our (the host's) user
         * namespace, the kernel shows the outside ids as host ids, also
         * for a namespace nested in another: read from inside, they would
         * be ids of its parent. */
        int go[2], hold[2];
        if (pipe2(go, O_CLOEXEC) < 0)
                return bw_error_set(err, -errno, "pipe");
        if (pipe2(hold, O_CLOEXEC) < 0) {
                int e = -errno;
                close(go[0]), close(go[1]);
                return bw_error_set(err, e, "pipe");
        }
        pid_t pid = fork();
        if (pid == 0) {
                close(go[0]);
                close(hold[1]);
                int e = setns(ns_fd, CLONE_NEWUSER) < 0 ? errno : 0;
                if (write(go[1], &e, sizeof(e)) != sizeof(e))
                        _exit(1);
                char c;
                while (read(hold[0], &c, 1) < 0 && errno == EINTR)
                        ;
                _exit(0);
        }
        int fork_errno = errno;
        close(go[1]);
        close(hold[0]);
        int r = 0, e = 0;
        if (pid < 0)
                r = bw_error_set(err, -fork_errno, "forking to enter the user namespace");
        else if (read(go[0], &e, sizeof(e)) != sizeof(e))
                r = bw_error_msg(err, -EIO, "the child that enters the user namespace died");
        else if (e)
                r = bw_error_set(err, -e, "entering the user namespace to read its maps");
        else {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d", (int)pid);
                if ((r = read_maps_of(path, uid, gid)) < 0)
                        bw_error_set(err, r, "reading %s/uid_map and gid_map", path);
        }
        close(go[0]);
        close(hold[1]);
        while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (r < 0) {
                free(uid->v), free(gid->v);
                *uid = *gid = (struct oci_idmap_list){ 0 };
        }
        return r;
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
