/* The id range allocator: subuid parsing, allocation, restart, free and
 * reuse, concurrent allocators, a crashed allocator, rootless mappings. */
#include "tap.h"
#include "mount_scratch.h"

#include <signal.h>
#include <sys/file.h>

#include "runtime/idrange.h"
#include "util/cleanup.h"

static char root[600], subuid[600], subgid[600];
static struct bw_idrange_config cfg;

static void write_text(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

static void test_parse(void)
{
        const char *text = "# subordinate ids\n"
                           "\n"
                           "alice:100000:65536\n"
                           "  bulwark : 1000000 : 131072  \n"
                           "garbage line\n"
                           "other:x:y\n"
                           "4242:5000000:65536\n"
                           "bulwark:9000000:0\n"
                           "bulwarkx:1:65536\n";
        struct bw_subids s;
        _cleanup_error_ struct bw_error *err = NULL;
        tap_is_int(bw_subids_parse(text, "subuid", "bulwark", 4242, &s, &err), 0, "subuid: parses around comments and others' junk");
        tap_is_int(s.n, 2, "subuid: by name and by uid, a zero count skipped, a longer name not matched");
        tap_ok(s.n == 2 && s.v[0].start == 1000000 && s.v[0].count == 131072 && s.v[1].start == 5000000,
               "subuid: starts and counts in file order");
        bw_subids_free(&s);
        tap_is_int(bw_subids_parse(text, "subuid", "nobody-here", (uid_t)-1, &s, NULL), 0, "subuid: a user with no lines");
        tap_is_int(s.n, 0, "subuid: has no ranges");

        const char *bad[] = { "bulwark:1:2:3\n", "bulwark:-1:65536\n", "bulwark:4294967295:2\n", "bulwark:1\n",
                              "x:1:1\nbulwark:1x:65536\n" };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                _cleanup_error_ struct bw_error *e = NULL;
                int r = bw_subids_parse(bad[i], "/etc/subuid", "bulwark", (uid_t)-1, &s, &e);
                tap_ok(r < 0 && e && strstr(e->msg, "/etc/subuid:") && s.v == NULL, "subuid: refuses %.*s: %s",
                       (int)strcspn(bad[i], "\n"), bad[i], e ? e->msg : "accepted");
        }
        tap_is_int(bw_subids_read("/nonexistent/subuid", "bulwark", 0, &s, NULL), 0, "subuid: a missing file is empty");
}

static int mk_rootfs(const char *name, char *out, size_t size)
{
        snprintf(out, size, "%s/rootfs-%s", root, name);
        return mkdir(out, 0755);
}

static void mk_owner(const char *owner)
{
        char p[700];
        snprintf(p, sizeof(p), "%s/%s", root, owner);
        mkdir(p, 0700);
}

static void rm_owner(const char *owner)
{
        char p[700];
        snprintf(p, sizeof(p), "%s/%s", root, owner);
        rmdir(p);
}

static int acquire(const char *owner, const char *rootfs, struct bw_idrange *r, struct bw_error **err)
{
        struct bw_rootfs_key k;
        int ret = bw_rootfs_key_of(rootfs, &k, err);
        if (ret < 0)
                return ret;
        ret = bw_idrange_acquire(&cfg, owner, &k, r, err);
        bw_rootfs_key_clear(&k);
        return ret;
}

static bool disjoint(const struct bw_idrange *a, const struct bw_idrange *b)
{
        return (a->uid + a->size <= b->uid || b->uid + b->size <= a->uid) &&
               (a->gid + a->size <= b->gid || b->gid + b->size <= a->gid);
}

static size_t n_allocs(void)
{
        struct bw_idrange_allocs a;
        if (bw_idrange_list(&cfg, &a, NULL) < 0)
                return (size_t)-1;
        size_t n = a.n;
        bw_idrange_allocs_free(&a);
        return n;
}

