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

/* The limit file of our own cgroup: v2's name, else v1's. */
static char *limit(const char *v1_controller, const char *v2_file, const char *v1_file, char *where, size_t n)
{
        char *s = NULL;
        if (probe_cgroup_read(NULL, v2_file, &s, where, n) < 0 &&
            probe_cgroup_read(v1_controller, v1_file, &s, where, n) < 0)
                return NULL;
        s[strcspn(s, "\n")] = 0;
        return s;
}

int bw_check_observe_limits(struct bw_findings *out)
{
        char where[4200];
        int r;
        _cleanup_free_ char *p = limit("pids", "pids.max", "pids.max", where, sizeof(where));
        if (p && strcmp(p, "max") == 0 && (r = bw_check_add(out, BW_RULE_NO_PIDS_LIMIT, "%s is max", where)) < 0)
                return r;
        _cleanup_free_ char *m = limit("memory", "memory.max", "memory.limit_in_bytes", where, sizeof(where));
        if (m && (strcmp(m, "max") == 0 || strtoull(m, NULL, 10) >= (1ULL << 62)) &&
            (r = bw_check_add(out, BW_RULE_NO_MEMORY_LIMIT, "%s is %s", where, m)) < 0)
                return r;
        return 0;
}
