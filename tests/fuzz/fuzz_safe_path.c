/* libFuzzer target for in-root resolution: for any path, openat2
 * (RESOLVE_IN_ROOT) and the fallback walk must agree, and what they open
 * must be inside the root. The root is a small tree with hostile links. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/safe_path.h"
#include "../unit/no_openat2.h"

static char base[] = "/tmp/bw-fuzz-root.XXXXXX";
static int root_fd = -1;

static void cleanup(void)
{
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        if (system(cmd) != 0) { /* best effort */ }
}

static void setup(void)
{
        if (!mkdtemp(base))
                abort();
        atexit(cleanup);
        static const char *const dirs[] = { "etc", "a", "a/b", "a/b/c", "proc", NULL };
        for (size_t i = 0; dirs[i]; i++) {
                char p[512];
                snprintf(p, sizeof(p), "%s/%s", base, dirs[i]);
                mkdir(p, 0755);
        }
        static const char *const links[][2] = {
                { "/etc", "abs" }, { "../../../../..", "up" }, { "a/b", "rel" }, { "/", "slash" },
                { "/nonexistent", "dangling" }, { "loop2", "loop1" }, { "loop1", "loop2" },
                { "../..", "a/b/c/upup" }, { "/proc/self/root", "magic" }, { "..", "a/dotdot" },
        };
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
                char p[512];
                snprintf(p, sizeof(p), "%s/%s", base, links[i][1]);
                if (symlink(links[i][0], p) < 0)
                        abort();
        }
        char p[512];
        snprintf(p, sizeof(p), "%s/etc/passwd", base);
        close(open(p, O_CREAT | O_WRONLY, 0644));
        root_fd = open(base, O_PATH | O_DIRECTORY);
        if (root_fd < 0)
                abort();
}

/* Where fd is, or NULL when outside the root. */
static int where(int fd, char *out, size_t size)
{
        char link[64];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, out, size - 1);
        if (n < 0)
                return -1;
        out[n] = '\0';
        size_t bl = strlen(base);
        return strncmp(out, base, bl) == 0 && (out[bl] == '\0' || out[bl] == '/') ? 0 : -1;
}

struct walk_job {
        const char *path;
        int fd;
};

static void fallback_open(void *p)
{
        struct walk_job *job = p;
        job->fd = bw_open_in_root(root_fd, job->path, O_PATH, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (root_fd < 0)
                setup();
        if (size > 512)
                return 0;
        char path[513];
        memcpy(path, data, size);
        path[size] = '\0';
        if (strlen(path) != size)
                return 0; /* embedded NUL */
        int a = bw_open_in_root(root_fd, path, O_PATH, 0);
        /* The walk: on a thread where openat2 is ENOSYS (no_openat2.h). */
        struct walk_job job = { path, -1 };
        if (without_openat2(fallback_open, &job) < 0)
                abort(); /* no filter: the walk would not be what ran */
        int b = job.fd;
        char wa[4096], wb[4096];
        if (a >= 0 && where(a, wa, sizeof(wa)) < 0)
                abort(); /* openat2 escaped: the kernel would be broken */
        if (b >= 0 && where(b, wb, sizeof(wb)) < 0)
                abort(); /* the fallback walk escaped the root */
        if (a >= 0 && b >= 0 && strcmp(wa, wb) != 0)
                abort(); /* the two disagree on where the path leads */
        /* Either both open, or both fail; the fallback may differ on which
         * error (ENAMETOOLONG, ELOOP limits, the magic link refused). */
        bool a_ok = a >= 0, b_ok = b >= 0;
        if (a_ok != b_ok && !(a == -EXDEV || a == -ELOOP || b == -ELOOP || a == -ENAMETOOLONG || b == -ENAMETOOLONG))
                abort();
        if (a >= 0)
                close(a);
        if (b >= 0)
                close(b);
        return 0;
}
