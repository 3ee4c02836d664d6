/* Which breakout system calls the seccomp filter lets through, each tried
 * in a child with arguments the kernel rejects before it does anything
 * (a bad pointer, an unknown flag or command), so a call that passes the
 * filter returns EFAULT, EINVAL, EBADF..., and one the filter stops
 * returns its errno (EPERM, ENOSYS) or kills the child. EPERM is also
 * what the kernel says for a missing capability: such calls count as
 * stopped, which for the container they are. */
#include <errno.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check/check.h"
#include "check/probe.h"
#include "policy/checks.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

struct probe {
        const char *name;
        long nr;
        long a[5];
};

static const struct probe probes[] = {
        { "mount", SYS_mount, { 0, 0, 0, 0, 0 } },                      /* NULL target: EFAULT */
        { "umount2", SYS_umount2, { 0, -1, 0, 0, 0 } },                 /* unknown flags: EINVAL */
        { "unshare", SYS_unshare, { CLONE_NEWUSER | CLONE_PARENT, 0, 0, 0, 0 } }, /* CLONE_PARENT: EINVAL */
        { "setns", SYS_setns, { -1, 0, 0, 0, 0 } },                     /* EBADF */
        { "keyctl", SYS_keyctl, { 0x7fff, 0, 0, 0, 0 } },               /* unknown command: EOPNOTSUPP */
        { "add_key", SYS_add_key, { 0, 0, 0, 0, 0 } },                  /* NULL type: EFAULT */
        { "request_key", SYS_request_key, { 0, 0, 0, 0, 0 } },          /* EFAULT */
        { "bpf", SYS_bpf, { 0x7fff, 0, 0, 0, 0 } },                     /* unknown command: EINVAL */
        { "userfaultfd", SYS_userfaultfd, { UFFD_USER_MODE_ONLY | 0x40000000L, 0, 0, 0, 0 } }, /* EINVAL */
        { "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, 0 } }, /* NULL attr: EFAULT */
        { "open_by_handle_at", SYS_open_by_handle_at, { -1, 0, 0, 0, 0 } },
        { "fsopen", SYS_fsopen, { 0, -1, 0, 0, 0 } },
        { "open_tree", SYS_open_tree, { -1, 0, -1, 0, 0 } },            /* unknown flags: EINVAL */
        { "move_mount", SYS_move_mount, { -1, 0, -1, 0, -1 } },         /* unknown flags: EINVAL */
        { "init_module", SYS_init_module, { 0, 0, 0, 0, 0 } },
        { "kexec_load", SYS_kexec_load, { 0, 0, 0, -1, 0 } },
        { "pivot_root", SYS_pivot_root, { 0, 0, 0, 0, 0 } },            /* EFAULT */
        { "quotactl", SYS_quotactl, { 0, 0, 0, 0, 0 } },
};

/* 0: returned (errno in *e); 1: killed by the filter. */
static int try(const struct probe *p, int *e)
{
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                long r = syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4]);
                _exit(r < 0 ? (errno & 0xff) : 0);
        }
        int st;
        while (waitpid(pid, &st, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFSIGNALED(st))
                return 1;
        *e = WEXITSTATUS(st);
        return 0;
}

static bool breakout(const char *name)
{
        for (size_t i = 0; bw_breakout_syscalls[i]; i++)
                if (strcmp(bw_breakout_syscalls[i], name) == 0)
                        return true;
        return false;
}

int bw_check_observe_syscalls(struct bw_findings *out)
{
        char mode[16] = "";
        probe_status_field("Seccomp", mode, sizeof(mode));
        if (strcmp(mode, "2") != 0)
                return 0; /* no filter: BW050 says it all */
        char through[1024] = "";
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
                const struct probe *p = &probes[i];
                int e = 0;
                int k = try(p, &e);
                if (k != 0 || !breakout(p->name) || e == EPERM || e == ENOSYS || e == EACCES)
                        continue;
                snprintf(through + strlen(through), sizeof(through) - strlen(through), "%s%s (%s)",
                         through[0] ? ", " : "", p->name, probe_errno_name(e));
        }
        if (!through[0])
                return 0;
        return bw_check_add(out, BW_RULE_SECCOMP_BREAKOUT_SYSCALLS, "the seccomp filter lets through %s", through);
}
