#include <errno.h>
#include <getopt.h>

#include "cli/commands.h"
#include "runtime/lifecycle.h"

BW_COMMAND(delete)
{
        static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, {} };
        bool force = false;
        int c;
        while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
                if (c == 'f')
                        force = true;
                else
                        return bw_error_bad_option(err, bw_command_find("delete"), argc, argv);
        }
        if (argc - optind != 1)
                return bw_error_usage(err, "usage: bulwark %s", bw_command_find("delete")->usage);
        int r = bw_container_delete(g->root, argv[optind], force, err);
        /* As runc: --force of a container that is already gone succeeds
         * (engines' shims clean up with it after every exit). */
        if (r == -ENOENT && force) {
                bw_error_free(*err);
                *err = NULL;
                return 0;
        }
        return r < 0 ? r : 0;
}