static void test_lifecycle(void)
{
        char r1[700], r2[700], r3[700];
        mk_rootfs("1", r1, sizeof(r1));
        mk_rootfs("2", r2, sizeof(r2));
        mk_rootfs("3", r3, sizeof(r3));
        mk_owner("c1");
        mk_owner("c2");
        struct bw_idrange a, b, c;
        _cleanup_error_ struct bw_error *err = NULL;
        int r = acquire("c1", r1, &a, &err);
        tap_ok(r == 0, "allocate for c1%s%s", err ? ": " : "", err ? err->msg : "");
        tap_ok(a.uid == 1065536 && a.gid == 2065536 && a.size == 65536,
               "the second slot of each file, after the volume range (%u, %u)", a.uid, a.gid);
        tap_is_int(acquire("c2", r2, &b, NULL), 0, "allocate for c2");
        tap_ok(disjoint(&a, &b), "c1 and c2 are disjoint (%u/%u vs %u/%u)", a.uid, a.gid, b.uid, b.gid);
        tap_is_int(acquire("c1", r1, &c, NULL), 0, "c1 asks again");
        tap_ok(c.uid == a.uid && c.gid == a.gid, "and keeps its range");

        /* a second live container on the same rootfs gets its own */
        mk_owner("c1-twin");
        tap_is_int(acquire("c1-twin", r1, &c, NULL), 0, "a second live container on c1's rootfs");
        tap_ok(disjoint(&a, &c) && disjoint(&b, &c), "gets a range of its own");
        tap_is_int(bw_idrange_release(&cfg, "c1-twin", NULL), 0, "released");
        rm_owner("c1-twin");

        /* restart: delete c1 (rootfs stays), create c1-again on it */
        tap_is_int(bw_idrange_release(&cfg, "c1", NULL), 0, "release c1, its rootfs still there");
        rm_owner("c1");
        mk_owner("c1-again");
        tap_is_int(acquire("c1-again", r1, &c, NULL), 0, "a new container on c1's rootfs");
        tap_ok(c.uid == a.uid && c.gid == a.gid, "gets c1's range back (its files are owned by it)");

        /* free and reuse: delete c2 and its rootfs */
        size_t before = n_allocs();
        tap_is_int(bw_idrange_release(&cfg, "c2", NULL), 0, "release c2");
        rm_owner("c2");
        tap_is_int(n_allocs(), before, "c2's range stays while its rootfs exists");
        rmdir(r2);
        mk_owner("c3");
        tap_is_int(acquire("c3", r3, &c, NULL), 0, "c2's rootfs removed, c3 allocates");
        tap_ok(c.uid == b.uid && c.gid == b.gid, "and reuses c2's freed range");
        tap_is_int(bw_idrange_release(&cfg, "c3", NULL), 0, "release c3");
        rm_owner("c3");
        rmdir(r3);
        tap_is_int(bw_idrange_release(&cfg, "c3", NULL), 0, "releasing again is harmless");
        tap_is_int(n_allocs(), before - 1, "c3's range is freed once its rootfs is gone");

        /* garbage collection: a container that vanished without release */
        char r4[700];
        mk_rootfs("4", r4, sizeof(r4));
        mk_owner("c4");
        struct bw_idrange d;
        acquire("c4", r4, &d, NULL);
        rm_owner("c4");
        rmdir(r4);
        tap_is_int(n_allocs(), before, "c4 holds a range, then vanishes with its rootfs");
        char r5[700];
        mk_rootfs("5", r5, sizeof(r5));
        mk_owner("c5");
        tap_is_int(acquire("c5", r5, &c, NULL), 0, "the next allocation");
        tap_ok(c.uid == d.uid, "reclaims c4's range");
        tap_is_int(n_allocs(), before, "without growing the store");
        bw_idrange_release(&cfg, "c1-again", NULL);
        bw_idrange_release(&cfg, "c5", NULL);
        rm_owner("c1-again");
        rm_owner("c5");
        rmdir(r1);
        rmdir(r5);
}

/* Docker, containerd and podman use state roots of their own: one store
 * serves them all, and the same id under two roots is two containers. */
static void test_two_roots(void)
{
        char root2[700], r1[700], r2[700], o2[800];
        snprintf(root2, sizeof(root2), "%s/state2", scratch_dir);
        mkdir(root2, 0700);
        mk_rootfs("root-a", r1, sizeof(r1));
        mk_rootfs("root-b", r2, sizeof(r2));
        mk_owner("same");
        snprintf(o2, sizeof(o2), "%s/same", root2);
        mkdir(o2, 0700);
        struct bw_idrange a, b;
        tap_is_int(acquire("same", r1, &a, NULL), 0, "container 'same' under the first root");
        struct bw_idrange_config c2 = cfg;
        c2.root = root2;
        struct bw_rootfs_key k;
        bw_rootfs_key_of(r2, &k, NULL);
        tap_is_int(bw_idrange_acquire(&c2, "same", &k, &b, NULL), 0, "container 'same' under a second root");
        tap_ok(disjoint(&a, &b), "they get disjoint ranges (%u vs %u)", a.uid, b.uid);
        tap_is_int(bw_idrange_release(&c2, "same", NULL), 0, "the second lets go");
        struct bw_idrange again;
        tap_is_int(acquire("same", r1, &again, NULL), 0, "the first asks again");
        tap_is_int(again.uid, a.uid, "and still holds its own range");
        bw_rootfs_key_clear(&k);
        bw_idrange_release(&cfg, "same", NULL);
        rm_owner("same");
        rmdir(o2);
        rmdir(root2);
        rmdir(r1);
        rmdir(r2);
        bw_idrange_release(&cfg, "sweep", NULL);
        tap_is_int(n_allocs(), 0, "both freed with their rootfs");
}

