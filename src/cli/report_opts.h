/* The report options audit and check share: --format, --profile and
 * --fail-on, parsed once with one set of messages. */
#pragma once
#include "policy/report.h"
#include "util/error.h"

struct bw_report_opts {
        enum bw_report_format format;
        const char *profile; /* NULL: the policy file's or the default */
        int fail_on;         /* the severity from which findings fail the command */
};

/* The getopt_long rows of the three options (short codes 'f', 'p', 'F'). */
#define BW_REPORT_OPTIONS                                          \
        { "format", required_argument, NULL, 'f' },                \
        { "profile", required_argument, NULL, 'p' },               \
        { "fail-on", required_argument, NULL, 'F' }

/* Take option c (with optarg) of command cmd when it is one of the three:
 * 1 when taken, 0 when it is another option, or a usage error. */
int bw_report_option(int c, const char *arg, const char *cmd, struct bw_report_opts *o, struct bw_error **err);
