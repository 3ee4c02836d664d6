/* Whose namespaces a config joins: the user namespace that owns each
 * namespace named by path, found by asking the kernel, and whether it is
 * the host's, a live bulwark container's (a pod's sandbox, the container
 * of Docker's --pid/--ipc container:X) or another one. */
#pragma once
#include "oci/spec.h"
#include "util/error.h"

/* Fill ns->owner (and ns->owner_container) for every namespace the config
 * joins by path, and linux.owner_userns when they belong to the user
 * namespace of a container under root. Facts for the policy: nothing
 * fails here; what cannot be read stays OCI_NS_OWNER_UNKNOWN. A new user
 * namespace without mappings (bulwark's to choose) becomes a join of that
 * container's user namespace. */
void bw_ns_owners_read(struct oci_config *c, const char *root);
