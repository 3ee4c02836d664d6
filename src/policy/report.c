/* What the three report formats share. */
#include <string.h>

#include "policy/report.h"

static int locate_one(const char *text, const char *needle, size_t len)
{
        int line = 1;
        for (const char *p = text; *p; p++) {
                if (strncmp(p, needle, len) == 0)
                        return line;
                if (*p == '\n')
                        line++;
        }
        return 0;
}

int bw_report_locate(const char *text, const char *needle)
{
        if (!text || !needle)
                return 0;
        while (*needle) {
                const char *bar = strchr(needle, '|');
                size_t len = bar ? (size_t)(bar - needle) : strlen(needle);
                int line = len ? locate_one(text, needle, len) : 0;
                if (line)
                        return line;
                if (!bar)
                        break;
                needle = bar + 1;
        }
        return 0;
}

bool bw_report_fails(const struct bw_report_target *t, size_t n, enum bw_severity sev)
{
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < t[i].findings.n; j++)
                        if (t[i].findings.v[j].violation && t[i].findings.v[j].rule->severity >= sev)
                                return true;
        return false;
}
