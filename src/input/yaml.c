/* The YAML reader: libyaml's event stream built into trees that keep
 * positions. Anchors are resolved to the node they name; an alias to an
 * unknown anchor is an error, as in every YAML loader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "input/yaml.h"
#include "util/cleanup.h"

/* Deeper nesting than any manifest needs: refused, so that a hostile file
 * cannot exhaust the stack of the recursive builder. */
#define MAX_DEPTH 128

struct anchor { char *name; struct bw_ynode *node; };

struct builder {
        yaml_parser_t parser;
        struct bw_yaml *y;
        struct anchor *anchors;
        size_t n_anchors;
        const char *name;
        struct bw_error **err;
};

static int parse_error(struct builder *b)
{
        yaml_parser_t *p = &b->parser;
        const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->context_mark;
        if (p->error == YAML_MEMORY_ERROR)
                return bw_error_set(b->err, -ENOMEM, "%s: reading YAML", b->name);
        return bw_error_msg(b->err, -EINVAL, "%s:%zu:%zu: %s%s%s", b->name, m->line + 1, m->column + 1,
                            p->problem ? p->problem : "invalid YAML", p->context ? " " : "",
                            p->context ? p->context : "");
}

static int next(struct builder *b, yaml_event_t *ev)
{
        if (!yaml_parser_parse(&b->parser, ev))
                return parse_error(b);
        return 0;
}

static struct bw_ynode *new_node(struct builder *b, enum bw_ykind kind, const yaml_mark_t *m)
{
        struct bw_ynode *n = calloc(1, sizeof(*n));
        if (!n)
                return NULL;
        n->kind = kind;
        n->line = (int)m->line + 1;
        n->col = (int)m->column + 1;
        n->next_alloc = b->y->arena;
        b->y->arena = n;
        return n;
}

static int remember(struct builder *b, const yaml_char_t *anchor, struct bw_ynode *n)
{
        if (!anchor)
                return 0;
        struct anchor *na = realloc(b->anchors, (b->n_anchors + 1) * sizeof(*na));
        if (!na)
                return -ENOMEM;
        b->anchors = na;
        if (!(na[b->n_anchors].name = strdup((const char *)anchor)))
                return -ENOMEM;
        na[b->n_anchors++].node = n;
        return 0;
}

static int node(struct builder *b, yaml_event_t *ev, int depth, struct bw_ynode **out);

/* Children until the end event of a sequence or mapping. */
static int children(struct builder *b, struct bw_ynode *n, int depth)
{
        size_t cap = 0;
        for (;;) {
                yaml_event_t ev;
                int r = next(b, &ev);
                if (r < 0)
                        return r;
                if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
                        yaml_event_delete(&ev);
                        return 0;
                }
                struct bw_ynode *child = NULL;
                r = node(b, &ev, depth + 1, &child);
                yaml_event_delete(&ev);
                if (r < 0)
                        return r;
                if (n->kind == BW_Y_SEQ) {
                        if (n->n == cap) {
                                cap = cap ? cap * 2 : 8;
                                struct bw_ynode **ni = realloc(n->items, cap * sizeof(*ni));
                                if (!ni)
                                        return bw_error_set(b->err, -ENOMEM, "%s: reading YAML", b->name);
                                n->items = ni;
                        }
                        n->items[n->n++] = child;
                        continue;
                }
                /* a mapping: child is the key, the next node its value */
                if ((r = next(b, &ev)) < 0)
                        return r;
                struct bw_ynode *value = NULL;
                r = node(b, &ev, depth + 1, &value);
                yaml_event_delete(&ev);
                if (r < 0)
                        return r;
                if (n->n == cap) {
                        cap = cap ? cap * 2 : 8;
                        struct bw_ypair *np = realloc(n->pairs, cap * sizeof(*np));
                        if (!np)
                                return bw_error_set(b->err, -ENOMEM, "%s: reading YAML", b->name);
                        n->pairs = np;
                }
                n->pairs[n->n++] = (struct bw_ypair){ child, value };
        }
}

