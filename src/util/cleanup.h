/* Scope-bound cleanup instead of goto ladders, and explicit ownership
 * hand-off (take_ptr/take_fd) when a value leaves the scope. */
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

#include "util/error.h"

static inline void bw_freep(void *p) { free(*(void **)p); }
static inline void bw_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}
static inline void bw_fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void bw_closedirp(DIR **d) { if (*d) closedir(*d); }
static inline void bw_errorp(struct bw_error **e) { bw_error_free(*e); }
void bw_strv_free(char **v);
static inline void bw_strvp(char ***v) { bw_strv_free(*v); }

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(bw_freep)
#define _cleanup_close_ _cleanup_(bw_closep)
#define _cleanup_fclose_ _cleanup_(bw_fclosep)
#define _cleanup_closedir_ _cleanup_(bw_closedirp)
#define _cleanup_error_ _cleanup_(bw_errorp)
#define _cleanup_strv_ _cleanup_(bw_strvp)

/* jansson is optional for files that do not include it. */
#ifdef JANSSON_H
static inline void bw_json_decrefp(json_t **j) { if (*j) json_decref(*j); }
#define _cleanup_json_ _cleanup_(bw_json_decrefp)
#endif

/* Hand a pointer's ownership to the caller: returns it, leaves NULL behind. */
#define take_ptr(p)                                    \
        ({                                             \
                __typeof__(p) *_pp = &(p);             \
                __typeof__(p) _v = *_pp;               \
                *_pp = NULL;                           \
                _v;                                    \
        })
#define take_fd(fd)                                    \
        ({                                             \
                int *_pfd = &(fd);                     \
                int _v = *_pfd;                        \
                *_pfd = -1;                            \
                _v;                                    \
        })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
