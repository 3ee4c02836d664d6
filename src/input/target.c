/* Positions of translated fields, shared by the manifest readers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/target.h"
#include "oci/load.h"
#include "util/cleanup.h"
#include "util/json_text.h"

void bw_input_loc(struct bw_input_target *t, const char *key, const struct bw_ynode *n)
{
        if (!n)
                return;
        struct bw_input_loc *nl = realloc(t->locs, (t->n_locs + 1) * sizeof(*nl));
        if (!nl) {
                t->oom = true;
                return;
        }
        t->locs = nl;
        struct bw_input_loc *l = &nl[t->n_locs++];
        snprintf(l->key, sizeof(l->key), "%s", key);
        l->line = n->line;
        l->col = n->col;
}

void bw_input_loc_rule(struct bw_input_target *t, enum bw_rule_key k, const struct bw_ynode *n)
{
        bw_input_loc(t, bw_rule(k)->id, n);
}

bool bw_input_locate(const struct bw_input_target *t, const char *rule_id, const char *pointer, int *line, int *col)
{
        *line = t->line, *col = t->col;
        size_t best = 0;
        for (size_t i = 0; i < t->n_locs; i++) {
                const struct bw_input_loc *l = &t->locs[i];
                if (rule_id && strcmp(l->key, rule_id) == 0) {
                        *line = l->line, *col = l->col;
                        return true;
                }
                size_t n = strlen(l->key);
                if (l->key[0] == '/' && pointer && n > best && strncmp(pointer, l->key, n) == 0 &&
                    (pointer[n] == 0 || pointer[n] == '/')) {
                        best = n;
                        *line = l->line, *col = l->col;
                }
        }
        return best > 0;
}

void bw_input_target_clear(struct bw_input_target *t)
{
        json_decref(t->oci);
        free(t->name);
        free(t->locs);
        *t = (struct bw_input_target){ 0 };
}

int bw_input_load(const struct bw_input_target *t, const char *where, struct oci_config **out, struct bw_error **err)
{
        _cleanup_free_ char *data = bw_json_dumps(t->oci, JSON_INDENT(2));
        if (!data)
                return bw_error_set(err, -ENOMEM, "%s", t->name);
        _cleanup_error_ struct bw_error *inner = NULL;
        int r = oci_config_load_data(data, strlen(data), "", out, &inner);
        if (r >= 0) {
                (*out)->pod = t->facts;
                return 0;
        }
        /* the loader's "LINE:COL: " of the translation is dropped */
        const char *msg = inner && inner->msg ? inner->msg : "refused";
        if (msg[0] == ':') {
                const char *p = msg + 1 + strspn(msg + 1, "0123456789");
                if (*p == ':')
                        p += 1 + strspn(p + 1, "0123456789");
                if (*p == ':' && p[1] == ' ')
                        msg = p + 2;
        }
        return bw_error_msg(err, r, "%s:%d:%d: %s: %s", where, t->line, t->col, t->name, msg);
}
