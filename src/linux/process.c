#include "linux/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <linux/close_range.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/procfs_handle.h"
#include "util/cleanup.h"
#include "util/strv.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

int bw_process_set_rlimits(const struct oci_rlimit *r, size_t n, struct bw_error **err)
{
        for (size_t i = 0; i < n; i++) {
                struct rlimit l = { .rlim_cur = r[i].soft, .rlim_max = r[i].hard };
                if (setrlimit(r[i].resource, &l) < 0)
                        return bw_error_set(err, -errno, "setting rlimit %s to soft %llu hard %llu",
                                            r[i].type ? r[i].type : "?", (unsigned long long)r[i].soft,
                                            (unsigned long long)r[i].hard);
        }
        return 0;
}

int bw_process_set_oom_score_adj(pid_t pid, int v, struct bw_error **err)
{
        _cleanup_close_ int proc_fd = bw_procfs_open_host(err);
        if (proc_fd < 0)
                return bw_error_wrap(err, "setting oomScoreAdj to %d", v);
        char path[64], buf[16];
        snprintf(path, sizeof(path), "%d/oom_score_adj", (int)(pid > 0 ? pid : getpid()));
        snprintf(buf, sizeof(buf), "%d", v);
        if (bw_procfs_write(proc_fd, path, buf, err) < 0)
                return bw_error_wrap(err, "setting oomScoreAdj to %d", v);
        return 0;
}

int bw_process_set_io_priority(const struct oci_io_priority *io, struct bw_error **err)
{
        if (!io->present)
                return 0;
        enum { IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_SHIFT = 13 };
        int prio = (io->klass_value << IOPRIO_CLASS_SHIFT) | (io->priority & 0xff);
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
                return bw_error_set(err, -errno, "setting ioPriority %s %d", io->klass ? io->klass : "?", io->priority);
        return 0;
}

struct bw_sched_attr {
        uint32_t size, sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime, sched_deadline, sched_period;
};

