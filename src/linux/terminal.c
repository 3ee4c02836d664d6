#include "linux/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int bw_pty_open(int *slave, struct bw_error **err)
{
        _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                return bw_error_set(err, -errno, "opening /dev/ptmx in the container (is devpts mounted at /dev/pts?)");
        if (unlockpt(master) < 0)
                return bw_error_set(err, -errno, "unlocking the pty");
        /* TIOCGPTPEER opens the peer through the master, not by a path name
         * the container could have swapped. */
        int s = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (s < 0)
                return bw_error_set(err, -errno, "opening the pty's peer");
        *slave = s;
        return take_fd(master);
}

int bw_pty_become_stdio(int slave, uint32_t rows, uint32_t cols, struct bw_error **err)
{
        if (rows && cols) {
                struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
                ioctl(slave, TIOCSWINSZ, &ws);
        }
        if (setsid() < 0 && errno != EPERM)
                return bw_error_set(err, -errno, "starting a new session");
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return bw_error_set(err, -errno, "making the pty the controlling terminal");
        for (int i = 0; i < 3; i++)
                if (dup2(slave, i) < 0)
                        return bw_error_set(err, -errno, "connecting the pty to fd %d", i);
        return 0;
}

int bw_send_fd(int sock, int fd, const char *name, struct bw_error **err)
{
        char body[256];
        size_t len = strlen(name);
        if (len >= sizeof(body))
                len = sizeof(body) - 1;
        memcpy(body, name, len);
        struct iovec iov = { .iov_base = body, .iov_len = len ? len : 1 };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } u;
        memset(&u, 0, sizeof(u));
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
                return bw_error_set(err, -errno, "sending the pty master over the console socket");
        return 0;
}

int bw_recv_fd(int sock, struct bw_error **err)
{
        char body[256];
        struct iovec iov = { .iov_base = body, .iov_len = sizeof(body) };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } u;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
        ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return bw_error_set(err, -errno, "receiving a file descriptor");
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        if (!c || c->cmsg_type != SCM_RIGHTS)
                return bw_error_msg(err, -EBADMSG, "receiving a file descriptor: none was sent");
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        return fd;
}

int bw_unix_connect(const char *path, struct bw_error **err)
{
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(a.sun_path))
                return bw_error_msg(err, -ENAMETOOLONG, "console socket path %s is too long", path);
        strcpy(a.sun_path, path);
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return bw_error_set(err, -errno, "creating a unix socket");
        if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
                return bw_error_set(err, -errno, "connecting to the console socket %s", path);
        return take_fd(s);
}
