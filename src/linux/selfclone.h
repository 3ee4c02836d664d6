/* CVE-2019-5736: a process that enters a container must not run from the
 * host's writable bulwark binary, or the container could reach it through
 * /proc/PID/exe and overwrite it. Commands that enter containers re-execute
 * themselves from one of two protected images (once; twice when the parsed
 * config asks for the stronger one after the view was taken):
 *
 *  - a view: a detached open_tree(OPEN_TREE_CLONE) of the binary, made
 *    read-only with mount_setattr, then execveat'd. A write through
 *    /proc/PID/exe fails with EROFS. The clone is attached nowhere and is
 *    dissolved when its (close-on-exec) fd goes at the execveat, so no
 *    mount namespace can reach it to clear the flag. No copy is made.
 *    open_tree needs CAP_SYS_ADMIN.
 *  - a sealed copy: the binary copied into a memfd sealed against every
 *    change. Disconnected from the host's file, so it also holds when the
 *    container could reach the binary's inode another way
 *    (open_by_handle_at with CAP_DAC_READ_SEARCH, its own mount of the
 *    host's disk with CAP_SYS_ADMIN). Costs a copy of the binary. */
#pragma once
#include <stdbool.h>

#include "util/error.h"

enum bw_selfclone_route {
        BW_SELFCLONE_NONE,   /* running from the host's binary */
        BW_SELFCLONE_VIEW,   /* from a detached read-only view */
        BW_SELFCLONE_SEALED, /* from a sealed memfd copy */
};

/* What this process runs from (decided once, then cached). */
enum bw_selfclone_route bw_selfclone_current(void);
/* Re-execute with our own command line unless already running from an
 * image at least as strong as want (SEALED > VIEW). A view that cannot
 * be made (no CAP_SYS_ADMIN, an old kernel) falls back to the sealed
 * copy. Returns 0 when nothing had to be done, and only on failure
 * otherwise. */
int bw_selfclone_ensure(enum bw_selfclone_route want, struct bw_error **err);
/* How long the re-exec took in this process (ns), -1 if it did not happen
 * here. For `--debug` and bench/. */
long long bw_selfclone_cost_ns(void);
