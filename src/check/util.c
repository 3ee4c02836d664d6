/* What the probes share: adding a finding by rule id, reading small files
 * of /proc. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "check/probe.h"
#include "util/cleanup.h"
#include "util/fs.h"

int bw_check_add(struct bw_findings *out, const char *id, const char *fmt, ...)
{
        const struct bw_rule *r = bw_rule_find(id);
        if (!r)
                return -EINVAL;
        _cleanup_free_ char *detail = NULL;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&detail, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        return bw_findings_add(out, r, NULL, "%s", detail);
}

int probe_read(const char *path, char **out)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        size_t len;
        return bw_read_fd(fd, 1 << 20, out, &len);
}

int probe_status_field(const char *key, char *val, size_t n)
{
        _cleanup_free_ char *s = NULL;
        int r = probe_read("/proc/self/status", &s);
        if (r < 0)
                return r;
        size_t klen = strlen(key);
        for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
                        const char *v = line + klen + 1;
                        v += strspn(v, " \t");
                        size_t l = strcspn(v, "\n");
                        snprintf(val, n, "%.*s", (int)l, v);
                        return 0;
                }
        }
        return -ENOENT;
}

const char *probe_errno_name(int e)
{
        switch (e) {
        case 0: return "ok";
        case EPERM: return "EPERM";
        case EACCES: return "EACCES";
        case ENOSYS: return "ENOSYS";
        case EINVAL: return "EINVAL";
        case ENOENT: return "ENOENT";
        case EFAULT: return "EFAULT";
        case EBADF: return "EBADF";
        case EROFS: return "EROFS";
        case ESRCH: return "ESRCH";
        case EOPNOTSUPP: return "EOPNOTSUPP";
        case ENODEV: return "ENODEV";
        case ENXIO: return "ENXIO";
        case EBUSY: return "EBUSY";
        case ECONNREFUSED: return "ECONNREFUSED";
        case EAFNOSUPPORT: return "EAFNOSUPPORT";
        case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
        default: return strerrorname_np(e) ? strerrorname_np(e) : "error";
        }
}
