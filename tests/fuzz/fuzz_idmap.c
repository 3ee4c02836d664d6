/* libFuzzer target for the parsers behind user namespaces: the input is a
 * mountinfo line, a NUL, overlayfs superblock options, a NUL, an
 * /etc/subuid file. Whatever the bytes: a parse gives a result or an error
 * with a message; overlay layers are never empty and lower layers are
 * absolute; subordinate ranges stay below 2^32. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/mountinfo.h"
#include "linux/overlay_idmap.h"
#include "runtime/idrange.h"

static char *part(const uint8_t **data, size_t *size)
{
        const uint8_t *nul = memchr(*data, 0, *size);
        size_t n = nul ? (size_t)(nul - *data) : *size;
        char *s = strndup((const char *)*data, n);
        *data += nul ? n + 1 : n;
        *size -= nul ? n + 1 : n;
        return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *line = part(&data, &size), *opts = part(&data, &size), *subuid = part(&data, &size);
        if (!line || !opts || !subuid)
                abort();

        struct bw_mountinfo mi;
        if (bw_mountinfo_parse_line(line, &mi) == 0) {
                if (!mi.root || !mi.mountpoint || !mi.fstype || !mi.source || !mi.superopts)
                        abort();
                bw_mountinfo_clear(&mi);
        }

        struct bw_overlay_layers l;
        struct bw_error *err = NULL;
        if (bw_overlay_parse_options(opts, &l, &err) == 0) {
                if (!l.lower || !l.lower[0] || (!l.upper != !l.work))
                        abort();
                for (char **p = l.lower; *p; p++)
                        if (**p != '/')
                                abort();
                for (char **p = l.data; p && *p; p++)
                        if (!**p)
                                abort();
                bw_overlay_layers_free(&l);
        } else if (!err || !err->msg) {
                abort();
        }
        bw_error_free(err);
        err = NULL;

        struct bw_subids s;
        if (bw_subids_parse(subuid, "subuid", NULL, (uid_t)-1, &s, &err) == 0) {
                for (size_t i = 0; i < s.n; i++)
                        if (!s.v[i].count || (uint64_t)s.v[i].start + s.v[i].count > UINT32_MAX)
                                abort();
                bw_subids_free(&s);
        } else if (!err || !err->msg) {
                abort();
        }
        bw_error_free(err);
        free(line);
        free(opts);
        free(subuid);
        return 0;
}
