/* Small file helpers shared across layers. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Read an fd to its end into a NUL-terminated buffer in a few large reads
 * (jansson's json_loadfd reads a byte per syscall). Returns 0, -EFBIG when
 * the data exceeds max bytes, or -errno. */
int bw_read_fd(int fd, size_t max, char **buf, size_t *len);

/* What a whole-file read takes at most unless the caller knows better:
 * far above any mountinfo, cgroup list or config bulwark reads. */
#define BW_READ_MAX (64u << 20)

/* Read the file at path as bw_read_fd does; len may be NULL. -ENOENT
 * (and every other open error) comes back as -errno for the caller to
 * judge. */
int bw_read_file(const char *path, size_t max, char **buf, size_t *len);

/* A small procfs value (a sysctl) read in one read(2) into buf (size
 * bytes, NUL-terminated). Sysctl files answer a read at a non-zero offset
 * with end of file, so a stdio stream, which reads a byte at a time when
 * memory runs out, would see only their first digit. Returns the length
 * or -errno. */
ssize_t bw_read_value(const char *path, char *buf, size_t size);
/* The same, parsed as one decimal integer; -EINVAL when it is not one. */
int bw_read_value_ll(const char *path, long long *out);

/* mkdir -p: the missing directories above path with mode parents, path
 * itself with mode leaf; existing ones are left as they are. Returns 0 or
 * -errno. */
int bw_mkdir_parents(const char *path, mode_t parents, mode_t leaf);

/* Write text to fd in one write(2), as procfs, sysfs and cgroupfs files
 * want it (a short write is an error). what names the file in the error.
 * Returns 0 or -errno. */
int bw_write_text(int fd, const char *text, const char *what, struct bw_error **err);
