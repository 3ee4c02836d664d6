/* The id range store: STORE/range-UID-GID.json, one file per allocation,
 * written atomically, under an flock on STORE/lock.
 * The file name carries the range, so even an unreadable file keeps its
 * range taken. See idrange.h. */
#include "runtime/idrange.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "linux/overlay_idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json_text.h"
#include "util/log.h"
#include "util/users.h"

void bw_rootfs_key_clear(struct bw_rootfs_key *k)
{
        free(k->path);
        *k = (struct bw_rootfs_key){ 0 };
}

int bw_rootfs_key_of_dir(const char *dir, struct bw_rootfs_key *out, struct bw_error **err)
{
        *out = (struct bw_rootfs_key){ 0 };
        struct statx stx;
        if (statx(AT_FDCWD, dir, 0, STATX_INO | STATX_BTIME, &stx) < 0)
                return bw_error_set(err, -errno, "reading the identity of %s", dir);
        _cleanup_free_ char *abs = realpath(dir, NULL);
        if (!abs)
                return bw_error_set(err, -errno, "resolving %s", dir);
        out->path = take_ptr(abs);
        out->dev = ((uint64_t)stx.stx_dev_major << 32) | stx.stx_dev_minor;
        out->ino = stx.stx_ino;
        out->btime = (stx.stx_mask & STATX_BTIME) ? (uint64_t)stx.stx_btime.tv_sec * 1000000000u + stx.stx_btime.tv_nsec : 0;
        return 0;
}

int bw_rootfs_key_of(const char *rootfs, struct bw_rootfs_key *out, struct bw_error **err)
{
        struct bw_overlay_layers l = { 0 };
        int r = bw_overlay_of_path(rootfs, &l, err);
        if (r < 0)
                return r;
        /* An overlay's merged dir is new at every mount; its upper layer
         * is what persists, and what holds the range's files. */
        bool upper = r == 1 && l.upper;
        r = bw_rootfs_key_of_dir(upper ? l.upper : rootfs, out, err);
        out->upper = r == 0 && upper;
        bw_overlay_layers_free(&l);
        return r;
}

char *bw_rootfs_writes_dir(const char *writes, const struct bw_rootfs_key *k, const struct bw_idrange *r)
{
        char *p = NULL;
        if (asprintf(&p, "%s/%llx-%llx-%llx-%x", writes ? writes : BW_ROOTFS_WRITES, (unsigned long long)k->dev,
                     (unsigned long long)k->ino, (unsigned long long)k->btime, (unsigned)r->uid) < 0)
                return NULL;
        return p;
}

static bool key_same(const struct bw_rootfs_key *a, const struct bw_rootfs_key *b)
{
        return a->dev == b->dev && a->ino == b->ino && a->btime == b->btime;
}

static bool rootfs_gone(const struct bw_rootfs_key *k)
{
        if (!k->path)
                return true;
        struct bw_rootfs_key now;
        if (bw_rootfs_key_of_dir(k->path, &now, NULL) < 0)
                return errno == ENOENT || errno == ENOTDIR;
        bool same = key_same(k, &now);
        bw_rootfs_key_clear(&now);
        return !same;
}

static bool default_alive(const char *root, const char *owner)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", root, owner);
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* This process's mount namespace and boot, which a record names. */
static uint64_t self_mntns(void)
{
        static uint64_t v;
        struct stat st;
        if (!v && stat("/proc/self/ns/mnt", &st) == 0)
                v = st.st_ino;
        return v;
}

static const char *self_boot(void)
{
        static char v[40];
        if (!v[0]) {
                if (bw_read_value("/proc/sys/kernel/random/boot_id", v, sizeof(v)) != 37)
                        v[0] = '\0'; /* unknown: never taken for an earlier boot */
                v[strcspn(v, "\n")] = '\0';
        }
        return v;
}

/* The first host uid of every mapping line of every process's user
 * namespace, read once per process (sorted): a container of a range runs
 * while some process's namespace maps the range's first uid. Read only
 * when a record's owner is not seen (in steady state, none is). */
