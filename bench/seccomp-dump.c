/* Print bulwark's built-in seccomp profile (oci_seccomp_default) as the
 * linux.seccomp JSON of a config, so crun and runc can be given exactly the
 * profile bulwark loads. Usage: seccomp-dump [CAP_NAME...] (the container's
 * bounding set: a few rules depend on it, as in Docker's profile). */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "oci/load.h"
#include "oci/seccomp_default.h"
#include "oci/spec.h"

int main(int argc, char **argv)
{
        uint64_t caps = 0;
        for (int i = 1; i < argc; i++) {
                int c = oci_cap_from_name(argv[i]);
                if (c < 0) {
                        fprintf(stderr, "seccomp-dump: unknown capability %s\n", argv[i]);
                        return 2;
                }
                caps |= UINT64_C(1) << c;
        }
        struct oci_linux linux_section = { .seccomp = oci_seccomp_default(caps) };
        if (!linux_section.seccomp)
                return 1;
        struct oci_config c = { .linux = &linux_section };
        json_t *j = oci_config_dump(&c);
        json_t *s = j ? json_object_get(json_object_get(j, "linux"), "seccomp") : NULL;
        int r = s && json_dumpf(s, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;
        putchar('\n');
        json_decref(j);
        oci_seccomp_free(linux_section.seccomp);
        return r;
}