static void test_full(void)
{
        /* 5 slots: fill them with live containers */
        char rf[5][700];
        char owner[32];
        struct bw_idrange got[5];
        int ok = 1;
        for (int i = 0; i < 5; i++) {
                char name[16];
                snprintf(name, sizeof(name), "full%d", i);
                snprintf(owner, sizeof(owner), "f%d", i);
                mk_rootfs(name, rf[i], sizeof(rf[i]));
                mk_owner(owner);
                ok &= acquire(owner, rf[i], &got[i], NULL) == 0;
        }
        tap_ok(ok, "five containers fill the five slots");
        char r6[700];
        mk_rootfs("six", r6, sizeof(r6));
        mk_owner("f5");
        struct bw_idrange x;
        _cleanup_error_ struct bw_error *err = NULL;
        int r = acquire("f5", r6, &x, &err);
        tap_ok(r == -ENOSPC && err && strstr(err->msg, "no free id range"), "a sixth is refused: %s", err ? err->msg : "");
        /* f2 is deleted but its rootfs stays: when full, its range is reused */
        bw_idrange_release(&cfg, "f2", NULL);
        rm_owner("f2");
        tap_is_int(acquire("f5", r6, &x, NULL), 0, "full, but one range is held by no container");
        tap_ok(x.uid == got[2].uid, "it is reused");
        for (int i = 0; i < 6; i++) {
                snprintf(owner, sizeof(owner), "f%d", i);
                bw_idrange_release(&cfg, owner, NULL);
                rm_owner(owner);
        }
        for (int i = 0; i < 5; i++)
                rmdir(rf[i]);
        rmdir(r6);
        tap_is_int(bw_idrange_release(&cfg, "nobody", NULL), 0, "a release sweeps ranges of dead containers on gone rootfs");
        tap_is_int(n_allocs(), 0, "the store is empty again");
}

static void test_concurrent(void)
{
        enum { N = 5 };
        int p[2];
        if (pipe(p) < 0)
                return;
        fflush(NULL);
        for (int i = 0; i < N; i++) {
                char name[16], rfs[700];
                snprintf(name, sizeof(name), "cc%d", i);
                mk_rootfs(name, rfs, sizeof(rfs));
                mk_owner(name);
                if (fork() == 0) {
                        struct bw_idrange r = { 0 };
                        if (acquire(name, rfs, &r, NULL) < 0)
                                r.size = 0;
                        (void)!write(p[1], &r, sizeof(r));
                        _exit(0);
                }
        }
        close(p[1]);
        struct bw_idrange got[N];
        int n = 0;
        while (n < N && read(p[0], &got[n], sizeof(got[n])) == sizeof(got[n]))
                n++;
        close(p[0]);
        while (wait(NULL) > 0)
                ;
        int ok = n == N;
        for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                        ok &= got[i].size && got[j].size && disjoint(&got[i], &got[j]);
        tap_ok(ok, "%d concurrent allocators got %d pairwise disjoint ranges", N, n);
        tap_is_int(n_allocs(), N, "and the store records each once");
        for (int i = 0; i < N; i++) {
                char name[16], rfs[700];
                snprintf(name, sizeof(name), "cc%d", i);
                snprintf(rfs, sizeof(rfs), "%s/rootfs-%s", root, name);
                rmdir(rfs);
                rm_owner(name);
        }
        bw_idrange_release(&cfg, "cc0", NULL);
        tap_is_int(n_allocs(), 0, "all freed");
}

