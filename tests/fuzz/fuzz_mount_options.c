/* libFuzzer target for the runtime's small parsers: mount options (one per
 * line), propagation names, signal names and container ids. Any input gives
 * a result or an error with a message; never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/mounts.h"
#include "runtime/store.h"
#include "util/signals.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = strndup((const char *)data, size);
        if (!text)
                return 0;
        char **opts = NULL;
        for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                bw_strv_push(&opts, line);
                (void)bw_signal_parse(line);
                (void)bw_mount_propagation(line);
                struct bw_error *err = NULL;
                if (bw_store_validate_id(line, &err) < 0 && (!err || !err->msg))
                        abort();
                bw_error_free(err);
        }
        struct bw_mount_opts o;
        struct bw_error *err = NULL;
        int r = bw_mount_parse_options(opts, &o, &err);
        if (r < 0 && (!err || !err->msg))
                abort();
        if (r == 0 && o.data && strchr(o.data, '\n'))
                abort();
        bw_mount_opts_free(&o);
        bw_error_free(err);
        bw_strv_free(opts);
        free(text);
        return 0;
}
