#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/supervise.h"
#include "cli/protect.h"
#include "util/log.h"
#include "linux/terminal.h"
#include "runtime/exec.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/strv.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_CWD, OPT_CAP, OPT_NNP, OPT_PRESERVE, OPT_PROCESS };

static int parse(int argc, char **argv, struct bw_exec_opts *o, bool *detach, const char **pid_file,
                 const char **console, struct bw_error **err)
{
        static const struct option opts[] = {
                { "process", required_argument, NULL, 'p' },
                { "detach", no_argument, NULL, 'd' },
                { "pid-file", required_argument, NULL, OPT_PID_FILE },
                { "tty", no_argument, NULL, 't' },
                { "console-socket", required_argument, NULL, OPT_CONSOLE },
                { "cwd", required_argument, NULL, OPT_CWD },
                { "env", required_argument, NULL, 'e' },
                { "user", required_argument, NULL, 'u' },
                { "cap", required_argument, NULL, 'c' },
                { "no-new-privs", no_argument, NULL, OPT_NNP },
                { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
                {},
        };
        int c;
        while ((c = getopt_long(argc, argv, "+p:dte:u:c:", opts, NULL)) != -1) {
                switch (c) {
                case 'p': o->process_file = optarg; break;
                case 'd': *detach = true; break;
                case OPT_PID_FILE: *pid_file = optarg; break;
                case 't': o->tty = true; break;
                case OPT_CONSOLE: *console = optarg; break;
                case OPT_CWD: o->cwd = optarg; break;
                case 'e':
                        if (bw_strv_push(&o->env, optarg) < 0)
                                return -ENOMEM;
                        break;
                case 'u': o->user = optarg; break;
                case 'c':
                        if (bw_strv_push(&o->caps, optarg) < 0)
                                return -ENOMEM;
                        break;
                case OPT_NNP: o->no_new_privs = true; break;
                case OPT_PRESERVE: o->preserve_fds = atoi(optarg); break;
                default: return bw_error_bad_option(err, bw_command_find("exec"), argc, argv);
                }
        }
        if (optind >= argc)
                return bw_error_usage(err, "exec needs a container id; usage: bulwark %s", bw_command_find("exec")->usage);
        o->id = argv[optind];
        o->args = argv + optind + 1;
        if (!o->process_file && !o->args[0])
                return bw_error_usage(err, "exec needs a command after the id, or --process FILE");
        return 0;
}

BW_COMMAND(exec)
{
        struct bw_exec_opts o = { .console_fd = -1 };
        bool detach = false;
        const char *pid_file = NULL, *console = NULL;
        int r = parse(argc, argv, &o, &detach, &pid_file, &console, err);
        _cleanup_strv_ char **env = o.env, **caps = o.caps;
        if (r < 0)
                return r;
        /* The exec'd process starts as a fork of us: run from a protected
         * image of bulwark (the runtime upgrades it to a sealed copy if the
         * container's or the process's capabilities need one). */
        bool sealed = false;
        for (size_t i = 0; caps && caps[i]; i++)
                sealed |= strcasestr(caps[i], "SYS_ADMIN") || strcasestr(caps[i], "DAC_READ_SEARCH");
        if ((r = bw_cli_protect_self(NULL, sealed, err)) < 0)
                return r;
        o.root = g->root;
        _cleanup_close_ int sock = -1, ours = -1;
        /* Engines pass --console-socket without --tty when the process
         * file says terminal: true (containerd's shim does): connect it
         * whenever given; it is used only for a terminal process. */
        if (console) {
                if ((sock = bw_unix_connect(console, err)) < 0)
                        return sock;
                o.console_fd = sock;
        } else if (o.tty) {
                int sp[2];
                if (detach)
                        return bw_error_usage(err, "exec --tty --detach needs --console-socket");
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                        return bw_error_set(err, -errno, "creating the console socket");
                ours = sp[0];
                sock = sp[1];
                o.console_fd = sock;
        }
        sigset_t set, old;
        bw_forwarded_signals(&set);
        sigprocmask(SIG_BLOCK, &set, &old);
        pid_t pid;
        if (bw_exec_start(&o, &pid, err) < 0) {
                sigprocmask(SIG_SETMASK, &old, NULL);
                return -1;
        }
        if (pid_file) {
                char text[32];
                snprintf(text, sizeof(text), "%d", (int)pid);
                if (bw_write_file_atomic(pid_file, text, err) < 0)
                        return -1;
        }
        if (detach) {
                sigprocmask(SIG_SETMASK, &old, NULL);
                return 0;
        }
        _cleanup_close_ int master = -1;
        struct termios saved;
        bool raw = false;
        if (ours >= 0) {
                master = bw_recv_fd(ours, NULL);
                if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
                        struct termios t = saved;
                        cfmakeraw(&t);
                        raw = tcsetattr(0, TCSANOW, &t) == 0;
                }
        }
        int status = bw_supervise(pid, master, err);
        if (raw)
                tcsetattr(0, TCSANOW, &saved);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return status;
}
