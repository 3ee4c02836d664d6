/* Seccomp: compile profiles, load them in forked children (after
 * no_new_privs) and make the calls for real.
 *
 * Children report through a shared page, use raw syscalls after loading
 * (so ASan's interceptors do not meet the filter) and leave with
 * exit_group. An attack is run twice: once without a filter (the control,
 * whose errno must differ from EPERM for the check to mean anything) and
 * once under the filter. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "linux/seccomp_cache.h"
#include "linux/seccomp_filter.h"
#include "linux/seccomp_notify.h"
#include "oci/seccomp_default.h"
#include "oci/seccomp_free.h"
#include "util/cleanup.h"
#include "util/strv.h"

#define X32_BIT 0x40000000L
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS */
#endif

/* ---- Children ---------------------------------------------------------- */

#define SLOTS 64
struct shared {
        long ret[SLOTS];
        int err[SLOTS];
        volatile int trapped_nr;
        volatile int trapped_code;
};
static struct shared *shm;

static void rec(int slot, long r)
{
        shm->ret[slot] = r;
        shm->err[slot] = r < 0 ? errno : 0;
}

typedef void (*child_fn)(void *arg, int listener_fd);

static void child_exit(int code)
{
        syscall(SYS_exit_group, code);
        __builtin_unreachable();
}

/* Fork; in the child set no_new_privs, load f (when not NULL), run fn, exit
 * 0. Returns the wait status. */
static int run_child(const struct bw_seccomp_filter *f, child_fn fn, void *arg)
{
        memset(shm, 0, sizeof(*shm));
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                struct rlimit no_core = { 0, 0 };
                setrlimit(RLIMIT_CORE, &no_core);
                int lfd = -1;
                if (f) {
                        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                                _exit(100);
                        struct bw_error *err = NULL;
                        if (bw_seccomp_load(f, &lfd, &err) < 0) {
                                fprintf(stderr, "# load: %s\n", err->msg);
                                _exit(101);
                        }
                }
                fn(arg, lfd);
                child_exit(0);
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        return status;
}

static bool exited(int status, int code)
{
        return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static bool killed_by(int status, int sig)
{
        return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* ---- Building profiles --------------------------------------------------- */

static struct oci_seccomp *profile(enum oci_seccomp_action def, int def_errno)
{
        struct oci_seccomp *s = calloc(1, sizeof(*s));
        s->default_action = def;
        if (def_errno >= 0)
                s->default_errno_ret = (oci_opt_u32){ true, (uint32_t)def_errno };
        return s;
}

/* names: comma-separated. Returns the rule (valid until the next rule). */
static struct oci_seccomp_syscall *rule(struct oci_seccomp *s, const char *names, enum oci_seccomp_action a,
                                        int errno_ret)
{
        s->syscalls = realloc(s->syscalls, (s->n_syscalls + 1) * sizeof(*s->syscalls));
        struct oci_seccomp_syscall *r = &s->syscalls[s->n_syscalls++];
        *r = (struct oci_seccomp_syscall){ .action = a };
        if (errno_ret >= 0)
                r->errno_ret = (oci_opt_u32){ true, (uint32_t)errno_ret };
        _cleanup_free_ char *copy = strdup(names);
        char *save = NULL;
        for (char *n = strtok_r(copy, ",", &save); n; n = strtok_r(NULL, ",", &save))
                bw_strv_push(&r->names, n);
        return r;
}

static void arg(struct oci_seccomp_syscall *r, unsigned int idx, enum oci_seccomp_op op, uint64_t v, uint64_t v2)
{
        r->args = realloc(r->args, (r->n_args + 1) * sizeof(*r->args));
        r->args[r->n_args++] = (struct oci_seccomp_arg){ idx, v, v2, op };
}

/* Compile or report why not. */
static bool compile(const struct oci_seccomp *s, struct bw_seccomp_filter *f, const char *what)
{
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_seccomp_compile(s, f, &err);
        if (r < 0)
                printf("# compiling %s: %s\n", what, err->msg);
        return r == 0;
}

/* The error message of a profile that must not compile, or NULL. */
static char *compile_error(const struct oci_seccomp *s)
{
        struct bw_error *err = NULL;
        struct bw_seccomp_filter f;
        int r = bw_seccomp_compile(s, &f, &err);
        if (r == 0) {
                bw_seccomp_filter_clear(&f);
                return NULL;
        }
        char *m = strdup(err->msg);
        bw_error_free(err);
        return m;
}

/* ---- x86 compat entry points ---------------------------------------------- */

#if defined(__x86_64__)
/* An i386 syscall from a 64-bit process: the kernel (and seccomp) see
 * AUDIT_ARCH_I386 and the i386 numbers. Returns -errno. */
static long int80(long nr, long a, long b, long c)
{
        long ret;
        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(a), "c"(b), "d"(c)
                         : "memory", "r8", "r9", "r10", "r11");
        return ret;
}

static void ia32_probe_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        child_exit(int80(20 /* i386 getpid */, 0, 0, 0) == syscall(SYS_getpid) ? 0 : 1);
}

static bool have_ia32(void)
{
        return exited(run_child(NULL, ia32_probe_child, NULL), 0);
}
#endif

/* ---- The default profile: attacks ---------------------------------------- */

struct attack {
        const char *what;
        long nr;
        long a[6];
        int want; /* errno under the default profile */
};

static const char nowhere[] = "/nonexistent-bulwark-seccomp-test";

static void attack_child(void *arg, int lfd)
{
        (void)lfd;
        const struct attack *at = arg;
        long r = syscall(at->nr, at->a[0], at->a[1], at->a[2], at->a[3], at->a[4], at->a[5]);
        if (r == 0 && (at->nr == SYS_clone || at->nr == SYS_clone3))
                child_exit(0); /* a control that did create a child: leave at once */
        rec(0, r);
}

