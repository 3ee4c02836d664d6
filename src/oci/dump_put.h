/* The small setters both halves of the dumper use: absent values stay
 * absent in the JSON. */
#pragma once
#include <jansson.h>

static inline void put(json_t *o, const char *key, json_t *v)
{
        if (v)
                json_object_set_new(o, key, v);
}

static inline void put_str(json_t *o, const char *key, const char *s)
{
        if (s)
                put(o, key, json_string(s));
}

#define PUT_INT(o, key, opt)                                               \
        do {                                                               \
                if ((opt).set)                                             \
                        put(o, key, json_integer((json_int_t)(opt).v));    \
        } while (0)
#define PUT_BOOL(o, key, opt)                                              \
        do {                                                               \
                if ((opt).set)                                             \
                        put(o, key, json_boolean((opt).v));                \
        } while (0)
