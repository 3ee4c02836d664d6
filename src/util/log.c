#include "util/json_text.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Where this invocation logs: set once by main from --log, --log-format and
 * --debug, read by every message. */
static struct {
        int fd;
        enum bw_log_format format;
        bool debug;
} log_target = { .fd = -1, .format = BW_LOG_TEXT, .debug = false };

static const char *level_name(enum bw_log_level l)
{
        switch (l) {
        case BW_LOG_DEBUG: return "debug";
        case BW_LOG_INFO: return "info";
        case BW_LOG_WARN: return "warning";
        default: return "error";
        }
}

int bw_log_open(const char *path, enum bw_log_format format, bool debug)
{
        log_target.format = format;
        log_target.debug = debug;
        if (!path)
                return 0;
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        log_target.fd = fd;
        return 0;
}

void bw_log_close(void)
{
        if (log_target.fd >= 0)
                close(log_target.fd);
        log_target.fd = -1;
}

bool bw_log_debug_enabled(void) { return log_target.debug; }
int bw_log_fd(void) { return log_target.fd; }

static void timestamp(char *buf, size_t len)
{
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

void bw_log(enum bw_log_level level, const char *fmt, ...)
{
        if (level == BW_LOG_DEBUG && !log_target.debug)
                return;
        int saved = errno;
        char *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!msg) {
                errno = saved;
                return;
        }
        char ts[64];
        timestamp(ts, sizeof(ts));
        char *line = NULL;
        if (log_target.format == BW_LOG_JSON) {
                json_t *o = json_pack("{s:s, s:s, s:s}", "level", level_name(level), "msg", msg, "time", ts);
                char *s = o ? bw_json_dumps(o, JSON_COMPACT) : NULL;
                json_decref(o);
                if (s && asprintf(&line, "%s\n", s) < 0)
                        line = NULL;
                free(s);
        } else if (log_target.fd >= 0) {
                if (asprintf(&line, "%s %s: %s\n", ts, level_name(level), msg) < 0)
                        line = NULL;
        } else {
                if (asprintf(&line, "bulwark: %s: %s\n", level_name(level), msg) < 0)
                        line = NULL;
        }
        if (line) {
                int fd = log_target.fd >= 0 ? log_target.fd : STDERR_FILENO;
                /* One write per line so concurrent writers do not interleave. */
                ssize_t w = write(fd, line, strlen(line));
                (void)w;
        }
        free(line);
        free(msg);
        errno = saved;
}