static void test_attacks(const struct bw_seccomp_filter *f)
{
        static struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
        const struct attack attacks[] = {
                { "unshare(CLONE_NEWUSER)", SYS_unshare, { CLONE_NEWUSER }, EPERM },
                { "unshare(CLONE_NEWNS)", SYS_unshare, { CLONE_NEWNS }, EPERM },
                { "clone(CLONE_NEWUSER)", SYS_clone, { CLONE_NEWUSER | SIGCHLD }, EPERM },
                { "clone(CLONE_NEWNET)", SYS_clone, { CLONE_NEWNET | SIGCHLD }, EPERM },
                { "clone3(CLONE_NEWUSER) gets ENOSYS", SYS_clone3, { (long)&ca, sizeof(ca) }, ENOSYS },
                { "setns", SYS_setns, { -1, CLONE_NEWUSER }, EPERM },
                { "keyctl", SYS_keyctl, { 0 /* KEYCTL_GET_KEYRING_ID */, -1000, 0 }, EPERM },
                { "add_key", SYS_add_key, { 0, 0, 0, 0, 0 }, EPERM },
                { "request_key", SYS_request_key, { 0, 0, 0, 0 }, EPERM },
                { "bpf", SYS_bpf, { -1, 0, 0 }, EPERM },
                { "io_uring_setup", SYS_io_uring_setup, { 1, 0 }, EPERM },
                { "io_uring_enter", SYS_io_uring_enter, { -1, 0, 0, 0, 0, 0 }, EPERM },
                { "io_uring_register", SYS_io_uring_register, { -1, 0, 0, 0 }, EPERM },
                { "fsopen", SYS_fsopen, { 0, 0 }, EPERM },
                { "fsconfig", SYS_fsconfig, { -1, 0, 0, 0, 0 }, EPERM },
                { "fsmount", SYS_fsmount, { -1, 0, 0 }, EPERM },
                { "fspick", SYS_fspick, { -1, 0, 0 }, EPERM },
                { "open_tree", SYS_open_tree, { -1, 0, 0 }, EPERM },
                { "move_mount", SYS_move_mount, { -1, 0, -1, 0, 0 }, EPERM },
                { "mount_setattr", SYS_mount_setattr, { -1, 0, 0, 0, 0 }, EPERM },
                { "mount", SYS_mount, { 0, (long)nowhere, 0, MS_BIND, 0 }, EPERM },
                { "umount2", SYS_umount2, { (long)nowhere, 0 }, EPERM },
                { "pivot_root", SYS_pivot_root, { 0, 0 }, EPERM },
                { "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, 0 }, EPERM },
                { "userfaultfd", SYS_userfaultfd, { -1 }, EPERM },
                { "open_by_handle_at", SYS_open_by_handle_at, { -1, 0, 0 }, EPERM },
                { "init_module", SYS_init_module, { 0, 0, 0 }, EPERM },
                { "finit_module", SYS_finit_module, { -1, 0, 0 }, EPERM },
                { "delete_module", SYS_delete_module, { 0, 0 }, EPERM },
                { "kexec_load", SYS_kexec_load, { 0, 0, 0, -1 }, EPERM },
                { "kexec_file_load", SYS_kexec_file_load, { -1, -1, 0, 0, -1 }, EPERM },
                { "chroot without CAP_SYS_CHROOT", SYS_chroot, { (long)nowhere }, EPERM },
                { "syslog", SYS_syslog, { 10 /* SIZE_BUFFER */, 0, 0 }, EPERM },
                { "socket(AF_VSOCK)", SYS_socket, { AF_VSOCK, SOCK_STREAM, 0 }, EPERM },
                { "personality(ADDR_NO_RANDOMIZE)", SYS_personality, { ADDR_NO_RANDOMIZE }, EPERM },
                { "reboot", SYS_reboot, { 0, 0, 0, 0 }, EPERM },
        };
        for (size_t i = 0; i < ARRAY_SIZE(attacks); i++) {
                const struct attack *at = &attacks[i];
                int st = run_child(NULL, attack_child, (void *)at);
                long control = shm->ret[0];
                int control_err = shm->err[0];
                st = run_child(f, attack_child, (void *)at);
                bool ok = exited(st, 0) && shm->ret[0] == -1 && shm->err[0] == at->want;
                if (control == -1 && control_err == at->want) {
                        /* Without the filter the call already fails this
                         * way (e.g. not root): the check proves nothing. */
                        tap_skip("the call fails the same way without a filter", "default profile blocks %s",
                                 at->what);
                        continue;
                }
                tap_ok(ok, "default profile blocks %s (%s; without the filter: %ld/%s)", at->what,
                       strerror(at->want), control, control < 0 ? strerror(control_err) : "ok");
                if (!ok)
                        printf("#   status %#x ret %ld errno %s\n", st, shm->ret[0], strerror(shm->err[0]));
        }
}

/* ---- The default profile: ENOSYS and what still works ------------------ */

struct enosys_case {
        long nr;
};

static void enosys_child(void *arg, int lfd)
{
        (void)lfd;
        const long *nrs = arg;
        for (int i = 0; nrs[i]; i++)
                rec(i, syscall(nrs[i], 0, 0, 0, 0, 0, 0));
}

static void test_enosys(const struct oci_seccomp *s, const struct bw_seccomp_filter *f)
{
        long last = bw_seccomp_last_syscall(s, SCMP_ARCH_X86_64);
        tap_ok(last >= SYS_clone3, "the default profile names syscalls up to at least clone3 (last: %ld)", last);
        /* 462 is mseal (Linux 6.10), newer than this libseccomp. */
        long nrs[] = { last + 1, 462, 1000, 0x3fffffff, 0 };
        int st = run_child(f, enosys_child, nrs);
        tap_ok(exited(st, 0), "child running unknown syscalls exits normally");
        for (int i = 0; nrs[i]; i++) {
                if (nrs[i] <= last) {
                        tap_skip("the profile knows this number", "syscall %ld gets ENOSYS", nrs[i]);
                        continue;
                }
                tap_ok(shm->ret[i] == -1 && shm->err[i] == ENOSYS, "syscall %ld (above the profile's %ld) gets ENOSYS, not EPERM",
                       nrs[i], last);
                if (shm->err[i] != ENOSYS)
                        printf("#   got %ld / %s\n", shm->ret[i], strerror(shm->err[i]));
        }
        /* 462 for real: without a filter mseal(0, 0, 0) succeeds, so the
         * ENOSYS above came from the filter. */
        long mseal_only[] = { 462, 0 };
        run_child(NULL, enosys_child, mseal_only);
        if (shm->ret[0] == 0)
                tap_ok(true, "control: without the filter syscall 462 (mseal) succeeds on this kernel");
        else
                tap_skip("this kernel has no mseal", "control: syscall 462 without the filter");
}

static void *thread_fn(void *arg)
{
        return arg;
}

static void allowed_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        long pid = syscall(SYS_getpid);
        rec(0, pid > 1 ? 0 : -1);
        long fd = syscall(SYS_openat, AT_FDCWD, "/dev/zero", O_RDONLY | O_CLOEXEC);
        rec(1, fd);
        char buf[16] = { 1 };
        rec(2, fd >= 0 ? syscall(SYS_read, fd, buf, sizeof(buf)) : -1);
        shm->ret[3] = buf[0] == 0 && buf[15] == 0;
        long wfd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY | O_CLOEXEC);
        rec(4, wfd >= 0 ? syscall(SYS_write, wfd, "x", 1) : -1);
        long sock = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
        rec(5, sock);
        rec(6, syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0));
        /* fork as glibc does it: clone with SIGCHLD and no namespace flags */
        long child = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
        if (child == 0)
                child_exit(7);
        int status = 0;
        long w = child > 0 ? syscall(SYS_wait4, child, &status, 0, 0) : -1;
        rec(7, child > 0 && w == child && WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : -1);
        rec(8, syscall(SYS_personality, 0xffffffffUL));
        rec(9, syscall(SYS_personality, PER_LINUX));
        rec(10, syscall(SYS_chroot, nowhere));
        /* glibc's pthread_create tries clone3 first, gets ENOSYS, falls
         * back to clone: threads keep working. */
        pthread_t t;
        void *out = NULL;
        int pr = pthread_create(&t, NULL, thread_fn, (void *)0x5eed);
        if (pr == 0)
                pthread_join(t, &out);
        shm->ret[11] = pr == 0 && out == (void *)0x5eed;
        rec(12, syscall(SYS_ptrace, -1L, 0, 0, 0)); /* allowed: fails in the kernel, not EPERM */
}

