/* Device rules reduced to what the v1 devices controller keeps: a default
 * (allow or deny every device) and a list of exceptions to it. Rules apply
 * in order, as the kernel applies writes to devices.allow/devices.deny:
 *   - a type "a" rule for every device and all of rwm resets: the default
 *     becomes the rule's verdict and the exceptions are dropped;
 *   - a rule with the default's verdict takes its access bits away from the
 *     exception with exactly the same type and numbers (a narrower deny does
 *     not carve a hole in a wildcard allow: the kernel does not either);
 *   - a rule against the default adds an exception (or bits to one).
 * The same reduced set then feeds v1 (deny "a", allow each exception) and
 * the v2 eBPF program, so both versions enforce the same thing. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"

void cg_dev_set_clear(struct cg_dev_set *s)
{
        free(s->v);
        s->v = NULL;
        s->n = 0;
}

static int parse_access(const char *a, unsigned *out)
{
        unsigned m = 0;
        if (!a) {
                *out = CG_DEV_R | CG_DEV_W | CG_DEV_M;
                return 0;
        }
        for (; *a; a++) {
                switch (*a) {
                case 'r': m |= CG_DEV_R; break;
                case 'w': m |= CG_DEV_W; break;
                case 'm': m |= CG_DEV_M; break;
                default: return -EINVAL;
                }
        }
        *out = m;
        return 0;
}

static struct cg_dev_exc *find(struct cg_dev_set *s, const struct cg_dev_exc *e)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->v[i].type == e->type && s->v[i].major == e->major && s->v[i].minor == e->minor)
                        return &s->v[i];
        return NULL;
}

static int apply(struct cg_dev_set *s, bool allow, const struct cg_dev_exc *e)
{
        struct cg_dev_exc *have = find(s, e);
        if (allow == s->default_allow) {
                if (have) {
                        have->access &= ~e->access;
                        if (!have->access)
                                *have = s->v[--s->n];
                }
                return 0;
        }
        if (have) {
                have->access |= e->access;
                return 0;
        }
        struct cg_dev_exc *nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
        if (!nv)
                return -ENOMEM;
        s->v = nv;
        s->v[s->n++] = *e;
        return 0;
}

int cg_dev_set_from_rules(const struct oci_device_rule *rules, size_t n, struct cg_dev_set *out,
                          struct bw_error **err)
{
        /* The parent's state is unknown here; v1 starts from allow-all and
         * so does a cgroup2 directory without a program. */
        *out = (struct cg_dev_set){ .default_allow = true };
        for (size_t i = 0; i < n; i++) {
                const struct oci_device_rule *r = &rules[i];
                unsigned acc;
                if (parse_access(r->access, &acc) < 0) {
                        cg_dev_set_clear(out);
                        return bw_error_msg(err, -EINVAL,
                                            "linux.resources.devices[%zu].access \"%s\": only r, w and m are allowed",
                                            i, r->access);
                }
                if (r->type != 'a' && r->type != 'b' && r->type != 'c') {
                        cg_dev_set_clear(out);
                        return bw_error_msg(err, -EINVAL,
                                            "linux.resources.devices[%zu].type \"%c\": use a, b or c", i, r->type);
                }
                int64_t major = r->major.set ? r->major.v : -1, minor = r->minor.set ? r->minor.v : -1;
                if (major < -1 || minor < -1 || major > UINT32_MAX || minor > UINT32_MAX) {
                        cg_dev_set_clear(out);
                        return bw_error_msg(err, -EINVAL, "linux.resources.devices[%zu]: bad device number", i);
                }
                if (r->type == 'a' && major < 0 && minor < 0 && acc == (CG_DEV_R | CG_DEV_W | CG_DEV_M)) {
                        cg_dev_set_clear(out);
                        out->default_allow = r->allow;
                        continue;
                }
                /* A partial "a" rule means the same for block and char devices;
                 * v1 would read "a" as a reset, so it becomes two exceptions. */
                const char *types = r->type == 'a' ? "bc" : (const char[]){ r->type, 0 };
                for (const char *t = types; *t; t++) {
                        struct cg_dev_exc e = { .type = *t, .major = major, .minor = minor, .access = acc };
                        if (acc && apply(out, r->allow, &e) < 0) {
                                cg_dev_set_clear(out);
                                return bw_error_set(err, -ENOMEM, "device rules");
                        }
                }
        }
        return 0;
}

/* A device number or "*" (-1); anything else gives -2. */
static int64_t parse_num(const char *s, char **end)
{
        if (*s == '*') {
                *end = (char *)s + 1;
                return -1;
        }
        if (*s < '0' || *s > '9') {
                *end = (char *)s;
                return -2;
        }
        errno = 0;
        long long v = strtoll(s, end, 10);
        return errno || v > UINT32_MAX ? -2 : v;
}

int cg_dev_set_from_list(const char *text, struct cg_dev_set *out, bool *known)
{
        *out = (struct cg_dev_set){ .default_allow = false };
        *known = true;
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if ((l[0] != 'a' && l[0] != 'b' && l[0] != 'c') || l[1] != ' ') {
                        cg_dev_set_clear(out);
                        return -EINVAL;
                }
                char *p = l + 2, *end = NULL;
                if (l[0] == 'a') {
                        /* Allow-all mode: the kernel lists only "a *:* rwm" and hides
                         * the deny exceptions. */
                        cg_dev_set_clear(out);
                        out->default_allow = true;
                        *known = false;
                        return 0;
                }
                struct cg_dev_exc e = { .type = l[0] };
                e.major = parse_num(p, &end);
                if (*end != ':' || e.major < -1) {
                        cg_dev_set_clear(out);
                        return -EINVAL;
                }
                e.minor = parse_num(end + 1, &end);
                if (*end != ' ' || e.minor < -1 || parse_access(end + 1, &e.access) < 0 || !e.access) {
                        cg_dev_set_clear(out);
                        return -EINVAL;
                }
                if (apply(out, true, &e) < 0) {
                        cg_dev_set_clear(out);
                        return -ENOMEM;
                }
        }
        return 0;
}

void cg_dev_access_format(unsigned access, char acc[4])
{
        size_t k = 0;
        if (access & CG_DEV_R)
                acc[k++] = 'r';
        if (access & CG_DEV_W)
                acc[k++] = 'w';
        if (access & CG_DEV_M)
                acc[k++] = 'm';
        acc[k] = '\0';
}

void cg_dev_exc_format(const struct cg_dev_exc *e, char *buf, size_t len)
{
        char maj[24] = "*", min[24] = "*", acc[4];
        if (e->major >= 0)
                snprintf(maj, sizeof(maj), "%" PRId64, e->major);
        if (e->minor >= 0)
                snprintf(min, sizeof(min), "%" PRId64, e->minor);
        cg_dev_access_format(e->access, acc);
        snprintf(buf, len, "%c %s:%s %s", e->type, maj, min, acc);
}
