/* /etc/subuid and /etc/subgid, and the mappings an unprivileged caller
 * gets from its own subordinate ids. */
#include "runtime/idrange.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/users.h"

void bw_subids_free(struct bw_subids *s)
{
        free(s->v);
        *s = (struct bw_subids){ 0 };
}

static char *trim(char *s)
{
        while (isspace((unsigned char)*s))
                s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
                *--e = '\0';
        return s;
}

static int parse_u32(const char *s, uint32_t *out)
{
        if (!*s || !isdigit((unsigned char)*s))
                return -EINVAL;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end || v > UINT32_MAX)
                return -EINVAL;
        *out = (uint32_t)v;
        return 0;
}

static bool names_user(const char *field, const char *user, uid_t uid)
{
        if (!user && uid == (uid_t)-1)
                return true; /* every line */
        if (user && strcmp(field, user) == 0)
                return true;
        uint32_t n;
        return uid != (uid_t)-1 && parse_u32(field, &n) == 0 && n == uid;
}

static int push(struct bw_subids *s, uint32_t start, uint32_t count)
{
        struct bw_subid *v = realloc(s->v, (s->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        s->v = v;
        s->v[s->n++] = (struct bw_subid){ start, count };
        return 0;
}

int bw_subids_parse(const char *text, const char *what, const char *user, uid_t uid, struct bw_subids *out,
                    struct bw_error **err)
{
        *out = (struct bw_subids){ 0 };
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return bw_error_set(err, -ENOMEM, "reading %s", what);
        unsigned lineno = 0;
        char *save = NULL;
        /* strtok_r would skip empty lines and lose the count: split by hand */
        for (char *line = copy; line; line = save) {
                save = strchr(line, '\n');
                if (save)
                        *save++ = '\0';
                lineno++;
                char *l = trim(line);
                if (!*l || *l == '#')
                        continue;
                char *f1 = l, *f2 = strchr(f1, ':');
                if (!f2)
                        continue; /* not ours to judge unless it names us, and it names no one */
                *f2++ = '\0';
                if (!names_user(trim(f1), user, uid))
                        continue;
                char *f3 = strchr(f2, ':');
                uint32_t start, count;
                if (f3)
                        *f3++ = '\0';
                if (!f3 || strchr(f3, ':') || parse_u32(trim(f2), &start) < 0 || parse_u32(trim(f3), &count) < 0 ||
                    (uint64_t)start + count > (uint64_t)UINT32_MAX) {
                        bw_subids_free(out);
                        return bw_error_msg(err, -EINVAL,
                                            "%s:%u: malformed entry for %s; the form is NAME:FIRST_ID:COUNT with the range below 2^32",
                                            what, lineno, user ? user : "this user");
                }
                if (count && push(out, start, count) < 0) {
                        bw_subids_free(out);
                        return bw_error_set(err, -ENOMEM, "reading %s", what);
                }
        }
        return 0;
}

int bw_subids_read(const char *path, const char *user, uid_t uid, struct bw_subids *out, struct bw_error **err)
{
        *out = (struct bw_subids){ 0 };
        _cleanup_free_ char *text = NULL;
        int r = bw_read_file(path, BW_READ_MAX, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return bw_error_set(err, r, "reading %s", path);
        return bw_subids_parse(text, path, user, uid, out, err);
}

static int list_push(struct oci_idmap_list *l, uint32_t cid, uint32_t hid, uint32_t size)
{
        struct oci_idmap *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        l->v = v;
        l->v[l->n++] = (struct oci_idmap){ cid, hid, size };
        l->present = true;
        return 0;
}

/* 0 -> own id, then the subordinate ranges from container id 1 up, at
 * most 65,535 ids (a container's usual 65,536 in all). */
static int rootless_list(const struct bw_subids *s, uint32_t own, struct oci_idmap_list *l)
{
        if (list_push(l, 0, own, 1) < 0)
                return -ENOMEM;
        uint32_t next = 1;
        for (size_t i = 0; i < s->n && next < BW_IDRANGE_SIZE; i++) {
                uint32_t take = s->v[i].count;
                if (take > BW_IDRANGE_SIZE - next)
                        take = BW_IDRANGE_SIZE - next;
                if (list_push(l, next, s->v[i].start, take) < 0)
                        return -ENOMEM;
                next += take;
        }
        return 0;
}

int bw_idrange_rootless(const char *subuid, const char *subgid, uid_t uid, gid_t gid, struct oci_idmap_list *uids,
                        struct oci_idmap_list *gids, struct bw_error **err)
{
        *uids = (struct oci_idmap_list){ 0 };
        *gids = (struct oci_idmap_list){ 0 };
        char user[256];
        const char *name = bw_user_name(uid, user, sizeof(user)) == 0 ? user : NULL;
        struct bw_subids su = { 0 }, sg = { 0 };
        int r = bw_subids_read(subuid ? subuid : "/etc/subuid", name, uid, &su, err);
        if (r >= 0)
                r = bw_subids_read(subgid ? subgid : "/etc/subgid", name, uid, &sg, err);
        if (r >= 0) {
                /* newuidmap and newgidmap both run, so both files must
                 * have ranges; with one of them empty, map the caller alone */
                struct bw_subids none = { 0 };
                bool both = su.n && sg.n;
                if (rootless_list(both ? &su : &none, uid, uids) < 0 || rootless_list(both ? &sg : &none, gid, gids) < 0)
                        r = bw_error_set(err, -ENOMEM, "building the id mappings");
        }
        bw_subids_free(&su);
        bw_subids_free(&sg);
        if (r < 0) {
                free(uids->v);
                free(gids->v);
                *uids = (struct oci_idmap_list){ 0 };
                *gids = (struct oci_idmap_list){ 0 };
        }
        return r;
}

int bw_idrange_mappings(const struct bw_idrange *r, struct oci_idmap_list *uids, struct oci_idmap_list *gids)
{
        *uids = (struct oci_idmap_list){ 0 };
        *gids = (struct oci_idmap_list){ 0 };
        if (list_push(uids, 0, r->uid, r->size) < 0 || list_push(gids, 0, r->gid, r->size) < 0) {
                free(uids->v);
                *uids = (struct oci_idmap_list){ 0 };
                return -ENOMEM;
        }
        return 0;
}