static void test_allowed(const struct bw_seccomp_filter *f, bool with_chroot)
{
        int st = run_child(f, allowed_child, NULL);
        tap_ok(exited(st, 0), "ordinary child under the default profile exits 0 (status %#x)", st);
        tap_ok(shm->ret[0] == 0, "getpid works");
        tap_ok(shm->ret[1] >= 0 && shm->ret[2] == 16 && shm->ret[3] == 1, "open and read /dev/zero work");
        tap_ok(shm->ret[4] == 1, "write to /dev/null works");
        tap_ok(shm->ret[5] >= 0, "socket(AF_INET, SOCK_STREAM) works");
        tap_ok(shm->ret[6] >= 0, "socket(AF_UNIX, SOCK_DGRAM) works");
        tap_ok(shm->ret[7] == 0, "fork (clone with SIGCHLD) works and the child is reaped");
        tap_ok(shm->ret[8] >= 0, "personality(0xffffffff) (query) works");
        tap_ok(shm->ret[9] >= 0, "personality(PER_LINUX) works");
        if (with_chroot)
                tap_ok(shm->ret[10] == -1 && shm->err[10] == ENOENT,
                       "with CAP_SYS_CHROOT in the bounding set chroot is allowed (ENOENT, not EPERM)");
        tap_ok(shm->ret[11] == 1, "pthread_create works (clone3 ENOSYS, glibc falls back to clone)");
        tap_ok(shm->ret[12] == -1 && shm->err[12] != EPERM, "ptrace stays allowed, as in Docker (errno %s)",
               strerror(shm->err[12]));
}

#if defined(__x86_64__)
static void compat_child(void *arg, int lfd)
{
        (void)lfd;
        const long *last = arg;
        shm->ret[0] = int80(20 /* getpid */, 0, 0, 0) == syscall(SYS_getpid);
        shm->ret[1] = int80(310 /* unshare */, CLONE_NEWUSER, 0, 0);
        shm->ret[2] = int80(1000, 0, 0, 0);
        shm->ret[3] = int80(last[0] + 1, 0, 0, 0);
        shm->ret[4] = int80(26 /* ptrace */, -1, 0, 0);
}

static void x32_child(void *arg, int lfd)
{
        (void)lfd;
        const long *last = arg;
        rec(0, syscall(X32_BIT | 39 /* getpid */));
        rec(1, syscall(X32_BIT | 272 /* unshare */, CLONE_NEWUSER));
        rec(2, syscall(X32_BIT | 1000));
        rec(3, syscall(last[1] + 1));
}

static void test_compat(const struct oci_seccomp *s, const struct bw_seccomp_filter *f)
{
        long last[2] = { bw_seccomp_last_syscall(s, SCMP_ARCH_X86), bw_seccomp_last_syscall(s, SCMP_ARCH_X32) };
        tap_ok(last[1] > X32_BIT, "x32 numbers carry the x32 bit (last %#lx)", last[1]);
        if (!have_ia32()) {
                tap_skip("no IA-32 emulation in this kernel", "i386 syscalls are filtered");
        } else {
                int st = run_child(f, compat_child, last);
                tap_ok(exited(st, 0), "child making i386 syscalls (int 0x80) exits 0");
                tap_ok(shm->ret[0] == 1, "i386 getpid works");
                tap_ok(shm->ret[1] == -EPERM, "i386 unshare(CLONE_NEWUSER) gets EPERM (%ld)", shm->ret[1]);
                tap_ok(shm->ret[2] == -ENOSYS, "i386 syscall 1000 gets ENOSYS (%ld)", shm->ret[2]);
                tap_ok(shm->ret[3] == -ENOSYS, "i386 syscall %ld (above the profile) gets ENOSYS (%ld)", last[0] + 1,
                       shm->ret[3]);
                tap_ok(shm->ret[4] != -EPERM, "i386 ptrace is allowed like the native one (%ld)", shm->ret[4]);
        }
        int st = run_child(f, x32_child, last);
        tap_ok(exited(st, 0), "child making x32 syscalls exits 0 (status %#x)", st);
        tap_ok(!(shm->ret[0] == -1 && shm->err[0] == EPERM), "x32 getpid is not denied");
        tap_ok(shm->ret[1] == -1 && shm->err[1] == EPERM, "x32 unshare(CLONE_NEWUSER) gets EPERM");
        tap_ok(shm->ret[2] == -1 && shm->err[2] == ENOSYS, "x32 syscall 1000 gets ENOSYS");
        tap_ok(shm->ret[3] == -1 && shm->err[3] == ENOSYS, "x32 syscall %#lx (above the profile) gets ENOSYS",
               last[1] + 1);
}
#endif

static bool strv_has(char **v, const char *s)
{
        return bw_strv_contains(v, s);
}

static void test_default_profile_data(const struct oci_seccomp *s)
{
        tap_ok(s->default_action == OCI_SECCOMP_ERRNO && s->default_errno_ret.set && s->default_errno_ret.v == EPERM,
               "default action: ERRNO(EPERM)");
        static const char *const never[] = { "unshare", "setns", "mount", "umount2", "pivot_root", "keyctl",
                                             "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
                                             "open_by_handle_at", "io_uring_setup", "io_uring_enter",
                                             "io_uring_register", "fsopen", "fsconfig", "fsmount", "fspick",
                                             "open_tree", "move_mount", "mount_setattr", "init_module",
                                             "finit_module", "delete_module", "kexec_load", "kexec_file_load",
                                             "clone3" };
        bool clean = true;
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *r = &s->syscalls[i];
                if (r->action != OCI_SECCOMP_ALLOW)
                        continue;
                for (size_t j = 0; j < ARRAY_SIZE(never); j++)
                        if (strv_has(r->names, never[j])) {
                                printf("#   %s is allowed by rule %zu\n", never[j], i);
                                clean = false;
                        }
                /* clone is allowed only with its flags checked */
                if (strv_has(r->names, "clone") && r->n_args == 0)
                        clean = false;
                if (strv_has(r->names, "socket") && r->n_args == 0)
                        clean = false;
                if (strv_has(r->names, "personality") && r->n_args == 0)
                        clean = false;
        }
        tap_ok(clean, "no breakout syscall is allowed, and clone/socket/personality only with argument checks");
        bool clone3_enosys = false;
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (strv_has(s->syscalls[i].names, "clone3"))
                        clone3_enosys = s->syscalls[i].action == OCI_SECCOMP_ERRNO &&
                                        s->syscalls[i].errno_ret.set && s->syscalls[i].errno_ret.v == ENOSYS;
        tap_ok(clone3_enosys, "clone3 returns ENOSYS");
}

static void test_default_profile(void)
{
        struct oci_seccomp *s = oci_seccomp_default(0);
        tap_ok(s != NULL, "the default profile is built");
        if (!s)
                return;
        test_default_profile_data(s);
        struct bw_seccomp_filter f;
        if (!compile(s, &f, "the default profile")) {
                tap_ok(false, "the default profile compiles");
                oci_seccomp_free(s);
                return;
        }
        tap_ok(f.n_insns > 100 && !f.notify && f.flags == 0, "the default profile compiles (%zu instructions)",
               f.n_insns);
        test_attacks(&f);
        test_enosys(s, &f);
        test_allowed(&f, false);
#if defined(__x86_64__)
        test_compat(s, &f);
#endif
        bw_seccomp_filter_clear(&f);
        oci_seccomp_free(s);

        s = oci_seccomp_default(1ULL << CAP_SYS_CHROOT);
        if (s && compile(s, &f, "the default profile with CAP_SYS_CHROOT")) {
                test_allowed(&f, true);
                bw_seccomp_filter_clear(&f);
        } else {
                tap_ok(false, "the default profile with CAP_SYS_CHROOT compiles");
        }
        oci_seccomp_free(s);
}

