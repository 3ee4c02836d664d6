/* maskedPaths and readonlyPaths, applied after pivot_root. */
#pragma once
#include "util/error.h"

/* Hide path: the real /dev/null over a file, an empty read-only tmpfs over
 * a directory. A path the container lacks needs no mask. */
int bw_mask_path(const char *path, struct bw_error **err);
/* Make path (and what is mounted below it) read-only. */
int bw_readonly_path(const char *path, struct bw_error **err);
