#include "linux/proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool read_stat(pid_t pid, char *state, uint64_t *start)
{
        char path[64], buf[1024];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return false;
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        /* The command name may hold spaces and parentheses: skip to the last ')'. */
        char *p = strrchr(buf, ')');
        if (!p || !p[1])
                return false;
        p += 2;
        *state = *p;
        /* Fields after the name start at 3 (state); starttime is 22. */
        for (int field = 3; field < 22; field++) {
                p = strchr(p, ' ');
                if (!p)
                        return false;
                p++;
        }
        *start = strtoull(p, NULL, 10);
        return true;
}

uint64_t bw_proc_start_time(pid_t pid)
{
        char s;
        uint64_t t;
        return read_stat(pid, &s, &t) ? t : 0;
}

char bw_proc_state(pid_t pid)
{
        char s;
        uint64_t t;
        return read_stat(pid, &s, &t) ? s : 0;
}

bool bw_proc_is(pid_t pid, uint64_t start_time)
{
        char s;
        uint64_t t;
        if (pid <= 0 || !read_stat(pid, &s, &t))
                return false;
        return s != 'Z' && s != 'X' && t == start_time;
}
