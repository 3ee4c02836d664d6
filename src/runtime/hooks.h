/* OCI hooks: each runs with the container's state JSON on stdin, within
 * its timeout; a failure carries the hook's stderr. */
#pragma once
#include <sys/stat.h>

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

/* Open a hook's program as a regular file, following symlinks but never a
 * /proc magic link (openat2 RESOLVE_NO_MAGICLINKS), nor anything on /proc;
 * fill *st. Returns the O_PATH fd or -errno (-EACCES: not a regular file
 * of a real filesystem). */
int bw_hook_open_program(const char *path, struct stat *st);

/* Keep the trusted hooks' identities (trusted_path, trusted_dev,
 * trusted_ino) in the container's directory dir, and set them again on a
 * config loaded from it. A missing record (an older bulwark's container)
 * leaves every hook untrusted. */
int bw_hooks_save_trusted(const char *dir, const struct oci_hooks *hooks, struct bw_error **err);
int bw_hooks_load_trusted(const char *dir, struct oci_hooks *hooks, struct bw_error **err);
