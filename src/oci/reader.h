/* The loader's cursor: where in the JSON document we are (a path of keys and
 * indices), the source bytes to turn that path into line:column, and the
 * typed readers that report "expected X, found Y" at that place.
 * Internal to src/oci/. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "oci/spec.h"
#include "util/error.h"

/* The config schema is at most 6 levels deep; the pre-scan caps nesting at
 * OCI_MAX_DEPTH, so the path never needs more segments than that. */
#define OCI_MAX_DEPTH 64

struct oci_seg {
        const char *key; /* NULL: an array index */
        size_t index;
};

struct oci_reader {
        const char *data;   /* source text, NULL for an in-memory config */
        size_t len;
        const char *name;   /* what messages call the file */
        struct oci_seg seg[OCI_MAX_DEPTH + 1];
        size_t depth;
        struct bw_error **err;
};

/* json_locate.c: the byte offset where the value at segs starts, or -1. */
long oci_json_locate(const char *data, size_t len, const struct oci_seg *segs, size_t n);
/* 1-based line and column (in characters) of a byte offset. */
void oci_json_position(const char *data, size_t len, size_t off, int *line, int *col);

void rd_push_key(struct oci_reader *r, const char *key);
void rd_push_index(struct oci_reader *r, size_t index);
void rd_pop(struct oci_reader *r);
/* "process.user.uid", "mounts[2].destination", "linux.sysctl[\"net.ipv4.ip_forward\"]";
 * malloc'd, NULL on allocation failure. */
char *rd_path(const struct oci_reader *r);

/* An error at the current path: "FILE:LINE:COL: PATH: <message>". Always
 * returns -EINVAL. */
