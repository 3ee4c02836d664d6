/* Kubernetes manifests and Compose files, the way `bulwark audit` reads
 * them (src/cli/audit.c audit_manifest): the YAML reader, both
 * translations, the translated config loaded through the OCI loader and
 * judged by every profile, and each finding located in the YAML. No
 * crash, no leak, every failure with a message, every position inside the
 * input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/compose.h"
#include "input/k8s.h"
#include "input/yaml.h"
#include "oci/load.h"
#include "policy/profile.h"
#include "util/cleanup.h"

static int lines;

static int judge(void *ctx, const struct bw_input_target *t, struct bw_error **err)
{
        (void)ctx;
        if (!t->name)
                abort();
        struct oci_config *c = NULL;
        if (bw_input_load(t, "fuzz.yaml", &c, err) < 0) {
                if (!*err || !(*err)->msg)
                        abort();
                return -1;
        }
        for (int p = 0; p < BW_PROFILE_COUNT; p++) {
                struct bw_policy pol = { .profile = (enum bw_profile)p };
                struct bw_findings f = { 0 };
                if (bw_policy_evaluate(c, &pol, &f, err) < 0)
                        abort();
                for (size_t i = 0; i < f.n; i++) {
                        int line, col;
                        bw_input_locate(t, f.v[i].rule->id, f.v[i].pointer, &line, &col);
                        if (line < 1 || line > lines || col < 1)
                                abort();
                }
                bw_findings_clear(&f);
        }
        oci_config_free(c);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_error_ struct bw_error *err = NULL;
        struct bw_yaml y;
        if (bw_yaml_parse((const char *)data, size, "fuzz.yaml", &y, &err) < 0) {
                if (!err || !err->msg)
                        abort();
                return 0;
        }
        /* YAML has line breaks beyond \n (\r, NEL, LS, PS): at most one a byte */
        lines = (int)(size < 1000000 ? size : 1000000) + 1;
        if (bw_k8s_read(&y, "fuzz.yaml", judge, NULL, &err) < 0 && (!err || !err->msg))
                abort();
        bw_error_free(err);
        err = NULL;
        if (bw_compose_read(&y, "/nonexistent", "fuzz.yaml", judge, NULL, &err) < 0 && (!err || !err->msg))
                abort();
        bw_yaml_free(&y);
        return 0;
}
