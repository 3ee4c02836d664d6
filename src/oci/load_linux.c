/* The "linux" section: namespaces, id mappings, devices, sysctls, paths to
 * mask, personality, time offsets. resources and seccomp have files of their
 * own. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci/reader.h"
#include "util/cleanup.h"

static int load_namespace(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_namespace *ns = elem;
        int k = rd_require(r, v, "type", "a namespace type");
        if (k < 0)
                return k;
        json_t *t = rd_enter(r, v, "type");
        int type = json_is_string(t) ? oci_ns_type_from_name(json_string_value(t)) : -1;
        if (type < 0)
                k = rd_expected(r, t, "a namespace type: pid, network, mount, ipc, uts, user, cgroup or time");
        ns->type = (enum oci_ns_type)(type < 0 ? 0 : type);
        rd_pop(r);
        if (k < 0)
                return k;
        return rd_field_abs_path(r, v, "path", &ns->path);
}

static int load_device(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_device *d = elem;
        int k;
        if ((k = rd_require(r, v, "type", "a device type: c, b, u or p")) < 0 ||
            (k = rd_require(r, v, "path", "an absolute path")) < 0)
                return k;
        json_t *t = rd_enter(r, v, "type");
        const char *s = json_is_string(t) ? json_string_value(t) : "";
        if (strlen(s) != 1 || !strchr("cbup", s[0]))
                k = rd_expected(r, t, "a device type: c, b, u or p");
        d->type = s[0];
        rd_pop(r);
        if (k < 0 || (k = rd_field_abs_path(r, v, "path", &d->path)) < 0)
                return k;
        /* a fifo has no device numbers; every other type needs both */
        if (d->type != 'p' && ((k = rd_require(r, v, "major", "an integer")) < 0 ||
                               (k = rd_require(r, v, "minor", "an integer")) < 0))
                return k;
        oci_opt_i64 major = {}, minor = {};
        if ((k = rd_field_opt_i64(r, v, "major", &major)) < 0 ||
            (k = rd_field_opt_i64(r, v, "minor", &minor)) < 0 ||
            (k = rd_field_opt_u32(r, v, "fileMode", &d->file_mode)) < 0 ||
            (k = rd_field_opt_u32(r, v, "uid", &d->uid)) < 0 ||
            (k = rd_field_opt_u32(r, v, "gid", &d->gid)) < 0)
                return k;
        d->major = major.v;
        d->minor = minor.v;
        return 0;
}

static int load_personality(struct oci_reader *r, json_t *v, struct oci_personality *p)
{
        int k;
        if ((k = rd_require(r, v, "domain", "LINUX or LINUX32")) < 0)
                return k;
        json_t *d = rd_enter(r, v, "domain");
        const char *s = json_is_string(d) ? json_string_value(d) : "";
        k = strcmp(s, "LINUX") && strcmp(s, "LINUX32") ? rd_expected(r, d, "LINUX or LINUX32")
                                                       : rd_string(r, d, &p->domain);
        rd_pop(r);
        if (k < 0)
                return k;
        return rd_field_strv(r, v, "flags", &p->flags);
}

static int load_time_offset(struct oci_reader *r, json_t *v, struct oci_time_offset *t)
{
        int k;
        t->present = true;
        if ((k = rd_object(r, v)) < 0)
                return k;
        oci_opt_i64 secs = {};
        oci_opt_u32 ns = {};
        if ((k = rd_field_opt_i64(r, v, "secs", &secs)) < 0)
                return k;
        json_t *n = rd_enter(r, v, "nanosecs");
        if (n) {
                uint64_t x = 0;
                k = rd_uint_max(r, n, 999999999, &x);
                ns.v = (uint32_t)x;
                rd_pop(r);
        }
        t->secs = secs.v;
        t->nanosecs = ns.v;
        return k;
}

static int load_time_offsets(struct oci_reader *r, json_t *v, struct oci_linux *l)
{
        int k = rd_object(r, v);
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val) {
                if (k < 0)
                        break;
                rd_push_key(r, key);
                if (strcmp(key, "monotonic") == 0)
                        k = load_time_offset(r, val, &l->time_monotonic);
                else if (strcmp(key, "boottime") == 0)
                        k = load_time_offset(r, val, &l->time_boottime);
                else
                        /* a clock the kernel cannot offset: refuse rather than
                         * silently run with the clock unshifted */
                        k = rd_error(r, "expected the clock monotonic or boottime, found \"%s\"", key);
                rd_pop(r);
        }
        return k;
}

