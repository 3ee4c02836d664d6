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

/* The next message into *m: 1, or 0 at EOF. */
static int receive(int fd, struct bw_sync_msg *m, struct bw_error **err)
{
        ssize_t n;
        do
                n = recv(fd, m, sizeof(*m), 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return bw_error_set(err, -errno, "waiting for the container's process");
        if (n == 0)
                return 0;
        if ((size_t)n < offsetof(struct bw_sync_msg, text) + 1)
                return bw_error_msg(err, -EPROTO, "short message from the container's process");
        m->text[sizeof(m->text) - 1] = '\0';
        return 1;
}

int bw_sync_expect_exec(int fd, struct bw_error **err)
{
        struct bw_sync_msg m;
        int r = receive(fd, &m, err);
        if (r <= 0)
                return r;
        if (m.type == BW_SYNC_ERROR)
                return bw_error_msg(err, m.value < 0 ? m.value : -EIO, "%s", m.text);
        return bw_error_msg(err, -EPROTO, "unexpected message %u from the new process", m.type);
}

int bw_sync_expect(int fd, enum bw_sync_type want, struct bw_sync_msg *out, struct bw_error **err)
{
        struct bw_sync_msg m;
        int n = receive(fd, &m, err);
        if (n < 0)
                return n;
        if (n == 0)
                return bw_error_msg(err, -EPIPE, "the container's init exited unexpectedly");
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
