/* uid_map / gid_map of a child's user namespace, written from the parent
 * (directly as root, through newuidmap/newgidmap otherwise). */
#pragma once
#include <sys/types.h>

#include "oci/spec.h"
#include "util/error.h"

/* Format a mapping list as the kernel reads it ("0 100000 65536\n..."). */
char *bw_idmap_format(const struct oci_idmap_list *l);
/* The same for a single mapping: "CONTAINER_ID HOST_ID SIZE\n". */
char *bw_idmap_format_one(uint32_t container_id, uint32_t host_id, uint32_t size);
/* Write both maps of pid (gid first, as newgidmap expects); as root
 * through a private procfs of the caller's pid namespace. */
int bw_idmap_write(pid_t pid, const struct oci_idmap_list *uids, const struct oci_idmap_list *gids,
                   struct bw_error **err);
