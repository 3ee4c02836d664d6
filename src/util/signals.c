#include "util/signals.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
        const char *name;
        int sig;
} names[] = {
        { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL }, { "TRAP", SIGTRAP },
        { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
        { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
        { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
        { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
        { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
        { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

int bw_signal_parse(const char *s)
{
        if (!s || !*s)
                return -1;
        char *end;
        long n = strtol(s, &end, 10);
        if (*end == '\0')
                return n >= 0 && n < NSIG ? (int)n : -1;
        const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcasecmp(names[i].name, name) == 0)
                        return names[i].sig;
        if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
                bool min = strncasecmp(name, "RTMIN", 5) == 0;
                const char *off = name + 5;
                long k = 0;
                if (*off) {
                        k = strtol(off, &end, 10);
                        if (*end)
                                return -1;
                }
                int sig = min ? SIGRTMIN + (int)k : SIGRTMAX + (int)k;
                return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
        }
        return -1;
}
