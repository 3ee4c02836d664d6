/* Capability names through libcap, so a newer kernel's capabilities appear
 * without a table here to update. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "linux/cap_names.h"
#include "util/cleanup.h"
#include "util/strv.h"

char **bw_cap_known_names(void)
{
        _cleanup_strv_ char **names = calloc(1, sizeof(char *));
        if (!names)
                return NULL;
        cap_value_t max = cap_max_bits();
        for (cap_value_t c = 0; c < max; c++) {
                char *n = cap_to_name(c);
                if (!n)
                        return NULL;
                /* libcap spells a number for a capability it cannot name. */
                bool named = strncmp(n, "cap_", 4) == 0;
                char *up = named ? strdup(n) : NULL;
                cap_free(n);
                if (!named)
                        continue;
                if (!up)
                        return NULL;
                for (char *p = up; *p; p++)
                        *p = (char)toupper((unsigned char)*p);
                if (bw_strv_consume(&names, up) < 0)
                        return NULL;
        }
        return take_ptr(names);
}
