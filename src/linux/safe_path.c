#include "linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

static int reopen(int path_fd, int flags)
{
        if ((flags & O_PATH) || (flags & ~(O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY)) == O_PATH)
                return path_fd;
        /* Re-open the resolved O_PATH fd with the access the caller wants;
         * nothing is looked up again. */
        char p[64];
        snprintf(p, sizeof(p), "/proc/self/fd/%d", path_fd);
        int fd = open(p, (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC);
        int saved = errno;
        close(path_fd);
        return fd < 0 ? -saved : fd;
}

/* The fallback: resolve component by component, as the kernel does for
 * RESOLVE_IN_ROOT: ".." stops at the root, an absolute symlink restarts at
 * the root, a relative one is spliced into what is left to walk. */
static int walk_in_root(int root_fd, const char *path, int flags, int resolve)
{
        if (!*path)
                return -ENOENT; /* as open("") */
        char *todo = strdup(path);
        if (!todo)
                return -ENOMEM;
        _cleanup_free_ char *owned = todo;
        int stack[PATH_MAX / 2];
        int depth = 0;
        stack[0] = dup(root_fd);
        if (stack[0] < 0)
                return -errno;
        int links = 0, r = 0;
        char *rest = todo;
        while (rest && *rest) {
                while (*rest == '/')
                        rest++;
                if (!*rest)
                        break;
                char *slash = strchr(rest, '/');
                if (slash)
                        *slash = '\0';
                char *comp = rest;
                rest = slash ? slash + 1 : NULL;
                if (strcmp(comp, ".") == 0)
                        continue;
                if (strcmp(comp, "..") == 0) {
                        if (depth > 0)
                                close(stack[depth--]);
                        continue;
                }
                int fd = openat(stack[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        r = -errno;
                        break;
                }
                struct stat st;
                if (fstat(fd, &st) < 0) {
                        r = -errno;
                        close(fd);
                        break;
                }
                if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
                        close(fd);
                        if (n < 0) {
                                r = -errno;
                                break;
                        }
                        target[n] = '\0';
                        if ((resolve & BW_RESOLVE_NO_SYMLINKS) || ++links > 40) {
                                r = -ELOOP;
                                break;
                        }
                        if (target[0] == '/')
                                while (depth > 0)
                                        close(stack[depth--]);
                        char *next = NULL;
                        if (asprintf(&next, "%s/%s", target, rest ? rest : "") < 0) {
                                r = -ENOMEM;
                                break;
                        }
                        free(owned);
                        owned = next;
                        rest = next;
                        continue;
                }
                if (rest && !S_ISDIR(st.st_mode)) {
                        close(fd);
                        r = -ENOTDIR;
                        break;
                }
                if (depth + 1 >= (int)ARRAY_SIZE(stack)) {
                        close(fd);
                        r = -ENAMETOOLONG;
                        break;
                }
                stack[++depth] = fd;
        }
        int result = r < 0 ? r : stack[depth];
        for (int i = 0; i <= depth; i++)
                if (r < 0 || i != depth)
                        close(stack[i]);
        if (result < 0)
                return result;
        if (flags & O_DIRECTORY) {
                struct stat st;
                if (fstat(result, &st) == 0 && !S_ISDIR(st.st_mode)) {
                        close(result);
                        return -ENOTDIR;
                }
        }
        return reopen(result, flags);
}

int bw_open_in_root(int root_fd, const char *path, int flags, int resolve)
{
        struct open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
                           ((resolve & BW_RESOLVE_NO_SYMLINKS) ? RESOLVE_NO_SYMLINKS : 0),
        };
        long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
        if (fd >= 0)
                return (int)fd;
        if (errno != ENOSYS && errno != EPERM && errno != EAGAIN)
                return -errno;
        /* EAGAIN: a rename raced the lookup; EPERM/ENOSYS: seccomp or
         * an old kernel. The walk below gives the same answer. */
        return walk_in_root(root_fd, path, flags, resolve);
}

