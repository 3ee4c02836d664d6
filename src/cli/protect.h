/* The re-exec that keeps our binary out of the container's reach
 * (linux/selfclone.h), for create, run and exec. */
#pragma once
#include <stdbool.h>

#include "util/error.h"

/* Before anything else, re-execute from the image config_path's config
 * needs, judged from its text (cheap; the runtime checks again once the
 * config is parsed and the policy applied). config_path may be NULL (exec
 * with no hint: the view, or force_sealed). */
int bw_cli_protect_self(const char *config_path, bool force_sealed, struct bw_error **err);
