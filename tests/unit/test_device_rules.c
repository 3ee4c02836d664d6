/* Device-cgroup rules appended to a typed config: the one helper that both
 * harden (BW082: deny all, then allow) and create (a config that already
 * restricts devices) end their rule lists with. */
#include <string.h>

#include "oci/default.h"
#include "oci/device_rules.h"
#include "oci/load.h"
#include "policy/harden.h"
#include "policy/profile.h"
#include "policy/rules.h"
#include "rules_fixture.h"
#include "runtime/cgroups.h"
#include "tap.h"
#include "util/cleanup.h"

static struct oci_config *load(const char *json)
{
        struct oci_config *c = NULL;
        struct bw_error *err = NULL;
        if (oci_config_load_data(json, strlen(json), "test", &c, &err) < 0) {
                printf("# %s\n", err ? err->msg : "load failed");
                bw_error_free(err);
                return NULL;
        }
        return c;
}

static size_t n_defaults(void)
{
        size_t n = 0;
        while (bw_default_device_allows[n].type)
                n++;
        return n;
}

static bool rule_is(const struct oci_device_rule *d, bool allow, char type, int64_t major, int64_t minor,
                    const char *access)
{
        return d->allow == allow && d->type == type && d->major.set == (major >= 0) &&
               (major < 0 || d->major.v == major) && d->minor.set == (minor >= 0) &&
               (minor < 0 || d->minor.v == minor) && d->access && strcmp(d->access, access) == 0;
}

/* rules[from..] are the default allows, then one allow with access
 * `listed` per linux.devices entry. */
static bool allows_at(const struct oci_linux *l, size_t from, const char *listed)
{
        const struct oci_resources *res = &l->resources;
        size_t nd = n_defaults();
        if (res->n_devices != from + nd + l->n_devices)
                return false;
        for (size_t i = 0; i < nd; i++) {
                const struct bw_device_allow *a = &bw_default_device_allows[i];
                if (!rule_is(&res->devices[from + i], true, a->type, a->major, a->minor, a->access))
                        return false;
        }
        for (size_t i = 0; i < l->n_devices; i++) {
                const struct oci_device *d = &l->devices[i];
                if (!rule_is(&res->devices[from + nd + i], true, d->type == 'b' ? 'b' : 'c', d->major, d->minor, listed))
                        return false;
        }
        return true;
}

#define DEVICES "\"devices\": [{\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": 0}," \
                " {\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229}," \
                " {\"path\": \"/dev/tty9\", \"type\": \"u\", \"major\": 4, \"minor\": 9}]"

static void test_push(void)
{
        struct oci_resources res = { 0 };
        int r = oci_device_rule_push(&res, false, 'a', -1, -1, "rwm");
        r |= oci_device_rule_push(&res, true, 'c', 136, -1, "rw");
        r |= oci_device_rule_push(&res, true, 'b', 8, 16, "m");
        tap_ok(r == 0 && res.n_devices == 3, "push appends three rules");
        tap_ok(rule_is(&res.devices[0], false, 'a', -1, -1, "rwm"), "-1 major and minor are left absent (any)");
        tap_ok(rule_is(&res.devices[1], true, 'c', 136, -1, "rw"), "a major with any minor");
        tap_ok(rule_is(&res.devices[2], true, 'b', 8, 16, "m"), "a block device, its access copied");
        for (size_t i = 0; i < res.n_devices; i++)
                free(res.devices[i].access);
        free(res.devices);
}

static void test_allows_append(void)
{
        struct oci_config *c = load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {" DEVICES "}}");
        if (!c) {
                tap_ok(0, "config with linux.devices loads");
                return;
        }
        tap_ok(bw_device_allows_append(c->linux, "rwm") == 0, "allows appended");
        tap_ok(allows_at(c->linux, 0, "rwm"), "the default allows, then one rwm allow per linux.devices entry in order");
        tap_ok(c->linux->resources.devices[n_defaults() + 2].type == 'c', "an unbuffered char device (u) is allowed as c");
        oci_config_free(c);
}

static void test_create_defaults(void)
{
        struct oci_config *c = load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}}");
        tap_ok(c && bw_cgroup_default_devices(c) == 0 && (!c->linux || c->linux->resources.n_devices == 0),
               "create: no linux section, no device rules added");
        oci_config_free(c);

        c = load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {" DEVICES ","
                 " \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwm\"}]}}}");
        tap_ok(c && bw_cgroup_default_devices(c) == 0 && c->linux->resources.n_devices == 1,
               "create: a config that denies nothing is left as it is");
        oci_config_free(c);

        c = load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {" DEVICES ","
                 " \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
                 "   {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"r\"}]}}}");
        tap_ok(c && bw_cgroup_default_devices(c) == 0, "create: a restricting config gets the allows");
        tap_ok(c && rule_is(&c->linux->resources.devices[0], false, 'a', -1, -1, "rwm") &&
               rule_is(&c->linux->resources.devices[1], true, 'c', 1, 3, "r") && allows_at(c->linux, 2, "m"),
               "create: the config's own rules first, then the default allows, and for linux.devices mknod only");
        oci_config_free(c);
}

