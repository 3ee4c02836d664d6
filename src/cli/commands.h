/* Every command, one file each under src/cli/. */
#pragma once
#include "cli/cli.h"

BW_COMMAND(features);
BW_COMMAND(setup);
BW_COMMAND(spec);
BW_COMMAND(validate);
BW_COMMAND(version);
