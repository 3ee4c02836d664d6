#include "cli/commands.h"
#include "runtime/cgroups.h"

BW_COMMAND(resume)
{
        if (argc != 2 || argv[1][0] == '-')
                return bw_error_usage(err, "resume needs exactly one container id; usage: bulwark %s",
                                      bw_command_find("resume")->usage);
        int rc = bw_container_freeze(g->root, argv[1], false, err);
        return rc < 0 ? rc : 0;
}
