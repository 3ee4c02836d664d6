/* Reading and writing cgroup interface files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char *join(const char *dir, const char *file)
{
        char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, file) < 0)
                return NULL;
        return p;
}

int cg_write(const char *dir, const char *file, const char *val, struct bw_error **err)
{
        _cleanup_free_ char *path = join(dir, file);
        if (!path)
                return bw_error_set(err, -ENOMEM, "writing %s", file);
        /* No O_CREAT: a missing interface file means a missing controller,
         * which must be an error, not a new regular file. */
        _cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                int e = -errno;
                if (e == -ENOENT)
                        return bw_error_msg(err, e,
                                            "cannot set %s: %s does not exist (is the controller mounted, "
                                            "enabled in the parent's cgroup.subtree_control, and supported "
                                            "by this kernel?)",
                                            file, path);
                return bw_error_set(err, e, "opening %s", path);
        }
        return bw_write_text(fd, val, path, err);
}

int cg_writef(const char *dir, const char *file, struct bw_error **err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *val = NULL;
        int n = vasprintf(&val, fmt, ap);
        va_end(ap);
        if (n < 0)
                return bw_error_set(err, -ENOMEM, "writing %s", file);
        return cg_write(dir, file, val, err);
}

bool cg_has(const char *dir, const char *file)
{
        _cleanup_free_ char *path = join(dir, file);
        struct stat st;
        return path && stat(path, &st) == 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
        _cleanup_free_ char *path = join(dir, file);
        if (!path)
                return -ENOMEM;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        size_t cap = 4096, len = 0;
        _cleanup_free_ char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (len + 1 >= cap) {
                        char *nb = realloc(buf, cap * 2);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                        cap *= 2;
                }
                ssize_t k = read(fd, buf + len, cap - len - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                len += (size_t)k;
        }
        buf[len] = '\0';
        *out = take_ptr(buf);
        return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
        while (*s == ' ')
                s++;
        if (strncmp(s, "max", 3) == 0) {
                *v = BW_CG_UNLIMITED;
                return 0;
        }
        char *end = NULL;
        errno = 0;
        unsigned long long x = strtoull(s, &end, 10);
        if (errno || end == s || *s == '-')
                return -EINVAL;
        *v = x;
        return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
        _cleanup_free_ char *text = NULL;
        int r = cg_read(dir, file, &text);
        if (r < 0)
                return r;
        return parse_u64(text, v);
}

int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *v)
{
        _cleanup_free_ char *text = NULL;
        int r = cg_read(dir, file, &text);
        if (r < 0)
                return r;
        size_t klen = strlen(key);
        for (char *line = text; line && *line;) {
                char *nl = strchr(line, '\n');
                if (nl)
                        *nl = '\0';
                if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
                        return parse_u64(line + klen + 1, v);
                line = nl ? nl + 1 : NULL;
        }
        return -ENOENT;
}

void cg_nap_ms(long ms)
{
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
}

bool cg_has_dot_component(const char *p)
{
        for (const char *c = p; (c = strchr(c, '.')); c++) {
                if (c != p && c[-1] != '/')
                        continue;
                size_t k = c[1] == '.' ? 2 : 1;
                if (c[k] == '\0' || c[k] == '/')
                        return true;
        }
        return false;
}

void cg_squash_slashes(char *p)
{
        char *w = p;
        for (char *r = p; *r; r++)
                if (!(r[0] == '/' && w > p && w[-1] == '/'))
                        *w++ = *r;
        if (w > p + 1 && w[-1] == '/')
                w--;
        *w = '\0';
}
