#include "oci/seccomp_free.h"

#include <stdlib.h>

#include "util/strv.h"

void oci_seccomp_free(struct oci_seccomp *s)
{
        if (!s)
                return;
        bw_strv_free(s->architectures);
        bw_strv_free(s->flags);
        free(s->listener_path);
        free(s->listener_metadata);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                bw_strv_free(s->syscalls[i].names);
                free(s->syscalls[i].args);
        }
        free(s->syscalls);
        free(s);
}