static int node(struct builder *b, yaml_event_t *ev, int depth, struct bw_ynode **out)
{
        const yaml_mark_t *m = &ev->start_mark;
        if (depth > MAX_DEPTH)
                return bw_error_msg(b->err, -EINVAL, "%s:%zu:%zu: nested deeper than %d levels", b->name, m->line + 1,
                                    m->column + 1, MAX_DEPTH);
        struct bw_ynode *n = NULL;
        const yaml_char_t *anchor = NULL;
        switch (ev->type) {
        case YAML_ALIAS_EVENT:
                for (size_t i = b->n_anchors; i-- > 0;)
                        if (strcmp(b->anchors[i].name, (const char *)ev->data.alias.anchor) == 0) {
                                *out = b->anchors[i].node;
                                return 0;
                        }
                return bw_error_msg(b->err, -EINVAL, "%s:%zu:%zu: alias *%s names no anchor before it", b->name,
                                    m->line + 1, m->column + 1, (const char *)ev->data.alias.anchor);
        case YAML_SCALAR_EVENT:
                if (!(n = new_node(b, BW_Y_SCALAR, m)) ||
                    !(n->scalar = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length)))
                        return bw_error_set(b->err, -ENOMEM, "%s: reading YAML", b->name);
                n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                anchor = ev->data.scalar.anchor;
                break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
                bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
                if (!(n = new_node(b, seq ? BW_Y_SEQ : BW_Y_MAP, m)))
                        return bw_error_set(b->err, -ENOMEM, "%s: reading YAML", b->name);
                /* the anchor is known only once its node is complete: an
                 * alias inside it is an error, so trees have no cycles */
                anchor = seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
                int r = children(b, n, depth);
                if (r < 0)
                        return r;
                break;
        }
        default:
                return bw_error_msg(b->err, -EINVAL, "%s:%zu:%zu: unexpected YAML event", b->name, m->line + 1,
                                    m->column + 1);
        }
        if (remember(b, anchor, n) < 0)
                return bw_error_set(b->err, -ENOMEM, "%s: reading YAML", b->name);
        *out = n;
        return 0;
}

static int add_doc(struct bw_yaml *y, struct bw_ynode *root)
{
        struct bw_ynode **nd = realloc(y->docs, (y->n_docs + 1) * sizeof(*nd));
        if (!nd)
                return -ENOMEM;
        y->docs = nd;
        nd[y->n_docs++] = root;
        return 0;
}

static void forget_anchors(struct builder *b)
{
        for (size_t i = 0; i < b->n_anchors; i++)
                free(b->anchors[i].name);
        free(b->anchors);
        b->anchors = NULL;
        b->n_anchors = 0;
}

static int stream(struct builder *b)
{
        for (;;) {
                yaml_event_t ev;
                int r = next(b, &ev);
                if (r < 0)
                        return r;
                yaml_event_type_t type = ev.type;
                yaml_event_delete(&ev);
                if (type == YAML_STREAM_END_EVENT)
                        return 0;
                if (type != YAML_DOCUMENT_START_EVENT)
                        continue;
                /* anchors do not cross documents */
                forget_anchors(b);
                if ((r = next(b, &ev)) < 0)
                        return r;
                struct bw_ynode *root = NULL;
                r = ev.type == YAML_DOCUMENT_END_EVENT ? 0 : node(b, &ev, 0, &root);
                bool ended = ev.type == YAML_DOCUMENT_END_EVENT;
                yaml_event_delete(&ev);
                if (r < 0)
                        return r;
                if (!ended) {
                        if ((r = next(b, &ev)) < 0)
                                return r;
                        yaml_event_delete(&ev); /* the document's end */
                }
                if (add_doc(b->y, root) < 0)
                        return bw_error_set(b->err, -ENOMEM, "%s: reading YAML", b->name);
        }
}

