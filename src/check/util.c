/* What the probes share: adding a finding of a rule, reading small files
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
#include "linux/mountinfo.h"
#include "util/cleanup.h"
#include "util/fs.h"

int bw_check_add(struct bw_findings *out, enum bw_rule_key k, const char *fmt, ...)
{
        _cleanup_free_ char *detail = NULL;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&detail, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        return bw_findings_add(out, bw_rule(k), NULL, "%s", detail);
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

/* The path of this process's own cgroup in the hierarchy: "N:ctrls:/path"
 * of /proc/self/cgroup, for a v1 controller, or the "0::" line for v2
 * (controller NULL). */
static int own_cgroup(const char *controller, char *path, size_t n)
{
        _cleanup_free_ char *s = NULL;
        int r = probe_read("/proc/self/cgroup", &s);
        if (r < 0)
                return r;
        for (char *save = NULL, *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c2)
                        continue;
                *c2 = 0;
                const char *ctrls = c1 + 1;
                bool match = false;
                if (!controller) {
                        match = ctrls[0] == 0;
                } else {
                        _cleanup_free_ char *copy = strdup(ctrls);
                        for (char *sv = NULL, *t = copy ? strtok_r(copy, ",", &sv) : NULL; t && !match;
                             t = strtok_r(NULL, ",", &sv))
                                match = strcmp(t, controller) == 0;
                }
                if (match) {
                        snprintf(path, n, "%s", c2 + 1);
                        return 0;
                }
        }
        return -ENOENT;
}

static bool has_opt(const char *opts, const char *opt)
{
        size_t l = strlen(opt);
        for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                if (strncmp(p, opt, l) == 0 && (p[l] == ',' || p[l] == 0))
                        return true;
        return false;
}

int probe_cgroup_read(const char *controller, const char *file, char **out, char *where, size_t n)
{
        char own[4096];
        int r = own_cgroup(controller, own, sizeof(own));
        if (r < 0)
                return r;
        _cleanup_free_ char *mi = NULL;
        if ((r = probe_read("/proc/self/mountinfo", &mi)) < 0)
                return r;
        for (char *save = NULL, *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct bw_mountinfo m = { 0 };
                if (bw_mountinfo_parse_line(line, &m) < 0)
                        continue;
                bool match = controller ? m.fstype && strcmp(m.fstype, "cgroup") == 0 && m.superopts &&
                                                  has_opt(m.superopts, controller)
                                        : m.fstype && strcmp(m.fstype, "cgroup2") == 0;
                /* the mount shows the hierarchy from m.root down: our cgroup is under it */
                size_t rl = m.root ? strlen(m.root) : 0;
                if (match && rl && strcmp(m.root, "/") == 0)
                        rl = 0;
                if (match && strncmp(own, m.root, rl) == 0 && (own[rl] == '/' || own[rl] == 0)) {
                        snprintf(where, n, "%s%s/%s", strcmp(m.mountpoint, "/") ? m.mountpoint : "",
                                 strcmp(own + rl, "/") ? own + rl : "", file);
                        bw_mountinfo_clear(&m);
                        return probe_read(where, out);
                }
                bw_mountinfo_clear(&m);
        }
        return -ENOENT;
}
