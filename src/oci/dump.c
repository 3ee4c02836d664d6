/* struct oci_config -> JSON: the loader's inverse. Absent fields stay absent,
 * so load(dump(c)) gives c back. 64-bit values above INT64_MAX (only
 * rlimits and seccomp argument words can hold them) are written as their
 * two's complement, which the loader reads back for those fields. */
#include <stdlib.h>

#include <jansson.h>

#include "oci/load.h"
#include "oci/dump_put.h"
#include "oci/reader.h"
#include "util/cleanup.h"

static json_t *strv_json(char *const *v)
{
        json_t *a = json_array();
        for (size_t i = 0; a && v[i]; i++)
                json_array_append_new(a, json_string(v[i]));
        return a;
}

static void put_strv(json_t *o, const char *key, char *const *v)
{
        if (v)
                put(o, key, strv_json(v));
}

static void put_int(json_t *o, const char *key, int64_t v)
{
        put(o, key, json_integer((json_int_t)v));
}

static void put_uint(json_t *o, const char *key, uint64_t v)
{
        put(o, key, json_integer((json_int_t)v)); /* see the top comment */
}

static void put_true(json_t *o, const char *key, bool b)
{
        if (b)
                put(o, key, json_true());
}

#define PUT_OPT(o, key, opt, fn)                   \
        do {                                       \
                if ((opt).set)                     \
                        fn(o, key, (opt).v);       \
        } while (0)

static void put_kv(json_t *o, const char *key, const struct oci_kv_list *l)
{
        if (!l->v)
                return;
        json_t *m = json_object();
        for (size_t i = 0; m && i < l->n; i++)
                put_str(m, l->v[i].key, l->v[i].value);
        put(o, key, m);
}

static void put_idmaps(json_t *o, const char *key, const struct oci_idmap_list *l)
{
        if (!l->present)
                return;
        json_t *a = json_array();
        for (size_t i = 0; a && i < l->n; i++) {
                json_t *m = json_object();
                put_uint(m, "containerID", l->v[i].container_id);
                put_uint(m, "hostID", l->v[i].host_id);
                put_uint(m, "size", l->v[i].size);
                json_array_append_new(a, m);
        }
        put(o, key, a);
}

static json_t *dump_mount(const struct oci_mount *m)
{
        json_t *o = json_object();
        put_str(o, "destination", m->destination);
        put_str(o, "type", m->type);
        put_str(o, "source", m->source);
        put_strv(o, "options", m->options);
        put_idmaps(o, "uidMappings", &m->uid_mappings);
        put_idmaps(o, "gidMappings", &m->gid_mappings);
        return o;
}

static void put_capset(json_t *o, const char *key, const struct oci_capset *s)
{
        if (!s->present)
                return;
        json_t *a = json_array();
        for (unsigned cap = 0; a && cap < 64; cap++) {
                if (!(s->mask & (UINT64_C(1) << cap)))
                        continue;
                const char *name = oci_cap_name((int)cap);
                if (name)
                        json_array_append_new(a, json_string(name));
        }
        put(o, key, a);
}

static json_t *dump_user(const struct oci_user *u)
{
        json_t *o = json_object();
        put_uint(o, "uid", u->uid);
        put_uint(o, "gid", u->gid);
        PUT_OPT(o, "umask", u->umask, put_uint);
        if (u->additional_gids) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < u->n_additional_gids; i++)
                        json_array_append_new(a, json_integer(u->additional_gids[i]));
                put(o, "additionalGids", a);
        }
        put_str(o, "username", u->username);
        return o;
}

static json_t *dump_scheduler(const struct oci_scheduler *s)
{
        json_t *o = json_object();
        put_str(o, "policy", s->policy);
        PUT_OPT(o, "nice", s->nice, put_int);
        PUT_OPT(o, "priority", s->priority, put_int);
        put_strv(o, "flags", s->flags);
        PUT_OPT(o, "runtime", s->runtime, put_uint);
        PUT_OPT(o, "deadline", s->deadline, put_uint);
        PUT_OPT(o, "period", s->period, put_uint);
        return o;
}

