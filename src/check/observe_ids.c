/* The uid and gid maps of this process's user namespace: is container
 * root host root? */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "check/probe.h"
#include "util/cleanup.h"

struct map_info {
        bool identity;       /* the initial namespace's "0 0 4294967295" */
        bool maps_root;      /* some id maps to outside id 0 */
        int64_t outside;     /* where id arg maps, -1 when unmapped */
        char first[96];      /* the first line, for the evidence */
};

static int read_map(const char *path, uint32_t id, struct map_info *m)
{
        _cleanup_free_ char *s = NULL;
        int r = probe_read(path, &s);
        if (r < 0)
                return r;
        *m = (struct map_info){ .outside = -1 };
        int lines = 0;
        for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"), lines++) {
                unsigned long in, out, count;
                if (sscanf(line, "%lu %lu %lu", &in, &out, &count) != 3)
                        continue;
                if (lines == 0)
                        snprintf(m->first, sizeof(m->first), "%lu %lu %lu", in, out, count);
                if (in == 0 && out == 0 && count == 4294967295UL)
                        m->identity = true;
                if (out == 0 || (out < 1 && out + count > 0))
                        m->maps_root = true;
                if (id >= in && id - in < count)
                        m->outside = (int64_t)(out + (id - in));
        }
        return 0;
}

int bw_check_observe_ids(struct bw_findings *out)
{
        struct map_info u, g;
        if (read_map("/proc/self/uid_map", geteuid(), &u) < 0 || read_map("/proc/self/gid_map", getegid(), &g) < 0)
                return 0;
        int r;
        if (u.identity) {
                if ((r = bw_check_add(out, BW_RULE_NO_USER_NAMESPACE, "/proc/self/uid_map is \"%s\": the host's user namespace",
                                      u.first)) < 0)
                        return r;
        } else if (u.maps_root || g.maps_root) {
                if ((r = bw_check_add(out, BW_RULE_HOST_ROOT_MAPPED, "%s maps an id to host id 0 (uid_map \"%s\", gid_map \"%s\")",
                                      u.maps_root ? "uid_map" : "gid_map", u.first, g.first)) < 0)
                        return r;
        }
        if (u.outside == 0 && (r = bw_check_add(out, BW_RULE_HOST_ROOT_PROCESS, "uid %u is host uid 0 (uid_map \"%s\")", geteuid(),
                                                u.first)) < 0)
                return r;
        return 0;
}
