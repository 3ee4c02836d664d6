// Test code, not the product: an LD_PRELOAD shim that makes one allocation
// fail with ENOMEM, for the dynamically linked test build (-Dstatic=disabled;
// a static bulwark cannot be preloaded).
//
//   BW_FAILMALLOC_N=N    fail the Nth call of malloc, calloc, realloc,
//                        strdup or strndup made by each process (counted
//                        per process: a child made by fork or clone counts
//                        afresh from its own first call; 0 or unset: never)
//   BW_FAILMALLOC_LOG=F  append "PID N FUNCTION" to F when a call is failed,
//                        so a driver knows the fault was met (when no line
//                        is written, N is past every process's last call)
//
// Counting starts when the shim is loaded (the trigger); the dynamic
// loader's own allocations before it are not counted.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long fail_at;
static unsigned long calls;
static pid_t counted_pid;
static char log_path[512];

__attribute__((constructor)) static void failmalloc_init(void)
{
  const char *n = getenv("BW_FAILMALLOC_N");
  const char *log = getenv("BW_FAILMALLOC_LOG");
  fail_at = n ? strtoul(n, NULL, 10) : 0;
  if (log)
    snprintf(log_path, sizeof log_path, "%s", log);
  counted_pid = getpid();
}

// True when this call is the one to fail. getpid() is a system call since
// glibc 2.25 (no cache): cheap enough for a test.
static int should_fail(const char *fn)
{
  if (!fail_at)
    return 0;
  pid_t pid = getpid();
  if (pid != counted_pid) {
    counted_pid = pid;
    calls = 0;
  }
  if (++calls != fail_at)
    return 0;
  if (log_path[0]) {
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      char line[96];
      int len = snprintf(line, sizeof line, "%d %lu %s\n", (int)pid, calls, fn);
      if (write(fd, line, (size_t)len) < 0) {
        // nothing to do: the driver will see no line
      }
      close(fd);
    }
  }
  errno = ENOMEM;
  return 1;
}

void *malloc(size_t size)
{
  return should_fail("malloc") ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
  return should_fail("calloc") ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
  return should_fail("realloc") ? NULL : __libc_realloc(p, size);
}

char *strdup(const char *s)
{
  if (should_fail("strdup"))
    return NULL;
  size_t len = strlen(s) + 1;
  char *d = __libc_malloc(len);
  return d ? memcpy(d, s, len) : NULL;
}

char *strndup(const char *s, size_t max)
{
  if (should_fail("strndup"))
    return NULL;
  size_t len = strnlen(s, max);
  char *d = __libc_malloc(len + 1);
  if (!d)
    return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}
