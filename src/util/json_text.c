#include "util/json_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct text {
        char *s;
        size_t len, cap;
        bool failed; /* sticky: jansson may carry on after a -1 */
};

static int append(const char *buf, size_t n, void *data)
{
        struct text *t = data;
        if (t->failed)
                return -1;
        if (t->len + n + 1 > t->cap) {
                size_t cap = t->cap ? t->cap : 256;
                while (cap < t->len + n + 1)
                        cap *= 2;
                char *s = realloc(t->s, cap);
                if (!s) {
                        t->failed = true;
                        return -1;
                }
                t->s = s;
                t->cap = cap;
        }
        memcpy(t->s + t->len, buf, n);
        t->len += n;
        t->s[t->len] = '\0';
        return 0;
}

char *bw_json_dumps(const json_t *j, size_t flags)
{
        struct text t = { 0 };
        if (!j || json_dump_callback(j, append, &t, flags) != 0 || t.failed || !t.s) {
                free(t.s);
                return NULL;
        }
        return t.s;
}

static void *json_alloc(size_t n)
{
        void *p = malloc(n);
        if (!p)
                p = malloc(n);
        if (!p) {
                static const char msg[] = "bulwark: out of memory in the JSON library, which cannot recover from it; "
                                          "stopped here (`bulwark delete --force ID` or `bulwark gc` removes what was "
                                          "made)\n";
                ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
                (void)w;
                _exit(1);
        }
        return p;
}

void bw_json_alloc_setup(void)
{
        json_set_alloc_funcs(json_alloc, free);
}
