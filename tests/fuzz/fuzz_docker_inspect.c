/* `docker inspect` output -> config.json, the way `bulwark audit` reads it
 * (src/cli/audit.c add_docker): the translation, then the result dumped,
 * loaded through the OCI loader and judged by every profile. Any JSON
 * object goes in, not only those audit takes as inspect output: no crash,
 * no leak, and every failure comes with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/docker.h"
#include "oci/load.h"
#include "policy/profile.h"
#include "util/cleanup.h"

static void translate(json_t *inspect)
{
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_json_ json_t *oci = NULL;
        if (bw_docker_to_oci(inspect, "fuzz.json", &oci, &err) < 0) {
                if (!err || !err->msg)
                        abort();
                return;
        }
        free(bw_docker_target_name(inspect));
        _cleanup_free_ char *text = json_dumps(oci, 0);
        if (!text)
                abort();
        struct oci_config *c = NULL;
        if (oci_config_load_data(text, strlen(text), "translated.json", &c, &err) < 0) {
                if (!err || !err->msg)
                        abort();
                return;
        }
        for (int p = 0; p < BW_PROFILE_COUNT; p++) {
                struct bw_policy pol = { .profile = (enum bw_profile)p };
                struct bw_findings f = { 0 };
                if (bw_policy_evaluate(c, &pol, &f, &err) < 0)
                        abort();
                bw_findings_clear(&f);
        }
        oci_config_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_json_ json_t *root = json_loadb((const char *)data, size, 0, NULL);
        if (json_is_object(root)) {
                translate(root);
        } else if (json_is_array(root)) {
                size_t i;
                json_t *v;
                json_array_foreach(root, i, v)
                        if (json_is_object(v))
                                translate(v);
        }
        return 0;
}
