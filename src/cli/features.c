/* bulwark features: print the OCI features document. */
#include <errno.h>
#include <stdio.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "runtime/features.h"
#include "util/cleanup.h"

BW_COMMAND(features)
{
        (void)g;
        (void)argv;
        if (argc > 1)
                return bw_error_usage(err, "features takes no arguments; usage: bulwark %s",
                                      bw_command_find("features")->usage);
        _cleanup_json_ json_t *doc = NULL;
        int r = bw_features_document(&doc, err);
        if (r < 0)
                return r;
        if (json_dumpf(doc, stdout, JSON_INDENT(4)) < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF)
                return bw_error_set(err, -(errno ? errno : EIO), "writing the features document to stdout");
        return 0;
}
