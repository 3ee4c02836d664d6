/* bulwark validate [--bundle DIR | FILE]: load a config with the runtime's
 * own loader and say whether it is valid, or exactly where it is not. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "oci/load.h"
#include "util/cleanup.h"

BW_COMMAND(validate)
{
        (void)g;
        static const struct option opts[] = {
                { "bundle", required_argument, NULL, 'b' },
                {},
        };
        const char *bundle = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
                if (c == 'b')
                        bundle = optarg;
                else
                        return bw_error_bad_option(err, bw_command_find("validate"), argc, argv);
        }
        int rest = argc - optind;
        if (rest > 1)
                return bw_error_usage(err, "validate: expected at most one FILE, found %d; usage: bulwark %s", rest,
                                      bw_command_find("validate")->usage);
        if (rest == 1 && bundle)
                return bw_error_usage(err, "validate: give either --bundle DIR or FILE, not both; usage: bulwark %s",
                                      bw_command_find("validate")->usage);
        _cleanup_free_ char *path = NULL;
        const char *dir = bundle ? bundle : ".";
        const char *sep = *dir && dir[strlen(dir) - 1] == '/' ? "" : "/";
        if (rest == 1)
                path = strdup(argv[optind]);
        else if (asprintf(&path, "%s%sconfig.json", dir, sep) < 0)
                path = NULL;
        if (!path)
                return bw_error_set(err, -ENOMEM, "validate");
        /* "./config.json" reads better as "config.json" */
        const char *shown = !bundle && rest == 0 ? "config.json" : path;
        struct oci_config *cfg = NULL;
        int r = oci_config_load_file(shown, &cfg, err);
        if (r < 0)
                return r;
        oci_config_free(cfg);
        printf("%s: valid\n", shown);
        return 0;
}
