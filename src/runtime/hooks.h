/* OCI hooks: each runs with the container's state JSON on stdin, within
 * its timeout; a failure carries the hook's stderr. */
#pragma once
#include "oci/spec.h"
#include "util/error.h"

/* Run every hook of the list in order; stop at the first failure. phase
 * names the list in messages ("prestart", "createRuntime" ...). */
int bw_hooks_run(const struct oci_hook_list *l, const char *phase, const char *state_json,
                 struct bw_error **err);
