/* What the three report formats share. */
#include <stdlib.h>
#include <string.h>

/* The loader's JSON path scanner (src/oci/json_locate.c) turns a pointer
 * into the offset of its value in the source text. */
#include "oci/reader.h"
#include "policy/report.h"
#include "util/cleanup.h"

/* "/mounts/3/source" -> segments, keys decoded (~1 is /, ~0 is ~) in buf.
 * Returns the count, or -1 when the pointer is too deep. */
static int parse_pointer(const char *pointer, char *buf, struct oci_seg *segs, int max)
{
        int n = 0;
        strcpy(buf, pointer);
        if (buf[0] != '/')
                return 0;
        for (char *p = buf + 1;;) {
                char *end = strchr(p, '/');
                if (end)
                        *end = 0;
                char *w = p;
                for (char *r = p; *r; r++) {
                        if (r[0] == '~' && (r[1] == '0' || r[1] == '1'))
                                *w++ = *++r == '0' ? '~' : '/';
                        else
                                *w++ = *r;
                }
                *w = 0;
                if (n == max)
                        return -1;
                bool index = p[0] && strspn(p, "0123456789") == strlen(p);
                segs[n++] = index ? (struct oci_seg){ .index = strtoul(p, NULL, 10) } : (struct oci_seg){ .key = p };
                if (!end)
                        return n;
                p = end + 1;
        }
}

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
        if (!text)
                return false;
        size_t len = strlen(text);
        const char *at = NULL;
        if (f->pointer && strlen(f->pointer) < 1024) {
                char buf[1024];
                struct oci_seg segs[32];
                int n = parse_pointer(f->pointer, buf, segs, 32);
                for (; n > 0 && !at; n--) {
                        long off = oci_json_locate(text, len, segs, (size_t)n);
                        if (off >= 0)
                                at = text + off;
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
        oci_json_position(text, len, (size_t)(at - text), line, col);
        return true;
}

bool bw_report_fails(const struct bw_report_target *t, size_t n, enum bw_severity sev)
{
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < t[i].findings.n; j++)
                        if (t[i].findings.v[j].violation && t[i].findings.v[j].rule->severity >= sev)
                                return true;
        return false;
}