static void test_harden_closes(void)
{
        /* The fixture's clean config with the device cgroup opened and a
         * default device listed (harden refuses host devices: BW080/081). */
        struct oci_config *c = config_with("{\"linux\": {"
                                           " \"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3}],"
                                           " \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwm\"}]}}}");
        if (!c) {
                tap_ok(0, "open device cgroup config loads");
                return;
        }
        struct bw_policy p = { .profile = BW_PROFILE_BASELINE, .mode = BW_MODE_HARDEN };
        struct bw_harden_result res = { 0 };
        struct bw_error *err = NULL;
        int n = bw_harden(c, &p, &res, &err);
        bool listed = false;
        for (char **s = res.changes; s && *s; s++)
                listed |= strncmp(*s, "BW082 ", 6) == 0;
        tap_ok(n >= 0 && listed, "harden: BW082 is fixed");
        tap_ok(c->linux->resources.n_devices > 1 &&
               rule_is(&c->linux->resources.devices[1], false, 'a', -1, -1, "rwm") && allows_at(c->linux, 2, "rwm"),
               "harden: after the open rule, deny all, the default allows, then linux.devices'");
        bw_harden_result_free(&res);
        bw_error_free(err);
        oci_config_free(c);
}

/* BW082 over the rule list as the kernel evaluates it. */
static bool bw082_fires(const char *rules, const char *devices)
{
        char patch[2048];
        snprintf(patch, sizeof(patch), "{\"linux\": {\"devices\": %s, \"resources\": {\"devices\": %s}}}",
                 devices ? devices : "[]", rules);
        struct oci_config *c = config_with(patch);
        if (!c)
                return false;
        struct bw_findings f = { 0 };
        const struct bw_rule *r = bw_rule_find("BW082");
        int n = r->check(r, c, &f);
        bool fired = n == 0 && f.n > 0;
        for (size_t i = 0; i < f.n; i++)
                printf("#   %s\n", f.v[i].detail);
        bw_findings_clear(&f);
        oci_config_free(c);
        return fired;
}

#define DENY "{\"allow\": false, \"access\": \"rwm\"}"
#define ALLOW(spec) "{\"allow\": true, " spec "}"

static void test_bw082_evaluation(void)
{
        static const struct { const char *rules, *devices; bool fires; const char *what; } cases[] = {
                { "[" DENY "]", NULL, false, "deny all" },
                { "[]", NULL, true, "no rules: the kernel allows every device" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"") "]", NULL,
                  false, "deny all, allow null" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 136, \"access\": \"rwm\"") "]", NULL, false,
                  "c 136:* (devpts) is a default" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 10, \"access\": \"rwm\"") "]", NULL, true,
                  "c 10:* rwm (hwrng, cpu_dma_latency, fuse ...)" },
                { "[" DENY ", " ALLOW("\"type\": \"b\", \"major\": 254, \"minor\": 0, \"access\": \"rw\"") "]", NULL,
                  true, "b 254:0 rw" },
                { "[" DENY ", " ALLOW("\"type\": \"b\", \"major\": 254, \"access\": \"rw\"") "]", NULL, true,
                  "b 254:* rw" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"") "]", NULL,
                  true, "c 1:11 w (kmsg)" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 5, \"access\": \"r\"") "]", NULL, true,
                  "c 5:* r covers more than tty, console, ptmx" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 10, \"access\": \"m\"") "]", NULL, false,
                  "mknod only opens nothing" },
                { "[" DENY ", " ALLOW("\"access\": \"rwm\"") "]", NULL, true, "c *:* after a deny: allow-all again" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"access\": \"rwm\"") "]", NULL, true, "c *:* rwm after a deny" },
                { "[" ALLOW("\"type\": \"c\", \"major\": 10, \"access\": \"rwm\"") ", " DENY "]", NULL, false,
                  "an allow before the deny-all is reset by it" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 10, \"access\": \"rwm\"") ", "
                  "{\"allow\": false, \"type\": \"c\", \"major\": 10, \"minor\": 62, \"access\": \"rwm\"}]",
                  NULL, true, "a narrower deny does not carve a hole in c 10:* (v1 keeps the wildcard)" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rwm\"") "]",
                  "[{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229}]", false,
                  "an allow for a device the config lists is BW081's" },
                { "[" DENY ", " ALLOW("\"type\": \"c\", \"major\": 10, \"access\": \"rwm\"") "]",
                  "[{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229}]", true,
                  "a wildcard is wider than the listed device" },
                { "[{\"allow\": true, \"access\": \"rwm\"}, {\"allow\": false, \"type\": \"b\", \"access\": \"rwm\"}]",
                  NULL, true, "allow-all with block devices denied still opens char devices" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                tap_is_int(bw082_fires(cases[i].rules, cases[i].devices), cases[i].fires, cases[i].what);
}

int main(void)
{
        test_bw082_evaluation();
        test_push();
        test_allows_append();
        test_create_defaults();
        test_harden_closes();
        return tap_done();
}
