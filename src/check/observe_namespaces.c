/* Namespaces shared with the host, where that can be told from inside: a
 * pid namespace that shows the kernel's threads (kthreadd is pid 2 of
 * the initial pid namespace only). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/probe.h"
#include "util/cleanup.h"

int bw_check_observe_namespaces(struct bw_findings *out)
{
        _cleanup_free_ char *comm = NULL;
        if (probe_read("/proc/2/comm", &comm) < 0 || strcmp(comm, "kthreadd\n") != 0)
                return 0;
        int r = bw_check_add(out, BW_RULE_HOST_PID_NAMESPACE, "/proc/2 is kthreadd: the host's pid namespace");
        if (r < 0)
                return r;
        char eff[64] = "";
        probe_status_field("CapEff", eff, sizeof(eff));
        if (strtoull(eff, NULL, 16) & (1ULL << 19 /* CAP_SYS_PTRACE */))
                r = bw_check_add(out, BW_RULE_PTRACE_HOST_PID, "CAP_SYS_PTRACE effective and the host's processes visible");
        return r;
}
