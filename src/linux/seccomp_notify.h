/* Handing a seccomp listener to the agent at linux.seccomp.listenerPath, as
 * the runtime-spec's "seccomp listener" section describes.
 *
 * Meant for the runtime's parent process: the container's init, once its
 * filter is loaded, passes the listener to the parent over their sync
 * socket (sendmsg: a call a profile may not notify on, see seccomp.c), and
 * the parent, which no filter confines, connects to the agent. */
#pragma once
#include <jansson.h>
#include <sys/types.h>

#include "util/error.h"

/* The container process state the agent receives:
 *   {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state"}
 * metadata (listenerMetadata) may be NULL; container_state is the
 * container's state object (borrowed). Returns a malloc'd JSON string, or
 * NULL on ENOMEM. */
char *bw_seccomp_process_state(pid_t pid, const char *metadata, json_t *container_state);

/* Connect to the AF_UNIX SOCK_STREAM socket at socket_path and send
 * state_json with listener_fd attached (SCM_RIGHTS) to its first bytes.
 * state_json must be a JSON object whose "fds" is ["seccompFd"]: it names
 * the one descriptor sent. The caller keeps listener_fd and closes it. */
int bw_seccomp_notify_send(int listener_fd, const char *socket_path, const char *state_json,
                           struct bw_error **err);

/* The two halves of bw_seccomp_notify_send, for a sender that can no longer
 * reach the socket's path when it has the listener (the container's init,
 * inside its rootfs): connect first (returns the connected fd), send later.
 * Sending uses only sendmsg, which a profile may not notify on. */
int bw_seccomp_notify_connect(const char *socket_path, struct bw_error **err);
int bw_seccomp_notify_send_on(int sock, int listener_fd, const char *state_json, struct bw_error **err);