/* ---- Config profiles: actions ---------------------------------------------- */

static void getppid_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        rec(0, syscall(SYS_getppid));
        rec(1, syscall(SYS_getpgrp));
        rec(2, syscall(SYS_getpid));
}

static void sigsys_handler(int sig, siginfo_t *si, void *uc)
{
        (void)sig, (void)uc;
        shm->trapped_nr = si->si_syscall;
        shm->trapped_code = si->si_code;
        child_exit(42);
}

static void trap_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        syscall(SYS_getppid);
        child_exit(1); /* not reached when the call traps or kills */
}

/* The handler goes in before the filter: sigaction may be what it denies. */
static int run_with_sigsys_handler(const struct bw_seccomp_filter *f)
{
        struct sigaction sa = { .sa_sigaction = sigsys_handler, .sa_flags = SA_SIGINFO };
        struct sigaction old;
        sigaction(SIGSYS, &sa, &old);
        int st = run_child(f, trap_child, NULL);
        sigaction(SIGSYS, &old, NULL);
        return st;
}

static void test_actions(void)
{
        struct bw_seccomp_filter f;
        pid_t me = getpid();

        /* errno with and without errnoRet, and an allowing default */
        struct oci_seccomp *s = profile(OCI_SECCOMP_ALLOW, -1);
        rule(s, "getppid", OCI_SECCOMP_ERRNO, EXDEV);
        rule(s, "getpgrp", OCI_SECCOMP_ERRNO, -1);
        if (compile(s, &f, "errno profile")) {
                int st = run_child(&f, getppid_child, NULL);
                tap_ok(exited(st, 0) && shm->ret[0] == -1 && shm->err[0] == EXDEV, "SCMP_ACT_ERRNO with errnoRet EXDEV returns EXDEV");
                tap_ok(shm->ret[1] == -1 && shm->err[1] == EPERM, "SCMP_ACT_ERRNO without errnoRet returns EPERM");
                tap_ok(shm->ret[2] > 0, "the default SCMP_ACT_ALLOW lets getpid through");
                bw_seccomp_filter_clear(&f);
        }
        oci_seccomp_free(s);

        /* defaultErrnoRet */
        s = profile(OCI_SECCOMP_ERRNO, ENOTTY);
        rule(s, "exit,exit_group,getpid", OCI_SECCOMP_ALLOW, -1);
        if (compile(s, &f, "defaultErrnoRet profile")) {
                int st = run_child(&f, getppid_child, NULL);
                tap_ok(exited(st, 0), "child under a deny-by-default profile exits 0");
                tap_ok(shm->ret[0] == -1 && shm->err[0] == ENOTTY, "defaultErrnoRet ENOTTY is what unlisted syscalls return");
                tap_ok(shm->ret[2] > 0, "allowed getpid works under a deny-by-default profile");
                bw_seccomp_filter_clear(&f);
        }
        oci_seccomp_free(s);

        /* kill_process: a SIGSYS handler does not save the process */
        s = profile(OCI_SECCOMP_ALLOW, -1);
        rule(s, "getppid", OCI_SECCOMP_KILL_PROCESS, -1);
        if (compile(s, &f, "kill_process profile")) {
                int st = run_with_sigsys_handler(&f);
                tap_ok(killed_by(st, SIGSYS), "SCMP_ACT_KILL_PROCESS kills the child with SIGSYS (status %#x)", st);
                bw_seccomp_filter_clear(&f);
        }
        oci_seccomp_free(s);

        static const enum oci_seccomp_action kills[] = { OCI_SECCOMP_KILL_THREAD, OCI_SECCOMP_KILL };
        for (size_t i = 0; i < ARRAY_SIZE(kills); i++) {
                s = profile(OCI_SECCOMP_ALLOW, -1);
                rule(s, "getppid", kills[i], -1);
                if (compile(s, &f, "kill_thread profile")) {
                        int st = run_with_sigsys_handler(&f);
                        tap_ok(killed_by(st, SIGSYS), "%s kills the (single-threaded) child with SIGSYS (status %#x)",
                               i == 0 ? "SCMP_ACT_KILL_THREAD" : "SCMP_ACT_KILL", st);
                        bw_seccomp_filter_clear(&f);
                }
                oci_seccomp_free(s);
        }

        /* trap: SIGSYS the process can catch, naming the syscall */
        s = profile(OCI_SECCOMP_ALLOW, -1);
        rule(s, "getppid", OCI_SECCOMP_TRAP, -1);
        if (compile(s, &f, "trap profile")) {
                int st = run_with_sigsys_handler(&f);
                tap_ok(exited(st, 42) && shm->trapped_code == SYS_SECCOMP && shm->trapped_nr == SYS_getppid,
                       "SCMP_ACT_TRAP raises a catchable SIGSYS for getppid (status %#x, si_syscall %d)", st,
                       shm->trapped_nr);
                bw_seccomp_filter_clear(&f);
        }
        oci_seccomp_free(s);

        /* log: allowed (and logged) under a denying default */
        s = profile(OCI_SECCOMP_ERRNO, -1);
        rule(s, "exit,exit_group", OCI_SECCOMP_ALLOW, -1);
        rule(s, "getppid", OCI_SECCOMP_LOG, -1);
        if (compile(s, &f, "log profile")) {
                int st = run_child(&f, getppid_child, NULL);
                tap_ok(exited(st, 0) && shm->ret[0] == me, "SCMP_ACT_LOG lets getppid through (%ld)", shm->ret[0]);
                tap_ok(shm->ret[2] == -1 && shm->err[2] == EPERM, "... while the default still denies getpid");
                bw_seccomp_filter_clear(&f);
        }
        oci_seccomp_free(s);
}

/* trace: with no tracer the call fails with ENOSYS; a tracer sees the
 * event with errnoRet as its message. */
static void test_trace(void)
{
        struct bw_seccomp_filter f;
        struct oci_seccomp *s = profile(OCI_SECCOMP_ALLOW, -1);
        rule(s, "getppid", OCI_SECCOMP_TRACE, 77);
        if (!compile(s, &f, "trace profile")) {
                oci_seccomp_free(s);
                return;
        }
        int st = run_child(&f, getppid_child, NULL);
        tap_ok(exited(st, 0) && shm->ret[0] == -1 && shm->err[0] == ENOSYS, "SCMP_ACT_TRACE without a tracer: ENOSYS");

        memset(shm, 0, sizeof(*shm));
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
                        _exit(100);
                raise(SIGSTOP);
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(101);
                struct bw_error *err = NULL;
                if (bw_seccomp_load(&f, NULL, &err) < 0)
                        _exit(102);
                rec(0, syscall(SYS_getppid));
                child_exit(0);
        }
        int status = 0;
        unsigned long msg = 0;
        bool saw_event = false;
        waitpid(pid, &status, 0);
        if (WIFSTOPPED(status)) {
                ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
                ptrace(PTRACE_CONT, pid, 0, 0);
                while (waitpid(pid, &status, 0) == pid && WIFSTOPPED(status)) {
                        int sig = 0;
                        if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
                                ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
                                saw_event = true;
                        } else {
                                sig = WSTOPSIG(status);
                        }
                        ptrace(PTRACE_CONT, pid, 0, sig);
                }
        }
        tap_ok(saw_event && msg == 77, "SCMP_ACT_TRACE stops the child for its tracer with errnoRet 77 as the message (got %lu)",
               msg);
        tap_ok(exited(status, 0) && shm->ret[0] == getpid(), "after the tracer continues, getppid runs (%ld)", shm->ret[0]);
        bw_seccomp_filter_clear(&f);
        oci_seccomp_free(s);
}