static void test_crash(void)
{
        /* An allocator killed while holding the lock, mid-write. */
        char store[700], lock[720], tmp[760];
        snprintf(store, sizeof(store), "%s/store", scratch_dir);
        snprintf(lock, sizeof(lock), "%s/lock", store);
        snprintf(tmp, sizeof(tmp), "%s/.tmp-99999-range-1065536-2065536.json", store);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                int fd = open(lock, O_RDWR | O_CREAT, 0600);
                flock(fd, LOCK_EX);
                write_text(tmp, "{\"uid\": 10");
                kill(getpid(), SIGKILL);
        }
        waitpid(pid, NULL, 0);
        char r1[700];
        mk_rootfs("crash", r1, sizeof(r1));
        mk_owner("after-crash");
        struct bw_idrange a;
        alarm(20); /* a stuck lock fails the test instead of hanging it */
        tap_is_int(acquire("after-crash", r1, &a, NULL), 0, "a killed allocator's lock does not block the next");
        alarm(0);
        tap_ok(access(tmp, F_OK) < 0, "its half-written file is swept away");
        tap_is_int(a.uid, 1065536, "and its range was never taken");

        /* A corrupt allocation file keeps its range taken. */
        char bad[760];
        snprintf(bad, sizeof(bad), "%s/range-1131072-2131072.json", store);
        write_text(bad, "not json");
        char r2[700];
        mk_rootfs("crash2", r2, sizeof(r2));
        mk_owner("after-corrupt");
        struct bw_idrange b;
        tap_is_int(acquire("after-corrupt", r2, &b, NULL), 0, "allocate next to a corrupt record");
        tap_ok(b.uid != 1131072 && disjoint(&a, &b), "the corrupt record's range is not handed out (%u)", b.uid);
        unlink(bad);
        bw_idrange_release(&cfg, "after-crash", NULL);
        bw_idrange_release(&cfg, "after-corrupt", NULL);
        rm_owner("after-crash");
        rm_owner("after-corrupt");
        rmdir(r1);
        rmdir(r2);
}

/* Slot 0 is the volume range; a store from before it may hold slot 0. */
static void test_volume(void)
{
        struct bw_idrange v;
        tap_is_int(bw_idrange_volume(&cfg, &v, NULL), 0, "the volume range");
        tap_ok(v.uid == 1000000 && v.gid == 2000000 && v.size == 65536, "is slot 0 of each file (%u, %u)", v.uid, v.gid);
        char store[700], old[760];
        snprintf(store, sizeof(store), "%s/store", scratch_dir);
        snprintf(old, sizeof(old), "%s/range-1000000-2000000.json", store);
        char r1[700], r2[700], text[2048];
        mk_rootfs("old0", r1, sizeof(r1));
        mk_rootfs("other0", r2, sizeof(r2));
        struct bw_rootfs_key k;
        bw_rootfs_key_of_dir(r1, &k, NULL);
        /* an old container "old" on rootfs old0 holds slot 0, alive */
        snprintf(text, sizeof(text),
                 "{\"uid\": 1000000, \"gid\": 2000000, \"size\": 65536, \"owner\": \"old\", \"root\": \"%s\", "
                 "\"rootfs\": \"%s\", \"dev\": %llu, \"ino\": %llu, \"btime\": %llu, \"used\": 1}",
                 root, k.path, (unsigned long long)k.dev, (unsigned long long)k.ino, (unsigned long long)k.btime);
        write_text(old, text);
        mk_owner("old");
        mk_owner("n1");
        struct bw_idrange a;
        tap_is_int(acquire("n1", r2, &a, NULL), 0, "a new container while an old one holds slot 0");
        tap_ok(a.uid != 1000000 && a.gid != 2000000, "does not get slot 0 (%u)", a.uid);
        tap_ok(access(old, F_OK) == 0, "the live container keeps its record");
        /* the old container is deleted; its rootfs stays: a restart on it */
        rm_owner("old");
        mk_owner("old2");
        struct bw_idrange b;
        tap_is_int(acquire("old2", r1, &b, NULL), 0, "a restart on the old rootfs");
        tap_ok(b.uid != 1000000 && b.gid != 2000000 && disjoint(&a, &b), "gets a range other than slot 0 (%u)", b.uid);
        tap_ok(access(old, F_OK) < 0, "and the slot-0 record is gone");
        bw_rootfs_key_clear(&k);
        bw_idrange_release(&cfg, "n1", NULL);
        bw_idrange_release(&cfg, "old2", NULL);
        rm_owner("n1");
        rm_owner("old2");
        rmdir(r1);
        rmdir(r2);
        bw_idrange_release(&cfg, "sweep", NULL);
        tap_is_int(n_allocs(), 0, "all freed");
}

