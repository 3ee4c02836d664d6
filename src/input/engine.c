/* Podman's socket, rootless engines (see engine.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/engine.h"

static int unix_path(const char *s, const char *what, char **out, struct bw_error **err)
{
        const char *p = strncmp(s, "unix://", 7) == 0 ? s + 7 : s;
        if (p[0] != '/')
                return bw_error_usage(err, "%s %s: not a unix socket; give its absolute path or unix://PATH "
                                      "(e.g. unix:///run/podman/podman.sock)", what, s);
        *out = strdup(p);
        return *out ? 0 : bw_error_set(err, -ENOMEM, "%s", what);
}

int bw_podman_socket(const char *arg, const char *container_host, uid_t uid, const char *xdg_runtime_dir,
                     char **out, struct bw_error **err)
{
        if (arg)
                return unix_path(arg, "audit --podman", out, err);
        if (container_host && container_host[0])
                return unix_path(container_host, "CONTAINER_HOST", out, err);
        if (uid == 0) {
                *out = strdup("/run/podman/podman.sock");
                return *out ? 0 : bw_error_set(err, -ENOMEM, "audit --podman");
        }
        if (!xdg_runtime_dir || xdg_runtime_dir[0] != '/')
                return bw_error_usage(err, "audit --podman: XDG_RUNTIME_DIR is not set, so rootless Podman's "
                                      "socket cannot be found; give it: audit --podman "
                                      "/run/user/%u/podman/podman.sock", (unsigned)uid);
        if (asprintf(out, "%s/podman/podman.sock", xdg_runtime_dir) < 0)
                return bw_error_set(err, -ENOMEM, "audit --podman");
        return 0;
}

bool bw_engine_info_rootless(json_t *info)
{
        json_t *r = json_object_get(json_object_get(json_object_get(info, "host"), "security"), "rootless");
        if (json_is_true(r))
                return true;
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(info, "SecurityOptions"), i, v) {
                /* "name=rootless", possibly among other key=value pairs */
                const char *s = json_string_value(v);
                for (const char *p = s; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                        if (strncmp(p, "name=rootless", 13) == 0 && (p[13] == 0 || p[13] == ','))
                                return true;
        }
        return false;
}

static json_t *one_map(unsigned long host)
{
        return json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t)host, "size", 1);
}

int bw_engine_rootless_userns(json_t *oci, uid_t uid, gid_t gid)
{
        json_t *lnx = json_object_get(oci, "linux");
        if (!json_is_object(lnx)) {
                lnx = json_object();
                if (!lnx || json_object_set_new(oci, "linux", lnx) < 0)
                        return -ENOMEM;
        }
        json_t *ns = json_object_get(lnx, "namespaces");
        if (!json_is_array(ns)) {
                ns = json_array();
                if (!ns || json_object_set_new(lnx, "namespaces", ns) < 0)
                        return -ENOMEM;
        }
        size_t i;
        json_t *v;
        json_array_foreach(ns, i, v) {
                const char *t = json_string_value(json_object_get(v, "type"));
                if (t && strcmp(t, "user") == 0)
                        return 0;
        }
        if (json_array_append_new(ns, json_pack("{s:s}", "type", "user")) < 0 ||
            json_object_set_new(lnx, "uidMappings", one_map(uid)) < 0 ||
            json_object_set_new(lnx, "gidMappings", one_map(gid)) < 0)
                return -ENOMEM;
        return 0;
}
