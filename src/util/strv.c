#include "util/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t bw_strv_len(char *const *v)
{
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

void bw_strv_free(char **v)
{
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

int bw_strv_consume(char ***v, char *s)
{
        if (!s)
                return -ENOMEM;
        size_t n = bw_strv_len(*v);
        char **nv = realloc(*v, (n + 2) * sizeof(char *));
        if (!nv) {
                free(s);
                return -ENOMEM;
        }
        nv[n] = s;
        nv[n + 1] = NULL;
        *v = nv;
        return 0;
}

int bw_strv_push(char ***v, const char *s)
{
        return bw_strv_consume(v, strdup(s));
}

bool bw_strv_contains(char *const *v, const char *s)
{
        for (size_t i = 0; v && v[i]; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

char **bw_strv_copy(char *const *v)
{
        char **out = calloc(bw_strv_len(v) + 1, sizeof(char *));
        if (!out)
                return NULL;
        for (size_t i = 0; v && v[i]; i++) {
                out[i] = strdup(v[i]);
                if (!out[i]) {
                        bw_strv_free(out);
                        return NULL;
                }
        }
        return out;
}
