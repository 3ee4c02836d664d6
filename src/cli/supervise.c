#include "cli/supervise.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"

/* Signals run passes on to the container (the rest keep their defaults). */
void bw_forwarded_signals(sigset_t *set)
{
        static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
                                    SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM, SIGPIPE, SIGCHLD };
        sigemptyset(set);
        for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
                sigaddset(set, sigs[i]);
}

static int exit_status(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 1;
}

static void copy_once(int from, int to, bool *open_)
{
        char buf[8192];
        ssize_t n = read(from, buf, sizeof(buf));
        if (n <= 0) {
                *open_ = false;
                return;
        }
        for (ssize_t off = 0; off < n;) {
                ssize_t w = write(to, buf + off, (size_t)(n - off));
                if (w <= 0)
                        return;
                off += w;
        }
}

/* Wait for init: forward signals, reap it, and (with a pty) copy between
 * our stdio and the pty master. */
static void copy_winsize(int master)
{
        struct winsize ws;
        if (ioctl(0, TIOCGWINSZ, &ws) == 0)
                ioctl(master, TIOCSWINSZ, &ws);
}

int bw_supervise(pid_t pid, int master, struct bw_error **err)
{
        if (master >= 0)
                copy_winsize(master);
        sigset_t set;
        bw_forwarded_signals(&set);
        _cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);
        if (sfd < 0)
                return bw_error_set(err, -errno, "creating a signalfd to forward signals");
        bool in_open = master >= 0, out_open = master >= 0;
        for (;;) {
                struct pollfd p[3] = { { .fd = sfd, .events = POLLIN },
                                       { .fd = in_open ? 0 : -1, .events = POLLIN },
                                       { .fd = out_open ? master : -1, .events = POLLIN } };
                if (poll(p, 3, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return bw_error_set(err, -errno, "waiting for the container");
                }
                if (p[2].revents)
                        copy_once(master, 1, &out_open);
                if (p[1].revents)
                        copy_once(0, master, &in_open);
                if (!(p[0].revents & POLLIN))
                        continue;
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof(si)) != sizeof(si))
                        continue;
                if (si.ssi_signo == SIGWINCH && master >= 0) {
                        /* With a pty, a resize is the terminal's business:
                         * the kernel signals the container's foreground group. */
                        copy_winsize(master);
                        continue;
                }
                if (si.ssi_signo != SIGCHLD) {
                        kill(pid, (int)si.ssi_signo);
                        continue;
                }
                int status;
                pid_t w = waitpid(pid, &status, WNOHANG);
                if (w == pid) {
                        while (out_open && master >= 0) {
                                struct pollfd q = { .fd = master, .events = POLLIN };
                                if (poll(&q, 1, 0) <= 0)
                                        break;
                                copy_once(master, 1, &out_open);
                        }
                        return exit_status(status);
                }
        }
}

