/* Which protected image of bulwark (linux/selfclone.h) a container needs,
 * from what its processes may hold. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "linux/selfclone.h"
#include "oci/spec.h"

/* SEALED when p may hold CAP_SYS_ADMIN or CAP_DAC_READ_SEARCH in any set
 * (a container with them could reach the binary's inode past a read-only
 * view: a mount of the host's disk, open_by_handle_at through a writable
 * mount of the same filesystem), VIEW otherwise. A process without a
 * capabilities list keeps all of them: SEALED. */
enum bw_selfclone_route bw_self_protect_route(const struct oci_process *p);
/* A cheap look at config text before it is parsed: VIEW only when neither
 * capability's name nor a \u escape that could spell one occurs in it,
 * and a capabilities list does. */
enum bw_selfclone_route bw_self_protect_prescan(const char *text, size_t len);
/* Make sure this process runs from the image the processes need (may
 * re-execute: call before any side effect). */
int bw_self_protect(const struct oci_process *const *procs, size_t n, struct bw_error **err);
