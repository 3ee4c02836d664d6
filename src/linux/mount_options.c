/* The mount option table and its one parser (see mount_options.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "linux/mount_options.h"
#include "oci/spec.h"
#include "util/cleanup.h"

#define SET(n, f) { n, BW_MOPT_FLAG, f, 0, 0, 0, 0, false }
#define CLR(n, f) { n, BW_MOPT_FLAG, f, 1, 0, 0, 0, false }
#define HIDDEN_SET(n, f) { n, BW_MOPT_FLAG, f, 0, 0, 0, 0, true }
#define HIDDEN_CLR(n, f) { n, BW_MOPT_FLAG, f, 1, 0, 0, 0, true }
#define PROP(n, f) { n, BW_MOPT_PROPAGATION, f, 0, 0, 0, 0, false }
#define RSET(n, a, c) { n, BW_MOPT_RECURSIVE, 0, 0, a, c, 0, false }

/* Recursive atime options replace the whole atime field, so they clear
 * MOUNT_ATTR__ATIME first (the kernel requires exactly that). The negations
 * mean what mount(8) says: ratime and rnostrictatime return to the default
 * (relatime); rnorelatime updates access times always (strictatime).
 * Not advertised: mand (the kernel ignores mandatory locking since 5.15),
 * silent/loud (they change messages, not the mount), remount (a container's
 * mounts are new), tmpcopyup (accepted, the copy is not done). */
