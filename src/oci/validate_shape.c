/* For configs built in memory (spec, the hardener): the rules the loader's
 * typed readers enforce on JSON (required fields, absolute paths, names
 * within their tables), checked on the structs so a config we write is one
 * we would load. */
#include <stdio.h>
#include <string.h>

#include "oci/reader.h"
#include "util/cleanup.h"

/* Push the segments of a path like "linux.namespaces", index, "path". */
static void push3(struct oci_reader *r, const char *a, const char *b, size_t i, const char *c)
{
        rd_push_key(r, a);
        if (b)
                rd_push_key(r, b);
        rd_push_index(r, i);
        if (c)
                rd_push_key(r, c);
}

static int absolute(struct oci_reader *r, const char *p, bool required)
{
        if (!p && !required)
                return 0;
        if (!p)
                return rd_error(r, "expected an absolute path, found nothing (this field is required)");
        if (p[0] != '/')
                return rd_error(r, "expected an absolute path, found \"%s\"", p);
        return 0;
}

static int check_process(struct oci_reader *r, const struct oci_process *p)
{
        if (!p)
                return 0;
        size_t d = r->depth;
        rd_push_key(r, "process");
        rd_push_key(r, "cwd");
        int k = absolute(r, p->cwd, true);
        rd_pop(r);
        if (k == 0 && !p->command_line && (!p->args || !p->args[0])) {
                rd_push_key(r, "args");
                k = rd_error(r, "expected at least one argument (the program to run), found none");
        }
        for (size_t i = 0; k == 0 && i < p->n_rlimits; i++) {
                if (oci_rlimit_name(p->rlimits[i].resource))
                        continue;
                push3(r, "rlimits", NULL, i, "type");
                k = rd_error(r, "expected an RLIMIT_* resource, found %d", p->rlimits[i].resource);
        }
        r->depth = d;
        return k;
}

static int check_mounts(struct oci_reader *r, const struct oci_config *c)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                size_t d = r->depth;
                push3(r, "mounts", NULL, i, "destination");
                int k = absolute(r, c->mounts[i].destination, true);
                r->depth = d;
                if (k < 0)
                        return k;
        }
        return 0;
}

static int check_hook_list(struct oci_reader *r, const char *key, const struct oci_hook_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                size_t d = r->depth;
                push3(r, "hooks", key, i, "path");
                int k = absolute(r, l->v[i].path, true);
                r->depth = d;
                if (k < 0)
                        return k;
        }
        return 0;
}

static int check_hooks(struct oci_reader *r, const struct oci_hooks *h)
{
        int k;
        if ((k = check_hook_list(r, "prestart", &h->prestart)) < 0 ||
            (k = check_hook_list(r, "createRuntime", &h->create_runtime)) < 0 ||
            (k = check_hook_list(r, "createContainer", &h->create_container)) < 0 ||
            (k = check_hook_list(r, "startContainer", &h->start_container)) < 0 ||
            (k = check_hook_list(r, "poststart", &h->poststart)) < 0 ||
            (k = check_hook_list(r, "poststop", &h->poststop)) < 0)
                return k;
        return 0;
}

static int check_path_list(struct oci_reader *r, const char *key, char *const *v)
{
        for (size_t i = 0; v && v[i]; i++) {
                size_t d = r->depth;
                push3(r, "linux", key, i, NULL);
                int k = absolute(r, v[i], true);
                r->depth = d;
                if (k < 0)
                        return k;
        }
        return 0;
}

static int check_linux(struct oci_reader *r, const struct oci_linux *l)
{
        if (!l)
                return 0;
        int k = 0;
        for (size_t i = 0; k == 0 && i < l->n_namespaces; i++) {
                size_t d = r->depth;
                push3(r, "linux", "namespaces", i, "type");
                if (!oci_ns_type_name(l->namespaces[i].type))
                        k = rd_error(r, "expected a namespace type, found %d", (int)l->namespaces[i].type);
                rd_pop(r);
                rd_push_key(r, "path");
                if (k == 0)
                        k = absolute(r, l->namespaces[i].path, false);
                r->depth = d;
        }
        for (size_t i = 0; k == 0 && i < l->n_devices; i++) {
                size_t d = r->depth;
                push3(r, "linux", "devices", i, "path");
                k = absolute(r, l->devices[i].path, true);
                rd_pop(r);
                rd_push_key(r, "type");
                if (k == 0 && (!l->devices[i].type || !strchr("cbup", l->devices[i].type)))
                        k = rd_error(r, "expected a device type: c, b, u or p, found '%c'", l->devices[i].type);
                r->depth = d;
        }
        if (k == 0)
                k = check_path_list(r, "maskedPaths", l->masked_paths);
        if (k == 0)
                k = check_path_list(r, "readonlyPaths", l->readonly_paths);
        return k;
}

int oci_validate_shape(struct oci_reader *r, const struct oci_config *c)
{
        int k;
        if (!c->oci_version) {
                rd_push_key(r, "ociVersion");
                k = rd_error(r, "expected a version string such as \"1.2.0\", found nothing (this field is required)");
                rd_pop(r);
                return k;
        }
        if (c->has_root && (!c->root.path || !c->root.path[0])) {
                rd_push_key(r, "root");
                rd_push_key(r, "path");
                k = rd_error(r, "expected a non-empty path, found nothing");
                r->depth -= 2;
                return k;
        }
        if ((k = check_process(r, c->process)) < 0 || (k = check_mounts(r, c)) < 0 ||
            (k = check_hooks(r, &c->hooks)) < 0 || (k = check_linux(r, c->linux)) < 0)
                return k;
        return 0;
}