int rd_error(struct oci_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "expected <expected>, found <a description of v>" at the current path. */
int rd_expected(struct oci_reader *r, const json_t *v, const char *expected);
/* A required field key of the current object is missing: reported at the
 * object, with the field's path. */
int rd_missing(struct oci_reader *r, const char *key, const char *expected);

/* Look key up in obj; a missing key and JSON null both count as absent
 * (Go encoders write null for empty lists). When present, the key is pushed
 * and the value returned: the caller reads it and calls rd_pop. */
json_t *rd_enter(struct oci_reader *r, json_t *obj, const char *key);

/* Typed readers for the value v at the current path. */
int rd_object(struct oci_reader *r, json_t *v);
int rd_array(struct oci_reader *r, json_t *v);
int rd_string(struct oci_reader *r, json_t *v, char **out);
int rd_abs_path(struct oci_reader *r, json_t *v, char **out);
int rd_bool(struct oci_reader *r, json_t *v, bool *out);
int rd_u64(struct oci_reader *r, json_t *v, uint64_t *out); /* 0 to INT64_MAX */
int rd_i64(struct oci_reader *r, json_t *v, int64_t *out);
int rd_u32(struct oci_reader *r, json_t *v, uint32_t *out);
int rd_i32(struct oci_reader *r, json_t *v, int32_t *out);
/* An unsigned integer no larger than max. */
int rd_uint_max(struct oci_reader *r, json_t *v, uint64_t max, uint64_t *out);
/* A 64-bit value where the kernel ABI itself reads -1 as all ones
 * (RLIM_INFINITY, seccomp argument words): negative numbers are taken as
 * their two's complement, so the dumper can write values above INT64_MAX. */
int rd_u64_or_negative(struct oci_reader *r, json_t *v, uint64_t *out);
int rd_strv(struct oci_reader *r, json_t *v, char ***out);

/* The same, for an optional field key of obj (absent: 0, *out untouched). */
int rd_field_string(struct oci_reader *r, json_t *obj, const char *key, char **out);
int rd_field_abs_path(struct oci_reader *r, json_t *obj, const char *key, char **out);
int rd_field_bool(struct oci_reader *r, json_t *obj, const char *key, bool *out);
int rd_field_u32(struct oci_reader *r, json_t *obj, const char *key, uint32_t *out);
int rd_field_strv(struct oci_reader *r, json_t *obj, const char *key, char ***out);

int rd_field_opt_bool(struct oci_reader *r, json_t *obj, const char *key, oci_opt_bool *out);
int rd_field_opt_u32(struct oci_reader *r, json_t *obj, const char *key, oci_opt_u32 *out);
int rd_field_opt_u16(struct oci_reader *r, json_t *obj, const char *key, oci_opt_u32 *out);
int rd_field_opt_i32(struct oci_reader *r, json_t *obj, const char *key, oci_opt_i32 *out);
int rd_field_opt_u64(struct oci_reader *r, json_t *obj, const char *key, oci_opt_u64 *out);
int rd_field_opt_i64(struct oci_reader *r, json_t *obj, const char *key, oci_opt_i64 *out);

/* A required field: like rd_field_*, but absence is an error. */
int rd_require(struct oci_reader *r, json_t *obj, const char *key, const char *expected);

/* An array of structs: allocates n zeroed elements of size bytes into *out
 * (owned by the config at once, so a failure half-way leaves it freeable),
 * then calls each(r, element json, element struct) with the index pushed. */
typedef int (*rd_elem_fn)(struct oci_reader *r, json_t *v, void *elem);
int rd_struct_array(struct oci_reader *r, json_t *v, size_t size, void **out, size_t *n, rd_elem_fn each);
int rd_field_struct_array(struct oci_reader *r, json_t *obj, const char *key, size_t size,
                          void **out, size_t *n, rd_elem_fn each);
/* An object of string values ("annotations", "sysctl", "unified"). */
int rd_field_kv(struct oci_reader *r, json_t *obj, const char *key, struct oci_kv_list *out);
/* uidMappings / gidMappings. */
int rd_field_idmaps(struct oci_reader *r, json_t *obj, const char *key, struct oci_idmap_list *out);

/* Read the optional field key of v with fn(r, value, out); 0 when absent. */
#define RD_WITH(r, v, key, fn, out)                      \
        ({                                               \
                int _k = 0;                              \
                json_t *_s = rd_enter(r, v, key);        \
                if (_s) {                                \
                        _k = fn(r, _s, out);             \
                        rd_pop(r);                       \
                }                                        \
                _k;                                      \
        })

/* The same for an optional object that the config holds by pointer:
 * allocate *out (owned by the config at once) and fill it with fn. */
#define RD_ALLOC_WITH(r, v, key, fn, out)                                        \
        ({                                                                       \
                int _k = 0;                                                      \
                json_t *_s = rd_enter(r, v, key);                                \
                if (_s) {                                                        \
                        _k = rd_object(r, _s);                                   \
                        if (_k == 0) {                                           \
                                (out) = calloc(1, sizeof(*(out)));               \
                                _k = (out) ? fn(r, _s, (out))                    \
                                           : bw_error_set((r)->err, -ENOMEM, "loading %s", (r)->name); \
                        }                                                        \
                        rd_pop(r);                                               \
                }                                                                \
                _k;                                                              \
        })

/* The sections of the config, one file each. */
int oci_load_process(struct oci_reader *r, json_t *v, struct oci_process *p);
int oci_load_linux(struct oci_reader *r, json_t *v, struct oci_linux *l);
int oci_load_resources(struct oci_reader *r, json_t *v, struct oci_resources *res);
int oci_load_seccomp(struct oci_reader *r, json_t *v, struct oci_seccomp *s);
/* dump_resources.c: linux.resources -> JSON. */
json_t *oci_dump_resources(const struct oci_resources *res);
/* validate.c: the checks that span fields, with paths rebuilt from indices. */
int oci_validate(struct oci_reader *r, const struct oci_config *c);
int oci_validate_process(struct oci_reader *r, const struct oci_process *p);
/* validate_shape.c: what the typed readers guarantee for JSON, checked on a
 * config built in memory. */
int oci_validate_shape(struct oci_reader *r, const struct oci_config *c);
