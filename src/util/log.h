/* Logging for the runtime's own diagnostics (not for errors a command
 * returns: those go back to main as values). Text or JSON lines; JSON is
 * what containerd's shim reads from --log. */
#pragma once
#include <stdbool.h>

enum bw_log_level { BW_LOG_DEBUG, BW_LOG_INFO, BW_LOG_WARN, BW_LOG_ERROR };
enum bw_log_format { BW_LOG_TEXT, BW_LOG_JSON };

/* path NULL logs to stderr. Returns 0 or a negative errno. */
int bw_log_open(const char *path, enum bw_log_format format, bool debug);
void bw_log_close(void);
bool bw_log_debug_enabled(void);
void bw_log(enum bw_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The fd logs go to (for handing to child processes), or -1 for stderr. */
int bw_log_fd(void);

#define bw_debug(...) bw_log(BW_LOG_DEBUG, __VA_ARGS__)
#define bw_info(...) bw_log(BW_LOG_INFO, __VA_ARGS__)
#define bw_warn(...) bw_log(BW_LOG_WARN, __VA_ARGS__)
