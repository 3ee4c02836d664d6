#include <getopt.h>

#include "cli/commands.h"
#include "runtime/container.h"

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
        return bw_container_delete(g->root, argv[optind], force, err) < 0 ? -1 : 0;
}
