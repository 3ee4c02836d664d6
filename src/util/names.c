#include "util/names.h"

#include <strings.h>

const char *bw_name_of(const char *const *names, size_t n, unsigned i)
{
        return i < n ? names[i] : "?";
}

int bw_name_index(const char *const *names, size_t n, const char *name)
{
        for (size_t i = 0; name && i < n; i++)
                if (strcasecmp(name, names[i]) == 0)
                        return (int)i;
        return -1;
}
