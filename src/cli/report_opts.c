#include "cli/report_opts.h"

#include "policy/rules.h"

int bw_report_option(int c, const char *arg, const char *cmd, struct bw_report_opts *o, struct bw_error **err)
{
        switch (c) {
        case 'f': {
                int f = bw_report_format_from_name(arg);
                if (f < 0)
                        return bw_error_usage(err, "%s --format: unknown format '%s'; use text, json, sarif or junit", cmd,
                                              arg);
                o->format = (enum bw_report_format)f;
                return 1;
        }
        case 'p':
                o->profile = arg;
                return 1;
        case 'F': {
                int s = bw_severity_from_name(arg);
                if (s < 0)
                        return bw_error_usage(err, "%s --fail-on: unknown severity '%s'; use critical, high, medium, "
                                              "low or info", cmd, arg);
                o->fail_on = s;
                return 1;
        }
        default:
                return 0;
        }
}
