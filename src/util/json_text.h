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

/* jansson's allocator for the whole process, set first thing in main.
 * jansson (2.14) cannot survive a failed allocation while it parses: it
 * frees a value twice when an object's key cannot be stored
 * (json_object_setn_new_nocheck drops the value, and so does its caller),
 * and its lexer trips an assertion. So jansson is never handed NULL: a
 * failed allocation is tried once more, and when memory is still short
 * the process ends at once with exit status 1 and a line saying so on
 * stderr, as a kill at that point would end it (whatever a create had made
 * by then, `bulwark delete --force ID` or `bulwark gc` removes). This is
 * the one place bulwark prints outside main. */
void bw_json_alloc_setup(void);