static const struct {
        const char *name;
        uint64_t flag;
} sched_flags[] = {
        { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
        { "SCHED_FLAG_DL_OVERRUN", 0x04 },    { "SCHED_FLAG_KEEP_POLICY", 0x08 },
        { "SCHED_FLAG_KEEP_PARAMS", 0x10 },   { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
        { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

int bw_process_set_scheduler(const struct oci_scheduler *s, struct bw_error **err)
{
        if (!s->present)
                return 0;
        struct bw_sched_attr a = {
                .size = sizeof(a), .sched_policy = (uint32_t)s->policy_value,
                .sched_nice = s->nice.set ? s->nice.v : 0,
                .sched_priority = s->priority.set ? (uint32_t)s->priority.v : 0,
                .sched_runtime = s->runtime.set ? s->runtime.v : 0,
                .sched_deadline = s->deadline.set ? s->deadline.v : 0,
                .sched_period = s->period.set ? s->period.v : 0,
        };
        for (size_t i = 0; s->flags && s->flags[i]; i++) {
                bool known = false;
                for (size_t k = 0; k < ARRAY_SIZE(sched_flags); k++)
                        if (strcmp(s->flags[i], sched_flags[k].name) == 0) {
                                a.sched_flags |= sched_flags[k].flag;
                                known = true;
                        }
                if (!known)
                        return bw_error_msg(err, -EINVAL, "process.scheduler.flags: unknown flag %s", s->flags[i]);
        }
        if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
                return bw_error_set(err, -errno, "setting the scheduler policy %s", s->policy ? s->policy : "?");
        return 0;
}

int bw_process_set_personality(const struct oci_personality *p, struct bw_error **err)
{
        if (!p || !p->domain)
                return 0;
        unsigned long persona;
        if (strcmp(p->domain, "LINUX") == 0)
                persona = PER_LINUX;
        else if (strcmp(p->domain, "LINUX32") == 0)
                persona = PER_LINUX32;
        else
                return bw_error_msg(err, -EINVAL, "personality domain %s is not supported; use LINUX or LINUX32", p->domain);
        if (personality(persona) < 0)
                return bw_error_set(err, -errno, "setting personality %s", p->domain);
        return 0;
}

int bw_process_set_user(const struct oci_user *u, struct bw_error **err)
{
        gid_t *gids = NULL;
        if (u->n_additional_gids)
                gids = (gid_t *)u->additional_gids;
        /* setgroups is denied in a user namespace whose gid_map was written
         * unprivileged; then only an empty list is possible anyway. */
        if (setgroups(u->n_additional_gids, gids) < 0 && !(errno == EPERM && u->n_additional_gids == 0))
                return bw_error_set(err, -errno, "setting additional groups");
        if (setresgid(u->gid, u->gid, u->gid) < 0)
                return bw_error_set(err, -errno, "setting gid %u (is it mapped in the user namespace?)", u->gid);
        if (setresuid(u->uid, u->uid, u->uid) < 0)
                return bw_error_set(err, -errno, "setting uid %u (is it mapped in the user namespace?)", u->uid);
        return 0;
}

int bw_process_set_names(const char *hostname, const char *domainname, struct bw_error **err)
{
        if (hostname && sethostname(hostname, strlen(hostname)) < 0)
                return bw_error_set(err, -errno, "setting hostname %s (a new uts namespace is needed)", hostname);
        if (domainname && setdomainname(domainname, strlen(domainname)) < 0)
                return bw_error_set(err, -errno, "setting domainname %s (a new uts namespace is needed)", domainname);
        return 0;
}

/* net.ipv4.ping_group_range names gids as the writer's user namespace sees
 * them, and the kernel refuses (EINVAL) a range reaching unmapped ones.
 * Engines write "0 2147483647" (every group may ping) for configs without
 * a user namespace; in one (bulwark's automatic range, say) the same intent
 * is "every mapped group": the request narrowed to the widest mapped range.
 * Returns false when nothing of the request is mapped. */
static bool ping_range_in_userns(int proc_fd, const char *value, char *out, size_t size)
{
        unsigned long long lo, hi, best_lo = 0, best_n = 0;
        if (sscanf(value, "%llu %llu", &lo, &hi) != 2 || lo > hi)
                return false;
        char path[32], map[4096];
        snprintf(path, sizeof(path), "%d/gid_map", (int)getpid());
        if (bw_procfs_read(proc_fd, path, map, sizeof(map)) < 0)
                return false;
        unsigned long long in, outside, n;
        for (const char *line = map; line && *line;) {
                if (sscanf(line, "%llu %llu %llu", &in, &outside, &n) == 3 && n > best_n) {
                        best_lo = in;
                        best_n = n;
                }
                const char *nl = strchr(line, '\n');
                line = nl ? nl + 1 : NULL;
        }
        unsigned long long a = lo > best_lo ? lo : best_lo;
        unsigned long long b = best_n && hi > best_lo + best_n - 1 ? best_lo + best_n - 1 : hi;
        if (!best_n || a > b)
                return false;
        snprintf(out, size, "%llu %llu", a, b);
        return true;
}

int bw_process_set_sysctl(int proc_fd, const char *key, const char *value, struct bw_error **err)
{
        if (!*key || strstr(key, "..") || key[0] == '.' || key[0] == '/')
                return bw_error_msg(err, -EINVAL, "sysctl %s: not a valid name", key);
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "sys/%s", key) < 0)
                return bw_error_set(err, -ENOMEM, "sysctl %s", key);
        for (char *c = path + strlen("sys/"); *c; c++)
                if (*c == '.')
                        *c = '/';
        /* Through our own procfs: whatever the container's /proc/sys shows
         * (a bind mount over the file, a link) is not what we write. */
        _cleanup_close_ int fd = bw_procfs_openat(proc_fd, path, O_WRONLY);
        if (fd < 0)
                return bw_error_set(err, fd, "opening sysctl %s (/proc/%s)", key, path);
        size_t len = strlen(value);
        if (write(fd, value, len) == (ssize_t)len)
                return 0;
        int e = errno;
        char narrowed[64];
        if (e == EINVAL && strcmp(key, "net.ipv4.ping_group_range") == 0 &&
            ping_range_in_userns(proc_fd, value, narrowed, sizeof(narrowed))) {
                len = strlen(narrowed);
                if (write(fd, narrowed, len) == (ssize_t)len)
                        return 0;
                e = errno;
        }
        return bw_error_set(err, -e, "writing sysctl %s=%s", key, value);
}

int bw_process_new_keyring(const char *name, struct bw_error **err)
{
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0) {
                if (errno == ENOSYS || errno == EACCES || errno == EPERM)
                        return 0;
                return bw_error_set(err, -errno, "creating a session keyring (use --no-new-keyring to skip it)");
        }
        return 0;
}

int bw_process_cloexec_from(int first, struct bw_error **err)
{
        if (syscall(SYS_close_range, (unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
                return 0;
        /* Old kernels: walk our fds. */
        _cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
        if (!d)
                return bw_error_set(err, -errno, "listing open fds to close them");
        struct dirent *e;
        while ((e = readdir(d))) {
                int fd = atoi(e->d_name);
                if (fd >= first && fd != dirfd(d) && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
                        return bw_error_set(err, -errno, "marking fd %d close-on-exec", fd);
        }
        return 0;
}

int bw_process_chdir(const char *cwd, struct bw_error **err)
{
        const char *dir = cwd && *cwd ? cwd : "/";
        if (dir[0] != '/')
                return bw_error_msg(err, -EINVAL, "process.cwd %s must be an absolute path", dir);
        if (chdir(dir) < 0)
                return bw_error_set(err, -errno, "changing to the working directory %s", dir);
        char buf[4096];
        if (!getcwd(buf, sizeof(buf)))
                return bw_error_set(err, -errno, "checking the working directory %s", dir);
        if (buf[0] != '/')
                return bw_error_msg(err, -EPERM, "working directory %s is outside the container", dir);
        return 0;
}

char *bw_process_find_exec(const char *file, char *const *env)
{
        if (!file || !*file) {
                errno = ENOENT;
                return NULL;
        }
        if (strchr(file, '/'))
                return strdup(file);
        const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], "PATH=", 5) == 0)
                        path = env[i] + 5;
        int last_err = ENOENT;
        const char *p = path;
        while (p) {
                const char *colon = strchr(p, ':');
                size_t len = colon ? (size_t)(colon - p) : strlen(p);
                char *cand = NULL;
                if (asprintf(&cand, "%.*s/%s", (int)len, len ? p : ".", file) < 0)
                        return NULL;
                struct stat st;
                if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
                        if (access(cand, X_OK) == 0)
                                return cand;
                        last_err = EACCES;
                }
                free(cand);
                p = colon ? colon + 1 : NULL;
        }
        errno = last_err;
        return NULL;
}

int bw_process_default_home(char ***env, uid_t uid)
{
        for (size_t i = 0; *env && (*env)[i]; i++)
                if (strncmp((*env)[i], "HOME=", 5) == 0)
                        return 0;
        const char *home = "/";
        char buf[4096];
        struct passwd pw, *found = NULL;
        /* fgetpwent reads the file itself: no NSS module of the host is
         * loaded into a process that is about to run the container. */
        _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
        while (f && fgetpwent_r(f, &pw, buf, sizeof(buf), &found) == 0) {
                if (found && found->pw_uid == uid) {
                        if (found->pw_dir && *found->pw_dir)
                                home = found->pw_dir;
                        break;
                }
        }
        char *entry = NULL;
        if (asprintf(&entry, "HOME=%s", home) < 0)
                return -ENOMEM;
        return bw_strv_consume(env, entry);
}

/* Signals ignored or caught, from /proc/self/status (one read instead of
 * a sigaction per signal); all of them when it cannot be read from procfs. */
static uint64_t changed_signals(void)
{
        _cleanup_close_ int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct statfs sf;
        char buf[4096];
        /* Not the image's file: a rootfs without /proc mounted could hold one. */
        if (fd < 0 || fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                return UINT64_MAX;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return UINT64_MAX;
        buf[n] = '\0';
        const char *ign = strstr(buf, "\nSigIgn:\t"), *cgt = strstr(buf, "\nSigCgt:\t");
        if (!ign || !cgt)
                return UINT64_MAX;
        return strtoull(ign + 9, NULL, 16) | strtoull(cgt + 9, NULL, 16);
}

void bw_process_reset_signals(void)
{
        /* execve resets caught signals too, but one arriving between the
         * unblock below and execve must not reach our handler. */
        uint64_t changed = changed_signals();
        for (int s = 1; s < NSIG && s <= 64; s++)
                if (s != SIGKILL && s != SIGSTOP && (changed & (1ULL << (s - 1))))
                        signal(s, SIG_DFL);
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
}