/* ---- Config profiles: argument conditions ---------------------------------- */

struct op_case {
        const char *what;
        int n_conds;
        struct oci_seccomp_arg conds[2];
        long args[2];
        bool match;
};

static void op_child(void *arg, int lfd)
{
        (void)lfd;
        const long *a = arg;
        rec(0, syscall(SYS_getppid, a[0], a[1], 0, 0, 0, 0));
}

static void test_operators(void)
{
        /* getppid ignores its arguments, but the filter sees the registers:
         * a matching rule turns it into EXDEV. */
        const struct op_case cases[] = {
                { "NE 5, arg 5", 1, { { 0, 5, 0, OCI_SECCOMP_NE } }, { 5 }, false },
                { "NE 5, arg 6", 1, { { 0, 5, 0, OCI_SECCOMP_NE } }, { 6 }, true },
                { "LT 5, arg 4", 1, { { 0, 5, 0, OCI_SECCOMP_LT } }, { 4 }, true },
                { "LT 5, arg 5", 1, { { 0, 5, 0, OCI_SECCOMP_LT } }, { 5 }, false },
                { "LE 5, arg 5", 1, { { 0, 5, 0, OCI_SECCOMP_LE } }, { 5 }, true },
                { "LE 5, arg 6", 1, { { 0, 5, 0, OCI_SECCOMP_LE } }, { 6 }, false },
                { "EQ 0x100000005, arg 0x100000005", 1, { { 0, 0x100000005, 0, OCI_SECCOMP_EQ } }, { 0x100000005 }, true },
                { "EQ 0x100000005, arg 5 (upper half counts)", 1, { { 0, 0x100000005, 0, OCI_SECCOMP_EQ } }, { 5 }, false },
                { "GE 5, arg 5", 1, { { 0, 5, 0, OCI_SECCOMP_GE } }, { 5 }, true },
                { "GE 5, arg 4", 1, { { 0, 5, 0, OCI_SECCOMP_GE } }, { 4 }, false },
                { "GT 0x100000000, arg 0x100000001", 1, { { 0, 0x100000000, 0, OCI_SECCOMP_GT } }, { 0x100000001 }, true },
                { "GT 0x100000000, arg 0xffffffff", 1, { { 0, 0x100000000, 0, OCI_SECCOMP_GT } }, { 0xffffffff }, false },
                { "MASKED_EQ 0xff00 == 0x1200, arg 0x12ab", 1, { { 0, 0xff00, 0x1200, OCI_SECCOMP_MASKED_EQ } }, { 0x12ab }, true },
                { "MASKED_EQ 0xff00 == 0x1200, arg 0x13ab", 1, { { 0, 0xff00, 0x1200, OCI_SECCOMP_MASKED_EQ } }, { 0x13ab }, false },
                { "arg1 EQ 9 on the second argument, args (0, 9)", 1, { { 1, 9, 0, OCI_SECCOMP_EQ } }, { 0, 9 }, true },
                { "a0 == 1 AND a1 == 2, args (1, 2)", 2, { { 0, 1, 0, OCI_SECCOMP_EQ }, { 1, 2, 0, OCI_SECCOMP_EQ } }, { 1, 2 }, true },
                { "a0 == 1 AND a1 == 2, args (1, 3)", 2, { { 0, 1, 0, OCI_SECCOMP_EQ }, { 1, 2, 0, OCI_SECCOMP_EQ } }, { 1, 3 }, false },
                { "a0 == 1 AND a1 == 2, args (0, 2)", 2, { { 0, 1, 0, OCI_SECCOMP_EQ }, { 1, 2, 0, OCI_SECCOMP_EQ } }, { 0, 2 }, false },
                { "a0 == 1, a0 == 2 (same index: either), arg 1", 2, { { 0, 1, 0, OCI_SECCOMP_EQ }, { 0, 2, 0, OCI_SECCOMP_EQ } }, { 1 }, true },
                { "a0 == 1, a0 == 2 (same index: either), arg 2", 2, { { 0, 1, 0, OCI_SECCOMP_EQ }, { 0, 2, 0, OCI_SECCOMP_EQ } }, { 2 }, true },
                { "a0 == 1, a0 == 2 (same index: either), arg 3", 2, { { 0, 1, 0, OCI_SECCOMP_EQ }, { 0, 2, 0, OCI_SECCOMP_EQ } }, { 3 }, false },
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                const struct op_case *c = &cases[i];
                struct oci_seccomp *s = profile(OCI_SECCOMP_ALLOW, -1);
                struct oci_seccomp_syscall *r = rule(s, "getppid", OCI_SECCOMP_ERRNO, EXDEV);
                for (int j = 0; j < c->n_conds; j++)
                        arg(r, c->conds[j].index, c->conds[j].op, c->conds[j].value, c->conds[j].value_two);
                struct bw_seccomp_filter f;
                if (compile(s, &f, c->what)) {
                        int st = run_child(&f, op_child, (void *)c->args);
                        bool matched = shm->ret[0] == -1 && shm->err[0] == EXDEV;
                        bool passed = shm->ret[0] == getpid();
                        tap_ok(exited(st, 0) && (c->match ? matched : passed), "%s: %s", c->what,
                               c->match ? "rule applies" : "rule does not apply");
                        bw_seccomp_filter_clear(&f);
                } else {
                        tap_ok(false, "%s compiles", c->what);
                }
                oci_seccomp_free(s);
        }
}

static void personality_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        rec(0, syscall(SYS_personality, 0));
        rec(1, syscall(SYS_personality, 8));
}

static void test_personality_rule(void)
{
        struct oci_seccomp *s = profile(OCI_SECCOMP_ERRNO, -1);
        rule(s, "exit,exit_group", OCI_SECCOMP_ALLOW, -1);
        arg(rule(s, "personality", OCI_SECCOMP_ALLOW, -1), 0, OCI_SECCOMP_EQ, 0, 0);
        struct bw_seccomp_filter f;
        if (compile(s, &f, "personality profile")) {
                int st = run_child(&f, personality_child, NULL);
                tap_ok(exited(st, 0) && shm->ret[0] >= 0, "personality(0) is allowed by its arg0 == 0 rule");
                tap_ok(shm->ret[1] == -1 && shm->err[1] == EPERM, "personality(8) falls to the default EPERM");
                bw_seccomp_filter_clear(&f);
        }
        oci_seccomp_free(s);
}

/* ---- Architectures, flags, refusals ---------------------------------------- */

#if defined(__x86_64__)
static void arch_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        shm->ret[0] = int80(20 /* getpid */, 0, 0, 0) == syscall(SYS_getpid);
        shm->ret[1] = int80(64 /* getppid */, 0, 0, 0);
}

