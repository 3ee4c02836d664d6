#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "runtime/container.h"
#include "util/cleanup.h"

static void print_cmdline(pid_t pid)
{
        char path[64], buf[4096];
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
        FILE *f = fopen(path, "re");
        size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
        if (f)
                fclose(f);
        for (size_t i = 0; i + 1 < n; i++)
                if (buf[i] == '\0')
                        buf[i] = ' ';
        buf[n] = '\0';
        printf("%s", buf);
}

BW_COMMAND(ps)
{
        static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, {} };
        bool json = false;
        int c;
        while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
                if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
                        json = strcmp(optarg, "json") == 0;
                else if (c == 'f')
                        return bw_error_usage(err, "ps: unknown format '%s'; use table or json", optarg);
                else
                        return bw_error_bad_option(err, bw_command_find("ps"), argc, argv);
        }
        if (argc - optind != 1)
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
        if (bw_container_pids(&s, &pids, &n, err) < 0)
                return -1;
        if (json) {
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf("%s%d", i ? "," : "", (int)pids[i]);
                printf("]\n");
                return 0;
        }
        printf("%-8s %s\n", "PID", "CMD");
        for (size_t i = 0; i < n; i++) {
                printf("%-8d ", (int)pids[i]);
                print_cmdline(pids[i]);
                putchar('\n');
        }
        return 0;
}
