/* A created container's life after create: start (release init),
 * kill, delete, and the questions they ask (its processes, whether init
 * is gone). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/store.h"
#include "util/error.h"

/* Release a created container's init to exec the process; runs poststart. */
int bw_container_start(const char *root, const char *id, struct bw_error **err);
/* Signal the container's init (all its processes with all). */
int bw_container_kill(const char *root, const char *id, int sig, bool all, struct bw_error **err);
/* Delete: a stopped or created container, or with force a running one. */
int bw_container_delete(const char *root, const char *id, bool force, struct bw_error **err);
/* gc's delete: container id is judged and removed under one hold of its
 * lock, so a container made again under the same id in between is never
 * the one removed. Dead: its create died before writing its state, or its
 * init is gone. Returns 1 when dead (removed unless dry; *why says why),
 * 0 when it lives or is gone, -errno when its state is unreadable (kept)
 * or the removal failed. */
int bw_container_delete_dead(const char *root, const char *id, bool dry, const char **why, struct bw_error **err);
/* The pids of the container's processes (init first). */
int bw_container_pids(const struct bw_state *s, pid_t **pids, size_t *n, struct bw_error **err);
/* Wait up to timeout_ms for pid (with start_time) to be gone. */
bool bw_wait_gone(pid_t pid, uint64_t start_time, int timeout_ms);
