#include "policy/engine_paths.h"

#include <string.h>

/* The annotations that name a container's pod or sandbox (containerd's CRI
 * plugin, CRI-O). */
static const char *const pod_keys[] = {
        "io.kubernetes.cri.sandbox-id", "io.kubernetes.cri.sandbox-uid",
        "io.kubernetes.cri-o.SandboxID", "io.kubernetes.pod.uid",
        NULL,
};

/* The id component after the last marker (kubelet's /pods/UID first: its
 * pod directories hold container names further down); NULL when there is
 * none, or it is empty. */
static bool owner_of(const char *path, char *id, size_t n)
{
        static const char *const markers[] = { "/containers/", "/overlay-containers/", "/sandboxes/", NULL };
        const char *at = strstr(path, "/pods/");
        size_t len = strlen("/pods/");
        if (!at) {
                const char *last = NULL;
                for (size_t i = 0; markers[i]; i++)
                        for (const char *p = strstr(path, markers[i]); p; p = strstr(p + 1, markers[i]))
                                if (!last || p > last) {
                                        last = p;
                                        len = strlen(markers[i]);
                                }
                at = last;
        }
        if (!at)
                return false;
        const char *s = at + len, *e = strchr(s, '/');
        size_t k = e ? (size_t)(e - s) : strlen(s);
        if (k == 0 || k >= n)
                return false;
        memcpy(id, s, k);
        id[k] = '\0';
        return true;
}

bool bw_engine_path_is_mine(const struct oci_config *c, const char *path)
{
        char id[256];
        if (!c->runtime_id || !path || !owner_of(path, id, sizeof(id)))
                return true;
        if (strcmp(id, c->runtime_id) == 0)
                return true;
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                const struct oci_namespace *ns = &c->linux->namespaces[i];
                if (ns->owner_container && strcmp(ns->owner_container, id) == 0)
                        return true;
        }
        for (size_t i = 0; i < c->annotations.n; i++)
                for (size_t k = 0; pod_keys[k]; k++)
                        if (strcmp(c->annotations.v[i].key, pod_keys[k]) == 0 && c->annotations.v[i].value &&
                            strcmp(c->annotations.v[i].value, id) == 0)
                                return true;
        return false;
}
