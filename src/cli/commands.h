/* Every command, one file each under src/cli/. */
#pragma once
#include "cli/cli.h"

BW_COMMAND(features);
BW_COMMAND(setup);
BW_COMMAND(share);
BW_COMMAND(spec);
BW_COMMAND(create);
BW_COMMAND(delete);
BW_COMMAND(gc);
BW_COMMAND(exec);
BW_COMMAND(kill);
BW_COMMAND(list);
BW_COMMAND(ps);
BW_COMMAND(run);
BW_COMMAND(start);
BW_COMMAND(state);
BW_COMMAND(validate);
BW_COMMAND(version);
BW_COMMAND(audit);
BW_COMMAND(pause);
BW_COMMAND(resume);
BW_COMMAND(update);
BW_COMMAND(events);
BW_COMMAND(check);
BW_COMMAND(breakout_test);
