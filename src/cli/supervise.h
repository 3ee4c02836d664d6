/* Foreground commands (run, exec): wait for the container's process,
 * forward signals to it, copy a pty, and return its exit status. */
#pragma once
#include <signal.h>
#include <sys/types.h>

#include "util/error.h"

/* The signals forwarded (block them before the process exists). */
void bw_forwarded_signals(sigset_t *set);
/* Wait for pid (our child) with those signals blocked; master >= 0 is a
 * pty master to copy to and from our stdio. Returns the exit status,
 * 128+N for a signal. */
int bw_supervise(pid_t pid, int master, struct bw_error **err);
