/* Where is the value at a JSON path? jansson keeps no positions after it has
 * parsed, so when the loader reports an error it re-scans the source text,
 * following the path's keys and indices, to find the line and column where
 * the offending value starts. Only called on text jansson already accepted,
 * nested no deeper than OCI_MAX_DEPTH. */
#include <stdlib.h>
#include <string.h>

#include "oci/reader.h"

struct scan {
        const char *p, *end;
};

static void skip_ws(struct scan *s)
{
        while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
                s->p++;
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static long hex4(const char *p, const char *end)
{
        if (end - p < 4)
                return -1;
        long v = 0;
        for (int i = 0; i < 4; i++) {
                int h = hexval(p[i]);
                if (h < 0)
                        return -1;
                v = v * 16 + h;
        }
        return v;
}

static size_t put_utf8(char *out, unsigned long cp)
{
        if (cp < 0x80) {
                out[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char)(0xC0 | (cp >> 6));
                out[1] = (char)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (char)(0xE0 | (cp >> 12));
                out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                out[2] = (char)(0x80 | (cp & 0x3F));
                return 3;
        }
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
}

/* Decode the string at s->p (which points at its opening quote) into a new
 * buffer, or only skip it when out is NULL. Returns 0, or -1 on bad text. */
static int scan_string(struct scan *s, char **out)
{
        if (s->p >= s->end || *s->p != '"')
                return -1;
        s->p++;
        const char *start = s->p;
        char *buf = NULL;
        size_t n = 0;
        if (out) {
                /* Decoding never makes a string longer than its source. */
                const char *q = start;
                while (q < s->end && *q != '"')
                        q += (*q == '\\' && q + 1 < s->end) ? 2 : 1;
                buf = malloc((size_t)(q - start) + 1);
                if (!buf)
                        return -1;
        }
        while (s->p < s->end && *s->p != '"') {
                char c = *s->p++;
                if (c != '\\') {
                        if (buf)
                                buf[n++] = c;
                        continue;
                }
                if (s->p >= s->end)
                        break;
                char e = *s->p++;
                unsigned long cp = (unsigned char)e;
                switch (e) {
                case 'b': cp = '\b'; break;
                case 'f': cp = '\f'; break;
                case 'n': cp = '\n'; break;
                case 'r': cp = '\r'; break;
                case 't': cp = '\t'; break;
                case 'u': {
                        long u = hex4(s->p, s->end);
                        if (u < 0)
                                goto bad;
                        s->p += 4;
                        cp = (unsigned long)u;
                        if (u >= 0xD800 && u < 0xDC00 && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u') {
                                long lo = hex4(s->p + 2, s->end);
                                if (lo >= 0xDC00 && lo < 0xE000) {
                                        cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
                                        s->p += 6;
                                }
                        }
                        break;
                }
                default: break; /* \" \\ \/ stand for themselves */
                }
                if (buf) {
                        /* A \u escape takes 6 source bytes, at most 4 decoded. */
                        n += put_utf8(buf + n, cp);
                }
        }
        if (s->p >= s->end)
                goto bad;
        s->p++; /* closing quote */
        if (buf) {
                buf[n] = '\0';
                *out = buf;
        }
        return 0;
bad:
        free(buf);
        return -1;
}

static int skip_value(struct scan *s, int depth);

static int skip_container(struct scan *s, char close, int depth)
{
        s->p++;
        skip_ws(s);
        if (s->p < s->end && *s->p == close) {
                s->p++;
                return 0;
        }
        for (;;) {
                skip_ws(s);
                if (close == '}') {
                        if (scan_string(s, NULL) < 0)
                                return -1;
                        skip_ws(s);
                        if (s->p >= s->end || *s->p != ':')
                                return -1;
                        s->p++;
                        skip_ws(s);
                }
                if (skip_value(s, depth + 1) < 0)
                        return -1;
                skip_ws(s);
                if (s->p >= s->end)
                        return -1;
                char c = *s->p++;
                if (c == close)
                        return 0;
                if (c != ',')
                        return -1;
        }
}

static int skip_value(struct scan *s, int depth)
{
        if (depth > OCI_MAX_DEPTH + 1 || s->p >= s->end)
                return -1;
        switch (*s->p) {
        case '"': return scan_string(s, NULL);
        case '{': return skip_container(s, '}', depth);
        case '[': return skip_container(s, ']', depth);
        default:
                /* numbers, true, false, null: up to the next delimiter */
                /* (strchr finds the string's own NUL: a NUL byte in the
                 * input is not a delimiter) */
                while (s->p < s->end && (*s->p == '\0' || !strchr(",]} \t\r\n", *s->p)))
                        s->p++;
                return 0;
        }
}

/* With s->p at an object, move to the value of key. */
static int find_key(struct scan *s, const char *key)
{
        s->p++;
        for (;;) {
                skip_ws(s);
                if (s->p >= s->end || *s->p == '}')
                        return -1;
                char *k = NULL;
                if (scan_string(s, &k) < 0)
                        return -1;
                int match = strcmp(k, key) == 0;
                free(k);
                skip_ws(s);
                if (s->p >= s->end || *s->p != ':')
                        return -1;
                s->p++;
                skip_ws(s);
                if (match)
                        return 0;
                if (skip_value(s, 1) < 0)
                        return -1;
                skip_ws(s);
                if (s->p < s->end && *s->p == ',')
                        s->p++;
        }
}

/* With s->p at an array, move to element index. */
static int find_index(struct scan *s, size_t index)
{
        s->p++;
        for (size_t i = 0;; i++) {
                skip_ws(s);
                if (s->p >= s->end || *s->p == ']')
                        return -1;
                if (i == index)
                        return 0;
                const char *before = s->p;
                if (skip_value(s, 1) < 0 || s->p == before)
                        return -1; /* malformed: no element was read */
                skip_ws(s);
                if (s->p < s->end && *s->p == ',')
                        s->p++;
        }
}

long oci_json_locate(const char *data, size_t len, const struct oci_seg *segs, size_t n)
{
        if (!data)
                return -1;
        struct scan s = { data, data + len };
        skip_ws(&s);
        for (size_t i = 0; i < n; i++) {
                if (s.p >= s.end)
                        return -1;
                int r;
                if (segs[i].key)
                        r = *s.p == '{' ? find_key(&s, segs[i].key) : -1;
                else
                        r = *s.p == '[' ? find_index(&s, segs[i].index) : -1;
                if (r < 0)
                        return -1;
        }
        if (s.p >= s.end)
                return -1;
        return (long)(s.p - data);
}

void oci_json_position(const char *data, size_t len, size_t off, int *line, int *col)
{
        int l = 1, c = 1;
        for (size_t i = 0; i < off && i < len; i++) {
                unsigned char b = (unsigned char)data[i];
                if (b == '\n') {
                        l++;
                        c = 1;
                } else if ((b & 0xC0) != 0x80) {
                        /* count characters, not UTF-8 continuation bytes, as jansson does */
                        c++;
                }
        }
        *line = l;
        *col = c;
}
