/* The capabilities this host's kernel has, named from the one table of
 * capability names (oci/names.c). */
#include <stdlib.h>
#include <sys/capability.h>

#include "linux/cap_names.h"
#include "oci/spec.h"
#include "util/cleanup.h"
#include "util/strv.h"

char **bw_cap_known_names(void)
{
        _cleanup_strv_ char **names = calloc(1, sizeof(char *));
        if (!names)
                return NULL;
        cap_value_t max = cap_max_bits();
        for (int c = 0; c < max && oci_cap_name(c); c++)
                if (bw_strv_push(&names, oci_cap_name(c)) < 0)
                        return NULL;
        return take_ptr(names);
}
