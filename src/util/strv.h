/* NULL-terminated string vectors. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

size_t bw_strv_len(char *const *v);
void bw_strv_free(char **v);
/* Append a copy of s; returns 0 or -ENOMEM. */
int bw_strv_push(char ***v, const char *s);
/* Append s itself (takes ownership; frees s on failure). */
int bw_strv_consume(char ***v, char *s);
bool bw_strv_contains(char *const *v, const char *s);
char **bw_strv_copy(char *const *v);
