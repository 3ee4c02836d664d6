/* Children for the real cgroup tests: forked, moved into a cgroup by the
 * parent, and only then running their test body, so what they try happens
 * under the cgroup's limits. */
#pragma once
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "util/cleanup.h"

static inline void cg_sleep_ms(long ms)
{
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
}

/* Fork; the child waits until it is in cg, then exits with fn(arg).
 * Returns the child's pid, or -1 (and kills it) when moving it failed. */
static inline pid_t cg_spawn_in(struct bw_cgroup *cg, int (*fn)(void *), void *arg)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -1;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                close(p[1]);
                char c;
                if (read(p[0], &c, 1) != 1)
                        _exit(99);
                _exit(fn(arg));
        }
        close(p[0]);
        if (pid < 0) {
                close(p[1]);
                return -1;
        }
        struct bw_error *err = NULL;
        if (bw_cgroup_add_pid(cg, pid, &err) < 0) {
                printf("# %s\n", err->msg);
                bw_error_free(err);
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                close(p[1]);
                return -1;
        }
        if (write(p[1], "x", 1) != 1)
                kill(pid, SIGKILL);
        close(p[1]);
        return pid;
}

/* Spawn and wait: the wait status, or -1. */
static inline int cg_run_in(struct bw_cgroup *cg, int (*fn)(void *), void *arg)
{
        pid_t pid = cg_spawn_in(cg, fn, arg);
        int st = -1;
        if (pid > 0 && waitpid(pid, &st, 0) < 0)
                st = -1;
        return st;
}

/* A child that tries the devices: bit 0 set when /dev/null opened, bit 1
 * set when /dev/zero was refused with EPERM. */
static inline int cg_try_devices(void *arg)
{
        (void)arg;
        int rc = 0;
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
                rc |= 1;
                close(fd);
        }
        fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == EPERM)
                rc |= 2;
        if (fd >= 0)
                close(fd);
        return rc;
}

/* A child that opens each path with its flags and exits with a bit set
 * for every attempt that did not go as expected (0: all as expected). A
 * refusal must be EPERM, the device cgroup's answer. */
struct cg_open_try { const char *path; int flags; bool ok; };
static inline int cg_try_opens(void *arg)
{
        const struct cg_open_try *t = arg;
        int bad = 0;
        for (int i = 0; t[i].path; i++) {
                int fd = open(t[i].path, t[i].flags | O_CLOEXEC);
                bool ok = fd >= 0;
                if (fd >= 0)
                        close(fd);
                if (ok != t[i].ok || (!ok && errno != EPERM))
                        bad |= 1 << i;
        }
        return bad;
}

/* Spin, counting in shared memory, until killed. */
static inline int cg_spin(void *arg)
{
        volatile unsigned long *counter = arg;
        for (;;)
                (*counter)++;
        return 0;
}

/* Does /proc/PID/cgroup put the process at path in every hierarchy it
 * lists, name=systemd aside? */
static inline int cg_proc_in(pid_t pid, const char *path, int *lines)
{
        char file[64], line[512];
        snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
        FILE *f = fopen(file, "re");
        if (!f)
                return 0;
        int ok = 1;
        *lines = 0;
        while (fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = '\0';
                char *c2 = strchr(strchr(line, ':') + 1, ':');
                if (strstr(line, ":name=") || strstr(line, ":misc:") || strstr(line, ":rdma:") ||
                    strstr(line, ":net_cls") || strstr(line, ":perf_event:") || strstr(line, ":hugetlb:"))
                        continue;
                (*lines)++;
                if (strcmp(c2 + 1, path) != 0) {
                        printf("#   %s\n", line);
                        ok = 0;
                }
        }
        fclose(f);
        return ok;
}

/* Rule shapes both device back ends must enforce alike: an allow default
 * with a deny exception, a wildcard minor, access bits. */
#define CG_N(x) { true, (x) }
struct cg_device_case {
        const char *name;
        struct oci_device_rule rules[3];
        size_t n;
        struct cg_open_try tries[4];
};
static const struct cg_device_case cg_device_cases[] = {
        { "allow default, deny /dev/zero",
          { { .allow = false, .type = 'c', .major = CG_N(1), .minor = CG_N(5), .access = "rwm" } }, 1,
          { { "/dev/null", O_RDWR, true }, { "/dev/zero", O_RDONLY, false }, { "/dev/full", O_RDONLY, true } } },
        { "deny all, allow c 1:* (null, zero, full; not tty)",
          { { .allow = false, .type = 'a', .access = "rwm" },
            { .allow = true, .type = 'c', .major = CG_N(1), .access = "rwm" } }, 2,
          { { "/dev/null", O_RDWR, true }, { "/dev/zero", O_RDONLY, true }, { "/dev/tty", O_RDWR, false } } },
        { "deny all, /dev/zero read-only",
          { { .allow = false, .type = 'a', .access = "rwm" },
            { .allow = true, .type = 'c', .major = CG_N(1), .minor = CG_N(5), .access = "r" } }, 2,
          { { "/dev/zero", O_RDONLY, true }, { "/dev/zero", O_RDWR, false }, { "/dev/zero", O_WRONLY, false } } },
        { "allow default, deny writes to /dev/null only",
          { { .allow = false, .type = 'c', .major = CG_N(1), .minor = CG_N(3), .access = "w" } }, 1,
          { { "/dev/null", O_RDONLY, true }, { "/dev/null", O_WRONLY, false }, { "/dev/null", O_RDWR, false } } },
        { "deny all, allow null and zero (not full)",
          { { .allow = false, .type = 'a', .access = "rwm" },
            { .allow = true, .type = 'c', .major = CG_N(1), .minor = CG_N(3), .access = "rwm" },
            { .allow = true, .type = 'c', .major = CG_N(1), .minor = CG_N(5), .access = "rwm" } }, 3,
          { { "/dev/null", O_RDWR, true }, { "/dev/zero", O_RDONLY, true }, { "/dev/full", O_RDONLY, false } } },
};
