/* JSON to text that is whole or absent. */
#pragma once
#include <jansson.h>
#include <stddef.h>

/* json_dumps, but NULL whenever memory ran out on the way. jansson (2.14)
 * ignores a failed write of an object's key and returns the rest, so its
 * json_dumps can hand back a record with a key cut short (`": null`),
 * which bulwark would then write to disk and fail to read again. Every
 * piece jansson writes goes through this file's buffer, whose first
 * failure is kept. */
char *bw_json_dumps(const json_t *j, size_t flags);
