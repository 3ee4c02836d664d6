#include <getopt.h>
#include <sys/stat.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "runtime/cgroups.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/users.h"

/* One container's row, or NULL when it vanished while we listed. */
static json_t *entry_json(const char *root, const char *id)
{
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        if (bw_store_open(root, id, &e, NULL) < 0)
                return NULL;
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        if (bw_state_read(&e, &s, NULL) < 0)
                return NULL;
        json_t *j = bw_state_oci_json(&s, bw_container_status(&e, &s));
        if (!j)
                return NULL;
        json_object_set_new(j, "created", json_string(s.created ? s.created : ""));
        json_object_set_new(j, "rootfs", json_string(s.rootfs ? s.rootfs : ""));
        /* Who made it: the owner of its state directory, as runc shows. */
        struct stat st;
        char owner[32] = "?";
        if (fstat(e.dir_fd, &st) == 0) {
                if (bw_user_name(st.st_uid, owner, sizeof(owner)) < 0)
                        snprintf(owner, sizeof(owner), "#%u", (unsigned)st.st_uid);
        }
        json_object_set_new(j, "owner", json_string(owner));
        return j;
}

BW_COMMAND(list)
{
        static const struct option opts[] = {
                { "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' }, {} };
        bool json = false, quiet = false;
        int c;
        while ((c = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
                if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
                        json = strcmp(optarg, "json") == 0;
                else if (c == 'q')
                        quiet = true;
                else if (c == 'f')
                        return bw_error_usage(err, "list: unknown format '%s'; use table or json", optarg);
                else
                        return bw_error_bad_option(err, bw_command_find("list"), argc, argv);
        }
        if (optind != argc)
                return bw_error_usage(err, "list takes no arguments; usage: bulwark %s", bw_command_find("list")->usage);
        _cleanup_strv_ char **ids = NULL;
        if (bw_store_list(g->root, &ids, err) < 0)
                return -1;
        _cleanup_json_ json_t *all = json_array();
        for (size_t i = 0; ids[i]; i++) {
                json_t *j = entry_json(g->root, ids[i]);
                if (j)
                        json_array_append_new(all, j);
        }
        if (json) {
                json_dumpf(all, stdout, JSON_COMPACT);
                putchar('\n');
                return 0;
        }
        if (!quiet)
                printf("%-24s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        size_t i;
        json_t *j;
        json_array_foreach(all, i, j) {
                if (quiet) {
                        printf("%s\n", json_string_value(json_object_get(j, "id")));
                        continue;
                }
                printf("%-24s %-8lld %-10s %-40s %-31s %s\n", json_string_value(json_object_get(j, "id")),
                       (long long)json_integer_value(json_object_get(j, "pid")),
                       json_string_value(json_object_get(j, "status")),
                       json_string_value(json_object_get(j, "bundle")),
                       json_string_value(json_object_get(j, "created")),
                       json_string_value(json_object_get(j, "owner")));
        }
        return 0;
}
