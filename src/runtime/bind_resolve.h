/* Bind sources, resolved on this host once before the policy judges them,
 * so that the policy, the idmapped views and init's mount all act on one
 * object: the canonical path, whose device and inode init checks again
 * after it clones the tree. */
#pragma once
#include "oci/spec.h"
#include "util/error.h"

/* For each bind mount of c: resolve its source (relative ones against
 * bundle) the way the kernel's mount will, following symlinks; record the
 * canonical path, device, inode and file type in m->src, note which known
 * engine socket on this host it is or holds, and replace m->source with the
 * canonical path. A source that cannot be opened refuses the container. */
int bw_bind_resolve(struct oci_config *c, const char *bundle, struct bw_error **err);
