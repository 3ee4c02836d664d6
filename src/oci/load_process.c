/* The "process" section: what runs in the container and with which
 * credentials, capabilities, limits and scheduling. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/reader.h"
#include "util/cleanup.h"

static int load_console_size(struct oci_reader *r, json_t *v, struct oci_process *p)
{
        int k;
        p->console_size.present = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_require(r, v, "height", "a non-negative integer")) < 0 ||
            (k = rd_require(r, v, "width", "a non-negative integer")) < 0 ||
            (k = rd_field_u32(r, v, "height", &p->console_size.height)) < 0 ||
            (k = rd_field_u32(r, v, "width", &p->console_size.width)) < 0)
                return k;
        return 0;
}

static int load_gids(struct oci_reader *r, json_t *v, struct oci_user *u)
{
        if (!json_is_array(v))
                return rd_expected(r, v, "an array of non-negative integers");
        size_t n = json_array_size(v);
        u->additional_gids = calloc(n ? n : 1, sizeof(uint32_t));
        if (!u->additional_gids)
                return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
        u->n_additional_gids = n;
        for (size_t i = 0; i < n; i++) {
                rd_push_index(r, i);
                int k = rd_u32(r, json_array_get(v, i), &u->additional_gids[i]);
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        return 0;
}

static int load_user(struct oci_reader *r, json_t *v, struct oci_user *u)
{
        int k;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_require(r, v, "uid", "a non-negative integer")) < 0 ||
            (k = rd_require(r, v, "gid", "a non-negative integer")) < 0 ||
            (k = rd_field_u32(r, v, "uid", &u->uid)) < 0 ||
            (k = rd_field_u32(r, v, "gid", &u->gid)) < 0 ||
            (k = rd_field_string(r, v, "username", &u->username)) < 0)
                return k;
        json_t *m = rd_enter(r, v, "umask");
        if (m) {
                uint64_t x = 0;
                /* a umask is permission bits: 0 to 0777 */
                k = rd_uint_max(r, m, 0777, &x);
                u->umask.set = true;
                u->umask.v = (uint32_t)x;
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        json_t *g = rd_enter(r, v, "additionalGids");
        if (g) {
                k = load_gids(r, g, u);
                rd_pop(r);
        }
        return k;
}

static int load_capset(struct oci_reader *r, json_t *v, struct oci_capset *set)
{
        if (!json_is_array(v))
                return rd_expected(r, v, "an array of capability names");
        set->present = true;
        for (size_t i = 0; i < json_array_size(v); i++) {
                json_t *e = json_array_get(v, i);
                rd_push_index(r, i);
                int cap = json_is_string(e) ? oci_cap_from_name(json_string_value(e)) : -1;
                int k = cap < 0 ? rd_expected(r, e, "a capability name such as \"CAP_CHOWN\"") : 0;
                rd_pop(r);
                if (k < 0)
                        return k;
                set->mask |= UINT64_C(1) << cap;
        }
        return 0;
}

static int load_capabilities(struct oci_reader *r, json_t *v, struct oci_capabilities *caps)
{
        static const struct { const char *key; size_t off; } sets[] = {
                { "bounding", offsetof(struct oci_capabilities, bounding) },
                { "effective", offsetof(struct oci_capabilities, effective) },
                { "inheritable", offsetof(struct oci_capabilities, inheritable) },
                { "permitted", offsetof(struct oci_capabilities, permitted) },
                { "ambient", offsetof(struct oci_capabilities, ambient) },
        };
        int k = rd_object(r, v);
        caps->present = true;
        for (size_t i = 0; k == 0 && i < ARRAY_SIZE(sets); i++) {
                json_t *s = rd_enter(r, v, sets[i].key);
                if (!s)
                        continue;
                k = load_capset(r, s, (struct oci_capset *)((char *)caps + sets[i].off));
                rd_pop(r);
        }
        return k;
}

static int load_rlimit(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_rlimit *l = elem;
        int k;
        if ((k = rd_require(r, v, "type", "an RLIMIT_* name")) < 0 ||
            (k = rd_require(r, v, "soft", "an integer")) < 0 ||
            (k = rd_require(r, v, "hard", "an integer")) < 0)
                return k;
        json_t *t = rd_enter(r, v, "type");
        l->resource = json_is_string(t) ? oci_rlimit_from_name(json_string_value(t)) : -1;
        k = l->resource < 0 ? rd_expected(r, t, "an RLIMIT_* name such as \"RLIMIT_NOFILE\"") : rd_string(r, t, &l->type);
        rd_pop(r);
        if (k < 0)
                return k;
        json_t *s = rd_enter(r, v, "soft");
        k = rd_u64_or_negative(r, s, &l->soft);
        rd_pop(r);
        if (k < 0)
                return k;
        json_t *h = rd_enter(r, v, "hard");
        k = rd_u64_or_negative(r, h, &l->hard);
        rd_pop(r);
        return k;
}

