/* Reach the code paths a kernel without openat2 (before 5.6), or a
 * seccomp profile that refuses it, would take, from outside the product:
 * run a function on a thread of its own whose seccomp filter makes openat2
 * fail with ENOSYS. A filter binds only the thread that loads it (no
 * TSYNC), so the rest of the test keeps openat2. */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct no_openat2_job {
        void (*fn)(void *arg);
        void *arg;
        int r;
};

static void *no_openat2_thread(void *p)
{
        struct no_openat2_job *job = p;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                job->r = -errno;
                return NULL;
        }
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx) {
                job->r = -ENOMEM;
                return NULL;
        }
        int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
        if (r == 0)
                r = seccomp_load(ctx);
        seccomp_release(ctx);
        if (r < 0) {
                job->r = r;
                return NULL;
        }
        /* The filter must hold, or the caller would test openat2 twice. */
        struct open_how how = { .flags = O_PATH | O_CLOEXEC };
        long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
        if (fd >= 0 || errno != ENOSYS) {
                if (fd >= 0)
                        close((int)fd);
                job->r = -EPROTO;
                return NULL;
        }
        job->fn(job->arg);
        job->r = 0;
        return NULL;
}

/* Run fn(arg) where openat2 is ENOSYS; wait for it. Returns 0, or a
 * negative errno when the filter could not be set (fn did not run). */
static inline int without_openat2(void (*fn)(void *arg), void *arg)
{
        struct no_openat2_job job = { fn, arg, -EINVAL };
        pthread_t t;
        int r = pthread_create(&t, NULL, no_openat2_thread, &job);
        if (r != 0)
                return -r;
        pthread_join(t, NULL);
        return job.r;
}
