/* JSON pointers (RFC 6901) into source text: where a finding or a policy
 * file error is, as a byte offset. The scanning is the loader's
 * (src/oci/json_locate.c); this turns "/mounts/3/source" into its path. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "oci/reader.h"
#include "policy/locate.h"

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

long bw_locate_pointer(const char *text, size_t len, const char *pointer)
{
        char buf[1024];
        struct oci_seg segs[32];
        if (!text || strlen(pointer) >= sizeof(buf))
                return -1;
        int n = parse_pointer(pointer, buf, segs, 32);
        if (n < 0)
                return -1;
        return oci_json_locate(text, len, segs, (size_t)n);
}

void bw_locate_position(const char *text, size_t len, size_t off, int *line, int *col)
{
        oci_json_position(text, len, off, line, col);
}