static int load_io_priority(struct oci_reader *r, json_t *v, struct oci_io_priority *io)
{
        int k;
        io->present = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_require(r, v, "class", "an IOPRIO_CLASS_* name")) < 0)
                return k;
        json_t *c = rd_enter(r, v, "class");
        io->klass_value = json_is_string(c) ? oci_ioprio_class_from_name(json_string_value(c)) : -1;
        k = io->klass_value < 0 ? rd_expected(r, c, "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE")
                                : rd_string(r, c, &io->klass);
        rd_pop(r);
        if (k < 0)
                return k;
        json_t *p = rd_enter(r, v, "priority");
        if (p) {
                uint64_t x = 0;
                k = rd_uint_max(r, p, 7, &x); /* the kernel has 8 levels per class */
                io->priority = (int32_t)x;
                rd_pop(r);
        }
        return k;
}

static int load_sched_flags(struct oci_reader *r, json_t *v, struct oci_scheduler *s)
{
        int k = rd_strv(r, v, &s->flags);
        for (size_t i = 0; k == 0 && s->flags[i]; i++) {
                if (oci_sched_flag_known(s->flags[i]))
                        continue;
                rd_push_index(r, i);
                k = rd_expected(r, json_array_get(v, i), "a SCHED_FLAG_* name such as \"SCHED_FLAG_RESET_ON_FORK\"");
                rd_pop(r);
        }
        return k;
}

static int load_scheduler(struct oci_reader *r, json_t *v, struct oci_scheduler *s)
{
        int k;
        s->present = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_require(r, v, "policy", "a SCHED_* policy name")) < 0)
                return k;
        json_t *p = rd_enter(r, v, "policy");
        s->policy_value = json_is_string(p) ? oci_sched_policy_from_name(json_string_value(p)) : -1;
        k = s->policy_value < 0 ? rd_expected(r, p, "a SCHED_* policy name such as \"SCHED_OTHER\"")
                                : rd_string(r, p, &s->policy);
        rd_pop(r);
        if (k < 0)
                return k;
        if ((k = rd_field_opt_i32(r, v, "nice", &s->nice)) < 0 ||
            (k = rd_field_opt_i32(r, v, "priority", &s->priority)) < 0 ||
            (k = rd_field_opt_u64(r, v, "runtime", &s->runtime)) < 0 ||
            (k = rd_field_opt_u64(r, v, "deadline", &s->deadline)) < 0 ||
            (k = rd_field_opt_u64(r, v, "period", &s->period)) < 0)
                return k;
        json_t *f = rd_enter(r, v, "flags");
        if (f) {
                k = load_sched_flags(r, f, s);
                rd_pop(r);
        }
        return k;
}

static int load_args(struct oci_reader *r, json_t *v, struct oci_process *p)
{
        if (!json_object_get(v, "commandLine")) {
                int k = rd_require(r, v, "args", "an array of strings");
                if (k < 0)
                        return k;
        }
        json_t *a = rd_enter(r, v, "args");
        if (!a)
                return 0;
        int k = rd_strv(r, a, &p->args);
        /* args[0] is what execvp runs: there must be one */
        if (k == 0 && !p->args[0] && !json_object_get(v, "commandLine"))
                k = rd_expected(r, a, "at least one argument (the program to run)");
        rd_pop(r);
        return k;
}

int oci_load_process(struct oci_reader *r, json_t *v, struct oci_process *p)
{
        int k;
        if ((k = rd_field_bool(r, v, "terminal", &p->terminal)) < 0 ||
            (k = RD_WITH(r, v, "consoleSize", load_console_size, p)) < 0 ||
            (k = rd_require(r, v, "user", "an object with uid and gid")) < 0 ||
            (k = RD_WITH(r, v, "user", load_user, &p->user)) < 0 ||
            (k = rd_field_string(r, v, "commandLine", &p->command_line)) < 0 ||
            (k = load_args(r, v, p)) < 0 ||
            (k = rd_field_strv(r, v, "env", &p->env)) < 0 ||
            (k = rd_require(r, v, "cwd", "an absolute path")) < 0 ||
            (k = rd_field_abs_path(r, v, "cwd", &p->cwd)) < 0 ||
            (k = RD_WITH(r, v, "capabilities", load_capabilities, &p->capabilities)) < 0 ||
            (k = rd_field_struct_array(r, v, "rlimits", sizeof(*p->rlimits), (void **)&p->rlimits, &p->n_rlimits,
                                       load_rlimit)) < 0 ||
            (k = rd_field_bool(r, v, "noNewPrivileges", &p->no_new_privileges)) < 0 ||
            (k = rd_field_string(r, v, "apparmorProfile", &p->apparmor_profile)) < 0 ||
            (k = rd_field_string(r, v, "selinuxLabel", &p->selinux_label)) < 0 ||
            (k = RD_WITH(r, v, "ioPriority", load_io_priority, &p->io_priority)) < 0 ||
            (k = RD_WITH(r, v, "scheduler", load_scheduler, &p->scheduler)) < 0)
                return k;
        json_t *o = rd_enter(r, v, "oomScoreAdj");
        if (o) {
                int64_t x = 0;
                /* the kernel's range, OOM_SCORE_ADJ_MIN..MAX */
                k = rd_i32(r, o, &p->oom_score_adj.v);
                x = p->oom_score_adj.v;
                if (k == 0 && (x < -1000 || x > 1000))
                        k = rd_expected(r, o, "an integer from -1000 to 1000");
                p->oom_score_adj.set = true;
                rd_pop(r);
        }
        return k;
}
