#include "linux/ping_range.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/loopback.h"
#include "linux/procfs_handle.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The kernel's upper bound for the sysctl (GID_T_MAX). */
#define PING_GID_MAX 2147483647u

bool bw_ping_range_from_map(const char *gid_map, uint32_t *lo, uint32_t *hi)
{
        uint64_t best_n = 0, best_lo = 0;
        for (const char *line = gid_map; line && *line;) {
                unsigned long long inside, outside, count;
                if (sscanf(line, "%llu %llu %llu", &inside, &outside, &count) == 3 && count > 0 &&
                    inside <= PING_GID_MAX) {
                        uint64_t n = count;
                        if (inside + n - 1 > PING_GID_MAX)
                                n = PING_GID_MAX - inside + 1;
                        if (n > best_n) {
                                best_n = n;
                                best_lo = inside;
                        }
                }
                const char *nl = strchr(line, '\n');
                line = nl ? nl + 1 : NULL;
        }
        if (!best_n)
                return false;
        *lo = (uint32_t)best_lo;
        *hi = (uint32_t)(best_lo + best_n - 1);
        return true;
}

static bool config_sets_it(const struct oci_config *c)
{
        for (size_t i = 0; c->linux && i < c->linux->sysctl.n; i++)
                if (strcmp(c->linux->sysctl.v[i].key, "net.ipv4.ping_group_range") == 0)
                        return true;
        return false;
}

int bw_ping_range_setup(int proc_fd, const struct oci_config *c, struct bw_error **err)
{
        const struct oci_namespace *net = oci_config_namespace(c, OCI_NS_NETWORK);
        if (!net || net->path)
                return 0; /* the host's or another container's namespace: not ours to change */
        int r = bw_loopback_up(err);
        if (r < 0)
                return r;
        if (config_sets_it(c))
                return 0;
        char map[4096], path[32];
        snprintf(path, sizeof(path), "%d/gid_map", (int)getpid());
        ssize_t n = bw_procfs_read(proc_fd, path, map, sizeof(map));
        if (n < 0)
                return bw_error_set(err, (int)n, "reading /proc/%s for net.ipv4.ping_group_range", path);
        uint32_t lo, hi;
        if (!bw_ping_range_from_map(map, &lo, &hi))
                return 0;
        char text[64];
        snprintf(text, sizeof(text), "%" PRIu32 " %" PRIu32 "\n", lo, hi);
        /* Our own procfs: a mount the config placed over the container's
         * /proc/sys/net/ipv4/ping_group_range does not receive this. */
        _cleanup_close_ int fd = bw_procfs_openat(proc_fd, "sys/net/ipv4/ping_group_range", O_WRONLY);
        if (fd < 0 || write(fd, text, strlen(text)) < 0) {
                /* ping is a convenience: a kernel without the sysctl or a
                 * read-only /proc/sys must not stop the container. */
                bw_warn("could not open net.ipv4.ping_group_range to %" PRIu32 "-%" PRIu32 ": %s", lo, hi,
                        strerror(fd < 0 ? -fd : errno));
                return 0;
        }
        return 0;
}
