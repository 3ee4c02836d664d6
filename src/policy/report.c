/* What the three report formats share. */
#include <stdlib.h>
#include <string.h>

#include "policy/locate.h"
#include "policy/report.h"
#include "util/cleanup.h"

static const char *find_needle(const char *text, const char *needle)
{
        while (needle && *needle) {
                const char *bar = strchr(needle, '|');
                size_t len = bar ? (size_t)(bar - needle) : strlen(needle);
                const char *hit = len ? memmem(text, strlen(text), needle, len) : NULL;
                if (hit)
                        return hit;
                if (!bar)
                        break;
                needle = bar + 1;
        }
        return NULL;
}

bool bw_report_locate(const char *text, const struct bw_finding *f, int *line, int *col)
{
        if (f->line > 0) {
                *line = f->line, *col = f->col;
                return true;
        }
        if (!text)
                return false;
        size_t len = strlen(text);
        const char *at = NULL;
        if (f->pointer) {
                /* the pointer, or its nearest parent that exists */
                _cleanup_free_ char *ptr = strdup(f->pointer);
                for (char *slash; ptr && ptr[0] && !at; *slash = 0) {
                        long off = bw_locate_pointer(text, len, ptr);
                        if (off >= 0)
                                at = text + off;
                        slash = strrchr(ptr, '/');
                }
                if (at) {
                        const char *hit = find_needle(at, f->needle);
                        if (hit)
                                at = hit;
                }
        }
        if (!at)
                at = find_needle(text, f->needle);
        if (!at)
                return false;
        bw_locate_position(text, len, (size_t)(at - text), line, col);
        return true;
}

int bw_report_format_from_name(const char *name)
{
        static const char *const names[] = { [BW_REPORT_TEXT] = "text", [BW_REPORT_JSON] = "json",
                                             [BW_REPORT_SARIF] = "sarif", [BW_REPORT_JUNIT] = "junit" };
        for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(name, names[i]) == 0)
                        return (int)i;
        return -1;
}

bool bw_report_fails(const struct bw_report_target *t, size_t n, enum bw_severity sev)
{
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < t[i].findings.n; j++)
                        if (t[i].findings.v[j].violation && t[i].findings.v[j].rule->severity >= sev)
                                return true;
        return false;
}
