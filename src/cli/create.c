#include "cli/commands.h"
#include "cli/create_opts.h"
#include "linux/selfclone.h"
#include "util/log.h"

BW_COMMAND(create)
{
        struct bw_cli_create c = { 0 };
        int r = bw_cli_parse_create("create", false, argc, argv, &c, err);
        if (r < 0)
                return r;
        /* The container's init is a clone of this process: run it from a
         * sealed copy so the container cannot reach our binary (CVE-2019-5736). */
        if ((r = bw_selfclone_ensure(err)) < 0)
                return r;
        if (bw_selfclone_cost_ns() >= 0)
                bw_debug("running from a sealed copy of bulwark; copying and re-executing took %lld us",
                         bw_selfclone_cost_ns() / 1000);
        c.opts.root = g->root;
        bw_cli_policy_opts(g, &c.opts);
        pid_t pid;
        return bw_container_create(&c.opts, &pid, err) < 0 ? -1 : 0;
}
