#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

int bw_read_fd(int fd, size_t max, char **buf, size_t *len)
{
        size_t size = 0, cap = 0;
        _cleanup_free_ char *b = NULL;
        for (;;) {
                if (size == cap && cap >= max) {
                        /* full: a file of exactly max bytes ends here */
                        char extra;
                        ssize_t n = read(fd, &extra, 1);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0)
                                return -errno;
                        if (n > 0)
                                return -EFBIG;
                        break;
                }
                if (size == cap) {
                        cap = cap ? cap * 2 : 16 * 1024;
                        if (cap > max)
                                cap = max;
                        char *nb = realloc(b, cap + 1);
                        if (!nb)
                                return -ENOMEM;
                        b = nb;
                }
                ssize_t n = read(fd, b + size, cap - size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                size += (size_t)n;
        }
        b[size] = '\0';
        *buf = take_ptr(b);
        *len = size;
        return 0;
}

int bw_read_file(const char *path, size_t max, char **buf, size_t *len)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        size_t n;
        return bw_read_fd(fd, max, buf, len ? len : &n);
}

int bw_mkdir_parents(const char *path, mode_t parents, mode_t leaf)
{
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, parents) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, leaf) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int bw_write_text(int fd, const char *text, const char *what, struct bw_error **err)
{
        size_t len = strlen(text);
        int line = (int)strcspn(text, "\n"); /* a map's first line says enough */
        ssize_t n = write(fd, text, len);
        if (n < 0)
                return bw_error_set(err, -errno, "writing \"%.*s\" to %s", line, text, what);
        if ((size_t)n != len)
                return bw_error_msg(err, -EIO, "writing \"%.*s\" to %s: short write (%zd of %zu bytes)", line, text,
                                    what, n, len);
        return 0;
}

ssize_t bw_read_value(const char *path, char *buf, size_t size)
{
        if (size == 0)
                return -EINVAL;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n;
        do
                n = read(fd, buf, size - 1);
        while (n < 0 && errno == EINTR);
        int e = errno;
        close(fd);
        if (n < 0)
                return -e;
        buf[n] = '\0';
        return n;
}

int bw_read_value_ll(const char *path, long long *out)
{
        char buf[64], *end;
        ssize_t n = bw_read_value(path, buf, sizeof(buf));
        if (n < 0)
                return (int)n;
        errno = 0;
        long long v = strtoll(buf, &end, 10);
        if (end == buf || errno || (*end && *end != '\n'))
                return -EINVAL;
        *out = v;
        return 0;
}