static struct { uint32_t *v; size_t n; bool read; } mapped;

static int cmp_u32(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

static bool range_mapped(const struct bw_idrange *r)
{
        if (!mapped.read) {
                mapped.read = true;
                size_t cap = 0;
                _cleanup_closedir_ DIR *d = opendir("/proc");
                struct dirent *de;
                while (d && (de = readdir(d))) {
                        if (de->d_name[0] < '1' || de->d_name[0] > '9')
                                continue;
                        char path[300];
                        snprintf(path, sizeof(path), "/proc/%s/uid_map", de->d_name);
                        _cleanup_fclose_ FILE *f = fopen(path, "re");
                        unsigned long in, out, n;
                        while (f && fscanf(f, "%lu %lu %lu", &in, &out, &n) == 3) {
                                if (out == 0 || out > UINT32_MAX)
                                        continue;
                                if (mapped.n == cap) {
                                        uint32_t *v = realloc(mapped.v, (cap = cap ? 2 * cap : 256) * sizeof(*v));
                                        if (!v) {
                                                /* unknown: every unseen owner counts as alive */
                                                mapped.n = SIZE_MAX;
                                                return true;
                                        }
                                        mapped.v = v;
                                }
                                mapped.v[mapped.n++] = (uint32_t)out;
                        }
                }
                if (mapped.n)
                        qsort(mapped.v, mapped.n, sizeof(*mapped.v), cmp_u32);
        }
        if (mapped.n == SIZE_MAX)
                return true;
        return mapped.n && bsearch(&r->uid, mapped.v, mapped.n, sizeof(*mapped.v), cmp_u32);
}

/* How recent a record from another mount namespace may be and still
 * belong to a create under way there, whose container maps no range yet. */
#define BW_IDRANGE_CREATE_WINDOW 120

bool bw_idrange_held_elsewhere(const struct bw_idrange_alloc *a)
{
        if (!a->owner)
                return false;
        /* A record of an earlier boot: none of its containers runs. */
        if (a->boot[0] && self_boot()[0] && strcmp(a->boot, self_boot()) != 0)
                return false;
        /* Made in another mount namespace (its state root is a path there)
         * and recent: its create may be under way. */
        if (a->mntns && self_mntns() && a->mntns != self_mntns() && time(NULL) - a->used < BW_IDRANGE_CREATE_WINDOW)
                return true;
        /* Its state directory is not seen here, yet a container of this
         * boot may run with the range: another mount namespace, one whose
         * number the kernel gave again to a later one, or a record older
         * than the mntns field. */
        return range_mapped(&a->range);
}

static bool alive(const struct bw_idrange_config *c, const struct bw_idrange_alloc *a)
{
        if (!a->owner || !a->owner_root)
                return false;
        return (c->owner_alive ? c->owner_alive : default_alive)(a->owner_root, a->owner) || bw_idrange_held_elsewhere(a);
}

static bool is_mine(const struct bw_idrange_config *c, const struct bw_idrange_alloc *a, const char *owner)
{
        return a->owner && a->owner_root && strcmp(a->owner, owner) == 0 && strcmp(a->owner_root, c->root) == 0;
}

static void disown(struct bw_idrange_alloc *a)
{
        free(a->owner);
        free(a->owner_root);
        a->owner = a->owner_root = NULL;
}

void bw_idrange_allocs_free(struct bw_idrange_allocs *a)
{
        for (size_t i = 0; i < a->n; i++) {
                free(a->v[i].owner);
                free(a->v[i].owner_root);
                free(a->v[i].file);
                bw_rootfs_key_clear(&a->v[i].key);
        }
        free(a->v);
        *a = (struct bw_idrange_allocs){ 0 };
}

/* A locked store: the directory fd and the lock's fd. */
struct store {
        int dir;
        int lock;
};

static void store_close(struct store *s)
{
        if (s->dir >= 0)
                close(s->dir);
        if (s->lock >= 0)
                close(s->lock); /* drops the flock */
}

static int store_open(const struct bw_idrange_config *c, struct store *s, struct bw_error **err)
{
        *s = (struct store){ -1, -1 };
        const char *path = c->store ? c->store : BW_IDRANGE_STORE;
        int r = bw_mkdir_parents(path, 0755, 0700);
        if (r < 0)
                return bw_error_set(err, r, "creating the id range store %s", path);
        s->dir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s->dir < 0)
                return bw_error_set(err, -errno, "opening the id range store %s", path);
        s->lock = openat(s->dir, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (s->lock < 0)
                return bw_error_set(err, -errno, "opening %s/lock", path);
        while (flock(s->lock, LOCK_EX) < 0)
                if (errno != EINTR)
                        return bw_error_set(err, -errno, "locking %s/lock", path);
        return 0;
}

static int json_u32(json_t *o, const char *k, uint32_t *out)
{
        json_t *v = json_object_get(o, k);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
                return -EINVAL;
        *out = (uint32_t)json_integer_value(v);
        return 0;
}

static uint64_t json_u64(json_t *o, const char *k)
{
        json_t *v = json_object_get(o, k);
        return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

/* Returns -ENOMEM when memory ran out while reading: a record read in
 * part (its owner lost) would look free and its live range could be
 * handed to another rootfs. */
static int read_alloc(int dir, struct bw_idrange_alloc *a)
{
        _cleanup_close_ int fd = openat(dir, a->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        json_error_t je;
        /* One read, not jansson's byte-at-a-time json_loadfd. */
        int rr = fd >= 0 ? bw_read_fd(fd, 64 * 1024, &text, &len) : -errno;
        if (rr == -ENOMEM)
                return -ENOMEM;
        errno = 0;
        _cleanup_json_ json_t *j = rr >= 0 ? json_loadb(text, len, 0, &je) : NULL;
        if (!j && rr >= 0 && errno == ENOMEM)
                return -ENOMEM;
        struct bw_idrange r = { 0 };
        if (!j || json_u32(j, "uid", &r.uid) < 0 || json_u32(j, "gid", &r.gid) < 0 || json_u32(j, "size", &r.size) < 0 ||
            r.uid != a->range.uid || r.gid != a->range.gid) {
                a->corrupt = true;
                return 0;
        }
        a->range = r;
        const char *owner = json_string_value(json_object_get(j, "owner"));
        const char *oroot = json_string_value(json_object_get(j, "root"));
        a->owner_root = oroot ? strdup(oroot) : NULL;
        const char *path = json_string_value(json_object_get(j, "rootfs"));
        a->owner = owner ? strdup(owner) : NULL;
        a->key.path = path ? strdup(path) : NULL;
        a->key.dev = json_u64(j, "dev");
        a->key.ino = json_u64(j, "ino");
        a->key.btime = json_u64(j, "btime");
        a->used = (int64_t)json_u64(j, "used");
        a->mntns = json_u64(j, "mntns");
        const char *boot = json_string_value(json_object_get(j, "boot"));
        snprintf(a->boot, sizeof(a->boot), "%s", boot ? boot : "");
        if ((oroot && !a->owner_root) || (owner && !a->owner) || (path && !a->key.path))
                return -ENOMEM;
        return 0;
}

static int scan(int dir, struct bw_idrange_allocs *out, struct bw_error **err)
{
        *out = (struct bw_idrange_allocs){ 0 };
        int d2 = dup(dir);
        if (d2 < 0)
                return bw_error_set(err, -errno, "listing the id range store");
        _cleanup_closedir_ DIR *d = fdopendir(d2);
        if (!d) {
                close(d2);
                return bw_error_set(err, -errno, "listing the id range store");
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                /* A temporary file is what a writer killed before its
                 * rename left; we hold the lock, so no writer is alive. */
                if (strncmp(de->d_name, ".tmp-", 5) == 0) {
                        unlinkat(dir, de->d_name, 0);
                        continue;
                }
                unsigned uid, gid;
                int end = 0;
                if (sscanf(de->d_name, "range-%u-%u.json%n", &uid, &gid, &end) != 2 || de->d_name[end])
                        continue;
                struct bw_idrange_alloc *v = realloc(out->v, (out->n + 1) * sizeof(*v));
                if (!v) {
                        bw_idrange_allocs_free(out);
                        return bw_error_set(err, -ENOMEM, "reading the id range store");
                }
                out->v = v;
                struct bw_idrange_alloc *a = &out->v[out->n++];
                *a = (struct bw_idrange_alloc){ .range = { uid, gid, BW_IDRANGE_SIZE }, .file = strdup(de->d_name) };
                if (!a->file) {
                        bw_idrange_allocs_free(out);
                        return bw_error_set(err, -ENOMEM, "reading the id range store");
                }
                if (read_alloc(dir, a) < 0) {
                        bw_idrange_allocs_free(out);
                        return bw_error_set(err, -ENOMEM, "reading the id range store");
                }
                if (a->corrupt)
                        bw_warn("id range store: %s is unreadable; its range stays taken until it is removed", a->file);
        }
        return 0;
}

static char *file_name(const struct bw_idrange *r)
{
        char *s = NULL;
        return asprintf(&s, "range-%u-%u.json", r->uid, r->gid) < 0 ? NULL : s;
}

/* Write an allocation: temp file, rename over. A crash leaves the old file
 * or the new one, never half of one. `durable` (fsync the file and the
 * dir, several ms on a journaling disk) is for a range newly tied to a
 * rootfs: losing that record after a crash would let the range go to a
 * second rootfs while the first still holds files owned by it. Owner and
 * last-use updates need no fsync: after a crash no container is alive, and
 * a record that lost its update still names the same rootfs. */
static int write_alloc(int dir, const struct bw_idrange_alloc *a, bool durable, struct bw_error **err)
{
        _cleanup_json_ json_t *j = json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:s}",
                                             "uid", (json_int_t)a->range.uid, "gid", (json_int_t)a->range.gid,
                                             "size", (json_int_t)a->range.size,
                                             "owner", a->owner ? json_string(a->owner) : json_null(),
                                             "root", a->owner_root ? json_string(a->owner_root) : json_null(),
                                             "rootfs", a->key.path ? json_string(a->key.path) : json_null(),
                                             "dev", (json_int_t)a->key.dev, "ino", (json_int_t)a->key.ino,
                                             "btime", (json_int_t)a->key.btime, "used", (json_int_t)a->used,
                                             "mntns", (json_int_t)a->mntns, "boot", a->boot);
        _cleanup_free_ char *text = j ? bw_json_dumps(j, JSON_SORT_KEYS) : NULL;
        _cleanup_free_ char *name = file_name(&a->range);
        char tmp[128];
        if (!text || !name)
                return bw_error_set(err, -ENOMEM, "recording an id range");
        snprintf(tmp, sizeof(tmp), ".tmp-%d-%s", (int)getpid(), name);
        _cleanup_close_ int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return bw_error_set(err, -errno, "recording id range %s", name);
        size_t len = strlen(text);
        errno = 0; /* a short write sets none: -EIO then */
        if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || (durable && fsync(fd) < 0)) {
                int r = errno ? -errno : -EIO;
                unlinkat(dir, tmp, 0);
                return bw_error_set(err, r, "recording id range %s", name);
        }
        if (renameat(dir, tmp, dir, name) < 0) {
                int r = -errno;
                unlinkat(dir, tmp, 0);
                return bw_error_set(err, r, "recording id range %s", name);
        }
        /* The rename is durable only once the directory is: without that,
         * a crash could forget this range's tie to its rootfs. */
        if (durable && fsync(dir) < 0)
                return bw_error_set(err, -errno, "recording id range %s: syncing its directory (is the disk "
                                    "full or failing?)", name);
        return 0;
}