static int load_intel_rdt(struct oci_reader *r, json_t *v, struct oci_intel_rdt *rdt)
{
        int k;
        if ((k = rd_field_string(r, v, "closID", &rdt->clos_id)) < 0 ||
            (k = rd_field_string(r, v, "l3CacheSchema", &rdt->l3_cache_schema)) < 0 ||
            (k = rd_field_string(r, v, "memBwSchema", &rdt->mem_bw_schema)) < 0 ||
            (k = rd_field_bool(r, v, "enableCMT", &rdt->enable_cmt)) < 0 ||
            (k = rd_field_bool(r, v, "enableMBM", &rdt->enable_mbm)) < 0)
                return k;
        return 0;
}

static int load_propagation(struct oci_reader *r, json_t *v, char **out)
{
        static const char *const ok[] = { "shared", "slave", "private", "unbindable",
                                           "rshared", "rslave", "rprivate", "runbindable" };
        const char *s = json_is_string(v) ? json_string_value(v) : "";
        for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
                if (strcmp(s, ok[i]) == 0)
                        return rd_string(r, v, out);
        return rd_expected(r, v, "shared, slave, private or unbindable (or their r- forms)");
}

/* masked and read-only paths name places in the container: absolute. */
static int load_abs_paths(struct oci_reader *r, json_t *v, char ***out)
{
        int k = rd_strv(r, v, out);
        for (size_t i = 0; k == 0 && (*out)[i]; i++) {
                if ((*out)[i][0] == '/')
                        continue;
                rd_push_index(r, i);
                k = rd_expected(r, json_array_get(v, i), "an absolute path");
                rd_pop(r);
        }
        return k;
}

static int load_resources_field(struct oci_reader *r, json_t *v, struct oci_resources *res)
{
        int k = rd_object(r, v);
        res->present = true;
        return k < 0 ? k : oci_load_resources(r, v, res);
}

int oci_load_linux(struct oci_reader *r, json_t *v, struct oci_linux *l)
{
        int k;
        if ((k = rd_field_struct_array(r, v, "namespaces", sizeof(*l->namespaces), (void **)&l->namespaces,
                                       &l->n_namespaces, load_namespace)) < 0 ||
            (k = rd_field_idmaps(r, v, "uidMappings", &l->uid_mappings)) < 0 ||
            (k = rd_field_idmaps(r, v, "gidMappings", &l->gid_mappings)) < 0 ||
            (k = rd_field_struct_array(r, v, "devices", sizeof(*l->devices), (void **)&l->devices, &l->n_devices,
                                       load_device)) < 0 ||
            (k = rd_field_string(r, v, "cgroupsPath", &l->cgroups_path)) < 0 ||
            (k = RD_WITH(r, v, "resources", load_resources_field, &l->resources)) < 0 ||
            (k = rd_field_kv(r, v, "sysctl", &l->sysctl)) < 0 ||
            (k = RD_ALLOC_WITH(r, v, "seccomp", oci_load_seccomp, l->seccomp)) < 0 ||
            (k = RD_ALLOC_WITH(r, v, "seccompStacked", oci_load_seccomp, l->seccomp_stacked)) < 0 ||
            (k = RD_WITH(r, v, "rootfsPropagation", load_propagation, &l->rootfs_propagation)) < 0 ||
            (k = RD_WITH(r, v, "maskedPaths", load_abs_paths, &l->masked_paths)) < 0 ||
            (k = RD_WITH(r, v, "readonlyPaths", load_abs_paths, &l->readonly_paths)) < 0 ||
            (k = rd_field_string(r, v, "mountLabel", &l->mount_label)) < 0 ||
            (k = RD_ALLOC_WITH(r, v, "personality", load_personality, l->personality)) < 0 ||
            (k = RD_WITH(r, v, "timeOffsets", load_time_offsets, l)) < 0 ||
            (k = RD_ALLOC_WITH(r, v, "intelRdt", load_intel_rdt, l->intel_rdt)) < 0)
                return k;
        return 0;
}