int bw_open_parent_in_root(int root_fd, const char *path, bool create, const char **name)
{
        const char *end = path + strlen(path);
        while (end > path && end[-1] == '/')
                end--;
        const char *last = end;
        while (last > path && last[-1] != '/')
                last--;
        if (last == end)
                return -EINVAL; /* the root itself has no parent to open */
        *name = last;
        _cleanup_free_ char *parent = strndup(path, (size_t)(last - path));
        if (!parent)
                return -ENOMEM;
        if (create)
                return bw_mkpath_in_root(root_fd, *parent ? parent : "/", 0755, false);
        return bw_open_in_root(root_fd, *parent ? parent : "/", O_PATH | O_DIRECTORY, 0);
}

/* Create path's missing components one at a time. Each existing prefix is
 * resolved in root; a missing component is created with an *at call on its
 * resolved parent, a single name, so nothing in the image is followed out
 * of the root. A dangling symlink is followed the way the kernel would
 * (inside root): its target is created instead. */
static int mkpath(int root_fd, const char *path, mode_t mode, bool as_file, int depth)
{
        if (depth > 40)
                return -ELOOP;
        int fd = bw_open_in_root(root_fd, path, O_PATH, 0);
        if (fd != -ENOENT)
                return fd;
        _cleanup_free_ char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        _cleanup_close_ int parent = bw_open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0);
        if (parent < 0)
                return parent;
        char *rest = copy;
        size_t done = 0; /* bytes of copy already resolved */
        for (;;) {
                while (*rest == '/')
                        rest++;
                if (!*rest)
                        return take_fd(parent);
                char *slash = strchr(rest, '/');
                if (slash)
                        *slash = '\0';
                const char *comp = rest;
                char *next = slash ? slash + 1 : NULL;
                bool last = !next || !next[strspn(next, "/")];
                done = (size_t)(rest - copy);
                if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
                        /* The prefix so far exists: let the in-root
                         * resolution apply the dots (".." stops at root). */
                        _cleanup_free_ char *prefix = strndup(path, done + strlen(comp));
                        if (!prefix)
                                return -ENOMEM;
                        int p = bw_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0);
                        if (p < 0)
                                return p;
                        close(parent);
                        parent = p;
                        rest = next ? next : rest + strlen(rest);
                        continue;
                }
                int child = openat(parent, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (child >= 0) {
                        struct stat st;
                        if (fstat(child, &st) < 0) {
                                close(child);
                                return -errno;
                        }
                        if (S_ISLNK(st.st_mode)) {
                                char target[PATH_MAX];
                                ssize_t n = readlinkat(child, "", target, sizeof(target) - 1);
                                close(child);
                                if (n < 0)
                                        return -errno;
                                target[n] = '\0';
                                /* Restart with the link replaced by its target. */
                                _cleanup_free_ char *np = NULL;
                                if (asprintf(&np, "%s%.*s/%s/%s", target[0] == '/' ? "" : "/", target[0] == '/' ? 0 : (int)done,
                                             path, target, next ? next : "") < 0)
                                        return -ENOMEM;
                                return mkpath(root_fd, np, mode, as_file, depth + 1);
                        }
                        close(parent);
                        parent = child;
                        rest = next ? next : rest + strlen(rest);
                        continue;
                }
                if (errno != ENOENT)
                        return -errno;
                if (last && as_file) {
                        int f = openat(parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                        if (f < 0 && errno != EEXIST)
                                return -errno;
                        if (f >= 0)
                                close(f);
                } else if (mkdirat(parent, comp, mode) < 0 && errno != EEXIST) {
                        return -errno;
                }
                /* Loop again on the same component: it now exists. */
                if (slash)
                        *slash = '/';
        }
}

int bw_mkpath_in_root(int root_fd, const char *path, mode_t mode, bool as_file)
{
        return mkpath(root_fd, path, mode, as_file, 0);
}