static const char *writes_of(const struct bw_idrange_config *c)
{
        return c->writes ? c->writes : c->store ? NULL : BW_ROOTFS_WRITES;
}

/* The writes of a directory rootfs under a range that is let go: removed
 * as host root from a tree a container wrote, so never following a
 * symlink nor leaving the directory's filesystem. */
static void remove_writes(const struct bw_idrange_config *c, const struct bw_idrange_alloc *a)
{
        const char *writes = writes_of(c);
        if (!writes || !a->key.dev)
                return;
        _cleanup_free_ char *path = bw_rootfs_writes_dir(writes, &a->key, &a->range);
        _cleanup_close_ int top = open(writes, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const char *name = path ? strrchr(path, '/') + 1 : NULL;
        if (top < 0 || !name)
                return;
        _cleanup_close_ int fd = openat(top, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return;
        int r = bw_overlay_clear_dir(fd, 0);
        if (r < 0 || unlinkat(top, name, AT_REMOVEDIR) < 0)
                bw_warn("removing the writes of rootfs %s in %s: %s", a->key.path ? a->key.path : "(gone)", path,
                        strerror(r < 0 ? -r : errno));
        else
                bw_debug("removed %s, the writes of rootfs %s, which is gone", path, a->key.path ? a->key.path : "?");
}

/* Writes no record names (their record was freed by a bulwark that knew
 * nothing of them, or lost in a crash): nothing can find them again. */
static void sweep_writes(const struct bw_idrange_config *c, const struct bw_idrange_allocs *all, const bool *dropped)
{
        const char *writes = writes_of(c);
        DIR *d = writes ? opendir(writes) : NULL;
        if (!d)
                return;
        struct dirent *e;
        while ((e = readdir(d))) {
                unsigned long long dev, ino, btime;
                unsigned uid;
                int end = 0;
                if (sscanf(e->d_name, "%llx-%llx-%llx-%x%n", &dev, &ino, &btime, &uid, &end) != 4 || e->d_name[end])
                        continue;
                bool named = false;
                for (size_t i = 0; i < all->n && !named; i++)
                        named = !dropped[i] && (all->v[i].corrupt || (all->v[i].key.dev == dev && all->v[i].key.ino == ino &&
                                                                      all->v[i].key.btime == btime &&
                                                                      all->v[i].range.uid == uid));
                if (named)
                        continue;
                struct bw_idrange_alloc gone = { .range = { .uid = uid }, .key = { .dev = dev, .ino = ino, .btime = btime } };
                remove_writes(c, &gone);
        }
        closedir(d);
}

static int remove_alloc(int dir, const struct bw_idrange_alloc *a, struct bw_error **err)
{
        /* No fsync: a removal lost in a crash brings back a record of a
         * rootfs that is gone, which the next acquire reclaims. */
        if (unlinkat(dir, a->file, 0) < 0 && errno != ENOENT)
                return bw_error_set(err, -errno, "freeing id range %s", a->file);
        return 0;
}

static bool overlaps(uint32_t a, uint32_t b, uint32_t size)
{
        return (uint64_t)a < (uint64_t)b + size && (uint64_t)b < (uint64_t)a + size;
}

static bool slot_free(const struct bw_idrange_allocs *all, uint32_t uid, uint32_t gid, const bool *dropped)
{
        for (size_t i = 0; i < all->n; i++) {
                if (dropped[i])
                        continue;
                const struct bw_idrange *r = &all->v[i].range;
                if (overlaps(r->uid, uid, BW_IDRANGE_SIZE) || overlaps(r->gid, gid, BW_IDRANGE_SIZE))
                        return false;
        }
        return true;
}

/* The n-th 65,536-id slot of a set of subordinate ranges. */
static bool nth_slot(const struct bw_subids *s, size_t n, uint32_t *start)
{
        for (size_t i = 0; i < s->n; i++) {
                size_t slots = s->v[i].count / BW_IDRANGE_SIZE;
                if (n < slots) {
                        *start = s->v[i].start + (uint32_t)(n * BW_IDRANGE_SIZE);
                        return true;
                }
                n -= slots;
        }
        return false;
}

static size_t n_slots(const struct bw_subids *s)
{
        size_t n = 0;
        for (size_t i = 0; i < s->n; i++)
                n += s->v[i].count / BW_IDRANGE_SIZE;
        return n;
}

static int read_ranges(const struct bw_idrange_config *c, struct bw_subids *su, struct bw_subids *sg,
                       struct bw_error **err)
{
        const char *user = c->user ? c->user : BW_IDRANGE_USER;
        uid_t uid = (uid_t)-1;
        bw_user_uid(user, &uid);
        const char *fu = c->subuid ? c->subuid : "/etc/subuid", *fg = c->subgid ? c->subgid : "/etc/subgid";
        int r = bw_subids_read(fu, user, uid, su, err);
        if (r < 0)
                return r;
        if ((r = bw_subids_read(fg, user, uid, sg, err)) < 0) {
                bw_subids_free(su);
                return r;
        }
        /* Slot 0 is the volume range, so a container needs a second one. */
        if (n_slots(su) < 2 || n_slots(sg) < 2) {
                bw_subids_free(su);
                bw_subids_free(sg);
                return bw_error_msg(err, -ENOENT,
                                    "user %s has fewer than %u subordinate ids in %s and %s (%u for volumes, then %u "
                                    "per container), so containers cannot get user namespaces of their own; run "
                                    "`bulwark setup` (as root) to create them",
                                    user, 2 * BW_IDRANGE_SIZE, fu, fg, BW_IDRANGE_SIZE, BW_IDRANGE_SIZE);
        }
        return 0;
}

/* The volume range: slot 0 of each file. */
static struct bw_idrange volume_of(const struct bw_subids *su, const struct bw_subids *sg)
{
        struct bw_idrange v = { .size = BW_IDRANGE_SIZE };
        nth_slot(su, 0, &v.uid);
        nth_slot(sg, 0, &v.gid);
        return v;
}

static bool in_volume(const struct bw_idrange *v, const struct bw_idrange *r)
{
        return overlaps(v->uid, r->uid, BW_IDRANGE_SIZE) || overlaps(v->gid, r->gid, BW_IDRANGE_SIZE);
}

int bw_idrange_volume(const struct bw_idrange_config *c, struct bw_idrange *out, struct bw_error **err)
{
        struct bw_subids su = { 0 }, sg = { 0 };
        int r = read_ranges(c, &su, &sg, err);
        if (r < 0)
                return r;
        *out = volume_of(&su, &sg);
        bw_subids_free(&su);
        bw_subids_free(&sg);
        return 0;
}

/* A store older than the volume range may have given slot 0 to a
 * container. While that container lives it keeps it (taking it away would
 * leave its files unowned); once it is gone the record goes, and its
 * rootfs gets a range of its own next time. Until then the range is never
 * handed out again (dropped[i] marks it: no step below may pick it). */
static int retire_volume_slot(const struct bw_idrange_config *c, int dir, struct bw_idrange_allocs *all,
                              const struct bw_idrange *vol, bool *dropped, struct bw_error **err)
{
        for (size_t i = 0; i < all->n; i++) {
                struct bw_idrange_alloc *a = &all->v[i];
                if (!in_volume(vol, &a->range))
                        continue;
                dropped[i] = true;
                if (a->corrupt)
                        continue;
                if (alive(c, a)) {
                        bw_debug("container %s holds ids %u.. (%s), which are now bulwark's volume range; they go "
                                "back to volumes when it is deleted", a->owner, a->range.uid, a->file);
                        continue;
                }
                bw_debug("id range %s (rootfs %s) is now bulwark's volume range: freed; that rootfs gets another "
                        "range, and files it holds owned by the old one show as nobody",
                        a->file, a->key.path ? a->key.path : "(unknown)");
                int r = remove_alloc(dir, a, err);
                if (r < 0)
                        return r;
                remove_writes(c, a);
        }
        return 0;
}

static int take(const struct bw_idrange_config *c, int dir, struct bw_idrange_alloc *a, const char *owner,
                const struct bw_rootfs_key *key, struct bw_idrange *out, struct bw_error **err)
{
        struct bw_idrange_alloc n = { .range = a->range, .owner = (char *)owner, .owner_root = (char *)c->root,
                                      .used = (int64_t)time(NULL), .mntns = self_mntns() };
        snprintf(n.boot, sizeof(n.boot), "%s", self_boot());
        n.key = *key;
        int r = write_alloc(dir, &n, !key_same(&a->key, key), err);
        if (r < 0)
                return r;
        /* a range reused for another rootfs: the old one's writes were
         * owned by this range and would be orphaned */
        if (a->key.dev && !key_same(&a->key, key))
                remove_writes(c, a);
        *out = a->range;
        return 0;
}

/* Before choosing: one range per container (an old allocation of this
 * owner on another rootfs, from a create that died or an id reused, lets
 * go of it), and an overlay's upper layer, rebuilt by re-owning what is in
 * it, never while another live container writes there. */
static int settle_owner(const struct bw_idrange_config *c, int dir, struct bw_idrange_allocs *all,
                        const char *owner, const struct bw_rootfs_key *key, struct bw_error **err)
{
        int r;
        for (size_t i = 0; i < all->n; i++) {
                struct bw_idrange_alloc *a = &all->v[i];
                if (!a->corrupt && is_mine(c, a, owner) && !key_same(&a->key, key)) {
                        disown(a);
                        if ((r = write_alloc(dir, a, false, err)) < 0)
                                return r;
                }
        }
        /* 0. An overlay's upper layer is rebuilt by re-owning what is in
         * it: never while another live container writes there. */
        for (size_t i = 0; key->upper && i < all->n; i++) {
                struct bw_idrange_alloc *a = &all->v[i];
                if (!a->corrupt && key_same(&a->key, key) && a->owner && !is_mine(c, a, owner) && alive(c, a))
                        return bw_error_msg(err, -EBUSY,
                                            "the rootfs's upper layer %s is in use by container %s (state root %s); "
                                            "one overlay upper layer serves one live container: delete that container "
                                            "first, or give this one a rootfs of its own",
                                            key->path, a->owner, a->owner_root);
        }
        return 0;
}

/* What belongs to no container and no rootfs is removed (dropped[i]). */
static int reclaim(const struct bw_idrange_config *c, int dir, struct bw_idrange_allocs *all, bool *dropped,
                   struct bw_error **err)
{
        for (size_t i = 0; i < all->n; i++) {
                struct bw_idrange_alloc *a = &all->v[i];
                if (!dropped[i] && !a->corrupt && !alive(c, a) && rootfs_gone(&a->key)) {
                        int r = remove_alloc(dir, a, err);
                        if (r < 0)
                                return r;
                        remove_writes(c, a);
                        dropped[i] = true;
                }
        }
        return 0;
}

static int acquire_locked(const struct bw_idrange_config *c, int dir, struct bw_idrange_allocs *all,
                          const struct bw_subids *su, const struct bw_subids *sg, const char *owner,
                          const struct bw_rootfs_key *key, struct bw_idrange *out, struct bw_error **err)
{
        int r;
        _cleanup_free_ bool *dropped = calloc(all->n + 1, sizeof(bool));
        if (!dropped)
                return bw_error_set(err, -ENOMEM, "allocating an id range");
        const struct bw_idrange vol = volume_of(su, sg);
        if ((r = retire_volume_slot(c, dir, all, &vol, dropped, err)) < 0)
                return r;
        if ((r = settle_owner(c, dir, all, owner, key, err)) < 0)
                return r;
        /* 1. This rootfs's own range, unless another live container holds it. */
        for (size_t i = 0; i < all->n; i++) {
                struct bw_idrange_alloc *a = &all->v[i];
                if (!dropped[i] && !a->corrupt && key_same(&a->key, key) &&
                    (!a->owner || is_mine(c, a, owner) || !alive(c, a)))
                        return take(c, dir, a, owner, key, out, err);
        }
        /* 2. Reclaim what belongs to no container and no rootfs. */
        if ((r = reclaim(c, dir, all, dropped, err)) < 0)
                return r;
        sweep_writes(c, all, dropped);
        /* 3. A free slot; slot 0 is the volume range. */
        size_t n = n_slots(su) < n_slots(sg) ? n_slots(su) : n_slots(sg);
        for (size_t i = 1; i < n; i++) {
                uint32_t uid, gid;
                if (nth_slot(su, i, &uid) && nth_slot(sg, i, &gid) &&
                    !in_volume(&vol, &(struct bw_idrange){ uid, gid, BW_IDRANGE_SIZE }) &&
                    slot_free(all, uid, gid, dropped)) {
                        struct bw_idrange_alloc a = { .range = { uid, gid, BW_IDRANGE_SIZE } };
                        return take(c, dir, &a, owner, key, out, err);
                }
        }
        /* 4. Full: the least recently used range no container holds. Its
         * rootfs still exists, and will get another range next time. */
        struct bw_idrange_alloc *lru = NULL;
        for (size_t i = 0; i < all->n; i++) {
                struct bw_idrange_alloc *a = &all->v[i];
                if (!dropped[i] && !a->corrupt && !alive(c, a) && (!lru || a->used < lru->used))
                        lru = a;
        }
        if (lru) {
                bw_warn("every id range is taken; reusing %s, last used by rootfs %s", lru->file,
                        lru->key.path ? lru->key.path : "(unknown)");
                return take(c, dir, lru, owner, key, out, err);
        }
        const char *user = c->user ? c->user : BW_IDRANGE_USER;
        return bw_error_msg(err, -ENOSPC,
                            "no free id range: all %zu ranges of %u ids of user %s are held by live containers; "
                            "delete some, or give %s a larger range in /etc/subuid and /etc/subgid",
                            n - 1, BW_IDRANGE_SIZE, user, user);
}

int bw_idrange_acquire(const struct bw_idrange_config *c, const char *owner, const struct bw_rootfs_key *key,
                       struct bw_idrange *out, struct bw_error **err)
{
        struct bw_subids su = { 0 }, sg = { 0 };
        int r = read_ranges(c, &su, &sg, err);
        if (r < 0)
                return r;
        __attribute__((cleanup(store_close))) struct store s = { -1, -1 };
        struct bw_idrange_allocs all = { 0 };
        if ((r = store_open(c, &s, err)) >= 0 && (r = scan(s.dir, &all, err)) >= 0)
                r = acquire_locked(c, s.dir, &all, &su, &sg, owner, key, out, err);
        bw_idrange_allocs_free(&all);
        bw_subids_free(&su);
        bw_subids_free(&sg);
        return r;
}

static int release(const struct bw_idrange_config *c, const char *owner, bool only_dead, struct bw_error **err)
{
        __attribute__((cleanup(store_close))) struct store s = { -1, -1 };
        struct bw_idrange_allocs all = { 0 };
        int r;
        if ((r = store_open(c, &s, err)) < 0 || (r = scan(s.dir, &all, err)) < 0)
                return r;
        for (size_t i = 0; i < all.n && r >= 0; i++) {
                struct bw_idrange_alloc *a = &all.v[i];
                if (a->corrupt)
                        continue;
                /* judged under the store's lock: a container made again
                 * under the same id since the caller looked is alive */
                bool mine = is_mine(c, a, owner) && !(only_dead && alive(c, a));
                if ((mine || !alive(c, a)) && rootfs_gone(&a->key)) {
                        r = remove_alloc(s.dir, a, err);
                        if (r >= 0)
                                remove_writes(c, a);
                } else if (mine) {
                        disown(a);
                        r = write_alloc(s.dir, a, false, err);
                }
        }
        bw_idrange_allocs_free(&all);
        return r < 0 ? r : 0;
}

int bw_idrange_release(const struct bw_idrange_config *c, const char *owner, struct bw_error **err)
{
        return release(c, owner, false, err);
}

int bw_idrange_release_dead(const struct bw_idrange_config *c, const char *owner, struct bw_error **err)
{
        return release(c, owner, true, err);
}

int bw_idrange_list(const struct bw_idrange_config *c, struct bw_idrange_allocs *out, struct bw_error **err)
{
        __attribute__((cleanup(store_close))) struct store s = { -1, -1 };
        int r = store_open(c, &s, err);
        return r < 0 ? r : scan(s.dir, out, err);
}
