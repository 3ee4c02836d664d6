#include "cli/commands.h"
#include "runtime/lifecycle.h"

BW_COMMAND(start)
{
        if (argc != 2 || argv[1][0] == '-')
                return bw_error_usage(err, "start needs exactly one container id; usage: bulwark %s", bw_command_find("start")->usage);
        int rc = bw_container_start(g->root, argv[1], err);
        return rc < 0 ? rc : 0;
}
