/* Capabilities: the bounding set, the three process sets and ambient. */
#pragma once
#include <stdint.h>

#include "oci/spec.h"
#include "util/error.h"

/* Highest capability the kernel knows. */
int bw_caps_last(void);
/* Keep our capabilities across the coming setuid (PR_SET_KEEPCAPS). */
int bw_caps_keep_across_setuid(struct bw_error **err);
/* Drop every capability not in keep from the bounding set. */
int bw_caps_set_bounding(uint64_t keep, struct bw_error **err);
/* Set effective, permitted and inheritable, then raise ambient. Run after
 * setuid (with keepcaps set); clears keepcaps again. */
int bw_caps_apply(const struct oci_capabilities *c, struct bw_error **err);
