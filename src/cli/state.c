#include <errno.h>
#include <jansson.h>
#include <stdio.h>

#include "cli/commands.h"
#include "runtime/cgroups.h"
#include "runtime/store.h"
#include "util/cleanup.h"

BW_COMMAND(state)
{
        if (argc != 2 || argv[1][0] == '-')
                return bw_error_usage(err, "state needs exactly one container id; usage: bulwark %s", bw_command_find("state")->usage);
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        if (bw_store_open(g->root, argv[1], &e, err) < 0)
                return -1;
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        if (bw_state_read(&e, &s, err) < 0)
                return -1;
        _cleanup_json_ json_t *j = bw_state_oci_json(&s, bw_container_status(&e, &s));
        if (!j)
                return bw_error_msg(err, -ENOMEM, "building the state of %s", argv[1]);
        json_object_set_new(j, "rootfs", json_string(s.rootfs));
        json_object_set_new(j, "created", json_string(s.created));
        if (json_dumpf(j, stdout, JSON_INDENT(2)) < 0)
                return bw_error_set(err, -EIO, "printing the state");
        putchar('\n');
        return 0;
}
