/* YAML documents as trees whose every node keeps its line and column, read
 * with libyaml. JSON is YAML too, so JSON manifests take the same path.
 * Aliases point at their anchor's node (no copies, so no alias bombs);
 * merge keys ("<<") are followed by bw_ymap_get. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum bw_ykind { BW_Y_SCALAR, BW_Y_MAP, BW_Y_SEQ };

struct bw_ynode;
struct bw_ypair { struct bw_ynode *key, *value; };

struct bw_ynode {
        enum bw_ykind kind;
        int line, col;         /* 1-based, where the node starts */
        char *scalar;          /* BW_Y_SCALAR: its text */
        bool plain;            /* BW_Y_SCALAR: unquoted (so `true`, `null`, `1` are not strings) */
        struct bw_ynode **items; /* BW_Y_SEQ */
        struct bw_ypair *pairs;  /* BW_Y_MAP, in document order */
        size_t n;
        struct bw_ynode *next_alloc; /* the arena's list */
};

struct bw_yaml {
        struct bw_ynode **docs; /* one root per document; an empty document is NULL */
        size_t n_docs;
        struct bw_ynode *arena;
};

/* Parse every document of data. name is used in messages
 * ("deploy.yaml:12:3: mapping values are not allowed in this context").
 * On failure nothing is returned. */
int bw_yaml_parse(const char *data, size_t len, const char *name, struct bw_yaml *out, struct bw_error **err);
void bw_yaml_free(struct bw_yaml *y);

/* The value under key in a mapping (merge keys followed), or NULL. */
const struct bw_ynode *bw_ymap_get(const struct bw_ynode *map, const char *key);
/* The key node of key in a mapping, for positions, or NULL. */
const struct bw_ynode *bw_ymap_key(const struct bw_ynode *map, const char *key);
/* The text of a scalar that is not null (`~`, `null`, empty plain), or NULL. */
const char *bw_ystr(const struct bw_ynode *n);
/* A boolean scalar as Kubernetes reads YAML (true/false, and YAML 1.1's
 * yes/no/on/off when unquoted); false when absent or not a boolean. */
bool bw_ybool(const struct bw_ynode *n, bool *v);
/* An explicit true, or an explicit false: absent or not a boolean is
 * neither. */
bool bw_ytrue(const struct bw_ynode *n);
bool bw_yfalse(const struct bw_ynode *n);
/* An integer scalar; false when absent or not an integer. */
bool bw_yint(const struct bw_ynode *n, int64_t *v);
/* Node kinds, NULL-safe. */
bool bw_yis_map(const struct bw_ynode *n);
bool bw_yis_seq(const struct bw_ynode *n);
/* The length of a sequence (0 for anything else) and its item i. */
size_t bw_yseq_len(const struct bw_ynode *n);
const struct bw_ynode *bw_yseq_at(const struct bw_ynode *n, size_t i);
