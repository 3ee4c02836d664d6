/* Scratch mounts for tests that need real ones: a private mount namespace
 * (so nothing outlives the test, even if it crashes) and a tmpfs under
 * /tmp with a unique name, removed at the end. */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char scratch_dir[64];

static inline void scratch_cleanup(void)
{
        if (scratch_dir[0]) {
                umount2(scratch_dir, MNT_DETACH);
                rmdir(scratch_dir);
        }
}

/* 0 when ready, -1 when this machine cannot (the caller skips). */
static inline int scratch_setup(const char *name)
{
        if (geteuid() != 0)
                return -1;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -1;
        snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/bw-%s-XXXXXX", name);
        if (!mkdtemp(scratch_dir)) {
                scratch_dir[0] = '\0';
                return -1;
        }
        if (mount("tmpfs", scratch_dir, "tmpfs", 0, "mode=755") < 0) {
                rmdir(scratch_dir);
                scratch_dir[0] = '\0';
                return -1;
        }
        atexit(scratch_cleanup);
        return 0;
}

__attribute__((format(printf, 1, 2)))
static inline const char *sp(const char *fmt, ...)
{
        static char bufs[8][512];
        static int next;
        char rel[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rel, sizeof(rel), fmt, ap);
        va_end(ap);
        char *b = bufs[next++ % 8];
        snprintf(b, 512, "%s/%s", scratch_dir, rel);
        return b;
}

static inline int put_file(const char *path, const char *text, uid_t uid, gid_t gid, mode_t mode)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, text, strlen(text));
        int r = (n == (ssize_t)strlen(text) && fchown(fd, uid, gid) == 0 && fchmod(fd, mode) == 0) ? 0 : -EIO;
        close(fd);
        return r;
}

static inline int put_dir(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
        if (mkdir(path, mode) < 0 && errno != EEXIST)
                return -errno;
        return chown(path, uid, gid) == 0 && chmod(path, mode) == 0 ? 0 : -errno;
}

/* Run fn in a child that joined the user namespace as its root; returns
 * fn's exit status (or 200+ when joining failed). */
static inline int as_container_root(int userns_fd, int (*fn)(void *), void *arg)
{
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                if (setns(userns_fd, CLONE_NEWUSER) < 0)
                        _exit(201);
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        _exit(202);
                _exit(fn(arg));
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
