/* The built-in seccomp profile, as data.
 *
 * Facts (syscall names, the argument rules on clone, clone3, personality
 * and socket) follow Docker's default profile; the deviations, all of them
 * stricter or forward-compatible, are in docs/seccomp.md. Everything not
 * allowed gets EPERM, except syscalls newer than the profile, which the
 * compiler's prefix answers with ENOSYS. */
#include "oci/seccomp_default.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include "util/cleanup.h"
#include "util/strv.h"

/* Docker's allowlist for every container, without io_uring_*, plus newer
 * calls that are unprivileged variants of allowed ones (cachestat,
 * fchmodat2, the futex2 calls, the *xattrat calls, map_shadow_stack, mseal,
 * uretprobe). Names libseccomp does not know are skipped at compile time. */
static const char *const allowed[] = {
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget",
        "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
        "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
        "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
        "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
        "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
        "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
        "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
        "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
        "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
        "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
        "futex_wake", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
        "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
        "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
        "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area",
        "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat", "inotify_add_watch",
        "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
        "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set",
        "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
        "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen",
        "listxattr", "listxattrat", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr",
        "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier", "memfd_create",
        "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
        "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
        "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
        "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
        "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc",
        "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
        "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64",
        "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv",
        "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr",
        "removexattrat", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
        "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
        "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
        "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
        "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
        "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
        "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
        "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
        "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
        "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
        "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
        "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
        "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget", "shutdown",
        "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair",
        "splice", "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
        "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create",
        "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
        "timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
        "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
        "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime", "utimensat",
        "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
        "writev",
};

/* Before Linux 4.8 a tracer could skip seccomp's checks; from 4.8 on the
 * filter runs again after the tracer, so ptrace is safe to allow. */
static const char *const allowed_since_4_8[] = { "ptrace", "process_vm_readv", "process_vm_writev" };

/* Per architecture, as in Docker. */
#if defined(__x86_64__)
static const char *const allowed_arch[] = { "arch_prctl", "modify_ldt" };
static const char *const default_arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" };
#elif defined(__i386__)
static const char *const allowed_arch[] = { "modify_ldt" };
static const char *const default_arches[] = { "SCMP_ARCH_X86" };
#elif defined(__aarch64__) || defined(__arm__)
static const char *const allowed_arch[] = { "arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
                                            "breakpoint", "cacheflush", "set_tls" };