static void test_none(void)
{
        struct bw_idrange_config c = cfg;
        c.user = "nobody-has-ranges";
        struct bw_rootfs_key k;
        bw_rootfs_key_of_dir(root, &k, NULL);
        struct bw_idrange r;
        _cleanup_error_ struct bw_error *err = NULL;
        tap_ok(bw_idrange_acquire(&c, "x", &k, &r, &err) == -ENOENT && err && strstr(err->msg, "bulwark setup"),
               "without subordinate ids the error says to run bulwark setup");
        bw_rootfs_key_clear(&k);
}

static void test_rootless(void)
{
        char su[700], sg[700];
        snprintf(su, sizeof(su), "%s/rl-subuid", root);
        snprintf(sg, sizeof(sg), "%s/rl-subgid", root);
        write_text(su, "1000:100000:30000\n1000:300000:65536\n");
        write_text(sg, "1000:200000:65536\n");
        struct oci_idmap_list u, g;
        tap_is_int(bw_idrange_rootless(su, sg, 1000, 1001, &u, &g, NULL), 0, "rootless mappings");
        tap_ok(u.n == 3 && u.v[0].container_id == 0 && u.v[0].host_id == 1000 && u.v[0].size == 1 &&
               u.v[1].container_id == 1 && u.v[1].host_id == 100000 && u.v[1].size == 30000 &&
               u.v[2].container_id == 30001 && u.v[2].size == 65536 - 30001,
               "uids: the caller as 0, then its subordinate ids up to 65,536 in all");
        tap_ok(g.n == 2 && g.v[0].host_id == 1001 && g.v[1].host_id == 200000 && g.v[1].size == 65535,
               "gids likewise");
        free(u.v);
        free(g.v);
        write_text(sg, "");
        tap_is_int(bw_idrange_rootless(su, sg, 1000, 1001, &u, &g, NULL), 0, "no subordinate gids");
        tap_ok(u.n == 1 && g.n == 1 && u.v[0].host_id == 1000 && g.v[0].host_id == 1001, "the caller alone, both maps");
        free(u.v);
        free(g.v);
        unlink(su);
        unlink(sg);
}

static void test_overlay_key(void)
{
        char l[700], u[700], w[700], m[700];
        snprintf(l, sizeof(l), "%s/ov-l", root);
        snprintf(u, sizeof(u), "%s/ov-u", root);
        snprintf(w, sizeof(w), "%s/ov-w", root);
        snprintf(m, sizeof(m), "%s/ov-m", root);
        mkdir(l, 0755), mkdir(u, 0755), mkdir(w, 0755), mkdir(m, 0755);
        char data[3000];
        snprintf(data, sizeof(data), "lowerdir=%s,upperdir=%s,workdir=%s", l, u, w);
        if (mount("overlay", m, "overlay", 0, data) < 0) {
                tap_skip("cannot mount overlayfs", "overlay key");
                return;
        }
        struct bw_rootfs_key km, ku;
        tap_ok(bw_rootfs_key_of(m, &km, NULL) == 0 && bw_rootfs_key_of_dir(u, &ku, NULL) == 0 &&
               strcmp(km.path, u) == 0 && km.ino == ku.ino && km.dev == ku.dev,
               "an overlay rootfs is keyed by its upper layer");
        tap_ok(km.upper && !ku.upper, "the key says it is an overlay's upper layer");
        /* one live container per upper layer */
        struct bw_idrange a, b;
        mk_owner("ov1");
        tap_is_int(bw_idrange_acquire(&cfg, "ov1", &km, &a, NULL), 0, "the first container on an upper layer gets a range");
        struct bw_error *e = NULL;
        int busy = bw_idrange_acquire(&cfg, "ov2", &km, &b, &e);
        tap_ok(busy == -EBUSY && e && strstr(e->msg, "in use by container ov1"),
               "a second live container on that upper layer is refused: %s", e ? e->msg : "accepted");
        bw_error_free(e);
        tap_is_int(bw_idrange_acquire(&cfg, "ov1", &km, &b, NULL), 0, "the same container again is not refused");
        rm_owner("ov1");
        tap_is_int(bw_idrange_acquire(&cfg, "ov2", &km, &b, NULL), 0, "once ov1 is gone, another container may use it");
        tap_ok(a.uid == b.uid, "and gets its range");
        bw_idrange_release(&cfg, "ov1", NULL);
        bw_idrange_release(&cfg, "ov2", NULL);
        bw_rootfs_key_clear(&km);
        bw_rootfs_key_clear(&ku);
        umount2(m, MNT_DETACH);
        rmdir(l), rmdir(u), rmdir(w), rmdir(m);
}

