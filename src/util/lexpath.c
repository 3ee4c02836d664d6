#include "util/lexpath.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

char *bw_path_lexical(const char *path)
{
        if (!path)
                return NULL;
        size_t len = strlen(path);
        bool abs = path[0] == '/';
        /* The kept components, as (start, length) into path. */
        struct { const char *s; size_t l; } *comp = calloc(len / 2 + 2, sizeof(*comp));
        char *out = malloc(len + 3);
        if (!comp || !out) {
                free(comp);
                free(out);
                return NULL;
        }
        size_t k = 0, ups = 0; /* ups: leading ".." kept by a relative path */
        for (const char *p = path; *p;) {
                while (*p == '/')
                        p++;
                const char *s = p;
                while (*p && *p != '/')
                        p++;
                size_t l = (size_t)(p - s);
                if (l == 0 || (l == 1 && s[0] == '.'))
                        continue;
                if (l == 2 && s[0] == '.' && s[1] == '.') {
                        if (k > ups)
                                k--;
                        else if (!abs)
                                comp[k++] = (typeof(*comp)){ s, l }, ups++;
                        /* else: "/.." is "/" */
                        continue;
                }
                comp[k++] = (typeof(*comp)){ s, l };
        }
        size_t n = 0;
        if (abs)
                out[n++] = '/';
        for (size_t i = 0; i < k; i++) {
                if (i > 0)
                        out[n++] = '/';
                memcpy(out + n, comp[i].s, comp[i].l);
                n += comp[i].l;
        }
        if (n == 0)
                out[n++] = '.';
        out[n] = 0;
        free(comp);
        return out;
}
