/* net.ipv4.ping_group_range: lets the container's groups open ICMP echo
 * sockets, so ping works without CAP_NET_RAW. The sysctl belongs to the
 * network namespace, and the kernel reads its gids in the writer's user
 * namespace (a gid that is not mapped there is EINVAL). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "oci/spec.h"
#include "util/error.h"

/* The widest range of gids mapped in a gid_map's text (the caller's view:
 * first column), clipped to what the sysctl takes. false when none. */
bool bw_ping_range_from_map(const char *gid_map, uint32_t *lo, uint32_t *hi);

/* In the container's init, after its sysctls, when the container has a
 * network namespace of its own: bring lo up (as runc), and open the range
 * to the mapped gids unless the config sets the sysctl itself. proc_fd:
 * the private procfs of the container's namespaces (procfs_handle.h). */
int bw_ping_range_setup(int proc_fd, const struct oci_config *c, struct bw_error **err);