static void test_architectures(void)
{
        if (!have_ia32()) {
                tap_skip("no IA-32 emulation in this kernel", "architectures are added to the filter");
                return;
        }
        for (int with_x86 = 0; with_x86 < 2; with_x86++) {
                struct oci_seccomp *s = profile(OCI_SECCOMP_ALLOW, -1);
                if (with_x86)
                        bw_strv_push(&s->architectures, "SCMP_ARCH_X86");
                rule(s, "getppid", OCI_SECCOMP_ERRNO, EXDEV);
                struct bw_seccomp_filter f;
                if (compile(s, &f, "arch profile")) {
                        int st = run_child(&f, arch_child, NULL);
                        if (with_x86)
                                tap_ok(exited(st, 0) && shm->ret[0] == 1 && shm->ret[1] == -EXDEV,
                                       "with SCMP_ARCH_X86 listed, i386 calls run and the i386 getppid rule applies");
                        else
                                tap_ok(killed_by(st, SIGSYS),
                                       "without SCMP_ARCH_X86, an i386 call is a foreign architecture and kills (status %#x)", st);
                        bw_seccomp_filter_clear(&f);
                }
                oci_seccomp_free(s);
        }
}
#endif

static void test_flags(void)
{
        struct oci_seccomp *s = profile(OCI_SECCOMP_ALLOW, -1);
        rule(s, "getpgrp", OCI_SECCOMP_ERRNO, EXDEV);
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_LOG");
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_TSYNC");
        struct bw_seccomp_filter f;
        if (compile(s, &f, "flags profile")) {
                tap_is_int(f.flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC,
                           "TSYNC, LOG and SPEC_ALLOW become load flags");
                int st = run_child(&f, getppid_child, NULL);
                tap_ok(exited(st, 0) && shm->ret[1] == -1 && shm->err[1] == EXDEV,
                       "a filter loaded with TSYNC|LOG|SPEC_ALLOW is in force");
                bw_seccomp_filter_clear(&f);
        }
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        if (compile(s, &f, "flags profile with WAIT_KILLABLE_RECV")) {
                tap_ok(!(f.flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
                       "WAIT_KILLABLE_RECV without a notify rule is dropped (the kernel refuses it alone)");
                bw_seccomp_filter_clear(&f);
        }
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_BOGUS");
        _cleanup_free_ char *m = compile_error(s);
        tap_ok(m && strstr(m, "SECCOMP_FILTER_FLAG_BOGUS") && strstr(m, "unknown flag"),
               "an unknown flag is refused, by name (%s)", m ? m : "compiled");
        oci_seccomp_free(s);
}

static void expect_refusal(struct oci_seccomp *s, const char *needle, const char *what)
{
        _cleanup_free_ char *m = compile_error(s);
        tap_ok(m && strstr(m, needle), "refused: %s (%s)", what, m ? m : "it compiled");
        oci_seccomp_free(s);
}

static void test_refusals(void)
{
        struct oci_seccomp *s = profile(OCI_SECCOMP_ERRNO, -1);
        rule(s, "getpid", OCI_SECCOMP_ALLOW, EPERM);
        expect_refusal(s, "syscalls[0]: an errno is only valid", "errnoRet on SCMP_ACT_ALLOW");

        s = profile(OCI_SECCOMP_ALLOW, EPERM);
        expect_refusal(s, "defaultAction: an errno is only valid", "defaultErrnoRet with SCMP_ACT_ALLOW");

        s = profile(OCI_SECCOMP_ALLOW, -1);
        rule(s, "getpid", OCI_SECCOMP_ERRNO, 70000);
        expect_refusal(s, "does not fit", "an errno above 16 bits");

        s = profile(OCI_SECCOMP_ALLOW, -1);
        bw_strv_push(&s->architectures, "SCMP_ARCH_PDP11");
        expect_refusal(s, "SCMP_ARCH_PDP11 is not an architecture", "an unknown architecture");

        s = profile(OCI_SECCOMP_NOTIFY, -1);
        s->listener_path = strdup("/tmp/x.sock");
        expect_refusal(s, "cannot be the default action", "SCMP_ACT_NOTIFY as the default");

        s = profile(OCI_SECCOMP_ALLOW, -1);
        rule(s, "getppid", OCI_SECCOMP_NOTIFY, -1);
        expect_refusal(s, "listenerPath is not set", "SCMP_ACT_NOTIFY without listenerPath");

        s = profile(OCI_SECCOMP_ALLOW, -1);
        s->listener_path = strdup("/tmp/x.sock");
        rule(s, "read,write", OCI_SECCOMP_NOTIFY, -1);
        expect_refusal(s, "cannot be used for write", "SCMP_ACT_NOTIFY on write");

        s = profile(OCI_SECCOMP_ALLOW, -1);
        arg(rule(s, "getppid", OCI_SECCOMP_ERRNO, -1), 6, OCI_SECCOMP_EQ, 0, 0);
        expect_refusal(s, "index 6 is out of range", "an argument index above 5");

        /* Not refusals: names newer than libseccomp are skipped, and a rule
         * that repeats the default action is dropped. */
        s = profile(OCI_SECCOMP_ERRNO, -1);
        rule(s, "exit_group,getpid,bulwark_no_such_syscall", OCI_SECCOMP_ALLOW, -1);
        rule(s, "getppid", OCI_SECCOMP_ERRNO, EPERM);
        struct bw_seccomp_filter f;
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_seccomp_compile(s, &f, &err);
        tap_ok(r == 0, "an unknown syscall name and a rule equal to the default compile (%s)", err ? err->msg : "ok");
        tap_is_int(bw_seccomp_last_syscall(s, SCMP_ARCH_X86_64), SYS_exit_group,
                   "the ENOSYS line is the highest known name (exit_group); the unknown name does not count");
        if (r == 0)
                bw_seccomp_filter_clear(&f);
        oci_seccomp_free(s);
}

static void kill_default_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        rec(0, syscall(1000));
        rec(1, syscall(SYS_getpid));
}

/* The prefix also spares new syscalls a killing default; an allowing
 * default has no prefix at all. */
static void test_enosys_defaults(void)
{
        struct oci_seccomp *s = profile(OCI_SECCOMP_KILL_PROCESS, -1);
        rule(s, "exit,exit_group,getpid", OCI_SECCOMP_ALLOW, -1);
        struct bw_seccomp_filter f;
        if (compile(s, &f, "kill-by-default profile")) {
                int st = run_child(&f, kill_default_child, NULL);
                tap_ok(exited(st, 0) && shm->ret[0] == -1 && shm->err[0] == ENOSYS,
                       "under SCMP_ACT_KILL_PROCESS by default, syscall 1000 gets ENOSYS, not death (status %#x)", st);
                bw_seccomp_filter_clear(&f);
        }
        oci_seccomp_free(s);

        size_t with_stub = 0, without = 0;
        s = profile(OCI_SECCOMP_ERRNO, -1);
        rule(s, "getpid", OCI_SECCOMP_ALLOW, -1);
        if (compile(s, &f, "errno default")) {
                with_stub = f.n_insns;
                bw_seccomp_filter_clear(&f);
        }
        s->default_errno_ret = (oci_opt_u32){ true, ENOSYS };
        if (compile(s, &f, "ENOSYS default")) {
                without = f.n_insns;
                bw_seccomp_filter_clear(&f);
        }
        tap_ok(with_stub > without && without > 0,
               "a default of ERRNO(ENOSYS) needs no prefix (%zu instructions against %zu)", without, with_stub);
        oci_seccomp_free(s);
}

