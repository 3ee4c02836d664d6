/* Facts about a process from /proc: is it the one we started? */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The process's start time in clock ticks since boot (/proc/PID/stat field
 * 22): with the pid it names one process, even after pid reuse. 0 when the
 * process is gone. */
uint64_t bw_proc_start_time(pid_t pid);
/* The process's state letter (R, S, Z ...) or 0 when it is gone. */
char bw_proc_state(pid_t pid);
/* Alive, not a zombie, and started at start_time. */
bool bw_proc_is(pid_t pid, uint64_t start_time);