static json_t *dump_process(const struct oci_process *p)
{
        json_t *o = json_object();
        put_true(o, "terminal", p->terminal);
        if (p->console_size.present) {
                json_t *cs = json_object();
                put_uint(cs, "height", p->console_size.height);
                put_uint(cs, "width", p->console_size.width);
                put(o, "consoleSize", cs);
        }
        put(o, "user", dump_user(&p->user));
        put_strv(o, "args", p->args);
        put_str(o, "commandLine", p->command_line);
        put_strv(o, "env", p->env);
        put_str(o, "cwd", p->cwd);
        if (p->capabilities.present) {
                json_t *c = json_object();
                put_capset(c, "bounding", &p->capabilities.bounding);
                put_capset(c, "effective", &p->capabilities.effective);
                put_capset(c, "inheritable", &p->capabilities.inheritable);
                put_capset(c, "permitted", &p->capabilities.permitted);
                put_capset(c, "ambient", &p->capabilities.ambient);
                put(o, "capabilities", c);
        }
        if (p->rlimits) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < p->n_rlimits; i++) {
                        json_t *l = json_object();
                        const char *name = oci_rlimit_name(p->rlimits[i].resource);
                        put_str(l, "type", name ? name : p->rlimits[i].type);
                        put_uint(l, "hard", p->rlimits[i].hard);
                        put_uint(l, "soft", p->rlimits[i].soft);
                        json_array_append_new(a, l);
                }
                put(o, "rlimits", a);
        }
        put_true(o, "noNewPrivileges", p->no_new_privileges);
        PUT_OPT(o, "oomScoreAdj", p->oom_score_adj, put_int);
        put_str(o, "apparmorProfile", p->apparmor_profile);
        put_str(o, "selinuxLabel", p->selinux_label);
        if (p->io_priority.present) {
                json_t *io = json_object();
                put_str(io, "class", p->io_priority.klass);
                put_int(io, "priority", p->io_priority.priority);
                put(o, "ioPriority", io);
        }
        if (p->scheduler.present)
                put(o, "scheduler", dump_scheduler(&p->scheduler));
        return o;
}

static void put_hooks(json_t *o, const char *key, const struct oci_hook_list *l)
{
        if (!l->v)
                return;
        json_t *a = json_array();
        for (size_t i = 0; a && i < l->n; i++) {
                const struct oci_hook *h = &l->v[i];
                json_t *j = json_object();
                put_str(j, "path", h->path);
                put_strv(j, "args", h->args);
                put_strv(j, "env", h->env);
                PUT_OPT(j, "timeout", h->timeout, put_int);
                json_array_append_new(a, j);
        }
        put(o, key, a);
}

static json_t *dump_hooks(const struct oci_hooks *h)
{
        json_t *o = json_object();
        put_hooks(o, "prestart", &h->prestart);
        put_hooks(o, "createRuntime", &h->create_runtime);
        put_hooks(o, "createContainer", &h->create_container);
        put_hooks(o, "startContainer", &h->start_container);
        put_hooks(o, "poststart", &h->poststart);
        put_hooks(o, "poststop", &h->poststop);
        if (json_object_size(o) == 0) {
                json_decref(o);
                return NULL;
        }
        return o;
}

static json_t *dump_device(const struct oci_device *d)
{
        json_t *o = json_object();
        put_str(o, "path", d->path);
        put(o, "type", json_stringn(&d->type, 1));
        if (d->type != 'p') {
                put_int(o, "major", d->major);
                put_int(o, "minor", d->minor);
        }
        PUT_OPT(o, "fileMode", d->file_mode, put_uint);
        PUT_OPT(o, "uid", d->uid, put_uint);
        PUT_OPT(o, "gid", d->gid, put_uint);
        return o;
}

static json_t *dump_seccomp(const struct oci_seccomp *s)
{
        json_t *o = json_object();
        put_str(o, "defaultAction", oci_seccomp_action_name(s->default_action));
        PUT_OPT(o, "defaultErrnoRet", s->default_errno_ret, put_uint);
        put_strv(o, "architectures", s->architectures);
        put_strv(o, "flags", s->flags);
        put_str(o, "listenerPath", s->listener_path);
        put_str(o, "listenerMetadata", s->listener_metadata);
        if (s->syscalls) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < s->n_syscalls; i++) {
                        const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                        json_t *j = json_object();
                        put_strv(j, "names", sc->names);
                        put_str(j, "action", oci_seccomp_action_name(sc->action));
                        PUT_OPT(j, "errnoRet", sc->errno_ret, put_uint);
                        if (sc->args) {
                                json_t *args = json_array();
                                for (size_t k = 0; args && k < sc->n_args; k++) {
                                        json_t *x = json_object();
                                        put_uint(x, "index", sc->args[k].index);
                                        put_uint(x, "value", sc->args[k].value);
                                        if (sc->args[k].value_two)
                                                put_uint(x, "valueTwo", sc->args[k].value_two);
                                        put_str(x, "op", oci_seccomp_op_name(sc->args[k].op));
                                        json_array_append_new(args, x);
                                }
                                put(j, "args", args);
                        }
                        json_array_append_new(a, j);
                }
                put(o, "syscalls", a);
        }
        return o;
}

