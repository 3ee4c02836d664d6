#include "cli/cli.h"
#include "cli/commands.h"
BW_COMMAND(breakout_test){(void)g;(void)argc;(void)argv;return bw_error_usage(err,"todo");}
