#include "cli/commands.h"
#include "runtime/cgroups.h"

BW_COMMAND(pause)
{
        if (argc != 2 || argv[1][0] == '-')
                return bw_error_usage(err, "pause needs exactly one container id; usage: bulwark %s",
                                      bw_command_find("pause")->usage);
        int rc = bw_container_freeze(g->root, argv[1], true, err);
        return rc < 0 ? rc : 0;
}
