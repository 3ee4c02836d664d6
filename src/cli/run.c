#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/create_opts.h"
#include "cli/supervise.h"
#include "util/log.h"
#include "linux/terminal.h"
#include "util/cleanup.h"

BW_COMMAND(run)
{
        struct bw_cli_create c = { 0 };
        int r = bw_cli_create_prepare("run", true, g, argc, argv, &c, err);
        if (r < 0)
                return r;
        /* When init is forked by an intermediate process (a user namespace
         * joined by path), it must still become our child to be waited for. */
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        /* Block what we forward before init exists, so none is lost; init
         * restores its own mask before execve. */
        sigset_t set, old;
        bw_forwarded_signals(&set);
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
        int status = bw_supervise(pid, master, err);
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