static void put_time_offset(json_t *o, const char *key, const struct oci_time_offset *t)
{
        if (!t->present)
                return;
        json_t *j = json_object();
        put_int(j, "secs", t->secs);
        put_uint(j, "nanosecs", t->nanosecs);
        put(o, key, j);
}

static json_t *dump_linux(const struct oci_linux *l)
{
        json_t *o = json_object();
        if (l->namespaces) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < l->n_namespaces; i++) {
                        json_t *n = json_object();
                        put_str(n, "type", oci_ns_type_name(l->namespaces[i].type));
                        put_str(n, "path", l->namespaces[i].path);
                        json_array_append_new(a, n);
                }
                put(o, "namespaces", a);
        }
        put_idmaps(o, "uidMappings", &l->uid_mappings);
        put_idmaps(o, "gidMappings", &l->gid_mappings);
        if (l->devices) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < l->n_devices; i++)
                        json_array_append_new(a, dump_device(&l->devices[i]));
                put(o, "devices", a);
        }
        put_str(o, "cgroupsPath", l->cgroups_path);
        if (l->resources.present)
                put(o, "resources", oci_dump_resources(&l->resources));
        put_kv(o, "sysctl", &l->sysctl);
        if (l->seccomp)
                put(o, "seccomp", dump_seccomp(l->seccomp));
        if (l->seccomp_stacked)
                put(o, "seccompStacked", dump_seccomp(l->seccomp_stacked));
        put_str(o, "rootfsPropagation", l->rootfs_propagation);
        put_strv(o, "maskedPaths", l->masked_paths);
        put_strv(o, "readonlyPaths", l->readonly_paths);
        put_str(o, "mountLabel", l->mount_label);
        if (l->personality) {
                json_t *p = json_object();
                put_str(p, "domain", l->personality->domain);
                put_strv(p, "flags", l->personality->flags);
                put(o, "personality", p);
        }
        if (l->time_monotonic.present || l->time_boottime.present) {
                json_t *t = json_object();
                put_time_offset(t, "monotonic", &l->time_monotonic);
                put_time_offset(t, "boottime", &l->time_boottime);
                put(o, "timeOffsets", t);
        }
        if (l->intel_rdt) {
                json_t *r = json_object();
                put_str(r, "closID", l->intel_rdt->clos_id);
                put_str(r, "l3CacheSchema", l->intel_rdt->l3_cache_schema);
                put_str(r, "memBwSchema", l->intel_rdt->mem_bw_schema);
                put_true(r, "enableCMT", l->intel_rdt->enable_cmt);
                put_true(r, "enableMBM", l->intel_rdt->enable_mbm);
                put(o, "intelRdt", r);
        }
        return o;
}

json_t *oci_config_dump(const struct oci_config *c)
{
        json_t *o = json_object();
        if (!o)
                return NULL;
        put_str(o, "ociVersion", c->oci_version);
        if (c->has_root) {
                json_t *r = json_object();
                put_str(r, "path", c->root.path);
                put_true(r, "readonly", c->root.readonly);
                put(o, "root", r);
        }
        if (c->mounts) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < c->n_mounts; i++)
                        json_array_append_new(a, dump_mount(&c->mounts[i]));
                put(o, "mounts", a);
        }
        if (c->process)
                put(o, "process", dump_process(c->process));
        put_str(o, "hostname", c->hostname);
        put_str(o, "domainname", c->domainname);
        put(o, "hooks", dump_hooks(&c->hooks));
        put_kv(o, "annotations", &c->annotations);
        if (c->linux)
                put(o, "linux", dump_linux(c->linux));
        return o;
}
