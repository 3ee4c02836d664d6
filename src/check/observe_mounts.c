/* Mounts that expose the host, judged from /proc/self/mountinfo and by
 * trying them: engine sockets that accept connect(), host directories
 * bound in, a writable /proc/sys, /sys or cgroupfs (release_agent). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "check/check.h"
#include "check/probe.h"
#include "linux/mountinfo.h"
#include "policy/checks.h"
#include "util/cleanup.h"
#include "util/strv.h"

/* Where engines put their sockets, for a container that has the host's
 * /run or /var/run (or the socket itself) bound in at the usual place. */
static const char *const usual_sockets[] = {
        "/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
        "/var/run/containerd/containerd.sock", "/run/podman/podman.sock", "/var/run/crio/crio.sock",
        "/run/crio/crio.sock", "/run/buildkit/buildkitd.sock", NULL,
};

static bool connects(const char *path)
{
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(a.sun_path))
                return false;
        strcpy(a.sun_path, path);
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        /* a listener whose backlog is full would block connect() for ever */
        struct timeval tv = { 2, 0 };
        return s >= 0 && setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0 &&
               connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
}

static int consider(char ***found, const char *path)
{
        struct stat st;
        if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode) || bw_strv_contains(*found ? *found : (char *[]){ NULL }, path))
                return 0;
        if (!connects(path))
                return 0;
        return bw_strv_push(found, path);
}

/* Each mount line's fields we need: the mount's own options (field 6). */
static void mount_opts(const char *line, char *opts, size_t n)
{
        const char *p = line;
        for (int i = 0; i < 5 && p; i++)
                p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
        opts[0] = 0;
        if (p)
                snprintf(opts, n, "%.*s", (int)strcspn(p, " "), p);
}

static bool opt_rw(const char *opts)
{
        return strncmp(opts, "rw", 2) == 0 && (opts[2] == 0 || opts[2] == ',');
}

int bw_check_engine_sockets(char ***out)
{
        char **found = NULL;
        int r = 0;
        for (size_t i = 0; usual_sockets[i] && r >= 0; i++)
                r = consider(&found, usual_sockets[i]);
        /* every mount point that is a socket, and engine sockets directly
         * inside a mounted directory (a socket reached through its parent) */
        _cleanup_free_ char *mi = NULL;
        if (r >= 0 && probe_read("/proc/self/mountinfo", &mi) == 0) {
                for (char *line = strtok(mi, "\n"); line && r >= 0; line = strtok(NULL, "\n")) {
                        struct bw_mountinfo m = { 0 };
                        if (bw_mountinfo_parse_line(line, &m) < 0)
                                continue;
                        r = consider(&found, m.mountpoint);
                        _cleanup_closedir_ DIR *d = strncmp(m.mountpoint, "/proc", 5) && strncmp(m.mountpoint, "/sys", 4)
                                                            ? opendir(m.mountpoint) : NULL;
                        for (struct dirent *e; d && r >= 0 && (e = readdir(d));) {
                                if (!bw_is_engine_socket(e->d_name))
                                        continue;
                                char p[4096];
                                snprintf(p, sizeof(p), "%s/%s", strcmp(m.mountpoint, "/") ? m.mountpoint : "", e->d_name);
                                r = consider(&found, p);
                        }
                        bw_mountinfo_clear(&m);
                }
        }
        if (r < 0) {
                bw_strv_free(found);
                return r;
        }
        *out = found;
        return 0;
}

static int host_paths(struct bw_findings *out, const char *line, const struct bw_mountinfo *m)
{
        static const char *const virt[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2",
                                            "overlay", "devtmpfs", "securityfs", "debugfs", "tracefs", "bpf",
                                            "fusectl", "configfs", "pstore", "hugetlbfs", "autofs", "binfmt_misc",
                                            "nsfs", "efivarfs", "rpc_pipefs", "nfsd", NULL };
        if (!m->fstype || bw_strv_contains((char **)virt, m->fstype) || strcmp(m->mountpoint, "/") == 0)
                return 0;
        struct oci_mount om = { .source = m->root, .destination = m->mountpoint, .type = (char *)"bind",
                                .options = (char *[]){ (char *)"rbind", NULL } };
        const char *tree = bw_sensitive_source(&(struct oci_config){ 0 }, &om);
        if (!tree)
                return 0;
        char opts[256];
        mount_opts(line, opts, sizeof(opts));
        if (!opt_rw(opts))
                return bw_check_add(out, BW_RULE_SENSITIVE_MOUNT_READONLY, "host %s %s (%s) mounted read-only at %s", m->fstype, m->root, tree,
                                    m->mountpoint);
        /* mounted rw: can this process's ids and capabilities write there?
         * (in a user namespace, host root's files are not writable) */
        if (faccessat(AT_FDCWD, m->mountpoint, W_OK, AT_EACCESS) == 0)
                return bw_check_add(out, BW_RULE_SENSITIVE_MOUNT_WRITABLE, "host %s %s (%s) mounted writable at %s", m->fstype, m->root, tree,
                                    m->mountpoint);
        return bw_check_add(out, BW_RULE_SENSITIVE_MOUNT_READONLY, "host %s %s (%s) mounted rw at %s, not writable by this process (%s)",
                            m->fstype, m->root, tree, m->mountpoint, probe_errno_name(errno));
}

static int cgroupfs(struct bw_findings *out, const char *line, const struct bw_mountinfo *m)
{
        if (!m->fstype || strcmp(m->fstype, "cgroup") != 0)
                return 0;
        char opts[256], ra[4096];
        mount_opts(line, opts, sizeof(opts));
        snprintf(ra, sizeof(ra), "%s/release_agent", m->mountpoint);
        if (!opt_rw(opts) || access(ra, F_OK) < 0)
                return 0;
        return bw_check_add(out, BW_RULE_SENSITIVE_MOUNT_WRITABLE, "cgroupfs (%s) mounted writable at %s, with its release_agent", m->source,
                            m->mountpoint);
}

int bw_check_observe_mounts(struct bw_findings *out)
{
        int r;
        _cleanup_strv_ char **socks = NULL;
        if ((r = bw_check_engine_sockets(&socks)) < 0)
                return r;
        for (size_t i = 0; socks && socks[i]; i++)
                if ((r = bw_check_add(out, BW_RULE_ENGINE_SOCKET_MOUNT, "%s accepts connect()", socks[i])) < 0)
                        return r;

        /* /proc/sys: opening for writing is the test (nothing is written). */
        _cleanup_close_ int ps = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (ps >= 0 && (r = bw_check_add(out, BW_RULE_PROC_SYS_WRITABLE, "/proc/sys/kernel/core_pattern opens for writing")) < 0)
                return r;

        _cleanup_free_ char *mi = NULL;
        if (probe_read("/proc/self/mountinfo", &mi) < 0)
                return 0;
        for (char *save = NULL, *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct bw_mountinfo m = { 0 };
                if (bw_mountinfo_parse_line(line, &m) < 0)
                        continue;
                char opts[256];
                mount_opts(line, opts, sizeof(opts));
                r = 0;
                if (m.fstype && strcmp(m.fstype, "sysfs") == 0 && opt_rw(opts))
                        r = bw_check_add(out, BW_RULE_SYSFS_WRITABLE, "sysfs mounted writable at %s", m.mountpoint);
                if (r >= 0)
                        r = host_paths(out, line, &m);
                if (r >= 0)
                        r = cgroupfs(out, line, &m);
                bw_mountinfo_clear(&m);
                if (r < 0)
                        return r;
        }
        return 0;
}
