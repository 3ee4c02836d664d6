/* The private procfs handle: what openat2 and the fallback walk refuse. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/procfs_handle.h"
#include "no_openat2.h"
#include "tap.h"
#include "util/cleanup.h"

static void checks(int proc, const char *mode)
{
        char buf[256], path[64];
        tap_ok(bw_procfs_read(proc, "sys/kernel/ostype", buf, sizeof(buf)) > 0 && strcmp(buf, "Linux\n") == 0,
               "%s: sys/kernel/ostype reads Linux", mode);
        snprintf(path, sizeof(path), "%d/status", (int)getpid());
        tap_ok(bw_procfs_read(proc, path, buf, sizeof(buf)) > 0 && strncmp(buf, "Name:", 5) == 0,
               "%s: PID/status opens", mode);
        tap_ok(bw_procfs_openat(proc, "self/status", O_RDONLY) == -ELOOP, "%s: self (a symlink) is refused", mode);
        snprintf(path, sizeof(path), "%d/root/etc/passwd", (int)getpid());
        tap_ok(bw_procfs_openat(proc, path, O_RDONLY) == -ELOOP, "%s: PID/root (a magic link) is refused", mode);
        int r = bw_procfs_openat(proc, "sys/../../etc/passwd", O_RDONLY);
        tap_ok(r == -EXDEV, "%s: .. out of the procfs is refused (%d)", mode, r);
        tap_ok(bw_procfs_openat(proc, "no-such-file", O_RDONLY) == -ENOENT, "%s: a missing file is ENOENT", mode);
        struct bw_error *err = NULL;
        tap_ok(bw_procfs_write(proc, "no-such-file", "x", &err) == -ENOENT && err && strstr(err->msg, "/proc/no-such-file"),
               "%s: a failed write names the file", mode);
        bw_error_free(err);
}

static void walk_checks(void *proc)
{
        checks(*(int *)proc, "fallback walk");
}

int main(void)
{
        struct bw_error *err = NULL;
        _cleanup_close_ int proc = bw_procfs_open(&err);
        if (proc < 0) {
                tap_skip(err ? err->msg : "?", "a private procfs (needs root)");
                bw_error_free(err);
                return tap_done();
        }
        struct stat a, b;
        tap_ok(fstat(proc, &a) == 0 && stat("/proc", &b) == 0 && a.st_ino == 1 && a.st_dev != b.st_dev,
               "the handle is the root of a procfs other than /proc");
        checks(proc, "openat2");
        /* The walk: on a thread where openat2 is ENOSYS, as before 5.6. */
        int r = without_openat2(walk_checks, &proc);
        tap_ok(r == 0, "a thread without openat2 runs the walk checks (%d)", r);
        _cleanup_close_ int host = bw_procfs_open_host(&err);
        tap_ok(host >= 0, "the host-side handle opens");
        return tap_done();
}
