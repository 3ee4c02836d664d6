#include "cli/commands.h"
#include "cli/create_opts.h"
#include "util/log.h"

BW_COMMAND(create)
{
        struct bw_cli_create c = { 0 };
        int r = bw_cli_parse_create("create", false, argc, argv, &c, err);
        if (r < 0)
                return r;
        if ((r = bw_cli_create_protect(&c, err)) < 0)
                return r;
        c.opts.root = g->root;
        bw_cli_policy_opts(g, &c.opts);
        pid_t pid;
        int rc = bw_container_create(&c.opts, &pid, err);
        return rc < 0 ? rc : 0;
}
