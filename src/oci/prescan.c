/* Checks on the raw bytes before jansson sees them: an empty file, text that
 * is not UTF-8, and nesting deeper than any config needs. jansson rejects the
 * latter two as well, but its messages name neither the expectation nor a
 * useful depth, and its own depth limit (2048) is far above what a config
 * can mean. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "oci/prescan.h"
#include "oci/reader.h"

/* The length of the valid UTF-8 sequence at p, or 0. Rejects overlong
 * forms, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
        unsigned char c = p[0];
        size_t n;
        unsigned min, cp;
        if (c < 0x80)
                return 1;
        if (c >= 0xC2 && c <= 0xDF)
                n = 2, min = 0x80, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
                n = 3, min = 0x800, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
                n = 4, min = 0x10000, cp = c & 0x07;
        else
                return 0;
        if ((size_t)(end - p) < n)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((p[i] & 0xC0) != 0x80)
                        return 0;
                cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return 0;
        return n;
}

static int fail(struct oci_reader *r, size_t off, const char *msg, unsigned byte)
{
        int line, col;
        oci_json_position(r->data, r->len, off, &line, &col);
        if (byte <= 0xFF)
                return bw_error_msg(r->err, -EINVAL, "%s:%d:%d: %s 0x%02x", r->name, line, col, msg, byte);
        return bw_error_msg(r->err, -EINVAL, "%s:%d:%d: %s", r->name, line, col, msg);
}

int oci_prescan(struct oci_reader *r)
{
        const unsigned char *p = (const unsigned char *)r->data, *end = p + r->len;
        bool blank = true, in_string = false, escaped = false;
        int depth = 0;
        for (const unsigned char *q = p; q < end;) {
                size_t n = utf8_len(q, end);
                if (n == 0)
                        return fail(r, (size_t)(q - p), "expected UTF-8 text, found the byte", *q);
                if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
                        blank = false;
                if (in_string) {
                        if (escaped)
                                escaped = false;
                        else if (*q == '\\')
                                escaped = true;
                        else if (*q == '"')
                                in_string = false;
                } else if (*q == '"') {
                        in_string = true;
                } else if (*q == '[' || *q == '{') {
                        if (++depth > OCI_MAX_DEPTH)
                                return fail(r, (size_t)(q - p),
                                            "expected JSON nested at most 64 levels deep, found deeper nesting "
                                            "(a config needs fewer than 10)", 0x100);
                } else if ((*q == ']' || *q == '}') && depth > 0) {
                        depth--;
                }
                q += n;
        }
        if (blank)
                return bw_error_msg(r->err, -EINVAL, "%s:1:1: expected a JSON object, found an empty file", r->name);
        return 0;
}
