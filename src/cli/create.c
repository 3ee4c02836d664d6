#include "cli/commands.h"
#include "cli/create_opts.h"
#include "util/log.h"

BW_COMMAND(create)
{
        struct bw_cli_create c = { 0 };
        int r = bw_cli_create_prepare("create", false, g, argc, argv, &c, err);
        if (r < 0)
                return r;
        pid_t pid;
        return bw_container_create(&c.opts, &pid, err) < 0 ? -1 : 0;
}
