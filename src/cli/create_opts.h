/* The options create and run share (runc's). */
#pragma once
#include <stdbool.h>

#include "runtime/container.h"

struct bw_cli_create {
        struct bw_create_opts opts;
        bool detach;   /* run only */
        bool keep;     /* run only */
};

/* Parse create's or run's arguments (run also takes --detach, --keep). */
int bw_cli_parse_create(const char *cmd, bool is_run, int argc, char **argv, struct bw_cli_create *out,
                        struct bw_error **err);

/* The global flags create and run pass on: the policy and the cgroup driver. */
#include "cli/cli.h"
static inline void bw_cli_policy_opts(const struct bw_globals *g, struct bw_create_opts *o)
{
        o->policy_file = g->policy_file;
        o->profile = g->profile;
        o->policy_mode = g->policy_mode;
        o->systemd_cgroup = g->systemd_cgroup;
}

/* The container's init is a clone of this process: run it from a
 * protected image of bulwark, chosen from the bundle's config
 * (CVE-2019-5736, cli/protect.h). */
int bw_cli_create_protect(const struct bw_cli_create *c, struct bw_error **err);

/* create's and run's first steps: parse the arguments, protect the
 * runtime's image, take the global flags. */
int bw_cli_create_prepare(const char *cmd, bool is_run, const struct bw_globals *g, int argc, char **argv,
                          struct bw_cli_create *out, struct bw_error **err);
