/* Shared by the policy unit tests: a config that fires no rule at all, and
 * configs derived from it by JSON merge patch (RFC 7396: objects merge,
 * null deletes, arrays replace), loaded through the real loader. */
#pragma once
#include <jansson.h>
#include <string.h>

#include "oci/load.h"
#include "util/cleanup.h"

static const char clean_config[] =
        "{\"ociVersion\": \"1.2.0\","
        " \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
        " \"process\": {\"user\": {\"uid\": 1000, \"gid\": 1000}, \"args\": [\"sh\"], \"cwd\": \"/\","
        "   \"noNewPrivileges\": true,"
        "   \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
        "                      \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"]}},"
        " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
        "            {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"nosuid\", \"ro\"]},"
        "            {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv/data\", \"options\": [\"rbind\", \"rprivate\"]}],"
        " \"linux\": {"
        "   \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
        "                  {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}],"
        "   \"maskedPaths\": [\"/proc/kcore\", \"/proc/keys\", \"/proc/timer_list\", \"/proc/sched_debug\","
        "                   \"/proc/acpi\", \"/proc/scsi\", \"/sys/firmware\"],"
        "   \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"],"
        "   \"sysctl\": {\"net.ipv4.ping_group_range\": \"0 2147483647\"},"
        "   \"resources\": {\"pids\": {\"limit\": 100}, \"memory\": {\"limit\": 67108864},"
        "                 \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
        "                               {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"}]},"
        "   \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
        "                \"syscalls\": [{\"names\": [\"read\", \"write\", \"exit_group\"], \"action\": \"SCMP_ACT_ALLOW\"}]}}}";

static void merge_patch(json_t *target, json_t *patch)
{
        const char *k;
        json_t *v;
        json_object_foreach(patch, k, v) {
                json_t *t = json_object_get(target, k);
                if (json_is_null(v))
                        json_object_del(target, k);
                else if (json_is_object(v) && json_is_object(t))
                        merge_patch(t, v);
                else
                        json_object_set(target, k, v);
        }
}

/* The clean config with patch applied (NULL: unchanged), loaded; NULL and
 * a TAP diagnostic when it does not load. */
static struct oci_config *config_with(const char *patch)
{
        _cleanup_json_ json_t *base = json_loads(clean_config, 0, NULL);
        if (patch) {
                json_error_t je;
                _cleanup_json_ json_t *p = json_loads(patch, 0, &je);
                if (!p) {
                        printf("# bad patch %s: %s\n", patch, je.text);
                        return NULL;
                }
                merge_patch(base, p);
        }
        _cleanup_free_ char *s = json_dumps(base, 0);
        struct oci_config *c = NULL;
        _cleanup_error_ struct bw_error *err = NULL;
        if (oci_config_load_data(s, strlen(s), "test.json", &c, &err) < 0) {
                printf("# config does not load: %s\n#   patch: %s\n", err->msg, patch ? patch : "(none)");
                return NULL;
        }
        return c;
}
