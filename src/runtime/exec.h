/* exec: a new process in a running container's namespaces, with the
 * container's (or the given) security settings. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "util/error.h"

struct bw_exec_opts {
        const char *root;
        const char *id;
        const char *process_file;   /* --process: a process.json */
        char **args;                /* trailing args, when no process_file */
        char **env;                 /* --env, appended */
        const char *cwd;
        const char *user;           /* "UID[:GID]" */
        char **caps;                /* --cap, added */
        bool tty;
        bool no_new_privs;
        int preserve_fds;
        int console_fd;             /* connected console socket or -1 */
};

/* Start the process; returns its pid (our child) once it has exec'd, or
 * an error that says which step inside the container failed. */
int bw_exec_start(const struct bw_exec_opts *o, pid_t *pid, struct bw_error **err);
