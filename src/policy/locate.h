/* JSON pointers into source text. */
#pragma once
#include <stddef.h>

/* The byte offset of the value at pointer ("/mounts/3/source", "" for the
 * whole document) in text, which must be JSON jansson accepted; -1 when
 * there is no such value. */
long bw_locate_pointer(const char *text, size_t len, const char *pointer);
/* 1-based line and column of a byte offset. */
void bw_locate_position(const char *text, size_t len, size_t off, int *line, int *col);
