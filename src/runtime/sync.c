#include "runtime/sync.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int bw_sync_send(int fd, enum bw_sync_type type, int value, const char *text, struct bw_error **err)
{
        struct bw_sync_msg m = { .type = type, .value = value };
        if (text)
                snprintf(m.text, sizeof(m.text), "%s", text);
        size_t len = offsetof(struct bw_sync_msg, text) + strlen(m.text) + 1;
        if (send(fd, &m, len, MSG_NOSIGNAL) < 0)
                return bw_error_set(err, -errno, "talking to the container's init");
        return 0;
}

int bw_sync_expect(int fd, enum bw_sync_type want, struct bw_sync_msg *out, struct bw_error **err)
{
        struct bw_sync_msg m;
        ssize_t n;
        do
                n = recv(fd, &m, sizeof(m), 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return bw_error_set(err, -errno, "waiting for the container's init");
        if (n == 0)
                return bw_error_msg(err, -EPIPE, "the container's init exited unexpectedly");
        if ((size_t)n < offsetof(struct bw_sync_msg, text) + 1)
                return bw_error_msg(err, -EPROTO, "short message from the container's init");
        m.text[sizeof(m.text) - 1] = '\0';
        if (m.type == BW_SYNC_ERROR || m.type == BW_SYNC_NOT_FOUND) {
                int r = bw_error_msg(err, m.value < 0 ? m.value : -EIO, "%s", m.text);
                if (m.type == BW_SYNC_NOT_FOUND && err && *err)
                        (*err)->status = 127;
                return r;
        }
        if (m.type != (uint32_t)want)
                return bw_error_msg(err, -EPROTO, "unexpected message %u from the container's init (wanted %u)", m.type, (unsigned)want);
        if (out)
                *out = m;
        return 0;
}
