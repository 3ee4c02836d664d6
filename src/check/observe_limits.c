/* The pids and memory limits of this process's cgroup, where cgroupfs is
 * visible (v2 unified, or the v1 controllers' hierarchies). A limit that
 * cannot be seen is not reported. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/probe.h"
#include "util/cleanup.h"

/* The first of paths that reads; NULL when none does. */
static char *first(const char *const *paths, const char **which)
{
        for (size_t i = 0; paths[i]; i++) {
                char *s = NULL;
                if (probe_read(paths[i], &s) == 0) {
                        *which = paths[i];
                        s[strcspn(s, "\n")] = 0;
                        return s;
                }
        }
        return NULL;
}

int bw_check_observe_limits(struct bw_findings *out)
{
        static const char *const pids[] = { "/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/pids/pids.max", NULL };
        static const char *const mem[] = { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                           NULL };
        const char *where = NULL;
        int r;
        _cleanup_free_ char *p = first(pids, &where);
        if (p && strcmp(p, "max") == 0 && (r = bw_check_add(out, "BW102", "%s is max", where)) < 0)
                return r;
        _cleanup_free_ char *m = first(mem, &where);
        if (m && (strcmp(m, "max") == 0 || strtoull(m, NULL, 10) >= (1ULL << 62)) &&
            (r = bw_check_add(out, "BW103", "%s is %s", where, m)) < 0)
                return r;
        return 0;
}
