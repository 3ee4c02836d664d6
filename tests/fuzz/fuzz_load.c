/* libFuzzer target for the config loader: any bytes must give either a
 * config or an error (never a crash, leak or hang), and a loaded config's
 * dump must load again and dump to the same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "oci/load.h"
#include "util/cleanup.h"

static char *dump_text(const struct oci_config *c)
{
        _cleanup_json_ json_t *j = oci_config_dump(c);
        return j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_config *c = NULL;
        struct bw_error *err = NULL;
        int r = oci_config_load_data((const char *)data, size, "fuzz.json", &c, &err);
        if (r < 0) {
                /* every failure carries a message */
                if (!err || !err->msg)
                        abort();
                bw_error_free(err);
                return 0;
        }
        if (err)
                abort();
        char *t1 = dump_text(c);
        if (!t1)
                abort();
        struct oci_config *c2 = NULL;
        if (oci_config_load_data(t1, strlen(t1), "dump.json", &c2, &err) < 0) {
                fprintf(stderr, "dump does not load again: %s\n%s\n", err->msg, t1);
                abort();
        }
        char *t2 = dump_text(c2);
        if (!t2 || strcmp(t1, t2) != 0) {
                fprintf(stderr, "dump is not stable:\n%s\n%s\n", t1, t2 ? t2 : "(null)");
                abort();
        }
        free(t1);
        free(t2);
        oci_config_free(c);
        oci_config_free(c2);
        return 0;
}
