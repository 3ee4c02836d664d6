/* containerd's task bundles (see containerd.h): a walk by directory fds,
 * never following a symbolic link, over two levels: namespaces, then
 * task ids. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/containerd.h"
#include "util/cleanup.h"
#include "util/strv.h"

#define TASK_DIR "io.containerd.runtime.v2.task"
#define MAX_CONFIG (16u << 20)

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the subdirectories of dir (hidden ones skipped), sorted. */
static int subdirs(int dfd, const char *where, char ***out, struct bw_error **err)
{
        int fd = dup(dfd);
        if (fd < 0)
                return bw_error_set(err, -errno, "listing %s", where);
        DIR *d = fdopendir(fd);
        if (!d) {
                int e = -errno;
                close(fd);
                return bw_error_set(err, e, "listing %s", where);
        }
        rewinddir(d);
        _cleanup_strv_ char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        struct dirent *de;
        int r = v ? 0 : -ENOMEM;
        while (r == 0 && (de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                struct stat st;
                if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                char **nv = realloc(v, (n + 2) * sizeof(*nv));
                char *s = strdup(de->d_name);
                if (!nv || !s) {
                        free(s);
                        if (nv)
                                v = nv;
                        r = -ENOMEM;
                        break;
                }
                v = nv;
                v[n++] = s;
                v[n] = NULL;
        }
        closedir(d);
        if (r < 0)
                return bw_error_set(err, r, "listing %s", where);
        qsort(v, n, sizeof(*v), cmp_str);
        *out = take_ptr(v);
        return 0;
}

static int read_config(int fd, const char *path, char **data, size_t *len, struct bw_error **err)
{
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, cap = 0;
        for (;;) {
                if (n + 4096 + 1 > cap) {
                        if (cap > MAX_CONFIG)
                                return bw_error_msg(err, -EFBIG, "%s: larger than %u bytes", path, MAX_CONFIG);
                        cap = cap ? cap * 2 : 16384;
                        char *nb = realloc(buf, cap);
                        if (!nb)
                                return bw_error_set(err, -ENOMEM, "reading %s", path);
                        buf = nb;
                }
                ssize_t k = read(fd, buf + n, cap - n - 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return bw_error_set(err, -errno, "reading %s", path);
                if (k == 0)
                        break;
                n += (size_t)k;
        }
        buf[n] = 0;
        *data = take_ptr(buf);
        *len = n;
        return 0;
}

static int add_task(struct bw_containerd_tasks *out, int ns_fd, const char *base, const char *ns, const char *id,
                    struct bw_error **err)
{
        _cleanup_free_ char *path = NULL, *name = NULL;
        if (asprintf(&path, "%s/%s/%s/config.json", base, ns, id) < 0 || asprintf(&name, "%s/%s", ns, id) < 0)
                return bw_error_set(err, -ENOMEM, "listing %s", base);
        _cleanup_close_ int id_fd = openat(ns_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (id_fd < 0)
                return errno == ENOENT ? 0 : bw_error_set(err, -errno, "opening %s/%s/%s", base, ns, id);
        _cleanup_close_ int fd = openat(id_fd, "config.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return 0; /* the task is being created (or deleted) */
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return bw_error_msg(err, -EINVAL, "%s: not a regular file", path);
        char *data = NULL;
        size_t len = 0;
        int r = read_config(fd, path, &data, &len, err);
        if (r < 0)
                return r;
        struct bw_containerd_task *nt = realloc(out->t, (out->n + 1) * sizeof(*nt));
        if (!nt) {
                free(data);
                return bw_error_set(err, -ENOMEM, "listing %s", base);
        }
        out->t = nt;
        out->t[out->n++] = (struct bw_containerd_task){ take_ptr(name), take_ptr(path), data, len };
        return 0;
}

static int walk_ns(struct bw_containerd_tasks *out, int base_fd, const char *base, const char *ns,
                   struct bw_error **err)
{
        _cleanup_close_ int ns_fd = openat(base_fd, ns, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (ns_fd < 0 && errno == ENOENT)
                return 0; /* no task has run in it since containerd started */
        if (ns_fd < 0)
                return bw_error_set(err, -errno, "opening %s/%s", base, ns);
        _cleanup_free_ char *where = NULL;
        if (asprintf(&where, "%s/%s", base, ns) < 0)
                return bw_error_set(err, -ENOMEM, "listing %s", base);
        _cleanup_strv_ char **ids = NULL;
        int r = subdirs(ns_fd, where, &ids, err);
        for (size_t i = 0; r >= 0 && ids[i]; i++)
                r = add_task(out, ns_fd, base, ns, ids[i], err);
        return r;
}

/* containerd refuses other names: a label, [A-Za-z0-9] first, then
 * [A-Za-z0-9_.-]; never a path. */
static bool valid_ns(const char *ns)
{
        if (!ns[0] || strlen(ns) > 76 || ns[0] == '.' || ns[0] == '-' || ns[0] == '_')
                return false;
        for (const char *p = ns; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *p))
                        return false;
        return true;
}

int bw_containerd_tasks(const char *state, const char *ns, struct bw_containerd_tasks *out, struct bw_error **err)
{
        *out = (struct bw_containerd_tasks){ 0 };
        if (ns && !valid_ns(ns))
                return bw_error_usage(err, "containerd namespace '%s': not a namespace name (letters, digits, "
                                      "'_', '.', '-'); list them with: ctr namespaces ls", ns);
        _cleanup_free_ char *base = NULL;
        if (asprintf(&base, "%s/" TASK_DIR, state) < 0)
                return bw_error_set(err, -ENOMEM, "listing %s", state);
        _cleanup_close_ int base_fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (base_fd < 0 && errno == ENOENT)
                return bw_error_msg(err, -ENOENT, "%s: no such directory: containerd is not running with its "
                                    "state in %s (or has never run a task); start containerd, or give its "
                                    "state directory with --containerd-state DIR", base, state);
        if (base_fd < 0)
                return bw_error_set(err, -errno, "opening %s", base);
        int r;
        if (ns)
                r = walk_ns(out, base_fd, base, ns, err);
        else {
                _cleanup_strv_ char **nss = NULL;
                r = subdirs(base_fd, base, &nss, err);
                for (size_t i = 0; r >= 0 && nss[i]; i++)
                        r = walk_ns(out, base_fd, base, nss[i], err);
        }
        if (r < 0)
                bw_containerd_tasks_free(out);
        return r;
}

void bw_containerd_tasks_free(struct bw_containerd_tasks *t)
{
        for (size_t i = 0; i < t->n; i++) {
                free(t->t[i].name);
                free(t->t[i].path);
                free(t->t[i].data);
        }
        free(t->t);
        *t = (struct bw_containerd_tasks){ 0 };
}
