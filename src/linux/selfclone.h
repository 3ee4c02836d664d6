/* CVE-2019-5736: a process that enters a container must not run from the
 * host's writable bulwark binary, or the container could reach it through
 * /proc/PID/exe and overwrite it. Commands that enter containers re-execute
 * themselves once from a sealed memfd copy. */
#pragma once
#include <stdbool.h>

#include "util/error.h"

/* True when /proc/self/exe is a sealed memfd. */
bool bw_selfclone_is_sealed(void);
/* Copy /proc/self/exe into a memfd, seal it against every change, and
 * fexecve it with our own command line (from /proc/self/cmdline). Returns
 * only on failure. */
int bw_selfclone_reexec(struct bw_error **err);
/* Re-execute from the sealed copy unless already running from one. */
int bw_selfclone_ensure(struct bw_error **err);
/* How long the copy and re-exec took in this process (ns), -1 if it did
 * not happen here. For `--debug` and bench/. */
long long bw_selfclone_cost_ns(void);
