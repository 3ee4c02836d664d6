/* Resolving inside a root: openat2 and the fallback walk must agree, and
 * neither may leave the root through symlinks or "..". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/safe_path.h"
#include "no_openat2.h"
#include "tap.h"

static char base[] = "/tmp/bw-safe-path.XXXXXX";
static int root_fd;

static void mk(const char *rel, int dir)
{
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", base, rel);
        if (dir)
                mkdir(p, 0755);
        else
                close(open(p, O_CREAT | O_WRONLY, 0644));
}

static void ln(const char *target, const char *rel)
{
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", base, rel);
        if (symlink(target, p) < 0)
                perror("symlink");
}

/* Where did path resolve to, relative to base? "" for base itself. */
static char *where(int fd)
{
        static char out[512];
        char link[64], buf[512];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, buf, sizeof(buf) - 1);
        close(fd);
        if (n < 0)
                return "?";
        buf[n] = '\0';
        size_t bl = strlen(base);
        if (strncmp(buf, base, bl) != 0)
                return "OUTSIDE";
        snprintf(out, sizeof(out), "%s", buf + bl);
        return out;
}

/* Each check runs twice: with openat2, then on a thread where openat2 is
 * ENOSYS (no_openat2.h), so bw_open_in_root takes its fallback walk. */
static void twice(void (*fn)(void *mode))
{
        static const char *modes[] = { "openat2", "fallback" };
        fn((void *)modes[0]);
        int r = without_openat2(fn, (void *)modes[1]);
        if (r < 0)
                tap_ok(0, "a thread without openat2: %s", strerror(-r));
}

struct both_case {
        const char *path, *want, *name;
};
static struct both_case cur;

static void both_once(void *mode)
{
        int fd = bw_open_in_root(root_fd, cur.path, O_PATH, 0);
        char label[256];
        snprintf(label, sizeof(label), "%s (%s)", cur.name, (const char *)mode);
        if (fd < 0) {
                tap_ok(cur.want == NULL, "%s: error %d", label, fd);
                return;
        }
        tap_is_str(where(fd), cur.want ? cur.want : "(error)", label);
}

static void both(const char *path, const char *want, const char *name)
{
        cur = (struct both_case){ path, want, name };
        twice(both_once);
}

static void no_symlinks(void *mode)
{
        int fd = bw_open_in_root(root_fd, "abs/passwd", O_PATH, BW_RESOLVE_NO_SYMLINKS);
        tap_ok(fd == -ELOOP, "NO_SYMLINKS refuses a symlink on the way (%s)", (const char *)mode);
        if (fd >= 0)
                close(fd);
}

/* Creating through a dangling absolute symlink creates inside root. */
static void mkpath_dangling(void *mode)
{
        int fb = strcmp(mode, "fallback") == 0;
        char t[64];
        snprintf(t, sizeof(t), "/made%d/deep", fb);
        char l[16];
        snprintf(l, sizeof(l), "mk%d", fb);
        ln(t, l);
        char p[64];
        snprintf(p, sizeof(p), "%s/sub", l);
        int fd = bw_mkpath_in_root(root_fd, p, 0755, false);
        char want[64];
        snprintf(want, sizeof(want), "/made%d/deep/sub", fb);
        tap_is_str(fd >= 0 ? where(fd) : "(error)", want, "mkpath follows a dangling link inside root");
        struct stat st;
        snprintf(p, sizeof(p), "/made%d", fb);
        tap_ok(stat(p, &st) < 0, "nothing was created at the host path %s", p);
}

int main(void)
{
        if (!mkdtemp(base))
                return 1;
        root_fd = open(base, O_PATH | O_DIRECTORY);
        mk("etc", 1);
        mk("etc/passwd", 0);
        mk("a", 1);
        mk("a/b", 1);
        ln("/etc", "abs");                 /* absolute: must mean <root>/etc */
        ln("../../../../../../..", "up");  /* climbs: stops at the root */
        ln("a/b", "rel");
        ln("/nonexistent/x", "dangling");
        ln("loop2", "loop1");
        ln("loop1", "loop2");

        both("/etc/passwd", "/etc/passwd", "plain path");
        both("abs/passwd", "/etc/passwd", "absolute symlink stays in root");
        both("up/etc", "/etc", "dot-dot symlink stops at root");
        both("/../../etc", "/etc", "leading .. stops at root");
        both("a/b/../../etc", "/etc", "inner ..");
        both("rel", "/a/b", "relative symlink");
        both("dangling", NULL, "dangling symlink is ENOENT, not the host path");
        both("loop1", NULL, "symlink loop is an error");

        twice(no_symlinks);
        twice(mkpath_dangling);
        int fd = bw_mkpath_in_root(root_fd, "/up/newfile", 0755, true);
        tap_is_str(fd >= 0 ? where(fd) : "(error)", "/newfile", "mkpath of a file through a climbing link");

        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
        if (system(cmd) != 0)
                return 1;
        return tap_done();
}
