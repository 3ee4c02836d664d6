/* CVE-2019-5736: a process that enters a container must not run from the
 * host's writable bulwark binary, or the container could reach it through
 * /proc/PID/exe and overwrite it. Commands that enter containers re-execute
 * themselves once from a sealed memfd copy. */
#pragma once
#include <stdbool.h>

#include "util/error.h"

/* True when /proc/self/exe is a sealed memfd. */
bool bw_selfclone_is_sealed(void);
/* When not sealed yet: copy /proc/self/exe into a memfd, seal it against
 * every change, and fexecve it with argv. Returns only on failure. */
int bw_selfclone_reexec(char **argv, struct bw_error **err);
