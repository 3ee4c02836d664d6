#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/create_opts.h"
#include "linux/selfclone.h"
#include "linux/terminal.h"
#include "util/cleanup.h"

/* Signals run passes on to the container (the rest keep their defaults). */
static void forwarded(sigset_t *set)
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
static int supervise(pid_t pid, int master, struct bw_error **err)
{
        sigset_t set;
        forwarded(&set);
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

BW_COMMAND(run)
{
        struct bw_cli_create c = { 0 };
        int r = bw_cli_parse_create("run", true, argc, argv, &c, err);
        if (r < 0)
                return r;
        if ((r = bw_selfclone_ensure(err)) < 0)
                return r;
        c.opts.root = g->root;
        /* Block what we forward before init exists, so none is lost; init
         * restores its own mask before execve. */
        sigset_t set, old;
        forwarded(&set);
        sigprocmask(SIG_BLOCK, &set, &old);
        /* A terminal without --console-socket: we hold the master and copy. */
        _cleanup_close_ int ours = -1, theirs = -1;
        if (!c.opts.console_socket && !c.detach) {
                int sp[2];
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                        return bw_error_set(err, -errno, "creating the console socket");
                ours = sp[0];
                theirs = sp[1];
                c.opts.console_fd = theirs;
        }
        pid_t pid;
        if (bw_container_create(&c.opts, &pid, err) < 0)
                return -1;
        close(take_fd(theirs));
        _cleanup_close_ int master = -1;
        struct termios saved;
        bool raw = false;
        if (ours >= 0) {
                /* Only sent when process.terminal is true. */
                struct pollfd p = { .fd = ours, .events = POLLIN };
                if (poll(&p, 1, 0) > 0 && (master = bw_recv_fd(ours, NULL)) >= 0 && isatty(0) &&
                    tcgetattr(0, &saved) == 0) {
                        struct termios t = saved;
                        cfmakeraw(&t);
                        raw = tcsetattr(0, TCSANOW, &t) == 0;
                }
        }
        if (bw_container_start(g->root, c.opts.id, err) < 0) {
                bw_container_delete(g->root, c.opts.id, true, NULL);
                return -1;
        }
        if (c.detach) {
                sigprocmask(SIG_SETMASK, &old, NULL);
                return 0;
        }
        int status = supervise(pid, master, err);
        if (raw)
                tcsetattr(0, TCSANOW, &saved);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (status < 0)
                return status;
        if (!c.keep) {
                _cleanup_error_ struct bw_error *derr = NULL;
                if (bw_container_delete(g->root, c.opts.id, true, &derr) < 0)
                        bw_warn("%s", derr->msg);
        }
        return status;
}
