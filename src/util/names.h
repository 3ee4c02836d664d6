/* Enum names kept in a table of strings, the enum value the index. */
#pragma once
#include <stddef.h>

/* names[i], or "?" when i is not in the table of n. */
const char *bw_name_of(const char *const *names, size_t n, unsigned i);
/* The index of name in the table of n (case-insensitive), or -1. */
int bw_name_index(const char *const *names, size_t n, const char *name);
