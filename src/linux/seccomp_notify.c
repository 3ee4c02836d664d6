/* Send a seccomp listener to its agent.
 *
 * The runtime-spec: the runtime connects to listenerPath (AF_UNIX,
 * SOCK_STREAM) and sends the container process state, with the listener
 * attached by SCM_RIGHTS; the state's "fds" array names the attached
 * descriptors in order ("seccompFd"). */
#include "linux/seccomp_notify.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/json_text.h"
#include "util/version.h"

char *bw_seccomp_process_state(pid_t pid, const char *metadata, json_t *container_state)
{
        _cleanup_json_ json_t *o = json_pack("{s:s, s:[s], s:i, s:s, s:o}", "ociVersion", BW_OCI_VERSION, "fds",
                                             "seccompFd", "pid", (json_int_t)pid, "metadata",
                                             metadata ? metadata : "", "state",
                                             container_state ? json_incref(container_state) : json_object());
        if (!o)
                return NULL;
        return bw_json_dumps(o, JSON_COMPACT);
}

/* The state must announce exactly the one descriptor we attach. */
static int check_state(const char *state_json, struct bw_error **err)
{
        json_error_t jerr;
        _cleanup_json_ json_t *o = json_loads(state_json, 0, &jerr);
        if (!json_is_object(o))
                return bw_error_msg(err, -EINVAL, "seccomp listener state: not a JSON object (%s)", jerr.text);
        json_t *fds = json_object_get(o, "fds");
        if (!json_is_array(fds) || json_array_size(fds) != 1 ||
            !json_is_string(json_array_get(fds, 0)) ||
            strcmp(json_string_value(json_array_get(fds, 0)), "seccompFd") != 0)
                return bw_error_msg(err, -EINVAL, "seccomp listener state: \"fds\" must be [\"seccompFd\"]");
        return 0;
}

/* A path too long for sun_path is reached through its directory's fd. */
static int socket_address(const char *path, struct sockaddr_un *sa, int *dirfd, struct bw_error **err)
{
        *sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
        if (strlen(path) < sizeof(sa->sun_path)) {
                memcpy(sa->sun_path, path, strlen(path) + 1);
                return 0;
        }
        _cleanup_free_ char *d = strdup(path), *b = strdup(path);
        if (!d || !b)
                return bw_error_set(err, -ENOMEM, "seccomp listener %s", path);
        *dirfd = open(dirname(d), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (*dirfd < 0)
                return bw_error_set(err, -errno, "opening the directory of seccomp listener %s", path);
        int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd, basename(b));
        if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
                return bw_error_msg(err, -ENAMETOOLONG, "seccomp listener %s: the socket's name is too long", path);
        return 0;
}

int bw_seccomp_notify_connect(const char *socket_path, struct bw_error **err)
{
        struct sockaddr_un sa;
        _cleanup_close_ int dirfd = -1;
        int r = socket_address(socket_path, &sa, &dirfd, err);
        if (r < 0)
                return r;
        _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
                return bw_error_set(err, -errno, "creating a socket for seccomp listener %s", socket_path);
        if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return bw_error_set(err, -errno,
                                    "connecting to seccomp listener %s (is the seccomp agent running?)",
                                    socket_path);
        return take_fd(sock);
}

int bw_seccomp_notify_send_on(int sock, int listener_fd, const char *state_json, struct bw_error **err)
{
        if (sock < 0 || listener_fd < 0 || !state_json)
                return bw_error_msg(err, -EINVAL, "sending the seccomp listener: missing socket, fd or state");
        int r = check_state(state_json, err);
        if (r < 0)
                return r;
        size_t len = strlen(state_json), off = 0;
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control = { 0 };
        bool fd_sent = false;
        while (off < len) {
                struct iovec iov = { (char *)state_json + off, len - off };
                struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
                if (!fd_sent) {
                        /* The descriptor rides on the first bytes. */
                        msg.msg_control = control.buf;
                        msg.msg_controllen = sizeof(control.buf);
                        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                        c->cmsg_level = SOL_SOCKET;
                        c->cmsg_type = SCM_RIGHTS;
                        c->cmsg_len = CMSG_LEN(sizeof(int));
                        memcpy(CMSG_DATA(c), &listener_fd, sizeof(int));
                }
                ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return bw_error_set(err, n < 0 ? -errno : -EIO, "sending the seccomp listener to its agent");
                fd_sent = true;
                off += (size_t)n;
        }
        return 0;
}

int bw_seccomp_notify_send(int listener_fd, const char *socket_path, const char *state_json,
                           struct bw_error **err)
{
        if (listener_fd < 0 || !socket_path || !state_json)
                return bw_error_msg(err, -EINVAL, "sending the seccomp listener: missing fd, path or state");
        int r = check_state(state_json, err);
        if (r < 0)
                return r;
        _cleanup_close_ int sock = bw_seccomp_notify_connect(socket_path, err);
        if (sock < 0)
                return sock;
        r = bw_seccomp_notify_send_on(sock, listener_fd, state_json, err);
        return r < 0 ? bw_error_wrap(err, "seccomp listener %s", socket_path) : 0;
}
