/* Signal names and numbers, as kill(1) and runc accept them. */
#pragma once

/* "TERM", "SIGTERM", "15", "sigterm" -> 15; "0" -> 0 (only checks that the
 * process exists, as kill(1) and runc allow); -1 when unknown. */
int bw_signal_parse(const char *s);
