/* Live engines as audit sources: Podman's socket, rootless engines, and
 * the walk over containerd's task bundles. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/containerd.h"
#include "input/engine.h"
#include "tap.h"

static void podman_socket(void)
{
        char *s = NULL;
        struct bw_error *err = NULL;
        tap_is_int(bw_podman_socket(NULL, NULL, 0, NULL, &s, &err), 0, "root: the rootful socket");
        tap_is_str(s, "/run/podman/podman.sock", "/run/podman/podman.sock");
        free(s), s = NULL;
        tap_is_int(bw_podman_socket(NULL, NULL, 1000, "/run/user/1000", &s, &err), 0, "a user: the rootless one");
        tap_is_str(s, "/run/user/1000/podman/podman.sock", "under XDG_RUNTIME_DIR");
        free(s), s = NULL;
        tap_is_int(bw_podman_socket(NULL, "unix:///tmp/p.sock", 1000, "/run/user/1000", &s, &err), 0,
                   "CONTAINER_HOST wins over the default");
        tap_is_str(s, "/tmp/p.sock", "its path");
        free(s), s = NULL;
        tap_is_int(bw_podman_socket("unix:///x/y.sock", "unix:///tmp/p.sock", 0, NULL, &s, &err), 0,
                   "the argument wins over CONTAINER_HOST");
        tap_is_str(s, "/x/y.sock", "its path");
        free(s), s = NULL;
        tap_ok(bw_podman_socket(NULL, NULL, 1000, NULL, &s, &err) < 0 && err && err->status == BW_EXIT_USAGE,
               "a user without XDG_RUNTIME_DIR: a usage error");
        tap_ok(err && strstr(err->msg, "/run/user/1000/podman/podman.sock"), "which names the path to give");
        bw_error_free(err), err = NULL;
        tap_ok(bw_podman_socket(NULL, "tcp://1.2.3.4:8080", 0, NULL, &s, &err) < 0 && err &&
               strstr(err->msg, "CONTAINER_HOST tcp://1.2.3.4:8080"), "a tcp CONTAINER_HOST is refused");
        bw_error_free(err), err = NULL;
}

static void rootless(void)
{
        json_t *docker = json_loads("{\"SecurityOptions\": [\"name=seccomp,profile=builtin\", \"name=rootless\", "
                                    "\"name=cgroupns\"]}", 0, NULL);
        json_t *rootful = json_loads("{\"SecurityOptions\": [\"name=seccomp,profile=default\"]}", 0, NULL);
        json_t *tricky = json_loads("{\"SecurityOptions\": [\"name=rootlessness\"]}", 0, NULL);
        json_t *libpod = json_loads("{\"host\": {\"security\": {\"rootless\": true}}}", 0, NULL);
        json_t *libpod_root = json_loads("{\"host\": {\"security\": {\"rootless\": false}}}", 0, NULL);
        tap_ok(bw_engine_info_rootless(docker), "Docker's /info: name=rootless");
        tap_ok(!bw_engine_info_rootless(rootful), "a rootful engine's /info");
        tap_ok(!bw_engine_info_rootless(tricky), "name=rootlessness is not name=rootless");
        tap_ok(bw_engine_info_rootless(libpod), "Podman's /libpod/info: host.security.rootless");
        tap_ok(!bw_engine_info_rootless(libpod_root), "rootless: false");

        json_t *oci = json_loads("{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}]}}", 0, NULL);
        tap_is_int(bw_engine_rootless_userns(oci, 1000, 1001), 0, "a rootless engine's user namespace added");
        json_t *l = json_object_get(oci, "linux");
        tap_is_int(json_array_size(json_object_get(l, "namespaces")), 2, "a user namespace beside pid");
        json_t *um = json_array_get(json_object_get(l, "uidMappings"), 0);
        json_t *gm = json_array_get(json_object_get(l, "gidMappings"), 0);
        tap_ok(json_integer_value(json_object_get(um, "containerID")) == 0 &&
               json_integer_value(json_object_get(um, "hostID")) == 1000 &&
               json_integer_value(json_object_get(um, "size")) == 1, "container root is uid 1000");
        tap_is_int(json_integer_value(json_object_get(gm, "hostID")), 1001, "and gid 1001");
        json_t *own = json_loads("{\"linux\": {\"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": "
                                 "[{\"containerID\": 0, \"hostID\": 1, \"size\": 5}]}}", 0, NULL);
        tap_is_int(bw_engine_rootless_userns(own, 1000, 1000), 0, "a config with its own user namespace");
        tap_is_int(json_integer_value(json_object_get(json_array_get(json_object_get(json_object_get(own, "linux"),
                   "uidMappings"), 0), "hostID")), 1, "keeps its maps");
        json_decref(docker), json_decref(rootful), json_decref(tricky), json_decref(libpod);
        json_decref(libpod_root), json_decref(oci), json_decref(own);
}

static void put(const char *dir, const char *rel, const char *text)
{
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, rel);
        FILE *f = fopen(p, "w");
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

static void mk(const char *dir, const char *rel)
{
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, rel);
        mkdir(p, 0755);
}

static void containerd(void)
{
        char tmpl[] = "/tmp/bw-test-containerd.XXXXXX";
        char *st = mkdtemp(tmpl);
        struct bw_containerd_tasks ts;
        struct bw_error *err = NULL;
        if (!st) {
                tap_ok(0, "mkdtemp");
                return;
        }
        tap_ok(bw_containerd_tasks(st, NULL, &ts, &err) == -ENOENT && err &&
               strstr(err->msg, "/io.containerd.runtime.v2.task: no such directory") &&
               strstr(err->msg, "--containerd-state"), "no task directory: an error naming it and the option");
        bw_error_free(err), err = NULL;
        mk(st, "io.containerd.runtime.v2.task");
        mk(st, "io.containerd.runtime.v2.task/k8s.io");
        mk(st, "io.containerd.runtime.v2.task/k8s.io/zeta");
        put(st, "io.containerd.runtime.v2.task/k8s.io/zeta/config.json", "{\"ociVersion\": \"1.0.2\"}");
        mk(st, "io.containerd.runtime.v2.task/k8s.io/alpha");
        put(st, "io.containerd.runtime.v2.task/k8s.io/alpha/config.json", "{\"ociVersion\": \"1.0.1\"}");
        mk(st, "io.containerd.runtime.v2.task/k8s.io/creating"); /* no config.json yet */
        mk(st, "io.containerd.runtime.v2.task/default");
        mk(st, "io.containerd.runtime.v2.task/default/web");
        put(st, "io.containerd.runtime.v2.task/default/web/config.json", "{}");
        mk(st, "io.containerd.runtime.v2.task/.hidden");
        mk(st, "io.containerd.runtime.v2.task/.hidden/x");
        put(st, "io.containerd.runtime.v2.task/.hidden/x/config.json", "{}");
        /* a symbolic link to a bundle elsewhere, and a config.json that is one */
        mk(st, "elsewhere");
        put(st, "elsewhere/config.json", "{}");
        char a[4096], b[4096];
        snprintf(a, sizeof(a), "%s/elsewhere", st);
        snprintf(b, sizeof(b), "%s/io.containerd.runtime.v2.task/default/linked", st);
        tap_ok(symlink(a, b) == 0, "a linked bundle");
        mk(st, "io.containerd.runtime.v2.task/default/linkcfg");
        snprintf(a, sizeof(a), "%s/elsewhere/config.json", st);
        snprintf(b, sizeof(b), "%s/io.containerd.runtime.v2.task/default/linkcfg/config.json", st);
        tap_ok(symlink(a, b) == 0, "a linked config.json");

        tap_is_int(bw_containerd_tasks(st, "k8s.io", &ts, &err), 0, "one namespace");
        tap_is_int(ts.n, 2, "its two tasks with a config (one being created skipped)");
        if (ts.n == 2) {
                tap_is_str(ts.t[0].name, "k8s.io/alpha", "in name order: NS/ID");
                tap_is_str(ts.t[1].name, "k8s.io/zeta", "then the next");
                tap_is_str(ts.t[1].data, "{\"ociVersion\": \"1.0.2\"}", "its text");
                tap_ok(strstr(ts.t[1].path, "/io.containerd.runtime.v2.task/k8s.io/zeta/config.json") != NULL,
                       "its path");
        }
        bw_containerd_tasks_free(&ts);

        tap_ok(bw_containerd_tasks(st, NULL, &ts, &err) < 0 && err && strstr(err->msg, "linkcfg/config.json"),
               "a config.json that is a symbolic link is refused, naming it");
        bw_error_free(err), err = NULL;
        snprintf(b, sizeof(b), "%s/io.containerd.runtime.v2.task/default/linkcfg/config.json", st);
        unlink(b);
        tap_is_int(bw_containerd_tasks(st, NULL, &ts, &err), 0, "every namespace");
        tap_is_int(ts.n, 3, "hidden and linked entries skipped");
        if (ts.n == 3) {
                tap_is_str(ts.t[0].name, "default/web", "namespaces in name order");
                tap_is_str(ts.t[1].name, "k8s.io/alpha", "then the next namespace");
        }
        bw_containerd_tasks_free(&ts);

        tap_is_int(bw_containerd_tasks(st, "moby", &ts, &err), 0, "a namespace without tasks");
        tap_is_int(ts.n, 0, "has none");
        tap_ok(bw_containerd_tasks(st, "../elsewhere", &ts, &err) < 0 && err && err->status == BW_EXIT_USAGE,
               "a namespace that is a path: a usage error");
        bw_error_free(err), err = NULL;
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", st);
        tap_ok(system(cmd) == 0, "cleaned up");
}

int main(void)
{
        podman_socket();
        rootless();
        containerd();
        return tap_done();
}