/* ---- Notify ------------------------------------------------------------------ */

struct notify_ctx {
        const char *path;
};

static void notify_child(void *arg, int lfd)
{
        const struct notify_ctx *c = arg;
        _cleanup_free_ char *state = bw_seccomp_process_state(getpid(), "agent-metadata", NULL);
        struct bw_error *err = NULL;
        if (!state || bw_seccomp_notify_send(lfd, c->path, state, &err) < 0) {
                fprintf(stderr, "# notify send: %s\n", err ? err->msg : "no state");
                child_exit(3);
        }
        close(lfd);
        rec(0, syscall(SYS_getppid));
}

/* Read the agent's message: the JSON and the descriptor riding on it. */
static int agent_receive(int conn, char *buf, size_t size)
{
        int fd = -1;
        size_t got = 0;
        for (;;) {
                struct pollfd p = { conn, POLLIN, 0 };
                if (poll(&p, 1, 5000) <= 0)
                        break;
                union {
                        char b[CMSG_SPACE(sizeof(int))];
                        struct cmsghdr align;
                } control;
                struct iovec iov = { buf + got, size - 1 - got };
                struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.b,
                                      .msg_controllen = sizeof(control.b) };
                ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
                if (n <= 0)
                        break;
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
                got += (size_t)n;
                if (got >= size - 1)
                        break;
        }
        buf[got] = '\0';
        return fd;
}

/* A listenerPath longer than sun_path is reached through its directory. */
static void test_notify_long_path(void)
{
        char top[] = "/tmp/bw-seccomp-long-XXXXXX";
        if (!mkdtemp(top)) {
                tap_ok(false, "mkdtemp");
                return;
        }
        char dir[256], path[300];
        snprintf(dir, sizeof(dir), "%s/%s", top,
                 "a-directory-name-long-enough-that-the-socket-path-does-not-fit-in-sun_path-which-holds-108-bytes");
        snprintf(path, sizeof(path), "%s/agent.sock", dir);
        mkdir(dir, 0700);
        /* bind through the directory fd as well: the path itself is too long */
        _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/agent.sock", dfd);
        if (strlen(path) < sizeof(sa.sun_path) || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0) {
                tap_ok(false, "long-path agent socket (%zu bytes): %s", strlen(path), strerror(errno));
                return;
        }
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return;
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_free_ char *state = bw_seccomp_process_state(1, NULL, NULL);
        int r = bw_seccomp_notify_send(pipefd[0], path, state, &err);
        char buf[1024] = "";
        struct pollfd p = { srv, POLLIN, 0 };
        _cleanup_close_ int conn = r == 0 && poll(&p, 1, 5000) == 1 ? accept4(srv, NULL, NULL, SOCK_CLOEXEC) : -1;
        int fd = conn >= 0 ? agent_receive(conn, buf, sizeof(buf)) : -1;
        struct stat a, b;
        tap_ok(r == 0 && fd >= 0 && fstat(fd, &a) == 0 && fstat(pipefd[0], &b) == 0 && a.st_ino == b.st_ino &&
                       strstr(buf, "\"seccompFd\""),
               "a %zu-byte listenerPath (longer than sun_path) is reached, and the very fd arrives (%s)", strlen(path),
               err ? err->msg : "ok");
        if (fd >= 0)
                close(fd);
        close(pipefd[0]);
        close(pipefd[1]);
        unlink(path);
        rmdir(dir);
        rmdir(top);
}

static void test_notify(void)
{
        char dir[] = "/tmp/bw-seccomp-notify-XXXXXX";
        if (!mkdtemp(dir)) {
                tap_ok(false, "mkdtemp");
                return;
        }
        char path[128];
        snprintf(path, sizeof(path), "%s/agent.sock", dir);
        _cleanup_close_ int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strcpy(sa.sun_path, path);
        if (bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0) {
                tap_ok(false, "agent socket: %s", strerror(errno));
                return;
        }

        struct oci_seccomp *s = profile(OCI_SECCOMP_ALLOW, -1);
        s->listener_path = strdup(path);
        rule(s, "getppid", OCI_SECCOMP_NOTIFY, -1);
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_TSYNC");
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        struct bw_seccomp_filter f;
        if (!compile(s, &f, "notify profile")) {
                tap_ok(false, "notify profile compiles");
                oci_seccomp_free(s);
                return;
        }
        tap_ok(f.notify && (f.flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) &&
                       (f.flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
               "a notify profile loads with a listener; TSYNC brings TSYNC_ESRCH; WAIT_KILLABLE_RECV kept (flags %#x)",
               f.flags);

        struct notify_ctx c = { path };
        memset(shm, 0, sizeof(*shm));
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(100);
                int lfd = -1;
                struct bw_error *err = NULL;
                if (bw_seccomp_load(&f, &lfd, &err) < 0 || lfd < 0)
                        _exit(101);
                notify_child(&c, lfd);
                child_exit(0);
        }

        bool answered = false;
        char buf[4096] = "";
        int lfd = -1;
        struct pollfd p = { srv, POLLIN, 0 };
        _cleanup_close_ int conn = poll(&p, 1, 5000) == 1 ? accept4(srv, NULL, NULL, SOCK_CLOEXEC) : -1;
        if (conn >= 0)
                lfd = agent_receive(conn, buf, sizeof(buf));
        tap_ok(lfd >= 0, "the agent at listenerPath receives a descriptor");
        json_error_t jerr;
        _cleanup_json_ json_t *state = json_loads(buf, 0, &jerr);
        json_t *fds = json_object_get(state, "fds");
        tap_ok(json_is_array(fds) && json_array_size(fds) == 1 &&
                       strcmp(json_string_value(json_array_get(fds, 0)) ?: "", "seccompFd") == 0 &&
                       json_integer_value(json_object_get(state, "pid")) == pid &&
                       strcmp(json_string_value(json_object_get(state, "metadata")) ?: "", "agent-metadata") == 0 &&
                       json_is_string(json_object_get(state, "ociVersion")) &&
                       json_is_object(json_object_get(state, "state")),
               "the agent receives the container process state: fds [\"seccompFd\"], pid, metadata (%s)", buf);
        if (lfd >= 0) {
                struct pollfd lp = { lfd, POLLIN, 0 };
                struct seccomp_notif req;
                memset(&req, 0, sizeof(req));
                if (poll(&lp, 1, 5000) == 1 && ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
                        tap_ok(req.data.nr == SYS_getppid && (pid_t)req.pid == pid,
                               "the listener reports the child's getppid (nr %d, pid %u)", req.data.nr, req.pid);
                        struct seccomp_notif_resp resp = { .id = req.id, .val = 4242, .error = 0, .flags = 0 };
                        answered = ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0;
                } else {
                        tap_ok(false, "the listener reports the child's getppid (%s)", strerror(errno));
                }
                close(lfd);
        }
        if (!answered)
                kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        tap_ok(answered && exited(status, 0) && shm->ret[0] == 4242,
               "the notified getppid returns the agent's answer 4242 (got %ld, status %#x)", shm->ret[0], status);
        bw_seccomp_filter_clear(&f);
        oci_seccomp_free(s);
        unlink(path);
        rmdir(dir);

        test_notify_long_path();

        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_seccomp_notify_send(0, "/nonexistent-bulwark/agent.sock", "{\"fds\":[]}", &err);
        tap_ok(r < 0 && err && strstr(err->msg, "[\"seccompFd\"]"), "a state whose fds is not [\"seccompFd\"] is refused");
}

