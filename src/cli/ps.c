#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "runtime/cgroups.h"
#include "runtime/lifecycle.h"
#include "util/cleanup.h"
#include "util/strv.h"

static bool listed(const pid_t *pids, size_t n, long pid)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

/* As runc: run ps(1) with the given options (default -ef) and keep the
 * header and the container's rows, found by the PID column. */
static int ps_table(const pid_t *pids, size_t n, char **ps_args, struct bw_error **err)
{
        _cleanup_strv_ char **argv = NULL;
        bw_strv_push(&argv, "ps");
        if (!ps_args || !ps_args[0])
                bw_strv_push(&argv, "-ef");
        for (size_t i = 0; ps_args && ps_args[i]; i++)
                bw_strv_push(&argv, ps_args[i]);
        int fds[2];
        if (!argv || pipe2(fds, O_CLOEXEC) < 0)
                return bw_error_set(err, -errno, "running ps");
        pid_t child = fork();
        if (child < 0)
                return bw_error_set(err, -errno, "running ps");
        if (child == 0) {
                dup2(fds[1], 1);
                execvp("ps", argv);
                _exit(127);
        }
        close(fds[1]);
        _cleanup_fclose_ FILE *f = fdopen(fds[0], "re");
        char *line = NULL;
        size_t cap = 0;
        int pid_col = -1;
        while (f && getline(&line, &cap, f) > 0) {
                char *copy = strdup(line), *save = NULL;
                int col = 0;
                long value = -1;
                for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++) {
                        if (pid_col < 0 && strcmp(t, "PID") == 0)
                                pid_col = col;
                        else if (col == pid_col)
                                value = strtol(t, NULL, 10);
                }
                free(copy);
                if (pid_col >= 0 && (value < 0 || listed(pids, n, value)))
                        fputs(line, stdout);
        }
        free(line);
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR)
                ;
        if (pid_col < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return bw_error_msg(err, -EINVAL, "ps failed or printed no PID column; check the ps options");
        return 0;
}

BW_COMMAND(ps)
{
        static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, {} };
        bool json = false;
        int c;
        while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
                if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
                        json = strcmp(optarg, "json") == 0;
                else if (c == 'f')
                        return bw_error_usage(err, "ps: unknown format '%s'; use table or json", optarg);
                else
                        return bw_error_bad_option(err, bw_command_find("ps"), argc, argv);
        }
        if (argc - optind < 1)
                return bw_error_usage(err, "usage: bulwark %s", bw_command_find("ps")->usage);
        const char *id = argv[optind];
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        if (bw_store_open(g->root, id, &e, err) < 0)
                return -1;
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        if (bw_state_read(&e, &s, err) < 0)
                return -1;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = bw_ctr_cgroup_pids(&e, id, &pids, &n, err);
        if (r == -ENOENT)
                r = bw_container_pids(&s, &pids, &n, err);
        if (r < 0)
                return -1;
        if (json) {
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf("%s%d", i ? "," : "", (int)pids[i]);
                printf("]\n");
                return 0;
        }
        char **ps_args = argv + optind + 1;
        if (ps_args[0] && strcmp(ps_args[0], "--") == 0)
                ps_args++;
        int rc = ps_table(pids, n, ps_args, err);
        return rc < 0 ? rc : 0;
}