/* A directory rootfs's writes (WRITES/KEY-UID) go with its range once the
 * rootfs is gone; directories no record names are swept. */
static void test_writes(void)
{
        char writes[700], rfs[700];
        snprintf(writes, sizeof(writes), "%s/writes", root);
        mkdir(writes, 0700);
        struct bw_idrange_config c = cfg;
        c.writes = writes;
        tap_ok(mk_rootfs("w1", rfs, sizeof(rfs)) == 0, "a directory rootfs");
        struct bw_rootfs_key k;
        struct bw_idrange r;
        mk_owner("w1");
        tap_ok(bw_rootfs_key_of(rfs, &k, NULL) == 0 && bw_idrange_acquire(&c, "w1", &k, &r, NULL) == 0, "its range");
        char *dir = bw_rootfs_writes_dir(writes, &k, &r), sub[800], orphan[800];
        snprintf(sub, sizeof(sub), "%s/upper/etc", dir);
        snprintf(orphan, sizeof(orphan), "%s/1-2-3-ff", writes);
        mkdir(dir, 0700);
        char up[800];
        snprintf(up, sizeof(up), "%s/upper", dir);
        mkdir(up, 0755), mkdir(sub, 0755), mkdir(orphan, 0700);
        char lnk[900], keep[700], keepf[800];
        snprintf(lnk, sizeof(lnk), "%s/escape", sub);
        snprintf(keep, sizeof(keep), "%s/keep", root);
        snprintf(keepf, sizeof(keepf), "%s/keep/file", root);
        mkdir(keep, 0755);
        write_text(keepf, "kept\n");
        tap_ok(symlink(keep, lnk) == 0, "its writes hold a symlink to a host directory");
        rm_owner("w1");
        tap_is_int(bw_idrange_release(&c, "w1", NULL), 0, "released while the rootfs exists");
        tap_ok(access(dir, F_OK) == 0, "the writes stay with the rootfs");
        rmdir(rfs);
        /* another create reclaims what is gone */
        char other[700];
        mk_rootfs("w2", other, sizeof(other));
        struct bw_rootfs_key k2;
        mk_owner("w2");
        tap_ok(bw_rootfs_key_of(other, &k2, NULL) == 0 && bw_idrange_acquire(&c, "w2", &k2, &r, NULL) == 0,
               "another rootfs gets a range");
        tap_ok(access(dir, F_OK) < 0, "the gone rootfs's writes are removed with its range");
        tap_ok(access(orphan, F_OK) < 0, "a writes directory no record names is swept");
        struct stat st;
        tap_ok(stat(keepf, &st) == 0 && st.st_size == 5, "the symlink was not followed: the host directory is intact");
        char *dir2 = bw_rootfs_writes_dir(writes, &k2, &r);
        mkdir(dir2, 0700);
        rmdir(other);
        rm_owner("w2");
        tap_is_int(bw_idrange_release(&c, "w2", NULL), 0, "a container whose rootfs is gone is deleted");
        tap_ok(access(dir2, F_OK) < 0, "its writes go with its range at once");
        free(dir2);
        bw_rootfs_key_clear(&k);
        bw_rootfs_key_clear(&k2);
        free(dir);
}

int main(void)
{
        test_parse();
        if (scratch_setup("idrange") < 0) {
                tap_skip("needs root", "id range store");
                return tap_done();
        }
        snprintf(root, sizeof(root), "%s/state", scratch_dir);
        snprintf(subuid, sizeof(subuid), "%s/subuid", scratch_dir);
        snprintf(subgid, sizeof(subgid), "%s/subgid", scratch_dir);
        mkdir(root, 0700);
        write_text(subuid, "# test\nother:100000:65536\nbulwark:1000000:393216\n");
        write_text(subgid, "bulwark:2000000:196608\n\nbulwark:3000000:196608\n");
        char store[600];
        snprintf(store, sizeof(store), "%s/store", scratch_dir);
        cfg = (struct bw_idrange_config){ .root = root, .store = store, .subuid = subuid, .subgid = subgid };
        test_lifecycle();
        test_two_roots();
        test_full();
        test_concurrent();
        test_volume();
        test_crash();
        test_none();
        test_rootless();
        test_overlay_key();
        test_writes();
        return tap_done();
}
