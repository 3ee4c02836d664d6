/* The loader's cursor and its typed readers: every value is read at a known
 * JSON path, so a wrong one is reported as FILE:LINE:COL: PATH: expected X,
 * found Y. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "oci/reader.h"
#include "util/cleanup.h"
#include "util/json_text.h"
#include "util/strv.h"

void rd_push_key(struct oci_reader *r, const char *key)
{
        if (r->depth < ARRAY_SIZE(r->seg))
                r->seg[r->depth] = (struct oci_seg){ .key = key };
        r->depth++;
}

void rd_push_index(struct oci_reader *r, size_t index)
{
        if (r->depth < ARRAY_SIZE(r->seg))
                r->seg[r->depth] = (struct oci_seg){ .index = index };
        r->depth++;
}

void rd_pop(struct oci_reader *r)
{
        if (r->depth > 0)
                r->depth--;
}

static bool is_identifier(const char *k)
{
        if (!*k || (*k >= '0' && *k <= '9'))
                return false;
        for (; *k; k++)
                if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_'))
                        return false;
        return true;
}

char *rd_path(const struct oci_reader *r)
{
        char *buf = NULL;
        size_t size = 0;
        _cleanup_fclose_ FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        size_t n = r->depth < ARRAY_SIZE(r->seg) ? r->depth : ARRAY_SIZE(r->seg);
        for (size_t i = 0; i < n; i++) {
                const struct oci_seg *s = &r->seg[i];
                if (!s->key) {
                        fprintf(f, "[%zu]", s->index);
                } else if (is_identifier(s->key)) {
                        fprintf(f, "%s%s", i ? "." : "", s->key);
                } else {
                        /* keys such as sysctl names contain dots: quote them */
                        _cleanup_json_ json_t *k = json_string(s->key);
                        _cleanup_free_ char *q = k ? bw_json_dumps(k, JSON_ENCODE_ANY) : NULL;
                        fprintf(f, "[%s]", q ? q : "?");
                }
        }
        if (fclose(take_ptr(f)) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* "FILE:LINE:COL: " for the value at segs, "FILE: " when it cannot be found. */
static char *where(const struct oci_reader *r, size_t n)
{
        char *s = NULL;
        /* A value that is absent (a missing field) is reported where its
         * nearest present ancestor starts. */
        long off = -1;
        for (size_t k = n < ARRAY_SIZE(r->seg) ? n : ARRAY_SIZE(r->seg); r->data && off < 0; k--) {
                off = oci_json_locate(r->data, r->len, r->seg, k);
                if (k == 0)
                        break;
        }
        int rc;
        if (off >= 0) {
                int line, col;
                oci_json_position(r->data, r->len, (size_t)off, &line, &col);
                rc = asprintf(&s, "%s:%d:%d: ", r->name, line, col);
        } else {
                rc = asprintf(&s, "%s: ", r->name);
        }
        return rc < 0 ? NULL : s;
}

__attribute__((format(printf, 3, 0)))
static int verror_at(struct oci_reader *r, size_t at_depth, const char *fmt, va_list ap)
{
        _cleanup_free_ char *pos = where(r, at_depth);
        _cleanup_free_ char *path = rd_path(r);
        _cleanup_free_ char *msg = NULL;
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        return bw_error_msg(r->err, -EINVAL, "%s%s%s%s", pos ? pos : "", path ? path : "",
                            path && *path ? ": " : "", msg ? msg : "invalid");
}

int rd_error(struct oci_reader *r, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int rc = verror_at(r, r->depth, fmt, ap);
        va_end(ap);
        return rc;
}

static int error_at(struct oci_reader *r, size_t at_depth, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int error_at(struct oci_reader *r, size_t at_depth, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int rc = verror_at(r, at_depth, fmt, ap);
        va_end(ap);
        return rc;
}

/* The source text of the number at the current path, when we have it. */
static const char *number_text(const struct oci_reader *r, size_t *n)
{
        long off = oci_json_locate(r->data, r->len, r->seg, r->depth < ARRAY_SIZE(r->seg) ? r->depth : 0);
        if (off < 0)
                return NULL;
        const char *p = r->data + off, *end = r->data + r->len;
        size_t k = 0;
        while (p + k < end && strchr("+-.0123456789eE", p[k]) && p[k])
                k++;
        *n = k;
        return k ? p : NULL;
}

/* How a value shows in a message: strings quoted (and shortened), numbers as
 * written, containers by kind. */
static char *describe(const struct oci_reader *r, const json_t *v)
{
        char *s = NULL;
        switch (json_typeof(v)) {
        case JSON_OBJECT: return strdup("an object");
        case JSON_ARRAY: return strdup("an array");
        case JSON_INTEGER:
        case JSON_REAL: {
                size_t n = 0;
                const char *t = number_text(r, &n);
                if (t && n <= 40 && asprintf(&s, "%.*s", (int)n, t) >= 0)
                        return s;
                return bw_json_dumps(v, JSON_ENCODE_ANY);
        }
        case JSON_STRING: {
                _cleanup_free_ char *q = bw_json_dumps(v, JSON_ENCODE_ANY);
                if (!q)
                        return NULL;
                if (strlen(q) > 60 && asprintf(&s, "%.56s...\"", q) >= 0)
                        return s;
                return take_ptr(q);
        }
        default: return bw_json_dumps(v, JSON_ENCODE_ANY); /* true, false, null */
        }
}

int rd_expected(struct oci_reader *r, const json_t *v, const char *expected)
{
        _cleanup_free_ char *found = describe(r, v);
        return rd_error(r, "expected %s, found %s", expected, found ? found : "something else");
}

int rd_missing(struct oci_reader *r, const char *key, const char *expected)
{
        size_t at = r->depth;
        rd_push_key(r, key);
        int rc = error_at(r, at, "expected %s, found nothing (this field is required)", expected);
        rd_pop(r);
        return rc;
}

json_t *rd_enter(struct oci_reader *r, json_t *obj, const char *key)
{
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return NULL;
        rd_push_key(r, key);
        return v;
}

int rd_require(struct oci_reader *r, json_t *obj, const char *key, const char *expected)
{
        json_t *v = json_object_get(obj, key);
        if (!v)
                return rd_missing(r, key, expected);
        if (json_is_null(v)) {
                rd_push_key(r, key);
                int rc = rd_expected(r, v, expected);
                rd_pop(r);
                return rc;
        }
        return 0;
}

int rd_object(struct oci_reader *r, json_t *v)
{
        return json_is_object(v) ? 0 : rd_expected(r, v, "an object");
}

int rd_array(struct oci_reader *r, json_t *v)
{
        return json_is_array(v) ? 0 : rd_expected(r, v, "an array");
}

int rd_string(struct oci_reader *r, json_t *v, char **out)
{
        if (!json_is_string(v))
                return rd_expected(r, v, "a string");
        char *s = strdup(json_string_value(v));
        if (!s)
                return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
        free(*out);
        *out = s;
        return 0;
}

int rd_abs_path(struct oci_reader *r, json_t *v, char **out)
{
        if (!json_is_string(v) || json_string_value(v)[0] != '/')
                return rd_expected(r, v, "an absolute path");
        return rd_string(r, v, out);
}

int rd_bool(struct oci_reader *r, json_t *v, bool *out)
{
        if (!json_is_boolean(v))
                return rd_expected(r, v, "true or false");
        *out = json_is_true(v);
        return 0;
}

/* The exact integer v holds, as sign and magnitude. Returns 0, -EDOM when v is
 * not a number or not an integer, -ERANGE when it needs more than 64 bits.
 * jansson turns integers beyond 64 bits into reals (JSON_DECODE_INT_AS_REAL
 * after an overflow), so reals are read back from the source text. */
static int integer_of(const struct oci_reader *r, const json_t *v, bool *neg, uint64_t *mag)
{
        if (json_is_integer(v)) {
                json_int_t i = json_integer_value(v);
                *neg = i < 0;
                *mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
                return 0;
        }
        if (!json_is_real(v))
                return -EDOM;
        size_t n = 0;
        const char *t = number_text(r, &n);
        if (!t) {
                /* no source text: trust the double only where it is exact */
                double d = json_real_value(v);
                if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != (double)(int64_t)d)
                        return -EDOM;
                int64_t i = (int64_t)d;
                *neg = i < 0;
                *mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
                return 0;
        }
        size_t i = 0;
        *neg = t[0] == '-';
        if (*neg)
                i++;
        uint64_t m = 0;
        bool overflow = false;
        for (; i < n && t[i] >= '0' && t[i] <= '9'; i++) {
                unsigned d = (unsigned)(t[i] - '0');
                if (m > (UINT64_MAX - d) / 10)
                        overflow = true;
                m = m * 10 + d;
        }
        if (i != n)
                return -EDOM; /* a fraction or an exponent */
        if (overflow)
                return -ERANGE;
        *mag = m;
        *neg = *neg && m != 0; /* -0 is 0, as jansson reads it */
        return 0;
}

int rd_uint_max(struct oci_reader *r, json_t *v, uint64_t max, uint64_t *out)
{
        bool neg;
        uint64_t m;
        int k = integer_of(r, v, &neg, &m);
        if (k == -EDOM)
                return rd_expected(r, v, "a non-negative integer");
        if (k < 0 || neg || m > max) {
                char want[64];
                snprintf(want, sizeof(want), "an integer from 0 to %" PRIu64, max);
                return rd_expected(r, v, want);
        }
        *out = m;
        return 0;
}

static int int_range(struct oci_reader *r, json_t *v, int64_t min, int64_t max, int64_t *out)
{
        bool neg;
        uint64_t m;
        int k = integer_of(r, v, &neg, &m);
        if (k == -EDOM)
                return rd_expected(r, v, "an integer");
        bool ok = k == 0 && (neg ? m <= (uint64_t)0 - (uint64_t)min : m <= (uint64_t)max);
        if (!ok) {
                char want[96];
                snprintf(want, sizeof(want), "an integer from %" PRId64 " to %" PRId64, min, max);
                return rd_expected(r, v, want);
        }
        *out = neg ? (int64_t)((uint64_t)0 - m) : (int64_t)m;
        return 0;
}

/* Counts, rates and durations: beyond INT64_MAX they mean nothing, and
 * keeping them there lets the dumper write every value as a JSON integer. */
int rd_u64(struct oci_reader *r, json_t *v, uint64_t *out)
{
        return rd_uint_max(r, v, INT64_MAX, out);
}

int rd_u32(struct oci_reader *r, json_t *v, uint32_t *out)
{
        uint64_t x;
        int k = rd_uint_max(r, v, UINT32_MAX, &x);
        if (k == 0)
                *out = (uint32_t)x;
        return k;
}

int rd_i64(struct oci_reader *r, json_t *v, int64_t *out)
{
        return int_range(r, v, INT64_MIN, INT64_MAX, out);
}

int rd_i32(struct oci_reader *r, json_t *v, int32_t *out)
{
        int64_t x;
        int k = int_range(r, v, INT32_MIN, INT32_MAX, &x);
        if (k == 0)
                *out = (int32_t)x;
        return k;
}

int rd_u64_or_negative(struct oci_reader *r, json_t *v, uint64_t *out)
{
        bool neg;
        uint64_t m;
        int k = integer_of(r, v, &neg, &m);
        if (k == -EDOM)
                return rd_expected(r, v, "an integer");
        if (k < 0 || (neg && m > (uint64_t)INT64_MAX + 1))
                return rd_expected(r, v, "an integer from -9223372036854775808 to 18446744073709551615");
        *out = neg ? (uint64_t)0 - m : m;
        return 0;
}

int rd_strv(struct oci_reader *r, json_t *v, char ***out)
{
        if (!json_is_array(v))
                return rd_expected(r, v, "an array of strings");
        size_t n = json_array_size(v);
        char **sv = calloc(n + 1, sizeof(char *));
        if (!sv)
                return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
        bw_strv_free(*out);
        *out = sv;
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(v, i);
                rd_push_index(r, i);
                int k = rd_string(r, e, &sv[i]);
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        return 0;
}

#define DEFINE_FIELD(name, type, reader)                                                   \
        int rd_field_##name(struct oci_reader *r, json_t *obj, const char *key, type *out) \
        {                                                                                  \
                json_t *v = rd_enter(r, obj, key);                                         \
                if (!v)                                                                    \
                        return 0;                                                          \
                int k = reader(r, v, out);                                                 \
                rd_pop(r);                                                                 \
                return k;                                                                  \
        }

DEFINE_FIELD(string, char *, rd_string)
DEFINE_FIELD(abs_path, char *, rd_abs_path)
DEFINE_FIELD(bool, bool, rd_bool)
DEFINE_FIELD(u32, uint32_t, rd_u32)
DEFINE_FIELD(strv, char **, rd_strv)

static int opt_bool(struct oci_reader *r, json_t *v, oci_opt_bool *o)
{
        o->set = true;
        return rd_bool(r, v, &o->v);
}
static int opt_u32(struct oci_reader *r, json_t *v, oci_opt_u32 *o)
{
        o->set = true;
        return rd_u32(r, v, &o->v);
}
static int opt_u16(struct oci_reader *r, json_t *v, oci_opt_u32 *o)
{
        uint64_t x = 0;
        o->set = true;
        int k = rd_uint_max(r, v, UINT16_MAX, &x);
        o->v = (uint32_t)x;
        return k;
}
static int opt_i32(struct oci_reader *r, json_t *v, oci_opt_i32 *o)
{
        o->set = true;
        return rd_i32(r, v, &o->v);
}
static int opt_u64(struct oci_reader *r, json_t *v, oci_opt_u64 *o)
{
        o->set = true;
        return rd_u64(r, v, &o->v);
}
static int opt_i64(struct oci_reader *r, json_t *v, oci_opt_i64 *o)
{
        o->set = true;
        return rd_i64(r, v, &o->v);
}

DEFINE_FIELD(opt_bool, oci_opt_bool, opt_bool)
DEFINE_FIELD(opt_u32, oci_opt_u32, opt_u32)
DEFINE_FIELD(opt_u16, oci_opt_u32, opt_u16)
DEFINE_FIELD(opt_i32, oci_opt_i32, opt_i32)
DEFINE_FIELD(opt_u64, oci_opt_u64, opt_u64)
DEFINE_FIELD(opt_i64, oci_opt_i64, opt_i64)

int rd_struct_array(struct oci_reader *r, json_t *v, size_t size, void **out, size_t *n, rd_elem_fn each)
{
        if (!json_is_array(v))
                return rd_expected(r, v, "an array");
        size_t count = json_array_size(v);
        void *arr = calloc(count ? count : 1, size);
        if (!arr)
                return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
        *out = arr;
        *n = count;
        for (size_t i = 0; i < count; i++) {
                json_t *e = json_array_get(v, i);
                rd_push_index(r, i);
                int k = json_is_object(e) ? each(r, e, (char *)arr + i * size) : rd_expected(r, e, "an object");
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        return 0;
}

int rd_field_struct_array(struct oci_reader *r, json_t *obj, const char *key, size_t size,
                          void **out, size_t *n, rd_elem_fn each)
{
        json_t *v = rd_enter(r, obj, key);
        if (!v)
                return 0;
        int k = rd_struct_array(r, v, size, out, n, each);
        rd_pop(r);
        return k;
}

static int kv_object(struct oci_reader *r, json_t *v, struct oci_kv_list *out)
{
        if (!json_is_object(v))
                return rd_expected(r, v, "an object of strings");
        size_t count = json_object_size(v);
        out->v = calloc(count ? count : 1, sizeof(*out->v));
        if (!out->v)
                return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val) {
                rd_push_key(r, key);
                struct oci_kv *kv = &out->v[out->n];
                int k = rd_string(r, val, &kv->value);
                rd_pop(r);
                if (k < 0)
                        return k;
                out->n++;
                kv->key = strdup(key);
                if (!kv->key)
                        return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
        }
        return 0;
}

int rd_field_kv(struct oci_reader *r, json_t *obj, const char *key, struct oci_kv_list *out)
{
        json_t *v = rd_enter(r, obj, key);
        if (!v)
                return 0;
        int k = kv_object(r, v, out);
        rd_pop(r);
        return k;
}

static int idmap(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_idmap *m = elem;
        int k;
        if ((k = rd_require(r, v, "containerID", "a non-negative integer")) < 0 ||
            (k = rd_require(r, v, "hostID", "a non-negative integer")) < 0 ||
            (k = rd_require(r, v, "size", "a non-negative integer")) < 0 ||
            (k = rd_field_u32(r, v, "containerID", &m->container_id)) < 0 ||
            (k = rd_field_u32(r, v, "hostID", &m->host_id)) < 0 ||
            (k = rd_field_u32(r, v, "size", &m->size)) < 0)
                return k;
        return 0;
}

int rd_field_idmaps(struct oci_reader *r, json_t *obj, const char *key, struct oci_idmap_list *out)
{
        json_t *v = rd_enter(r, obj, key);
        if (!v)
                return 0;
        out->present = true;
        int k = rd_struct_array(r, v, sizeof(*out->v), (void **)&out->v, &out->n, idmap);
        rd_pop(r);
        return k;
}
