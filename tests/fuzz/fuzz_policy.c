/* The policy file parser on arbitrary bytes: no crash, no leak, and an
 * error always comes with a message. */
#include <stdint.h>
#include <stdlib.h>

#include "policy/profile.h"
#include "util/cleanup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct bw_policy p = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_policy_parse((const char *)data, size, "fuzz.json", &p, &err);
        if (r < 0 && (!err || !err->msg))
                abort();
        bw_policy_free(&p);
        return 0;
}
