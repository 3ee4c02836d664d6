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
