#include <seccomp.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "util/version.h"

BW_COMMAND(version)
{
        (void)g;
        if (argc > 1)
                return bw_error_usage(err, "version takes no arguments; usage: bulwark version");
        const struct scmp_version *sv = seccomp_version();
        printf("bulwark version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n",
               bw_version, bw_commit, BW_OCI_VERSION,
               sv ? sv->major : 0, sv ? sv->minor : 0, sv ? sv->micro : 0);
        (void)argv;
        return 0;
}
