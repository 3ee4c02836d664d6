/* OCI hooks: each runs with the container's state JSON on stdin, within
 * its timeout; a failure carries the hook's stderr. */
#pragma once
#include "oci/spec.h"
#include "util/error.h"

/* Run every hook of the list in order, each in the working directory dir
 * (NULL: ours); stop at the first failure, as the runtime spec says for
 * prestart, createRuntime, createContainer and startContainer. phase
 * names the list in messages ("prestart", "createRuntime" ...). */
int bw_hooks_run(const struct oci_hook_list *l, const char *phase, const char *state_json, const char *dir,
                 struct bw_error **err);

/* poststart and poststop: a failing hook is logged as a warning and the
 * remaining hooks still run. Returns how many failed. */
int bw_hooks_run_all(const struct oci_hook_list *l, const char *phase, const char *state_json, const char *dir);
