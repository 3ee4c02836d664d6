/* Positions of translated fields, shared by the manifest readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/target.h"

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

void bw_input_locate(const struct bw_input_target *t, const char *rule_id, const char *pointer, int *line, int *col)
{
        *line = t->line, *col = t->col;
        size_t best = 0;
        for (size_t i = 0; i < t->n_locs; i++) {
                const struct bw_input_loc *l = &t->locs[i];
                if (rule_id && strcmp(l->key, rule_id) == 0) {
                        *line = l->line, *col = l->col;
                        return;
                }
                size_t n = strlen(l->key);
                if (l->key[0] == '/' && pointer && n > best && strncmp(pointer, l->key, n) == 0 &&
                    (pointer[n] == 0 || pointer[n] == '/')) {
                        best = n;
                        *line = l->line, *col = l->col;
                }
        }
}

void bw_input_target_clear(struct bw_input_target *t)
{
        json_decref(t->oci);
        free(t->name);
        free(t->locs);
        *t = (struct bw_input_target){ 0 };
}
