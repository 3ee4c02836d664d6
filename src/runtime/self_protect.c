#include "runtime/self_protect.h"

#include <linux/capability.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DANGEROUS ((1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_DAC_READ_SEARCH))

enum bw_selfclone_route bw_self_protect_route(const struct oci_process *p)
{
        if (!p)
                return BW_SELFCLONE_VIEW;
        if (!p->capabilities.present)
                return BW_SELFCLONE_SEALED; /* init's capabilities are kept: all of them */
        const struct oci_capabilities *c = &p->capabilities;
        uint64_t any = c->bounding.mask | c->effective.mask | c->inheritable.mask | c->permitted.mask | c->ambient.mask;
        return any & DANGEROUS ? BW_SELFCLONE_SEALED : BW_SELFCLONE_VIEW;
}

/* Could a \u escape at p spell a character of a capability's name (an
 * upper-case letter, a digit, '_')? Go's encoder escapes <, > and & in
 * every string Docker writes: those must not count. */
static bool escape_in_names(const char *p, const char *end)
{
        if (end - p < 6 || p[2] != '0' || p[3] != '0' || !isxdigit((unsigned char)p[4]) ||
            !isxdigit((unsigned char)p[5]))
                return false;
        char hex[3] = { p[4], p[5], 0 };
        int c = (int)strtol(hex, NULL, 16);
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

enum bw_selfclone_route bw_self_protect_prescan(const char *text, size_t len)
{
        static const char *const words[] = { "SYS_ADMIN", "DAC_READ_SEARCH" };
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (memmem(text, len, words[i], strlen(words[i])))
                        return BW_SELFCLONE_SEALED;
        const char *end = text + len;
        for (const char *p = text; (p = memmem(p, (size_t)(end - p), "\\u", 2)); p += 2)
                if (escape_in_names(p, end))
                        return BW_SELFCLONE_SEALED;
        /* No capabilities list: every capability is kept. */
        return memmem(text, len, "\"capabilities\"", 14) ? BW_SELFCLONE_VIEW : BW_SELFCLONE_SEALED;
}

int bw_self_protect(const struct oci_process *const *procs, size_t n, struct bw_error **err)
{
        enum bw_selfclone_route want = BW_SELFCLONE_VIEW;
        for (size_t i = 0; i < n; i++)
                if (bw_self_protect_route(procs[i]) == BW_SELFCLONE_SEALED)
                        want = BW_SELFCLONE_SEALED;
        return bw_selfclone_ensure(want, err);
}
