/* Any config the loader accepts goes through every rule, every profile and
 * the hardener; a hardened config must still pass the loader's checks and
 * must satisfy what harden claims. */
#include <stdint.h>
#include <stdlib.h>

#include "oci/load.h"
#include "policy/harden.h"
#include "util/cleanup.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_config *c = NULL;
        _cleanup_error_ struct bw_error *err = NULL;
        if (oci_config_load_data((const char *)data, size, "fuzz.json", &c, &err) < 0)
                return 0;
        for (int p = 0; p < BW_PROFILE_COUNT; p++) {
                struct bw_policy pol = { .profile = (enum bw_profile)p };
                struct bw_findings f = { 0 };
                if (bw_policy_evaluate(c, &pol, &f, &err) < 0)
                        abort();
                bw_findings_clear(&f);
        }
        struct bw_policy pol = { .profile = BW_PROFILE_RESTRICTED };
        struct bw_harden_result res;
        int left = bw_harden(c, &pol, &res, &err);
        if (left < 0)
                abort();
        /* harden's count is the truth about the config it left behind,
         * and each violation left is explained */
        if ((size_t)left != res.findings.n_violations || bw_strv_len(res.remaining) != (size_t)left)
                abort();
        if (oci_config_validate(c, &err) < 0)
                abort();
        bw_harden_result_free(&res);
        oci_config_free(c);
        return 0;
}