/* ---- The BPF cache ------------------------------------------------------------ */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= 0x100000001b3ULL;
        }
        return h;
}

static char *slurp(const char *path, size_t *len)
{
        _cleanup_fclose_ FILE *fp = fopen(path, "rb");
        if (!fp)
                return NULL;
        char *buf = malloc(1 << 20);
        *len = fread(buf, 1, 1 << 20, fp);
        return buf;
}

static bool spill(const char *path, const void *data, size_t len)
{
        _cleanup_fclose_ FILE *fp = fopen(path, "wb");
        return fp && fwrite(data, 1, len, fp) == len;
}

static bool same_filter(const struct bw_seccomp_filter *a, const struct bw_seccomp_filter *b)
{
        return a->n_insns == b->n_insns && memcmp(a->insns, b->insns, a->n_insns * sizeof(*a->insns)) == 0;
}

static int count_files(const char *dir)
{
        _cleanup_closedir_ DIR *d = opendir(dir);
        int n = 0;
        for (struct dirent *e; d && (e = readdir(d));)
                n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        return n;
}

static void test_cache(void)
{
        char top[] = "/tmp/bw-seccomp-cache-XXXXXX";
        if (!mkdtemp(top)) {
                tap_ok(false, "mkdtemp");
                return;
        }
        char dir[128];
        snprintf(dir, sizeof(dir), "%s/root/seccomp-cache", top);
        struct oci_seccomp *s = oci_seccomp_default(0);
        _cleanup_free_ char *path = bw_seccomp_cache_path(s, dir);
        _cleanup_error_ struct bw_error *err = NULL;
        struct bw_seccomp_filter plain, first, second, again;

        bool ok = bw_seccomp_compile(s, &plain, &err) == 0 && bw_seccomp_compile_cached(s, dir, &first, &err) == 0;
        tap_ok(ok && !first.from_cache, "first compile through the cache compiles (%s)", err ? err->msg : "ok");
        if (!ok)
                return;
        struct stat st;
        tap_ok(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600,
               "it leaves a 0600 cache file named by the profile's hash (%s)", path);
        tap_ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "the cache directory is created 0700");
        tap_ok(same_filter(&plain, &first), "the cached compile's BPF equals a plain compile's");

        ok = bw_seccomp_compile_cached(s, dir, &second, &err) == 0;
        tap_ok(ok && second.from_cache && same_filter(&first, &second),
               "second compile of the same profile is served from the cache, with identical bytes");
        if (ok)
                bw_seccomp_filter_clear(&second);

        /* Prove the file is what gets served: forge a valid entry whose
         * program differs (the format is documented in seccomp_cache.c). */
        size_t len = 0;
        _cleanup_free_ char *orig = slurp(path, &len);
        if (!orig || len < 24) {
                tap_ok(false, "reading the cache file %s", path);
                return;
        }
        uint32_t key_len, n_insns;
        memcpy(&key_len, orig + 8, 4);
        memcpy(&n_insns, orig + 12, 4);
        size_t prog_off = 24 + key_len;
        tap_ok(len == prog_off + (size_t)n_insns * 8 && n_insns == first.n_insns, "the cache file holds header, key and program");
        _cleanup_free_ char *forged = malloc(len);
        memcpy(forged, orig, len);
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        memcpy(forged + prog_off, &allow, sizeof(allow));
        uint64_t sum = fnv1a(fnv1a(0xcbf29ce484222325ULL, forged + 24, key_len), forged + prog_off, (size_t)n_insns * 8);
        memcpy(forged + 16, &sum, 8);
        spill(path, forged, len);
        ok = bw_seccomp_compile_cached(s, dir, &second, &err) == 0;
        tap_ok(ok && second.from_cache && second.insns[0].code == (BPF_RET | BPF_K) &&
                       second.insns[0].k == SECCOMP_RET_ALLOW,
               "a well-formed cache file is used as is (the forged first instruction comes back)");
        if (ok)
                bw_seccomp_filter_clear(&second);

        /* Corrupt: one program byte flipped, checksum left alone. */
        memcpy(forged, orig, len);
        forged[prog_off + 3] ^= 0x40;
        spill(path, forged, len);
        ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first), "a corrupt cache file is ignored and the profile recompiled");
        if (ok)
                bw_seccomp_filter_clear(&again);
        size_t len2 = 0;
        _cleanup_free_ char *rewritten = slurp(path, &len2);
        tap_ok(len2 == len && memcmp(rewritten, orig, len) == 0, "... and the cache file is rewritten whole");

        /* Truncated. */
        spill(path, orig, len / 2);
        ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first), "a truncated cache file is ignored and rewritten");
        if (ok)
                bw_seccomp_filter_clear(&again);

        /* A file someone else owns is not trusted. */
        if (geteuid() == 0 && chown(path, 65534, 65534) == 0) {
                ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
                tap_ok(ok && !again.from_cache && stat(path, &st) == 0 && st.st_uid == 0,
                       "a cache file owned by another user is not used, and replaced");
                if (ok)
                        bw_seccomp_filter_clear(&again);
        } else {
                tap_skip("needs root to chown", "a cache file owned by another user is not used");
        }

        /* A directory others can write is not used at all. */
        chmod(dir, 0777);
        ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first),
               "a world-writable cache directory is not trusted; the profile is compiled instead");
        if (ok)
                bw_seccomp_filter_clear(&again);
        chmod(dir, 0700);

        /* A different profile gets its own file; no temporary files remain. */
        struct oci_seccomp *other = oci_seccomp_default(1ULL << CAP_SYS_CHROOT);
        ok = bw_seccomp_compile_cached(other, dir, &again, &err) == 0;
        _cleanup_free_ char *other_path = bw_seccomp_cache_path(other, dir);
        tap_ok(ok && strcmp(other_path, path) != 0 && count_files(dir) == 2 && !same_filter(&again, &first),
               "a different profile gets a different cache file (%d files)", count_files(dir));
        if (ok)
                bw_seccomp_filter_clear(&again);

        /* An unusable directory falls back to compiling. */
        char blocked[160];
        snprintf(blocked, sizeof(blocked), "%s/file", top);
        spill(blocked, "x", 1);
        char under_file[192];
        snprintf(under_file, sizeof(under_file), "%s/cache", blocked);
        ok = bw_seccomp_compile_cached(s, under_file, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first), "a cache directory that cannot be created falls back to compiling");
        if (ok)
                bw_seccomp_filter_clear(&again);

        bw_seccomp_filter_clear(&plain);
        bw_seccomp_filter_clear(&first);
        oci_seccomp_free(s);
        oci_seccomp_free(other);
        _cleanup_free_ char *cmd = NULL;
        if (asprintf(&cmd, "rm -rf '%s'", top) > 0 && system(cmd) != 0)
                printf("# could not remove %s\n", top);
}

int main(void)
{
        shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shm == MAP_FAILED) {
                perror("mmap");
                return 1;
        }
        test_default_profile();
        test_actions();
        test_trace();
        test_operators();
        test_personality_rule();
#if defined(__x86_64__)
        test_architectures();
#endif
        test_flags();
        test_refusals();
        test_enosys_defaults();
        test_notify();
        test_cache();
        return tap_done();
}