#if defined(__aarch64__)
static const char *const default_arches[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" };
#else
static const char *const default_arches[] = { "SCMP_ARCH_ARM" };
#endif
#elif defined(__s390x__)
static const char *const allowed_arch[] = { "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr" };
static const char *const default_arches[] = { "SCMP_ARCH_S390X", "SCMP_ARCH_S390" };
#elif defined(__powerpc64__)
static const char *const allowed_arch[] = { "sync_file_range2", "swapcontext" };
#define NO_EXTRA_ARCHES
#elif defined(__riscv)
static const char *const allowed_arch[] = { "riscv_flush_icache" };
#define NO_EXTRA_ARCHES
#else
#define NO_ARCH_SYSCALLS
#define NO_EXTRA_ARCHES
#endif

/* Denied like everything unlisted (EPERM), and listed to say so: what
 * breakouts and kernel exploits have used, and what needs a capability
 * bulwark's profiles never grant. A rule equal to the default action adds
 * no BPF; it documents, and it keeps these numbers below the ENOSYS line. */
static const char *const denied[] = {
        /* keys: a keyring is shared by every container on the host */
        "add_key", "keyctl", "request_key",
        /* kernel attack surface with a long CVE record */
        "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
        "io_uring_register",
        /* the "shocker" breakout: open any host inode by handle */
        "open_by_handle_at",
        /* modules and kexec */
        "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
        /* mounts, old and new API, and namespaces */
        "mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
        "open_tree", "open_tree_attr", "move_mount", "mount_setattr", "unshare", "setns",
        /* host-wide state */
        "quotactl", "quotactl_fd", "syslog", "sethostname", "setdomainname", "reboot", "acct", "swapon",
        "swapoff", "iopl", "ioperm", "settimeofday", "stime", "clock_settime", "clock_settime64",
        "lookup_dcookie", "fanotify_init", "vhangup", "kcmp", "pidfd_getfd", "process_madvise",
        "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node", "migrate_pages",
        "move_pages", "nfsservctl", "uselib", "ustat", "sysfs", "_sysctl", "vm86", "vm86old",
        "create_module", "get_kernel_syms", "query_module",
};

/* clone() flags that create namespaces (0x7E020000, Docker's mask). */
#define CLONE_NAMESPACE_FLAGS                                                                       \
        (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
         CLONE_NEWNET)

/* Personalities glibc and 32-bit tools set; 0xffffffff only queries. */
static const uint64_t personalities[] = { PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, 0xffffffffULL };

static int add_rule(struct oci_seccomp *s, const char *const *names, size_t n_names,
                    enum oci_seccomp_action action, const oci_opt_u32 errno_ret,
                    const struct oci_seccomp_arg *arg)
{
        struct oci_seccomp_syscall *v = realloc(s->syscalls, (s->n_syscalls + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        s->syscalls = v;
        struct oci_seccomp_syscall *sc = &v[s->n_syscalls];
        *sc = (struct oci_seccomp_syscall){ .action = action, .errno_ret = errno_ret };
        s->n_syscalls++;
        for (size_t i = 0; i < n_names; i++)
                if (bw_strv_push(&sc->names, names[i]) < 0)
                        return -ENOMEM;
        if (arg) {
                sc->args = malloc(sizeof(*arg));
                if (!sc->args)
                        return -ENOMEM;
                sc->args[0] = *arg;
                sc->n_args = 1;
        }
        return 0;
}

static bool kernel_at_least(int major, int minor)
{
        struct utsname u;
        int ma = 0, mi = 0;
        if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
                return false;
        return ma > major || (ma == major && mi >= minor);
}

#define ADD(names, action, errno_ret, arg)                                                         \
        do {                                                                                       \
                if (add_rule(s, names, ARRAY_SIZE(names), action, errno_ret, arg) < 0)             \
                        return NULL;                                                               \
        } while (0)

static struct oci_seccomp *build(struct oci_seccomp *s, uint64_t caps)
{
        const oci_opt_u32 none = { 0 };
        s->default_action = OCI_SECCOMP_ERRNO;
        s->default_errno_ret = (oci_opt_u32){ true, EPERM };
#ifndef NO_EXTRA_ARCHES
        for (size_t i = 0; i < ARRAY_SIZE(default_arches); i++)
                if (bw_strv_push(&s->architectures, default_arches[i]) < 0)
                        return NULL;
#endif

        ADD(allowed, OCI_SECCOMP_ALLOW, none, NULL);
        if (kernel_at_least(4, 8))
                ADD(allowed_since_4_8, OCI_SECCOMP_ALLOW, none, NULL);
#ifndef NO_ARCH_SYSCALLS
        ADD(allowed_arch, OCI_SECCOMP_ALLOW, none, NULL);
#endif

        /* Any socket but AF_VSOCK, which reaches the hypervisor host. */
        static const char *const socket_names[] = { "socket" };
        const struct oci_seccomp_arg not_vsock = { .index = 0, .value = AF_VSOCK, .op = OCI_SECCOMP_NE };
        ADD(socket_names, OCI_SECCOMP_ALLOW, none, &not_vsock);

        static const char *const personality_names[] = { "personality" };
        for (size_t i = 0; i < ARRAY_SIZE(personalities); i++) {
                const struct oci_seccomp_arg is = { .index = 0, .value = personalities[i], .op = OCI_SECCOMP_EQ };
                ADD(personality_names, OCI_SECCOMP_ALLOW, none, &is);
        }

        /* clone() without namespace flags: threads and fork, never a
         * nested user namespace. s390 passes the flags second. */
        static const char *const clone_names[] = { "clone" };
#if defined(__s390x__) || defined(__s390__)
        const unsigned int clone_flags_arg = 1;
#else
        const unsigned int clone_flags_arg = 0;
#endif
        const struct oci_seccomp_arg no_ns = { .index = clone_flags_arg, .value = CLONE_NAMESPACE_FLAGS,
                                               .value_two = 0, .op = OCI_SECCOMP_MASKED_EQ };
        ADD(clone_names, OCI_SECCOMP_ALLOW, none, &no_ns);

        /* clone3 passes its flags in memory, out of the filter's reach:
         * ENOSYS makes glibc fall back to clone(), whose flags are checked. */
        static const char *const clone3_names[] = { "clone3" };
        ADD(clone3_names, OCI_SECCOMP_ERRNO, ((oci_opt_u32){ true, ENOSYS }), NULL);

        static const char *const chroot_names[] = { "chroot" };
        if (caps & (1ULL << CAP_SYS_CHROOT))
                ADD(chroot_names, OCI_SECCOMP_ALLOW, none, NULL);
        else
                ADD(chroot_names, OCI_SECCOMP_ERRNO, ((oci_opt_u32){ true, EPERM }), NULL);

        ADD(denied, OCI_SECCOMP_ERRNO, ((oci_opt_u32){ true, EPERM }), NULL);
        return s;
}

struct oci_seccomp *oci_seccomp_default(uint64_t caps)
{
        struct oci_seccomp *s = calloc(1, sizeof(*s));
        if (!s)
                return NULL;
        if (!build(s, caps)) {
                oci_seccomp_free(s);
                return NULL;
        }
        return s;
}
