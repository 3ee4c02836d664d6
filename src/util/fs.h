/* Small file helpers shared across layers. */
#pragma once
#include <stddef.h>

/* Read an fd to its end into a NUL-terminated buffer in a few large reads
 * (jansson's json_loadfd reads a byte per syscall). Returns 0, -EFBIG when
 * the data exceeds max bytes, or -errno. */
int bw_read_fd(int fd, size_t max, char **buf, size_t *len);
