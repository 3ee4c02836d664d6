/* The parent <-> child protocol (create's init, exec's process) over a SOCK_SEQPACKET socketpair: one
 * message per step, so either side sees the other die (EOF) at once. */
#pragma once
#include <stdint.h>

#include "util/error.h"

enum bw_sync_type {
        BW_SYNC_GO = 1,        /* parent -> init (or exec's child): maps written, cgroups joined; value: init's host pid */
        BW_SYNC_HOOKS,         /* init -> parent: namespaces and mounts ready, run prestart/createRuntime */
        BW_SYNC_HOOKS_DONE,    /* parent -> init */
        BW_SYNC_PARKED,        /* init -> parent: waiting for start */
        BW_SYNC_ERROR,         /* either way: text says what failed */
        BW_SYNC_PID,           /* two-stage init -> parent: value is init's host pid */
        BW_SYNC_NOT_FOUND,     /* init -> parent: an error as BW_SYNC_ERROR, the process's executable is
                                * missing (create and run exit 127, as a shell does) */
};

struct bw_sync_msg {
        uint32_t type;
        int32_t value;
        char text[4000];
};

int bw_sync_send(int fd, enum bw_sync_type type, int value, const char *text, struct bw_error **err);
/* Receive the next message, which must be of type want; an ERROR message
 * becomes *err with its text; EOF means the other side died. */
int bw_sync_expect(int fd, enum bw_sync_type want, struct bw_sync_msg *out, struct bw_error **err);
/* exec's wait for its child: EOF (the close-on-exec end went with the
 * execve, or the child died without a word) is 0; an ERROR message is
 * the child's error, its whole chain. */
int bw_sync_expect_exec(int fd, struct bw_error **err);
