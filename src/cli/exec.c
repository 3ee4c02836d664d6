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

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_CWD, OPT_CAP, OPT_NNP, OPT_PRESERVE, OPT_PROCESS, OPT_IGNORE_PAUSED, OPT_CGROUP };

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
                { "additional-gids", required_argument, NULL, 'g' },
                { "cgroup", required_argument, NULL, OPT_CGROUP },
                { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
                {},
        };
        int c;
        while ((c = getopt_long(argc, argv, "+p:dte:u:c:g:", opts, NULL)) != -1) {
                switch (c) {
                case 'p': o->process_file = optarg; break;
                case 'd': *detach = true; break;
                case OPT_PID_FILE: *pid_file = optarg; break;
                case 't': o->tty = true; break;
                case OPT_CONSOLE: *console = optarg; break;
                case OPT_CWD: o->cwd = optarg; break;
                case 'e':
                        if (bw_strv_push(&o->env, optarg) < 0)
                                return bw_error_set(err, -ENOMEM, "exec --env %s", optarg);
                        break;
                case 'u': o->user = optarg; break;
                case 'c':
                        if (bw_strv_push(&o->caps, optarg) < 0)
                                return bw_error_set(err, -ENOMEM, "exec --cap %s", optarg);
                        break;
                case OPT_NNP: o->no_new_privs = true; break;
                case OPT_PRESERVE: o->preserve_fds = atoi(optarg); break;
                case 'g': {
                        char *end;
                        errno = 0;
                        unsigned long gid = strtoul(optarg, &end, 10);
                        if (end == optarg || *end || errno || gid > UINT32_MAX - 1 || optarg[0] == '-')
                                return bw_error_usage(err, "exec --additional-gids wants a numeric gid, not '%s'", optarg);
                        uint32_t *n = reallocarray(o->gids, o->n_gids + 1, sizeof(*n));
                        if (!n)
                                return bw_error_set(err, -ENOMEM, "exec --additional-gids %s", optarg);
                        n[o->n_gids++] = (uint32_t)gid;
                        o->gids = n;
                        break;
                }
                case OPT_CGROUP:
                        if (bw_strv_push(&o->cgroups, optarg) < 0)
                                return bw_error_set(err, -ENOMEM, "exec --cgroup %s", optarg);
                        break;
                case OPT_IGNORE_PAUSED: o->ignore_paused = true; break;
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

static int run_exec(struct bw_globals *g, struct bw_exec_opts *op, bool detach, const char *pid_file,
                    const char *console, char **caps, bool *from_start, struct bw_error **err);

BW_COMMAND(exec)
{
        struct bw_exec_opts o = { .console_fd = -1 };
        bool detach = false;
        const char *pid_file = NULL, *console = NULL;
        int r = parse(argc, argv, &o, &detach, &pid_file, &console, err);
        /* env, cgroups and gids are only freed here (clang: "unused") */
        _cleanup_strv_ __attribute__((unused)) char **env = o.env, **cgroups = o.cgroups;
        _cleanup_strv_ char **caps = o.caps;
        _cleanup_free_ __attribute__((unused)) uint32_t *gids = o.gids;
        if (r < 0)
                return r;
        bool from_start = false;
        r = run_exec(g, &o, detach, pid_file, console, caps, &from_start, err);
        /* As runc: exec's own failures exit 255, so that a caller can tell
         * them from the process's own status (passed through as it is).
         * bw_exec_start chose its statuses (usage 2, a policy refusal 1). */
        if (r < 0 && !from_start && *err && (*err)->status == BW_EXIT_FAILURE)
                (*err)->status = BW_EXIT_RUNTIME;
        return r;
}

static int run_exec(struct bw_globals *g, struct bw_exec_opts *op, bool detach, const char *pid_file,
                    const char *console, char **caps, bool *from_start, struct bw_error **err)
{
        struct bw_exec_opts o = *op;
        int r;
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
                *from_start = true;
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
