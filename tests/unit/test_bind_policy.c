/* Bind sources and mount options as the policy reads them: the lexical
 * normaliser audit uses, every option `features` advertises walked through
 * the one parser, and BW070-BW072/BW076 on resolved and unresolved sources. */
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "linux/mount_options.h"
#include "oci/load.h"
#include "policy/checks.h"
#include "policy/rules.h"
#include "tap.h"
#include "util/cleanup.h"
#include "util/lexpath.h"

static void lexical(const char *in, const char *want)
{
        _cleanup_free_ char *got = bw_path_lexical(in);
        tap_is_str(got, want, in);
}

/* What each advertised option does to a bind (attr) and to a new mount (MS). */
static const struct {
        const char *name;
        uint64_t attr_set, attr_clr;
        unsigned long ms_set, ms_clr;
        bool recursive_attr;
} expect[] = {
        { "defaults", 0, 0, 0, 0, false },
        { "ro", MOUNT_ATTR_RDONLY, 0, MS_RDONLY, 0, false },
        { "rw", 0, MOUNT_ATTR_RDONLY, 0, MS_RDONLY, false },
        { "nosuid", MOUNT_ATTR_NOSUID, 0, MS_NOSUID, 0, false },
        { "suid", 0, MOUNT_ATTR_NOSUID, 0, MS_NOSUID, false },
        { "nodev", MOUNT_ATTR_NODEV, 0, MS_NODEV, 0, false },
        { "dev", 0, MOUNT_ATTR_NODEV, 0, MS_NODEV, false },
        { "noexec", MOUNT_ATTR_NOEXEC, 0, MS_NOEXEC, 0, false },
        { "exec", 0, MOUNT_ATTR_NOEXEC, 0, MS_NOEXEC, false },
        { "sync", 0, 0, MS_SYNCHRONOUS, 0, false },
        { "async", 0, 0, 0, MS_SYNCHRONOUS, false },
        { "dirsync", 0, 0, MS_DIRSYNC, 0, false },
        { "noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, MS_NOATIME, 0, false },
        { "atime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0, MS_NOATIME, false },
        { "nodiratime", MOUNT_ATTR_NODIRATIME, 0, MS_NODIRATIME, 0, false },
        { "diratime", 0, MOUNT_ATTR_NODIRATIME, 0, MS_NODIRATIME, false },
        { "relatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, MS_RELATIME, 0, false },
        { "norelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, 0, MS_RELATIME, false },
        { "strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, MS_STRICTATIME, 0, false },
        { "nostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0, MS_STRICTATIME, false },
        { "lazytime", 0, 0, MS_LAZYTIME, 0, false },
        { "nolazytime", 0, 0, 0, MS_LAZYTIME, false },
        { "iversion", 0, 0, MS_I_VERSION, 0, false },
        { "noiversion", 0, 0, 0, MS_I_VERSION, false },
        { "nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0, MS_NOSYMFOLLOW, 0, false },
        { "symfollow", 0, MOUNT_ATTR_NOSYMFOLLOW, 0, MS_NOSYMFOLLOW, false },
        { "rro", MOUNT_ATTR_RDONLY, 0, MS_RDONLY, 0, true },
        { "rrw", 0, MOUNT_ATTR_RDONLY, 0, MS_RDONLY, true },
        { "rnosuid", MOUNT_ATTR_NOSUID, 0, MS_NOSUID, 0, true },
        { "rsuid", 0, MOUNT_ATTR_NOSUID, 0, MS_NOSUID, true },
        { "rnodev", MOUNT_ATTR_NODEV, 0, MS_NODEV, 0, true },
        { "rdev", 0, MOUNT_ATTR_NODEV, 0, MS_NODEV, true },
        { "rnoexec", MOUNT_ATTR_NOEXEC, 0, MS_NOEXEC, 0, true },
        { "rexec", 0, MOUNT_ATTR_NOEXEC, 0, MS_NOEXEC, true },
        { "rnodiratime", MOUNT_ATTR_NODIRATIME, 0, MS_NODIRATIME, 0, true },
        { "rdiratime", 0, MOUNT_ATTR_NODIRATIME, 0, MS_NODIRATIME, true },
        { "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0, MS_NOSYMFOLLOW, 0, true },
        { "rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW, 0, MS_NOSYMFOLLOW, true },
        { "rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, MS_RELATIME, MS_NOATIME | MS_STRICTATIME, true },
        { "rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, MS_STRICTATIME, MS_NOATIME | MS_RELATIME, true },
        { "rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, MS_NOATIME, MS_RELATIME | MS_STRICTATIME, true },
        { "ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, MS_RELATIME, MS_NOATIME | MS_STRICTATIME, true },
        { "rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, MS_STRICTATIME, MS_NOATIME | MS_RELATIME, true },
        { "rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, MS_RELATIME, MS_NOATIME | MS_STRICTATIME, true },
};

static void options_walk(void)
{
        size_t advertised = 0;
        for (size_t i = 0; i < bw_n_mount_options; i++) {
                const struct bw_mount_option *e = &bw_mount_options[i];
                if (e->unadvertised)
                        continue;
                advertised++;
                struct bw_mount_opts o;
                bw_mount_options_effect((char *[]){ (char *)e->name, NULL }, &o);
                if (e->kind == BW_MOPT_BIND) {
                        tap_ok(o.bind && o.recursive == (strcmp(e->name, "rbind") == 0) && !o.attr_set && !o.attr_clr,
                               "%s: a bind, recursive only as rbind", e->name);
                        continue;
                }
                if (e->kind == BW_MOPT_PROPAGATION) {
                        tap_ok(o.propagation == e->flags && o.propagation != 0, "%s: propagation %#lx", e->name, e->flags);
                        continue;
                }
                if (e->kind == BW_MOPT_IDMAP) {
                        tap_ok(o.idmap && o.ridmap == (e->name[0] == 'r'), "%s: an idmapped bind", e->name);
                        continue;
                }
                bool found = false;
                for (size_t k = 0; k < ARRAY_SIZE(expect); k++) {
                        if (strcmp(expect[k].name, e->name) != 0)
                                continue;
                        found = true;
                        tap_ok(o.attr_set == expect[k].attr_set && o.attr_clr == expect[k].attr_clr &&
                                       o.flags == expect[k].ms_set && o.clear == expect[k].ms_clr &&
                                       o.attr_recursive == expect[k].recursive_attr,
                               "%s: attr set %#llx clr %#llx, MS set %#lx clr %#lx", e->name,
                               (unsigned long long)o.attr_set, (unsigned long long)o.attr_clr, o.flags, o.clear);
                }
                tap_ok(found, "%s: advertised by features and has an expected effect here", e->name);
        }
        tap_ok(advertised > 50, "features advertises the table (%zu options)", advertised);
        tap_ok(bw_mount_option_find("mand") && bw_mount_option_find("mand")->unadvertised, "mand is accepted, not advertised");
        tap_ok(bw_mount_option_find("tmpcopyup") && bw_mount_option_find("tmpcopyup")->unadvertised,
               "tmpcopyup is accepted, not advertised");
}

static void options_order(void)
{
        struct bw_mount_opts o;
        bw_mount_options_effect((char *[]){ "rbind", "ro", "rw", NULL }, &o);
        tap_ok(!bw_mount_opts_readonly(&o) && (o.attr_clr & MOUNT_ATTR_RDONLY) && !(o.flags & MS_RDONLY),
               "rbind,ro,rw ends read-write for mounter and policy");
        bw_mount_options_effect((char *[]){ "rw", "ro", NULL }, &o);
        tap_ok(bw_mount_opts_readonly(&o) && !(o.attr_clr & MOUNT_ATTR_RDONLY), "rw,ro ends read-only");
        bw_mount_options_effect((char *[]){ "rbind", "rro", "rw", NULL }, &o);
        tap_ok(!bw_mount_opts_readonly(&o) && o.attr_recursive, "rro,rw: the later rw wins");
        bw_mount_options_effect((char *[]){ "rbind", "rw", "rro", NULL }, &o);
        tap_ok(bw_mount_opts_readonly(&o) && (o.flags & MS_RDONLY), "rw,rro: read-only, for a new mount too");
        bw_mount_options_effect((char *[]){ "noatime", "rstrictatime", NULL }, &o);
        tap_ok((o.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME && o.attr_clr == MOUNT_ATTR__ATIME,
               "the atime field: the last option wins");
        bw_mount_options_effect((char *[]){ "nosuid", "rsuid", NULL }, &o);
        tap_ok(!bw_mount_opts_nosuid(&o) && (o.attr_clr & MOUNT_ATTR_NOSUID), "nosuid,rsuid ends suid");
        struct bw_error *err = NULL;
        tap_is_int(bw_mount_parse_options((char *[]){ "ro", "size=1m", "rw", NULL }, &o, &err), 0, "parse with data");
        tap_ok(o.data && strcmp(o.data, "size=1m") == 0 && !bw_mount_opts_readonly(&o), "data kept, rw last");
        bw_mount_opts_free(&o);
}

/* A config with one bind mount. */
static struct oci_config *one_bind(const char *source, const char *opts_json)
{
        char json[1024];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": \"/mnt\", "
                 "\"type\": \"bind\", \"source\": \"%s\", \"options\": %s}]}",
                 source, opts_json);
        struct oci_config *c = NULL;
        struct bw_error *err = NULL;
        if (oci_config_load_data(json, strlen(json), "t", &c, &err) < 0) {
                bw_error_free(err);
                return NULL;
        }
        return c;
}

static bool fires(const struct oci_config *c, const char *id)
{
        struct bw_findings f = { 0 };
        if (bw_rules_check(c, &f) < 0)
                return false;
        bool has = bw_findings_has(&f, id);
        bw_findings_clear(&f);
        return has;
}

/* As the runtime leaves a mount it resolved on the host. */
static void resolve_as(struct oci_config *c, const char *canon, mode_t mode, const char *sock)
{
        struct oci_mount *m = &c->mounts[0];
        m->src.written = m->source;
        m->source = strdup(canon);
        m->src.path = strdup(canon);
        m->src.mode = mode;
        m->src.dev = 1;
        m->src.ino = 2;
        m->src.engine_socket = sock ? strdup(sock) : NULL;
        m->src.resolved = true;
        m->src.fd = m->src.tree = -1; /* no fds: nothing was opened */
}

static void policy(void)
{
        static const struct { const char *src, *opts, *rule; bool fire; } unresolved[] = {
                { "/./etc", "[\"rbind\"]", "BW071", true },
                { "//etc/", "[\"rbind\"]", "BW071", true },
                { "/tmp/../root/x", "[\"rbind\"]", "BW071", true },
                { "/etc", "[\"rbind\", \"ro\", \"rw\"]", "BW071", true },
                { "/etc", "[\"rbind\", \"rw\", \"ro\"]", "BW071", false },
                { "/etc/ssl/certs", "[\"rbind\", \"ro\"]", "BW072", true },
                { "/", "[\"rbind\", \"ro\"]", "BW072", true },
                { "/var", "[\"rbind\"]", "BW071", true },
                { "/var/lib", "[\"rbind\"]", "BW071", true },
                { "/var/www", "[\"rbind\"]", "BW071", false },
                { "/home", "[\"rbind\"]", "BW071", true },
                { "/home/alice/project", "[\"rbind\"]", "BW071", false },
                { "/usr", "[\"rbind\"]", "BW071", true },
                { "/lib", "[\"rbind\"]", "BW071", true },
                { "/lib64", "[\"rbind\"]", "BW071", true },
                { "/sbin/", "[\"rbind\"]", "BW071", true },
                { "/var/log/app", "[\"rbind\"]", "BW071", true },
                { "/var/lib/kubelet", "[\"rbind\"]", "BW071", true },
                { "/var/lib/docker/volumes/v/_data", "[\"rbind\"]", "BW071", false },
                { "/var/lib/containers/storage/volumes/v/_data", "[\"rbind\"]", "BW071", false },
                { "/var/lib/docker/volumes/v/_data/../../../../../../etc", "[\"rbind\"]", "BW071", true },
                { "/run", "[\"rbind\", \"ro\"]", "BW070", true },
                { "/var/run", "[\"rbind\", \"ro\"]", "BW070", true },
                { "/run/docker", "[\"rbind\", \"ro\"]", "BW070", true },
                { "/run/containerd", "[\"rbind\", \"ro\"]", "BW070", true },
                { "/run/user/1000", "[\"rbind\", \"ro\"]", "BW070", true },
                { "/./run/docker.sock", "[\"bind\", \"ro\"]", "BW070", true },
                { "/run/lock", "[\"rbind\", \"ro\"]", "BW070", false },
                { "/srv/data", "[\"rbind\"]", "BW070", false },
                { "/srv/link/.", "[\"rbind\"]", "BW076", true },
                { "data", "[\"rbind\"]", "BW076", true },
                { "/srv/data", "[\"rbind\"]", "BW076", false },
        };
        for (size_t i = 0; i < ARRAY_SIZE(unresolved); i++) {
                _cleanup_config_ struct oci_config *c = one_bind(unresolved[i].src, unresolved[i].opts);
                tap_ok(c && fires(c, unresolved[i].rule) == unresolved[i].fire, "audit: %s %s %s %s", unresolved[i].src,
                       unresolved[i].opts, unresolved[i].fire ? "is" : "is not", unresolved[i].rule);
        }
        /* Resolved on the host: the canonical path and the identity decide. */
        {
                _cleanup_config_ struct oci_config *c = one_bind("/srv/link", "[\"rbind\"]");
                resolve_as(c, "/etc", S_IFDIR, NULL);
                tap_ok(fires(c, "BW071") && !fires(c, "BW076"), "a symlink resolved to /etc is BW071");
        }
        {
                _cleanup_config_ struct oci_config *c = one_bind("/tmp/api", "[\"bind\", \"ro\"]");
                resolve_as(c, "/tmp/api", S_IFSOCK, "/run/docker.sock");
                tap_ok(fires(c, "BW070") && !fires(c, "BW072"), "a hard link of the engine socket is BW070");
        }
        {
                _cleanup_config_ struct oci_config *c = one_bind("/tmp/docker.sock", "[\"bind\", \"ro\"]");
                resolve_as(c, "/tmp/docker.sock", S_IFREG, NULL);
                tap_ok(!fires(c, "BW070"), "a regular file named docker.sock is not an engine socket");
        }
        {
                _cleanup_config_ struct oci_config *c = one_bind("/tmp/x", "[\"bind\", \"ro\"]");
                resolve_as(c, "/tmp/y/containerd.sock", S_IFSOCK, NULL);
                tap_ok(fires(c, "BW070"), "a unix socket named like an engine's, reached by a symlink, is BW070");
        }
        {
                _cleanup_config_ struct oci_config *c = one_bind("/srv/d", "[\"rbind\", \"ro\"]");
                resolve_as(c, "/srv/d", S_IFDIR, "/srv/d/engine/docker.sock");
                tap_ok(fires(c, "BW070"), "a directory holding this host's engine socket is BW070");
        }
}

/* BW100 reads propagation through the mounter's parser: the last
 * propagation option is the one the kernel ends with. */
static void propagation(void)
{
        static const struct { const char *opts, *rootfs; bool fire; } cases[] = {
                { "[\"rbind\", \"rshared\", \"private\"]", NULL, false },
                { "[\"rbind\", \"private\", \"rshared\"]", NULL, true },
                { "[\"rbind\", \"shared\"]", NULL, true },
                { "[\"rbind\", \"shared\", \"ro\", \"rslave\"]", NULL, false },
                { "[\"rbind\", \"runbindable\", \"shared\", \"nosuid\"]", NULL, true },
                { "[\"rbind\", \"sharedx\"]", NULL, false },
                { "[\"rbind\"]", "shared", true },
                { "[\"rbind\"]", "rshared", true },
                { "[\"rbind\"]", "rslave", false },
                { "[\"rbind\"]", "private", false },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                _cleanup_config_ struct oci_config *c = one_bind("/srv/d", cases[i].opts);
                if (!c) {
                        tap_ok(false, "config %s loads", cases[i].opts);
                        continue;
                }
                if (cases[i].rootfs) {
                        if (!c->linux)
                                c->linux = calloc(1, sizeof(*c->linux));
                        c->linux->rootfs_propagation = strdup(cases[i].rootfs);
                }
                tap_ok(fires(c, "BW100") == cases[i].fire, "BW100 %s for options %s, rootfsPropagation %s",
                       cases[i].fire ? "fires" : "is silent", cases[i].opts, cases[i].rootfs ? cases[i].rootfs : "unset");
        }
}

int main(void)
{
        lexical("/./etc", "/etc");
        lexical("//etc/", "/etc");
        lexical("/etc/.", "/etc");
        lexical("/tmp/../root/x", "/root/x");
        lexical("/..", "/");
        lexical("/../../etc", "/etc");
        lexical("/", "/");
        lexical("", ".");
        lexical(".", ".");
        lexical("a/../b", "b");
        lexical("a/../../b", "../b");
        lexical("../../x/./y/", "../../x/y");
        lexical("a/b/../..", ".");
        lexical("/a//b///c/..", "/a/b");
        options_walk();
        options_order();
        policy();
        propagation();
        return tap_done();
}
