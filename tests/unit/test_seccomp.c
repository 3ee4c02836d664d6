/* The built-in seccomp profile, loaded in forked children (after
 * no_new_privs): the attacks it must stop, run for real, each also run
 * without the filter as a control whose errno must differ; the ENOSYS line
 * on x86_64, i386 (int 0x80) and x32; and the ordinary calls that must keep
 * working. */
#include "seccomp_child.h"

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

int main(void)
{
        if (seccomp_child_init() < 0)
                return 1;
        test_default_profile();
        return tap_done();
}
