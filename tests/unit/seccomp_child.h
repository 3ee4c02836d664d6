/* Helpers shared by the seccomp tests: build profiles, run a filter in a
 * forked child (no_new_privs, load, run, exit_group) and read its results
 * from a shared page.
 *
 * Children use raw syscalls after loading (so ASan's interceptors do not
 * meet the filter) and leave with exit_group. */
#pragma once
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
#include "oci/spec.h"
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

static inline void rec(int slot, long r)
{
        shm->ret[slot] = r;
        shm->err[slot] = r < 0 ? errno : 0;
}

typedef void (*child_fn)(void *arg, int listener_fd);

static inline void child_exit(int code)
{
        syscall(SYS_exit_group, code);
        __builtin_unreachable();
}

/* Fork; in the child set no_new_privs, load f (when not NULL), run fn, exit
 * 0. Returns the wait status. */
static inline int run_child(const struct bw_seccomp_filter *f, child_fn fn, void *arg)
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

static inline bool exited(int status, int code)
{
        return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static inline bool killed_by(int status, int sig)
{
        return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* ---- Building profiles --------------------------------------------------- */

static inline struct oci_seccomp *profile(enum oci_seccomp_action def, int def_errno)
{
        struct oci_seccomp *s = calloc(1, sizeof(*s));
        s->default_action = def;
        if (def_errno >= 0)
                s->default_errno_ret = (oci_opt_u32){ true, (uint32_t)def_errno };
        return s;
}

/* names: comma-separated. Returns the rule (valid until the next rule). */
static inline struct oci_seccomp_syscall *rule(struct oci_seccomp *s, const char *names, enum oci_seccomp_action a,
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

static inline void arg(struct oci_seccomp_syscall *r, unsigned int idx, enum oci_seccomp_op op, uint64_t v, uint64_t v2)
{
        r->args = realloc(r->args, (r->n_args + 1) * sizeof(*r->args));
        r->args[r->n_args++] = (struct oci_seccomp_arg){ idx, v, v2, op };
}

/* Compile or report why not. */
static inline bool compile(const struct oci_seccomp *s, struct bw_seccomp_filter *f, const char *what)
{
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_seccomp_compile(s, f, &err);
        if (r < 0)
                printf("# compiling %s: %s\n", what, err->msg);
        return r == 0;
}

/* The error message of a profile that must not compile, or NULL. */
static inline char *compile_error(const struct oci_seccomp *s)
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
static inline long int80(long nr, long a, long b, long c)
{
        long ret;
        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(a), "c"(b), "d"(c)
                         : "memory", "r8", "r9", "r10", "r11");
        return ret;
}

static inline void ia32_probe_child(void *arg, int lfd)
{
        (void)arg, (void)lfd;
        child_exit(int80(20 /* i386 getpid */, 0, 0, 0) == syscall(SYS_getpid) ? 0 : 1);
}

static inline bool have_ia32(void)
{
        return exited(run_child(NULL, ia32_probe_child, NULL), 0);
}
#endif

/* The shared page children report through; call first in main. */
static inline int seccomp_child_init(void)
{
        shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shm == MAP_FAILED) {
                perror("mmap");
                return -1;
        }
        return 0;
}
