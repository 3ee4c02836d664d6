/* Does this kernel let us idmap a mount? Asked by trying it. */
#pragma once
#include "util/error.h"

/* Returns 1 when an idmapped mount could be made, 0 when the kernel (or the
 * caller's privileges) refused, negative with *err set when the probe itself
 * could not run. Works in a forked child with a detached mount, so neither
 * the caller's namespaces nor any mount table are changed. */
int bw_probe_idmapped_mounts(struct bw_error **err);
