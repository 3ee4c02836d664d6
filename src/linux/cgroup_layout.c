/* Where the cgroup hierarchies are: cgroup and cgroup2 mounts from
 * mountinfo, the caller's place in each from /proc/self/cgroup. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup_internal.h"
#include "linux/mountinfo.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const char *const v1_names[BW_CGC__N] = {
        [BW_CGC_CPU] = "cpu", [BW_CGC_CPUACCT] = "cpuacct", [BW_CGC_CPUSET] = "cpuset",
        [BW_CGC_MEMORY] = "memory", [BW_CGC_DEVICES] = "devices", [BW_CGC_FREEZER] = "freezer",
        [BW_CGC_BLKIO] = "blkio", [BW_CGC_PIDS] = "pids", [BW_CGC_HUGETLB] = "hugetlb",
        [BW_CGC_NET_CLS] = "net_cls", [BW_CGC_NET_PRIO] = "net_prio", [BW_CGC_RDMA] = "rdma",
        [BW_CGC_MISC] = "misc",
};
static const char *const v2_names[BW_CGC__N] = {
        [BW_CGC_CPU] = "cpu", [BW_CGC_CPUSET] = "cpuset", [BW_CGC_MEMORY] = "memory",
        [BW_CGC_BLKIO] = "io", [BW_CGC_PIDS] = "pids", [BW_CGC_HUGETLB] = "hugetlb",
        [BW_CGC_RDMA] = "rdma", [BW_CGC_MISC] = "misc",
};

const char *bw_cg_ctrl_name(enum bw_cg_ctrl c, bool v2)
{
        if ((unsigned)c >= BW_CGC__N)
                return NULL;
        return v2 ? v2_names[c] : v1_names[c];
}

const char *bw_cg_layout_name(enum bw_cg_layout l)
{
        switch (l) {
        case BW_CG_LEGACY: return "legacy";
        case BW_CG_HYBRID: return "hybrid";
        case BW_CG_UNIFIED: return "unified";
        }
        return "unknown";
}

void bw_cg_system_free(struct bw_cg_system *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n; i++) {
                free(s->h[i].mount);
                free(s->h[i].mount_root);
                free(s->h[i].own);
        }
        free(s->h);
        free(s);
}

static bool list_has(const char *commalist, const char *word)
{
        size_t len = strlen(word);
        for (const char *p = commalist; p && *p;) {
                const char *end = strchr(p, ',');
                size_t l = end ? (size_t)(end - p) : strlen(p);
                if (l == len && strncmp(p, word, len) == 0)
                        return true;
                p = end ? end + 1 : NULL;
        }
        return false;
}

static unsigned v1_ctrls(const char *superopts)
{
        unsigned m = 0;
        for (int c = 0; c < BW_CGC__N; c++)
                if (list_has(superopts, v1_names[c]))
                        m |= 1u << c;
        return m;
}

static unsigned v2_ctrls(const char *mount)
{
        _cleanup_free_ char *text = NULL;
        if (cg_read(mount, "cgroup.controllers", &text) < 0)
                return 0;
        unsigned m = 0;
        for (char *save = NULL, *w = strtok_r(text, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
                for (int c = 0; c < BW_CGC__N; c++)
                        if (v2_names[c] && strcmp(w, v2_names[c]) == 0)
                                m |= 1u << c;
        /* Core v2 features every cgroup2 directory has. */
        return m | 1u << BW_CGC_DEVICES | 1u << BW_CGC_FREEZER | 1u << BW_CGC_CPUACCT;
}

static int add_hierarchy(struct bw_cg_system *s, const char *mount, const char *root, const char *own,
                         bool v2, unsigned ctrls)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->h[i].v2 == v2 && s->h[i].ctrls == ctrls && (v2 || ctrls))
                        return 0; /* the same hierarchy mounted twice: keep the first */
        struct bw_cg_hierarchy *nh = realloc(s->h, (s->n + 1) * sizeof(*nh));
        if (!nh)
                return -ENOMEM;
        s->h = nh;
        struct bw_cg_hierarchy *h = &s->h[s->n];
        *h = (struct bw_cg_hierarchy){ .mount = strdup(mount), .mount_root = strdup(root),
                                       .own = strdup(own ? own : "/"), .v2 = v2, .ctrls = ctrls };
        s->n++;
        if (!h->mount || !h->mount_root || !h->own)
                return -ENOMEM;
        return 0;
}

static void compute_where(struct bw_cg_system *s)
{
        bool any_v1 = false;
        s->v2 = -1;
        for (int c = 0; c < BW_CGC__N; c++)
                s->where[c] = -1;
        for (size_t i = 0; i < s->n; i++) {
                if (s->h[i].v2 && s->v2 < 0)
                        s->v2 = (int)i;
                if (!s->h[i].v2)
                        any_v1 = true;
        }
        /* v1 first: in a hybrid layout a controller bound to v1 is the one
         * that acts; the cgroup2 mount then only has what v1 left over. */
        for (size_t i = 0; i < s->n; i++)
                for (int c = 0; c < BW_CGC__N; c++)
                        if (!s->h[i].v2 && (s->h[i].ctrls & 1u << c) && s->where[c] < 0)
                                s->where[c] = (int)i;
        if (s->v2 >= 0)
                for (int c = 0; c < BW_CGC__N; c++)
                        if ((s->h[s->v2].ctrls & 1u << c) && s->where[c] < 0)
                                s->where[c] = s->v2;
        s->layout = !any_v1 ? BW_CG_UNIFIED : s->v2 >= 0 ? BW_CG_HYBRID : BW_CG_LEGACY;
}

