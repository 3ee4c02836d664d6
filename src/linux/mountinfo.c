#include "linux/mountinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

void bw_mountinfo_clear(struct bw_mountinfo *m)
{
        free(m->root);
        free(m->mountpoint);
        free(m->fstype);
        free(m->source);
        free(m->superopts);
        *m = (struct bw_mountinfo){ 0 };
}

static bool is_octal(char c) { return c >= '0' && c <= '7'; }

void bw_mountinfo_unescape(char *s)
{
        char *w = s;
        for (char *r = s; *r;) {
                if (r[0] == '\\' && is_octal(r[1]) && is_octal(r[2]) && is_octal(r[3])) {
                        *w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
                        r += 4;
                } else {
                        *w++ = *r++;
                }
        }
        *w = '\0';
}

/* Next space-separated field of *p, copied; NULL at the end of the line. */
static char *next_field(const char **p)
{
        const char *s = *p;
        while (*s == ' ')
                s++;
        if (!*s || *s == '\n')
                return NULL;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\n')
                e++;
        *p = e;
        return strndup(s, (size_t)(e - s));
}

static int parse_int(const char *s, int *out)
{
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < 0 || v > 0x7fffffff)
                return -EINVAL;
        *out = (int)v;
        return 0;
}

int bw_mountinfo_parse_line(const char *line, struct bw_mountinfo *out)
{
        *out = (struct bw_mountinfo){ 0 };
        const char *p = line;
        _cleanup_free_ char *id = next_field(&p), *parent = next_field(&p), *dev = next_field(&p);
        _cleanup_free_ char *root = next_field(&p), *mp = next_field(&p), *opts = next_field(&p);
        if (!id || !parent || !dev || !root || !mp || !opts)
                return -EINVAL;
        /* optional fields up to the lone "-" */
        for (;;) {
                _cleanup_free_ char *f = next_field(&p);
                if (!f)
                        return -EINVAL;
                if (strcmp(f, "-") == 0)
                        break;
        }
        _cleanup_free_ char *fstype = next_field(&p), *source = next_field(&p), *super = next_field(&p);
        if (!fstype || !source)
                return -EINVAL;
        struct bw_mountinfo m = { 0 };
        if (parse_int(id, &m.id) < 0 || parse_int(parent, &m.parent) < 0)
                return -EINVAL;
        bw_mountinfo_unescape(root);
        bw_mountinfo_unescape(mp);
        bw_mountinfo_unescape(source);
        m.root = take_ptr(root);
        m.mountpoint = take_ptr(mp);
        m.fstype = take_ptr(fstype);
        m.source = take_ptr(source);
        m.superopts = super ? take_ptr(super) : strdup("");
        if (!m.superopts) {
                bw_mountinfo_clear(&m);
                return -ENOMEM;
        }
        *out = m;
        return 0;
}

int bw_mountinfo_find(const char *text, int id, struct bw_mountinfo *out)
{
        *out = (struct bw_mountinfo){ 0 };
        for (const char *line = text; line && *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t)(nl - line) : strlen(line);
                _cleanup_free_ char *l = strndup(line, len);
                if (!l)
                        return -ENOMEM;
                struct bw_mountinfo m;
                if (bw_mountinfo_parse_line(l, &m) == 0) {
                        if (m.id == id) {
                                *out = m;
                                return 0;
                        }
                        bw_mountinfo_clear(&m);
                }
                line = nl ? nl + 1 : NULL;
        }
        return -ENOENT;
}

int bw_mount_id_of_fd(int fd, int *id)
{
        struct statx stx;
        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
                return -errno;
        if (!(stx.stx_mask & STATX_MNT_ID))
                return -EOPNOTSUPP;
        *id = (int)stx.stx_mnt_id;
        return 0;
}

int bw_mountinfo_of_fd(int fd, struct bw_mountinfo *out, struct bw_error **err)
{
        int id, r = bw_mount_id_of_fd(fd, &id);
        if (r < 0)
                return bw_error_set(err, r, "finding the mount id (statx STATX_MNT_ID)");
        _cleanup_free_ char *text = NULL;
        if ((r = bw_read_file("/proc/self/mountinfo", BW_READ_MAX, &text, NULL)) < 0)
                return bw_error_set(err, r, "reading /proc/self/mountinfo");
        if ((r = bw_mountinfo_find(text, id, out)) < 0)
                return bw_error_msg(err, r, "mount %d is not in /proc/self/mountinfo (is it in another mount namespace?)", id);
        return 0;
}

int bw_mountinfo_of_path(const char *path, struct bw_mountinfo *out, struct bw_error **err)
{
        _cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        if (bw_mountinfo_of_fd(fd, out, err) < 0)
                return bw_error_wrap(err, "finding the mount of %s", path);
        return 0;
}
