/* Reach the code paths a kernel without openat2 (before 5.6), or a
 * seccomp profile that refuses it, would take, from outside the product:
 * run a function on a thread whose seccomp filter makes openat2 fail with
 * ENOSYS. A filter binds only the thread that loads it (no
 * TSYNC), so the rest of the test keeps openat2. */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <seccomp.h>
#include <semaphore.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* One worker thread, started at the first call and kept: a fuzz target
 * calls this for every input, and a new thread and filter each time cost
 * most of its speed. */
static struct {
        pthread_t thread;
        sem_t go, done;
        void (*fn)(void *arg);
        void *arg;
        int r; /* 0, or why the filter could not be set */
        bool started;
} no_openat2_worker;

static void no_openat2_wait(sem_t *s)
{
        while (sem_wait(s) < 0 && errno == EINTR)
                ;
}

static int no_openat2_filter(void)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx)
                return -ENOMEM;
        int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
        if (r == 0)
                r = seccomp_load(ctx);
        seccomp_release(ctx);
        if (r < 0)
                return r;
        /* The filter must hold, or the caller would test openat2 twice. */
        struct open_how how = { .flags = O_PATH | O_CLOEXEC };
        long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
        if (fd >= 0 || errno != ENOSYS) {
                if (fd >= 0)
                        close((int)fd);
                return -EPROTO;
        }
        return 0;
}

static void *no_openat2_thread(void *unused)
{
        no_openat2_worker.r = no_openat2_filter();
        sem_post(&no_openat2_worker.done);
        if (no_openat2_worker.r < 0)
                return unused;
        for (;;) {
                no_openat2_wait(&no_openat2_worker.go);
                no_openat2_worker.fn(no_openat2_worker.arg);
                sem_post(&no_openat2_worker.done);
        }
}

/* Run fn(arg) where openat2 is ENOSYS; wait for it. Returns 0, or a
 * negative errno when the filter could not be set (fn did not run). */
static inline int without_openat2(void (*fn)(void *arg), void *arg)
{
        if (!no_openat2_worker.started) {
                no_openat2_worker.started = true;
                if (sem_init(&no_openat2_worker.go, 0, 0) < 0 || sem_init(&no_openat2_worker.done, 0, 0) < 0)
                        return no_openat2_worker.r = -errno;
                int r = pthread_create(&no_openat2_worker.thread, NULL, no_openat2_thread, NULL);
                if (r != 0)
                        return no_openat2_worker.r = -r;
                no_openat2_wait(&no_openat2_worker.done);
        }
        if (no_openat2_worker.r < 0)
                return no_openat2_worker.r;
        no_openat2_worker.fn = fn;
        no_openat2_worker.arg = arg;
        sem_post(&no_openat2_worker.go);
        no_openat2_wait(&no_openat2_worker.done);
        return 0;
}