/* Fields are split on spaces: mountinfo escapes the spaces inside them. */
bool cg_mount_line(char *line, struct cg_mount_line *out)
{
        /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
        char *f[6] = { 0 }, *save = NULL;
        char *tok = strtok_r(line, " ", &save);
        for (int i = 0; i < 6 && tok; i++, tok = strtok_r(NULL, " ", &save))
                f[i] = tok;
        while (tok && strcmp(tok, "-") != 0)
                tok = strtok_r(NULL, " ", &save);
        char *fstype = tok ? strtok_r(NULL, " ", &save) : NULL;
        char *source = fstype ? strtok_r(NULL, " ", &save) : NULL;
        char *superopts = source ? strtok_r(NULL, " ", &save) : NULL;
        if (!f[5] || !superopts)
                return false;
        bool v2 = strcmp(fstype, "cgroup2") == 0;
        if (!v2 && strcmp(fstype, "cgroup") != 0)
                return false;
        bw_mountinfo_unescape(f[3]);
        bw_mountinfo_unescape(f[4]);
        /* The kernel prints canonical absolute paths; anything else is not
         * a mount we could use. */
        if (f[4][0] != '/' || cg_has_dot_component(f[4]))
                return false;
        cg_squash_slashes(f[4]);
        *out = (struct cg_mount_line){ .root = f[3], .point = f[4], .superopts = superopts, .v2 = v2 };
        return true;
}

int cg_own_cgroup(const char *proc_cgroup, const char *key, char **out)
{
        *out = NULL;
        _cleanup_free_ char *copy = strdup(proc_cgroup);
        if (!copy)
                return -ENOMEM;
        for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *c1 = strchr(line, ':');
                char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c2)
                        continue;
                *c2 = '\0';
                const char *ctrls = c1 + 1;
                bool match = key ? strcmp(ctrls, key) == 0 || list_has(ctrls, key)
                                 : strncmp(line, "0:", 2) == 0 && *ctrls == '\0';
                if (match)
                        return (*out = strdup(c2 + 1)) ? 0 : -ENOMEM;
        }
        return 0;
}

static int parse_mount_line(struct bw_cg_system *s, char *line, const char *proc_cgroup)
{
        struct cg_mount_line m;
        if (!cg_mount_line(line, &m) || strcmp(m.point, "/") == 0)
                return 0;
        unsigned ctrls = m.v2 ? v2_ctrls(m.point) : v1_ctrls(m.superopts);
        if (!m.v2 && !ctrls)
                return 0; /* a named hierarchy (name=systemd): nothing to limit there */
        const char *key = NULL;
        for (int c = 0; !m.v2 && c < BW_CGC__N && !key; c++)
                if (ctrls & 1u << c)
                        key = v1_names[c];
        _cleanup_free_ char *own = NULL;
        int r = cg_own_cgroup(proc_cgroup, key, &own);
        if (r < 0)
                return r;
        return add_hierarchy(s, m.point, m.root, own ? own : "/", m.v2, ctrls);
}

int bw_cg_system_parse(const char *mountinfo, const char *proc_cgroup, const char *name,
                       struct bw_cg_system **out, struct bw_error **err)
{
        _cleanup_free_ char *mi = strdup(mountinfo);
        struct bw_cg_system *s = calloc(1, sizeof(*s));
        if (!s || !mi) {
                free(s);
                return bw_error_set(err, -ENOMEM, "detecting cgroups");
        }
        for (char *save = NULL, *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                int r = parse_mount_line(s, line, proc_cgroup);
                if (r < 0) {
                        bw_cg_system_free(s);
                        return bw_error_set(err, r, "parsing %s", name);
                }
        }
        if (s->n == 0) {
                bw_cg_system_free(s);
                return bw_error_msg(err, -ENOENT,
                                    "no cgroup hierarchy is mounted (%s lists neither cgroup nor cgroup2); "
                                    "mount cgroup2 on /sys/fs/cgroup or the v1 controllers under it",
                                    name);
        }
        compute_where(s);
        *out = s;
        return 0;
}

int bw_cg_system_load(const char *mountinfo, const char *proc_cgroup, struct bw_cg_system **out,
                      struct bw_error **err)
{
        _cleanup_free_ char *mi = NULL, *pc = NULL;
        int r = bw_read_file(mountinfo, BW_READ_MAX, &mi, NULL);
        if (r < 0)
                return bw_error_set(err, r, "reading %s", mountinfo);
        r = bw_read_file(proc_cgroup, BW_READ_MAX, &pc, NULL);
        if (r < 0)
                return bw_error_set(err, r, "reading %s", proc_cgroup);
        return bw_cg_system_parse(mi, pc, mountinfo, out, err);
}

int bw_cg_system_detect(struct bw_cg_system **out, struct bw_error **err)
{
        return bw_cg_system_load("/proc/self/mountinfo", "/proc/self/cgroup", out, err);
}

int bw_cg_system_unified_at(const char *root, struct bw_cg_system **out, struct bw_error **err)
{
        struct bw_cg_system *s = calloc(1, sizeof(*s));
        if (!s || add_hierarchy(s, root, "/", "/", true, v2_ctrls(root)) < 0) {
                bw_cg_system_free(s);
                return bw_error_set(err, -ENOMEM, "describing cgroup2 at %s", root);
        }
        compute_where(s);
        *out = s;
        return 0;
}
