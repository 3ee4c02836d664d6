#include <getopt.h>
#include <signal.h>

#include "cli/commands.h"
#include "runtime/lifecycle.h"
#include "util/signals.h"

BW_COMMAND(kill)
{
        static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, {} };
        bool all = false;
        int c;
        while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
                if (c == 'a')
                        all = true;
                else
                        return bw_error_bad_option(err, bw_command_find("kill"), argc, argv);
        }
        int left = argc - optind;
        if (left < 1 || left > 2)
                return bw_error_usage(err, "usage: bulwark %s", bw_command_find("kill")->usage);
        int sig = SIGTERM;
        if (left == 2 && (sig = bw_signal_parse(argv[optind + 1])) < 0)
                return bw_error_usage(err, "kill: unknown signal '%s'; give a name (TERM, SIGKILL) or a number", argv[optind + 1]);
        int rc = bw_container_kill(g->root, argv[optind], sig, all, err);
        return rc < 0 ? rc : 0;
}
