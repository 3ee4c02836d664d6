#include "cli/create_opts.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/protect.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE, OPT_KEEP, OPT_NO_SUBREAPER };

int bw_cli_parse_create(const char *cmd, bool is_run, int argc, char **argv, struct bw_cli_create *out,
                        struct bw_error **err)
{
        static const struct option opts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "pid-file", required_argument, NULL, OPT_PID_FILE },
                { "console-socket", required_argument, NULL, OPT_CONSOLE },
                { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
                { "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
                { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
                { "detach", no_argument, NULL, 'd' },
                { "keep", no_argument, NULL, OPT_KEEP },
                { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
                {},
        };
        out->opts.console_fd = -1;
        int c;
        while ((c = getopt_long(argc, argv, "b:d", opts, NULL)) != -1) {
                switch (c) {
                case 'b': out->opts.bundle = optarg; break;
                case OPT_PID_FILE: out->opts.pid_file = optarg; break;
                case OPT_CONSOLE: out->opts.console_socket = optarg; break;
                case OPT_NO_PIVOT: out->opts.no_pivot = true; break;
                case OPT_NO_KEYRING: out->opts.no_new_keyring = true; break;
                case OPT_PRESERVE: {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end || n < 0 || n > 65536)
                                return bw_error_usage(err, "%s: --preserve-fds wants a count of fds, not '%s'", cmd, optarg);
                        out->opts.preserve_fds = (int)n;
                        break;
                }
                case 'd':
                case OPT_KEEP:
                        if (!is_run)
                                return bw_error_bad_option(err, bw_command_find(cmd), argc, argv);
                        if (c == 'd')
                                out->detach = true;
                        else
                                out->keep = true;
                        break;
                case OPT_NO_SUBREAPER: break; /* runc compatibility: we never become a subreaper */
                default:
                        return bw_error_bad_option(err, bw_command_find(cmd), argc, argv);
                }
        }
        if (optind != argc - 1)
                return bw_error_usage(err, "%s needs exactly one container id; usage: bulwark %s", cmd,
                                      bw_command_find(cmd)->usage);
        out->opts.id = argv[optind];
        return 0;
}

int bw_cli_create_protect(const struct bw_cli_create *c, struct bw_error **err)
{
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/config.json", c->opts.bundle ? c->opts.bundle : ".");
        return bw_cli_protect_self(path, false, err);
}

int bw_cli_create_prepare(const char *cmd, bool is_run, const struct bw_globals *g, int argc, char **argv,
                          struct bw_cli_create *out, struct bw_error **err)
{
        int r = bw_cli_parse_create(cmd, is_run, argc, argv, out, err);
        if (r < 0)
                return r;
        if ((r = bw_cli_create_protect(out, err)) < 0)
                return r;
        out->opts.root = g->root;
        bw_cli_policy_opts(g, &out->opts);
        return 0;
}