const struct bw_mount_option bw_mount_options[] = {
        { "defaults", BW_MOPT_NOOP, 0, 0, 0, 0, 0, false },
        SET("ro", MS_RDONLY), CLR("rw", MS_RDONLY),
        SET("nosuid", MS_NOSUID), CLR("suid", MS_NOSUID),
        SET("nodev", MS_NODEV), CLR("dev", MS_NODEV),
        SET("noexec", MS_NOEXEC), CLR("exec", MS_NOEXEC),
        SET("sync", MS_SYNCHRONOUS), CLR("async", MS_SYNCHRONOUS),
        SET("dirsync", MS_DIRSYNC),
        HIDDEN_SET("mand", MS_MANDLOCK), HIDDEN_CLR("nomand", MS_MANDLOCK),
        SET("noatime", MS_NOATIME), CLR("atime", MS_NOATIME),
        SET("nodiratime", MS_NODIRATIME), CLR("diratime", MS_NODIRATIME),
        SET("relatime", MS_RELATIME), CLR("norelatime", MS_RELATIME),
        SET("strictatime", MS_STRICTATIME), CLR("nostrictatime", MS_STRICTATIME),
        SET("lazytime", MS_LAZYTIME), CLR("nolazytime", MS_LAZYTIME),
        SET("iversion", MS_I_VERSION), CLR("noiversion", MS_I_VERSION),
        SET("nosymfollow", MS_NOSYMFOLLOW), CLR("symfollow", MS_NOSYMFOLLOW),
        HIDDEN_SET("silent", MS_SILENT), HIDDEN_CLR("loud", MS_SILENT),
        HIDDEN_SET("remount", MS_REMOUNT),
        { "bind", BW_MOPT_BIND, MS_BIND, 0, 0, 0, 0, false },
        { "rbind", BW_MOPT_BIND, MS_BIND | MS_REC, 0, 0, 0, 0, false },
        PROP("private", MS_PRIVATE), PROP("rprivate", MS_PRIVATE | MS_REC),
        PROP("shared", MS_SHARED), PROP("rshared", MS_SHARED | MS_REC),
        PROP("slave", MS_SLAVE), PROP("rslave", MS_SLAVE | MS_REC),
        PROP("unbindable", MS_UNBINDABLE), PROP("runbindable", MS_UNBINDABLE | MS_REC),
        RSET("rro", MOUNT_ATTR_RDONLY, 0), RSET("rrw", 0, MOUNT_ATTR_RDONLY),
        RSET("rnosuid", MOUNT_ATTR_NOSUID, 0), RSET("rsuid", 0, MOUNT_ATTR_NOSUID),
        RSET("rnodev", MOUNT_ATTR_NODEV, 0), RSET("rdev", 0, MOUNT_ATTR_NODEV),
        RSET("rnoexec", MOUNT_ATTR_NOEXEC, 0), RSET("rexec", 0, MOUNT_ATTR_NOEXEC),
        RSET("rnodiratime", MOUNT_ATTR_NODIRATIME, 0), RSET("rdiratime", 0, MOUNT_ATTR_NODIRATIME),
        RSET("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0), RSET("rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW),
        RSET("rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
        RSET("rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
        RSET("rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME),
        RSET("ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
        RSET("rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
        RSET("rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
        { "idmap", BW_MOPT_IDMAP, 0, 0, 0, 0, 0, false },
        { "ridmap", BW_MOPT_IDMAP, 0, 0, 0, 0, 1, false },
        { "tmpcopyup", BW_MOPT_TMPCOPYUP, 0, 0, 0, 0, 0, true },
};

const size_t bw_n_mount_options = ARRAY_SIZE(bw_mount_options);

const struct bw_mount_option *bw_mount_option_find(const char *name)
{
        for (size_t i = 0; name && i < bw_n_mount_options; i++)
                if (strcmp(bw_mount_options[i].name, name) == 0)
                        return &bw_mount_options[i];
        return NULL;
}

/* The one pairing of MS_* flags and MOUNT_ATTR_* bits. atime is a field,
 * not a bit: its MS flags map to a value of MOUNT_ATTR__ATIME. */
static const struct { unsigned long ms; uint64_t attr; } flag_attrs[] = {
        { MS_RDONLY, MOUNT_ATTR_RDONLY },       { MS_NOSUID, MOUNT_ATTR_NOSUID },
        { MS_NODEV, MOUNT_ATTR_NODEV },         { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
        { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
};
#define MS_ATIME_ALL (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

/* The attributes a plain (mount(2)-style) flag option gives a bind. */
static void flag_as_attr(const struct bw_mount_option *e, uint64_t *set, uint64_t *clr)
{
        *set = *clr = 0;
        for (size_t i = 0; i < ARRAY_SIZE(flag_attrs); i++)
                if (e->flags == flag_attrs[i].ms)
                        *(e->clear ? clr : set) = flag_attrs[i].attr;
        uint64_t atime = UINT64_MAX;
        if (e->flags == MS_NOATIME)
                atime = e->clear ? MOUNT_ATTR_RELATIME : MOUNT_ATTR_NOATIME;           /* atime / noatime */
        else if (e->flags == MS_RELATIME)
                atime = e->clear ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;       /* norelatime / relatime */
        else if (e->flags == MS_STRICTATIME)
                atime = e->clear ? MOUNT_ATTR_RELATIME : MOUNT_ATTR_STRICTATIME;       /* nostrictatime / strictatime */
        if (atime != UINT64_MAX) {
                *set = atime;
                *clr = MOUNT_ATTR__ATIME;
        }
}

/* The mount(2) flags a recursive option gives a new (non-bind) mount. */
static void attr_as_flags(const struct bw_mount_option *e, unsigned long *set, unsigned long *clr)
{
        *set = *clr = 0;
        for (size_t i = 0; i < ARRAY_SIZE(flag_attrs); i++) {
                if (e->attr_set & flag_attrs[i].attr)
                        *set |= flag_attrs[i].ms;
                if (e->attr_clr & flag_attrs[i].attr)
                        *clr |= flag_attrs[i].ms;
        }
        if (e->attr_clr & MOUNT_ATTR__ATIME) {
                uint64_t a = e->attr_set & MOUNT_ATTR__ATIME;
                *set |= a == MOUNT_ATTR_NOATIME ? MS_NOATIME : a == MOUNT_ATTR_STRICTATIME ? MS_STRICTATIME : MS_RELATIME;
                *clr |= MS_ATIME_ALL & ~*set;
        }
}

static void apply_ms(struct bw_mount_opts *o, unsigned long set, unsigned long clr)
{
        o->flags = (o->flags & ~clr) | set;
        o->clear = (o->clear & ~set) | clr;
}

/* Later options override earlier ones bit by bit (the atime field as a
 * whole), as the kernel does when it applies attr_clr then attr_set. */
static void apply_attr(struct bw_mount_opts *o, uint64_t set, uint64_t clr)
{
        o->attr_set = (o->attr_set & ~clr) | set;
        o->attr_clr = (o->attr_clr & ~set) | clr;
}

static bool apply_option(struct bw_mount_opts *o, const char *name)
{
        const struct bw_mount_option *e = bw_mount_option_find(name);
        if (!e)
                return false;
        uint64_t as, ac;
        unsigned long ms, mc;
        switch (e->kind) {
        case BW_MOPT_FLAG:
                if (e->clear)
                        apply_ms(o, 0, e->flags);
                else
                        apply_ms(o, e->flags, 0);
                flag_as_attr(e, &as, &ac);
                apply_attr(o, as, ac);
                break;
        case BW_MOPT_RECURSIVE:
                attr_as_flags(e, &ms, &mc);
                apply_ms(o, ms, mc);
                apply_attr(o, e->attr_set, e->attr_clr);
                o->attr_recursive = true;
                break;
        case BW_MOPT_PROPAGATION:
                o->propagation = e->flags;
                break;
        case BW_MOPT_BIND:
                o->bind = true;
                o->recursive = (e->flags & MS_REC) != 0;
                break;
        case BW_MOPT_IDMAP:
                o->idmap = true;
                o->ridmap |= e->recursive != 0;
                break;
        case BW_MOPT_TMPCOPYUP:
                o->tmpcopyup = true;
                break;
        case BW_MOPT_NOOP:
                break;
        }
        return true;
}

void bw_mount_options_effect(char *const *options, struct bw_mount_opts *out)
{
        *out = (struct bw_mount_opts){ 0 };
        for (size_t i = 0; options && options[i]; i++)
                apply_option(out, options[i]);
}

void bw_mount_opts_free(struct bw_mount_opts *o)
{
        free(o->data);
        o->data = NULL;
}

int bw_mount_parse_options(char *const *options, struct bw_mount_opts *out, struct bw_error **err)
{
        *out = (struct bw_mount_opts){ 0 };
        for (size_t i = 0; options && options[i]; i++) {
                const char *o = options[i];
                if (apply_option(out, o))
                        continue;
                char *d = NULL;
                if (asprintf(&d, "%s%s%s", out->data ? out->data : "", out->data ? "," : "", o) < 0) {
                        bw_mount_opts_free(out);
                        return bw_error_set(err, -ENOMEM, "parsing mount options");
                }
                free(out->data);
                out->data = d;
        }
        return 0;
}

bool bw_mount_opts_readonly(const struct bw_mount_opts *o)
{
        return (o->attr_set & MOUNT_ATTR_RDONLY) != 0;
}

bool bw_mount_opts_nosuid(const struct bw_mount_opts *o)
{
        return (o->attr_set & MOUNT_ATTR_NOSUID) != 0;
}

long bw_mount_propagation(const char *name)
{
        if (!name || !*name)
                return 0;
        const struct bw_mount_option *e = bw_mount_option_find(name);
        return e && e->kind == BW_MOPT_PROPAGATION ? (long)e->flags : -EINVAL;
}

bool bw_mount_opts_bind(const struct bw_mount_opts *o, const char *type)
{
        return o->bind || (type && strcmp(type, "bind") == 0);
}

bool bw_mount_is_bind(const struct oci_mount *m)
{
        struct bw_mount_opts o;
        bw_mount_options_effect(m->options, &o);
        return bw_mount_opts_bind(&o, m->type);
}

/* Read-only as the mounter will leave it: the options applied in order
 * (["ro","rw"] is writable). */
bool bw_mount_is_ro(const struct oci_mount *m)
{
        struct bw_mount_opts o;
        bw_mount_options_effect(m->options, &o);
        return bw_mount_opts_readonly(&o);
}
