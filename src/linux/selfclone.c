#include "linux/selfclone.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/mount.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
/* Set by the re-exec from a view, checked against the exe's mount. */
#define VIEW_ENV "BULWARK_SELFCLONE_VIEW"
#define COST_ENV "BULWARK_SELFCLONE_T0"

extern char **environ;

static enum bw_selfclone_route detect(void)
{
        bool view_env = getenv(VIEW_ENV) != NULL;
        unsetenv(VIEW_ENV); /* never inherited by what we start */
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return BW_SELFCLONE_NONE;
        int seals = fcntl(fd, F_GET_SEALS);
        if (seals >= 0 && (seals & SEALS) == SEALS)
                return BW_SELFCLONE_SEALED;
        /* The variable alone proves nothing: the exe's mount must be
         * read-only too. */
        struct statvfs v;
        if (view_env && fstatvfs(fd, &v) == 0 && (v.f_flag & ST_RDONLY))
                return BW_SELFCLONE_VIEW;
        return BW_SELFCLONE_NONE;
}

static int current = -1;

enum bw_selfclone_route bw_selfclone_current(void)
{
        if (current < 0)
                current = (int)detect();
        return (enum bw_selfclone_route)current;
}

static char **read_cmdline(void)
{
        FILE *f = fopen("/proc/self/cmdline", "re");
        if (!f)
                return NULL;
        char *buf = NULL;
        size_t cap = 0, len = 0;
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
                if (len + n + 1 > cap) {
                        cap = (len + n + 1) * 2;
                        char *nb = realloc(buf, cap);
                        if (!nb) {
                                free(buf);
                                fclose(f);
                                return NULL;
                        }
                        buf = nb;
                }
                memcpy(buf + len, chunk, n);
                len += n;
        }
        fclose(f);
        if (!buf)
                return NULL;
        buf[len] = '\0';
        size_t count = 0;
        for (size_t i = 0; i < len; i++)
                if (buf[i] == '\0')
                        count++;
        /* One block: the pointers, then the strings (freed by execve or never). */
        char **argv = malloc((count + 1) * sizeof(char *));
        if (!argv) {
                free(buf);
                return NULL;
        }
        size_t k = 0;
        for (size_t i = 0; i < len && k < count; i += strlen(buf + i) + 1)
                argv[k++] = buf + i;
        argv[k] = NULL;
        return argv;
}

static long long now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cost_ns = -1;

long long bw_selfclone_cost_ns(void)
{
        return cost_ns;
}

/* Returns a detached read-only view of our binary, or -errno. */
static int make_view(void)
{
        int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct mount_attr ma = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
        if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &ma, sizeof(ma)) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

static int make_sealed_copy(struct bw_error **err)
{
        _cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return bw_error_set(err, -errno, "opening /proc/self/exe to make a sealed copy");
        struct stat st;
        if (fstat(self, &st) < 0)
                return bw_error_set(err, -errno, "checking /proc/self/exe");
        _cleanup_close_ int mfd = memfd_create("bulwark", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mfd < 0)
                return bw_error_set(err, -errno, "creating a memfd for the sealed copy of bulwark");
        off_t off = 0;
        while (off < st.st_size) {
                ssize_t n = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
                if (n < 0)
                        return bw_error_set(err, -errno, "copying bulwark into a memfd");
                if (n == 0)
                        break;
        }
        if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
                return bw_error_set(err, -errno, "sealing the memfd copy of bulwark");
        return take_fd(mfd);
}

int bw_selfclone_ensure(enum bw_selfclone_route want, struct bw_error **err)
{
        enum bw_selfclone_route cur = bw_selfclone_current();
        if (cur >= want && cur != BW_SELFCLONE_NONE) {
                /* Measured for bench/: from before the re-exec to here. */
                const char *t0 = getenv(COST_ENV);
                if (t0)
                        cost_ns = now_ns() - strtoll(t0, NULL, 10);
                unsetenv(COST_ENV);
                return 0;
        }
        char t0[32];
        snprintf(t0, sizeof(t0), "%lld", now_ns());
        setenv(COST_ENV, t0, 1);
        _cleanup_close_ int fd = -1;
        if (want != BW_SELFCLONE_SEALED && (fd = make_view()) >= 0)
                setenv(VIEW_ENV, "1", 1);
        else if ((fd = make_sealed_copy(err)) < 0)
                return fd;
        char **argv = read_cmdline();
        if (!argv)
                return bw_error_set(err, -errno, "reading /proc/self/cmdline");
        syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
        int r = -errno;
        unsetenv(VIEW_ENV);
        free(argv[0]);
        free(argv);
        return bw_error_set(err, r, "re-executing bulwark from a protected image of itself");
}
