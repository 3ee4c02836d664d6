/* Helpers of the probes, private to src/check. */
#pragma once
#include <stddef.h>

/* Read a /proc or /sys file (not following a final symlink): 0 or -errno. */
int probe_read(const char *path, char **out);
/* One field of /proc/self/status ("CapEff"), without the key. */
int probe_status_field(const char *key, char *val, size_t n);
/* "EPERM" for EPERM, "ok" for 0. */
const char *probe_errno_name(int e);