int bw_yaml_parse(const char *data, size_t len, const char *name, struct bw_yaml *out, struct bw_error **err)
{
        *out = (struct bw_yaml){ 0 };
        struct builder b = { .y = out, .name = name, .err = err };
        if (!yaml_parser_initialize(&b.parser))
                return bw_error_set(err, -ENOMEM, "%s: reading YAML", name);
        yaml_parser_set_input_string(&b.parser, (const unsigned char *)data, len);
        int r = stream(&b);
        yaml_parser_delete(&b.parser);
        forget_anchors(&b);
        if (r < 0)
                bw_yaml_free(out);
        return r;
}

void bw_yaml_free(struct bw_yaml *y)
{
        for (struct bw_ynode *n = y->arena, *nx; n; n = nx) {
                nx = n->next_alloc;
                free(n->scalar);
                free(n->items);
                free(n->pairs);
                free(n);
        }
        free(y->docs);
        *y = (struct bw_yaml){ 0 };
}

static bool is_null(const struct bw_ynode *n)
{
        return n->kind == BW_Y_SCALAR && n->plain &&
               (!n->scalar[0] || strcmp(n->scalar, "~") == 0 || strcasecmp(n->scalar, "null") == 0);
}

const char *bw_ystr(const struct bw_ynode *n)
{
        if (!n || n->kind != BW_Y_SCALAR || is_null(n))
                return NULL;
        return n->scalar;
}

/* Merge keys: depth-limited, as a merge may name its own ancestor. */
static const struct bw_ypair *pair(const struct bw_ynode *map, const char *key, int depth)
{
        if (!map || map->kind != BW_Y_MAP || depth > 8)
                return NULL;
        for (size_t i = 0; i < map->n; i++) {
                const char *k = bw_ystr(map->pairs[i].key);
                if (k && strcmp(k, key) == 0)
                        return &map->pairs[i];
        }
        for (size_t i = 0; i < map->n; i++) {
                const struct bw_ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
                if (k->kind != BW_Y_SCALAR || !k->plain || strcmp(k->scalar, "<<") != 0)
                        continue;
                if (v->kind == BW_Y_MAP)
                        return pair(v, key, depth + 1);
                for (size_t j = 0; v->kind == BW_Y_SEQ && j < v->n; j++) {
                        const struct bw_ypair *p = pair(v->items[j], key, depth + 1);
                        if (p)
                                return p;
                }
        }
        return NULL;
}

const struct bw_ynode *bw_ymap_get(const struct bw_ynode *map, const char *key)
{
        const struct bw_ypair *p = pair(map, key, 0);
        return p ? p->value : NULL;
}

const struct bw_ynode *bw_ymap_key(const struct bw_ynode *map, const char *key)
{
        const struct bw_ypair *p = pair(map, key, 0);
        return p ? p->key : NULL;
}

bool bw_ybool(const struct bw_ynode *n, bool *v)
{
        const char *s = bw_ystr(n);
        if (!s || !n->plain)
                return false;
        static const char *const yes[] = { "true", "yes", "on", "y" }, *const no[] = { "false", "no", "off", "n" };
        for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0)
                        return *v = true, true;
                if (strcasecmp(s, no[i]) == 0)
                        return *v = false, true;
        }
        return false;
}

bool bw_ytrue(const struct bw_ynode *n)
{
        bool v = false;
        return bw_ybool(n, &v) && v;
}

bool bw_yfalse(const struct bw_ynode *n)
{
        bool v = true;
        return bw_ybool(n, &v) && !v;
}

bool bw_yint(const struct bw_ynode *n, int64_t *v)
{
        const char *s = bw_ystr(n);
        if (!s || !n->plain || !*s)
                return false;
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 0);
        if (*end || errno)
                return false;
        *v = x;
        return true;
}

bool bw_yis_map(const struct bw_ynode *n) { return n && n->kind == BW_Y_MAP; }
bool bw_yis_seq(const struct bw_ynode *n) { return n && n->kind == BW_Y_SEQ; }
size_t bw_yseq_len(const struct bw_ynode *n) { return bw_yis_seq(n) ? n->n : 0; }
const struct bw_ynode *bw_yseq_at(const struct bw_ynode *n, size_t i)
{
        return i < bw_yseq_len(n) ? n->items[i] : NULL;
}
