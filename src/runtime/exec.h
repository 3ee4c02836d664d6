/* exec: a new process in a running container's namespaces, with the
 * container's (or the given) security settings. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
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
        char **cgroups;             /* --cgroup: "[CTRL[,CTRL]:]PATH", sub-cgroups of the container's */
        uint32_t *gids;             /* --additional-gids, added */
        size_t n_gids;
        bool ignore_paused;         /* --ignore-paused: join a paused container (the process waits frozen) */
        bool tty;
        bool no_new_privs;
        int preserve_fds;
        int console_fd;             /* connected console socket or -1 */
};

/* Start the process; returns its pid (our child) once it has exec'd, or
 * an error that says which step inside the container failed. A paused
 * container is refused unless ignore_paused; every wait for the new
 * process ends (a pause that lands meanwhile, a signal to us). */
int bw_exec_start(const struct bw_exec_opts *o, pid_t *pid, struct bw_error **err);
