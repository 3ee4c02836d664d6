/* Pseudo-terminals for the container's process, and fd passing over unix
 * sockets (the --console-socket protocol runc uses: one SCM_RIGHTS message). */
#pragma once
#include <stdint.h>

#include "util/error.h"

/* Open a new pty from /dev/ptmx (the container's, after pivot_root).
 * Returns the master; *slave gets the peer fd. */
int bw_pty_open(int *slave, struct bw_error **err);
/* Make slave the controlling terminal and stdio of this process (setsid). */
int bw_pty_become_stdio(int slave, uint32_t rows, uint32_t cols, struct bw_error **err);
/* Send fd over a unix socket with name as the message body. */
int bw_send_fd(int sock, int fd, const char *name, struct bw_error **err);
/* Receive one fd; returns it or a negative errno. */
int bw_recv_fd(int sock, struct bw_error **err);
/* Connect to a unix stream socket path. */
int bw_unix_connect(const char *path, struct bw_error **err);
