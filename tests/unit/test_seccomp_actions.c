/* A config's seccomp profile: every action, every argument operator,
 * architectures, flags, the refusals the spec asks for, and the ENOSYS
 * prefix under other defaults; each loaded in a forked child and observed. */
#include "seccomp_child.h"

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

int main(void)
{
        if (seccomp_child_init() < 0)
                return 1;
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
        return tap_done();
}
