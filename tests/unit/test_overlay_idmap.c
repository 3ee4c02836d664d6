/* The overlay rebuild against real mounts: an overlayfs built the way
 * Docker builds one (two lower layers, an empty upper), rebuilt over
 * idmapped views; then the option parser on awkward paths and forms. */
#include "tap.h"
#include "mount_scratch.h"

#include <dirent.h>
#include <signal.h>
#include <stdint.h>

#include "linux/idmap_mount.h"
#include "linux/overlay_idmap.h"
#include "util/cleanup.h"
#include "util/strv.h"

#define BASE 100000u
static const char *map = "0 100000 65536\n";

static struct stat st_of(const char *path)
{
        struct stat st = { .st_uid = (uid_t)-1 };
        lstat(path, &st);
        return st;
}

/* A fingerprint of a tree: every path, owner, mode, size and content. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
        const unsigned char *c = p;
        for (size_t i = 0; i < n; i++)
                h = (h ^ c[i]) * 1099511628211ull;
        return h;
}

static uint64_t tree_sum(const char *dir, uint64_t h)
{
        DIR *d = opendir(dir);
        if (!d)
                return h;
        struct dirent *de;
        char **names = NULL;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        bw_strv_push(&names, de->d_name);
        closedir(d);
        size_t n = bw_strv_len(names);
        for (size_t i = 0; i + 1 < n; i++) /* order-independent: sort */
                for (size_t j = i + 1; j < n; j++)
                        if (strcmp(names[i], names[j]) > 0) {
                                char *t = names[i];
                                names[i] = names[j];
                                names[j] = t;
                        }
        for (size_t i = 0; i < n; i++) {
                char p[1024];
                snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
                struct stat st = st_of(p);
                uint32_t meta[] = { st.st_uid, st.st_gid, st.st_mode, (uint32_t)st.st_size };
                h = fnv(h, names[i], strlen(names[i]));
                h = fnv(h, meta, sizeof(meta));
                if (S_ISREG(st.st_mode)) {
                        char buf[4096];
                        int fd = open(p, O_RDONLY | O_CLOEXEC);
                        ssize_t r;
                        while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
                                h = fnv(h, buf, (size_t)r);
                        if (fd >= 0)
                                close(fd);
                } else if (S_ISDIR(st.st_mode)) {
                        h = tree_sum(p, h);
                }
        }
        bw_strv_free(names);
        return h;
}

static int append(const char *path, const char *text)
{
        int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, text, strlen(text));
        close(fd);
        return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* What container root does in the rebuilt rootfs. */
static int inside(void *arg)
{
        (void)arg;
        struct stat st = st_of(sp("rebuilt/etc/passwd"));
        if (st.st_uid != 0 || st.st_gid != 0)
                return 1;
        if (st_of(sp("rebuilt")).st_uid != 0)
                return 2;
        if (st_of(sp("rebuilt/data")).st_uid != 1000)
                return 3;
        if (append(sp("rebuilt/etc/passwd"), "app:x:1000:1000\n") < 0) /* copy-up */
                return 4;
        if (put_file(sp("rebuilt/etc/new"), "new\n", 0, 0, 0644) < 0)
                return 5;
        if (mkdir(sp("rebuilt/newdir"), 0755) < 0)
                return 6;
        if (unlink(sp("rebuilt/deleteme")) < 0) /* a whiteout */
                return 7;
        if (put_file(sp("rebuilt/data/owned"), "x", 1000, 1000, 0644) < 0)
                return 8;
        return 0;
}

static void test_docker_like(void)
{
        const char *dirs[] = { "l1", "l1/etc", "l2", "l2/etc", "l2/data", "upper", "work", "merged", "rebuilt" };
        int ok = 1;
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
                ok &= put_dir(sp("%s", dirs[i]), 0, 0, 0755) == 0;
        chown(sp("l2/data"), 1000, 1000);
        ok &= put_file(sp("l1/etc/passwd"), "root:x:0:0\n", 0, 0, 0644) == 0;
        ok &= put_file(sp("l1/deleteme"), "bye", 0, 0, 0644) == 0;
        ok &= put_file(sp("l2/etc/hostname"), "img\n", 0, 0, 0644) == 0;
        tap_ok(ok, "two image layers, an empty upper and work dir");

        char data[1024];
        snprintf(data, sizeof(data), "lowerdir=%s:%s,upperdir=%s,workdir=%s,index=off", sp("l2"), sp("l1"), sp("upper"),
                 sp("work"));
        tap_ok(mount("overlay", sp("merged"), "overlay", 0, data) == 0, "the engine's overlay rootfs is mounted");
        uint64_t l1 = tree_sum(sp("l1"), 14695981039346656037ull), l2 = tree_sum(sp("l2"), 14695981039346656037ull);

        _cleanup_error_ struct bw_error *err = NULL;
        struct bw_overlay_layers layers = { 0 };
        int r = bw_overlay_of_path(sp("merged"), &layers, &err);
        tap_is_int(r, 1, "the rootfs is recognised as an overlay");
        if (r != 1) {
                printf("# %s\n", err ? err->msg : "");
                return;
        }
        tap_ok(bw_strv_len(layers.lower) == 2 && strcmp(layers.lower[0], sp("l2")) == 0 &&
               strcmp(layers.lower[1], sp("l1")) == 0, "its lower layers, top first");
        tap_is_str(layers.upper, sp("upper"), "its upper layer");
        tap_is_str(layers.work, sp("work"), "its work dir");
        tap_is_int(bw_overlay_of_path(sp("l1"), &(struct bw_overlay_layers){ 0 }, NULL), 0,
                   "a plain directory is not an overlay");

        _cleanup_close_ int userns = bw_userns_fd_new(map, map, NULL);
        _cleanup_close_ int m = bw_overlay_idmapped(&layers, userns, BASE, BASE, 65536, &err);
        tap_ok(m >= 0, "rebuilt over idmapped layers%s%s", err ? ": " : "", err ? err->msg : "");
        bw_overlay_layers_free(&layers);
        if (m < 0)
                return;
        tap_ok(move_mount(m, "", AT_FDCWD, sp("rebuilt"), MOVE_MOUNT_F_EMPTY_PATH) == 0, "attached");
        tap_is_int(st_of(sp("upper")).st_uid, BASE, "the upper dir belongs to the range's root");

        tap_is_int(as_container_root(userns, inside, NULL), 0,
                   "container root sees image files as root's, copies one up, creates, deletes");
        struct stat cu = st_of(sp("upper/etc/passwd"));
        tap_ok(cu.st_uid == BASE && cu.st_gid == BASE, "the copied-up file is in the upper layer owned by the range");
        tap_is_int(st_of(sp("upper/etc")).st_uid, BASE, "so is its copied-up parent");
        tap_is_int(st_of(sp("upper/etc/new")).st_uid, BASE, "a new file lands in the upper layer owned by the range");
        tap_is_int(st_of(sp("upper/newdir")).st_uid, BASE, "a new directory too");
        tap_is_int(st_of(sp("upper/data/owned")).st_uid, BASE + 1000, "container uid 1000 is base+1000 in the upper layer");
        struct stat wo = st_of(sp("upper/deleteme"));
        tap_ok(S_ISCHR(wo.st_mode) && wo.st_rdev == 0, "a deletion is a whiteout in the upper layer");
        tap_ok(tree_sum(sp("l1"), 14695981039346656037ull) == l1 && tree_sum(sp("l2"), 14695981039346656037ull) == l2,
               "the image layers are unchanged (owners, modes, contents)");
        tap_is_int(st_of(sp("l1/etc/passwd")).st_size, 11, "the lower passwd keeps its size");
        umount2(sp("rebuilt"), MNT_DETACH);

        /* The routes of older kernels, taken because the kernel refuses
         * the newer ones: the refusal is injected from outside by strace,
         * into a child that only rebuilds (fsconfig call 1 is "source",
         * call 2 the first layer by fd, call 3 that layer by path). */
        static const struct {
                const char *inject, *name, *want;
        } routes[] = {
                { "EINVAL:when=2", "lowerdir+ with /proc/self/fd paths", "\"lowerdir+\", \"/proc/self/fd/" },
                { "EOPNOTSUPP:when=2", "a legacy lowerdir list (overlayfs before 6.5)", "\"lowerdir\", \"/proc/self/fd/" },
                { "EINVAL:when=2..3", "a legacy lowerdir list (no lowerdir+)", "\"lowerdir\", \"/proc/self/fd/" },
        };
        if (system("command -v strace >/dev/null 2>&1") != 0) {
                tap_skip("strace is not installed", "the routes of older kernels");
                umount2(sp("merged"), MNT_DETACH);
                return;
        }
        for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
                char cmd[1024];
                snprintf(cmd, sizeof(cmd),
                         /* LeakSanitizer cannot run under ptrace: the
                          * sanitizer build checks leaks in its own run */
                         "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
                         "strace -qq -o %s/route.trace -e trace=fsconfig -e inject=fsconfig:error=%s "
                         "/proc/%d/exe rebuild %s",
                         scratch_dir, routes[i].inject, (int)getpid(), scratch_dir);
                int st = system(cmd);
                tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "rebuilt with %s (exit %d)", routes[i].name,
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
                char grep[700];
                snprintf(grep, sizeof(grep), "grep -qF '%s' %s/route.trace && grep -q INJECTED %s/route.trace",
                         routes[i].want, scratch_dir, scratch_dir);
                tap_ok(system(grep) == 0, "the kernel's refusal was injected and that route taken");
                tap_is_int(st_of(sp("rebuilt/etc/hostname")).st_uid, BASE, "an image file shows as the range's root");
                tap_is_int(st_of(sp("rebuilt/etc/passwd")).st_uid, BASE, "the top layer's passwd is the copied-up one");
                tap_is_int(st_of(sp("rebuilt/etc/new")).st_uid, BASE, "the upper layer's files are there");
                tap_ok(access(sp("rebuilt/deleteme"), F_OK) < 0, "and its whiteouts");
                umount2(sp("rebuilt"), MNT_DETACH);
        }
        umount2(sp("merged"), MNT_DETACH);
}

static void test_awkward_paths(void)
{
        /* Layer names with ':' ',' ' ' and '\' in them, mounted the legacy way. */
        const char *names[] = { "a:b", "c,d", "e f", "g\\h" };
        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
                put_dir(sp("%s", names[i]), 0, 0, 0755);
        put_dir(sp("aw-m"), 0, 0, 0755);
        char data[1024];
        snprintf(data, sizeof(data), "lowerdir=%s/a\\:b:%s/c\\,d:%s/e f:%s/g\\\\h", scratch_dir, scratch_dir,
                 scratch_dir, scratch_dir);
        int r = mount("overlay", sp("aw-m"), "overlay", MS_RDONLY, data);
        tap_ok(r == 0, "overlay over layers named a:b, c,d, 'e f' and g\\h (%s)", r ? strerror(errno) : "mounted");
        struct bw_overlay_layers l = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        if (r == 0 && bw_overlay_of_path(sp("aw-m"), &l, &err) == 1) {
                int same = bw_strv_len(l.lower) == 4;
                for (size_t i = 0; same && i < 4; i++) {
                        same = strcmp(l.lower[i], sp("%s", names[i])) == 0;
                        if (!same)
                                printf("# layer %zu: %s\n", i, l.lower[i]);
                }
                tap_ok(same, "read back from mountinfo exactly");
                tap_ok(l.upper == NULL, "a read-only overlay has no upper layer");
        } else {
                tap_ok(0, "read back from mountinfo: %s", err ? err->msg : "not an overlay");
        }
        bw_overlay_layers_free(&l);
        umount2(sp("aw-m"), MNT_DETACH);

        /* The same layers added one by one (lowerdir+), as new engines do. */
        int fs = fsopen("overlay", FSOPEN_CLOEXEC);
        int ok = fs >= 0;
        for (size_t i = 0; ok && i < ARRAY_SIZE(names); i++)
                ok = fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", sp("%s", names[i]), 0) == 0;
        ok = ok && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0;
        int mnt = ok ? fsmount(fs, FSMOUNT_CLOEXEC, 0) : -1;
        ok = mnt >= 0 && move_mount(mnt, "", AT_FDCWD, sp("aw-m"), MOVE_MOUNT_F_EMPTY_PATH) == 0;
        if (!ok) {
                tap_skip("this kernel has no lowerdir+", "lowerdir+ layers read back");
        } else {
                bw_error_free(take_ptr(err));
                int same = bw_overlay_of_path(sp("aw-m"), &l, &err) == 1 && bw_strv_len(l.lower) == 4;
                for (size_t i = 0; same && i < 4; i++)
                        same = strcmp(l.lower[i], sp("%s", names[i])) == 0;
                tap_ok(same, "lowerdir+ layers read back from mountinfo in order");
                bw_overlay_layers_free(&l);
                umount2(sp("aw-m"), MNT_DETACH);
        }
        if (mnt >= 0)
                close(mnt);
        if (fs >= 0)
                close(fs);
}

/* Docker's overlay2 with many layers: names relative to its root, mounted
 * from there, on ROOT/ID/merged. */
static void test_docker_relative(void)
{
        const char *dirs[] = { "d2", "d2/la", "d2/la/diff", "d2/lb", "d2/lb/diff", "d2/l", "d2/id", "d2/id/diff",
                               "d2/id/work", "d2/id/merged", "elsewhere" };
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
                put_dir(sp("%s", dirs[i]), 0, 0, 0755);
        int ok = symlink("../la/diff", sp("d2/l/A")) == 0 && symlink("../lb/diff", sp("d2/l/B")) == 0;
        char cwd[4096];
        ok = ok && getcwd(cwd, sizeof(cwd)) && chdir(sp("d2")) == 0;
        ok = ok && mount("overlay", "id/merged", "overlay", 0, "lowerdir=l/A:l/B,upperdir=id/diff,workdir=id/work") == 0;
        ok = ok && mount("overlay", sp("elsewhere"), "overlay", MS_RDONLY, "lowerdir=l/A:l/B") == 0;
        if (chdir(cwd) < 0)
                ok = 0;
        tap_ok(ok, "overlays mounted with layer names relative to Docker's root");
        struct bw_overlay_layers l = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_overlay_of_path(sp("d2/id/merged"), &l, &err);
        tap_ok(r == 1 && bw_strv_len(l.lower) == 2 && strcmp(l.lower[0], sp("d2/l/A")) == 0 &&
               strcmp(l.upper, sp("d2/id/diff")) == 0 && strcmp(l.work, sp("d2/id/work")) == 0,
               "read back as paths under ROOT (the mount point's grandparent)%s%s", err ? ": " : "", err ? err->msg : "");
        bw_overlay_layers_free(&l);
        bw_error_free(take_ptr(err));
        r = bw_overlay_of_path(sp("elsewhere"), &l, &err);
        tap_ok(r < 0 && err && strstr(err->msg, "l/A") && strstr(err->msg, "not an absolute path"),
               "refused where the names do not resolve: %s", err ? err->msg : "accepted");
        umount2(sp("d2/id/merged"), MNT_DETACH);
        umount2(sp("elsewhere"), MNT_DETACH);
}

static void test_parse(void)
{
        struct bw_overlay_layers l = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_overlay_parse_options("rw,lowerdir=/x\\134:y:/z::/d1:/d2,upperdir=/u\\054v,workdir=/w,"
                                         "redirect_dir=on,index=on,metacopy=on,nfs_export=on,xino=off",
                                         &l, &err);
        tap_is_int(r, 0, "parse: legacy list with data-only layers");
        tap_ok(bw_strv_len(l.lower) == 2 && strcmp(l.lower[0], "/x:y") == 0 && strcmp(l.lower[1], "/z") == 0,
               "parse: '\\:' inside a layer name");
        tap_ok(bw_strv_len(l.data) == 2 && strcmp(l.data[1], "/d2") == 0, "parse: layers after :: are data-only");
        tap_is_str(l.upper, "/u,v", "parse: \\054 is a comma");
        tap_ok(bw_strv_len(l.options) == 3 && bw_strv_contains(l.options, "redirect_dir=on") &&
               bw_strv_contains(l.options, "metacopy=on") && !bw_strv_contains(l.options, "index=on"),
               "parse: kept options, index and nfs_export dropped");
        bw_overlay_layers_free(&l);

        r = bw_overlay_parse_options("rw,lowerdir+=/a,lowerdir+=/b,datadir+=/c", &l, NULL);
        tap_ok(r == 0 && bw_strv_len(l.lower) == 2 && strcmp(l.lower[1], "/b") == 0 && bw_strv_len(l.data) == 1,
               "parse: lowerdir+ and datadir+");
        bw_overlay_layers_free(&l);

        const char *bad[] = { "rw,upperdir=/u,workdir=/w", "lowerdir=/a,upperdir=/u", "lowerdir=l/ABC:l/DEF",
                              "lowerdir=/a:::/b", "lowerdir=::/b", "lowerdir=/a:" };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                _cleanup_error_ struct bw_error *e = NULL;
                r = bw_overlay_parse_options(bad[i], &l, &e);
                tap_ok(r < 0 && e && l.lower == NULL, "parse refuses \"%s\": %s", bad[i], e ? e->msg : "accepted");
        }
}

/* Podman's overlay: files podman wrote into the upper layer before the
 * start (/etc/mtab ...) under host ids, and a volatile mount (run --rm)
 * whose work dir overlayfs will not let another overlay use. */
static void test_podman_like(void)
{
        const char *dirs[] = { "p", "p/l1", "p/l1/etc", "p/c", "p/c/diff", "p/c/diff/etc", "p/c/work", "p/c/merged", "p/rebuilt" };
        int ok = 1;
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
                ok &= put_dir(sp("%s", dirs[i]), 0, 0, 0755) == 0;
        ok &= put_file(sp("p/l1/etc/passwd"), "root:x:0:0\n", 0, 0, 0644) == 0;
        ok &= symlink("/proc/mounts", sp("p/c/diff/etc/mtab")) == 0;
        ok &= put_file(sp("p/c/diff/etc/su"), "#!", 0, 0, 04755) == 0 && chmod(sp("p/c/diff/etc/su"), 04755) == 0;
        ok &= put_file(sp("p/c/diff/etc/app"), "x", 1000, 1000, 0644) == 0;
        ok &= put_file(sp("p/c/diff/etc/far"), "x", 70000, 70000, 0644) == 0;
        tap_ok(ok, "an image layer, an upper layer podman wrote into");
        char data[1024];
        snprintf(data, sizeof(data), "lowerdir=%s,upperdir=%s,workdir=%s,volatile", sp("p/l1"), sp("p/c/diff"),
                 sp("p/c/work"));
        if (mount("overlay", sp("p/c/merged"), "overlay", 0, data) < 0) {
                tap_skip("this kernel has no volatile overlays", "podman's overlay");
                return;
        }
        _cleanup_close_ int userns = bw_userns_fd_new(map, map, NULL);
        for (int round = 1; round <= 2; round++) {
                _cleanup_error_ struct bw_error *err = NULL;
                struct bw_overlay_layers l = { 0 };
                int m = bw_overlay_of_path(sp("p/c/merged"), &l, &err) == 1
                                ? bw_overlay_idmapped(&l, userns, BASE, BASE, 65536, &err) : -1;
                bool vol = bw_strv_contains(l.options, "volatile") || bw_strv_contains(l.options, "fsync=volatile");
                bw_overlay_layers_free(&l);
                tap_ok(vol, "round %d: the volatile option is kept", round);
                tap_ok(m >= 0, "round %d: a volatile overlay is rebuilt%s%s", round, err ? ": " : "", err ? err->msg : "");
                if (m < 0)
                        break;
                tap_ok(st_of(sp("p/c/bulwark-work/work")).st_uid == 0,
                       "round %d: in a work dir of its own beside podman's", round);
                tap_ok(st_of(sp("p/c/diff/etc/mtab")).st_uid == BASE, "round %d: a symlink podman wrote is the range's root's", round);
                struct stat su = st_of(sp("p/c/diff/etc/su"));
                tap_ok(su.st_uid == BASE && su.st_gid == BASE && (su.st_mode & 07777) == 04755,
                       "round %d: a setuid file is the range's root's and still setuid (%o)", round, su.st_mode & 07777);
                tap_ok(st_of(sp("p/c/diff/etc/app")).st_uid == BASE + 1000, "round %d: uid 1000 is base+1000, once", round);
                tap_ok(st_of(sp("p/c/diff/etc/far")).st_uid == 70000, "round %d: an id outside the range stays", round);
                tap_ok(move_mount(m, "", AT_FDCWD, sp("p/rebuilt"), MOVE_MOUNT_F_EMPTY_PATH) == 0 &&
                       put_file(sp("p/rebuilt/etc/r%d", round), "x", 0, 0, 0644) == 0,
                       "round %d: attached and writable", round);
                umount2(sp("p/rebuilt"), MNT_DETACH);
                close(m);
        }
        umount2(sp("p/c/merged"), MNT_DETACH);
}

/* The shift as host root over a tree a container writes to: a name that
 * turns into a symlink to a host file between the look and the change
 * must not make that host file the range's, nor setuid. */
static void test_shift_race(void)
{
        bool ok = mkdir(sp("race"), 0755) == 0 && mkdir(sp("race/up"), 0755) == 0 &&
                  put_file(sp("race/host"), "host\n", 0, 0, 0644) == 0 &&
                  symlink(sp("race/host"), sp("race/up/plain-link")) == 0 &&
                  put_file(sp("race/up/suid"), "x", 0, 0, 06755) == 0 &&
                  chmod(sp("race/up/suid"), 06755) == 0;
        tap_ok(ok, "an upper layer with a setuid file and a symlink to a host file");
        _cleanup_close_ int up = open(sp("race/up"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat ust;
        fstat(up, &ust);
        tap_is_int(bw_overlay_shift_tree(up, BASE, BASE, 65536, ust.st_dev, 0), 0, "the tree is shifted");
        struct stat s1 = st_of(sp("race/up/suid")), l1, h1 = st_of(sp("race/host"));
        lstat(sp("race/up/plain-link"), &l1);
        tap_ok(s1.st_uid == BASE && (s1.st_mode & 07777) == 06755, "the setuid file is the range's root's, still 06755");
        tap_ok(l1.st_uid == BASE, "the symlink itself is the range's");
        tap_ok(h1.st_uid == 0 && (h1.st_mode & 07777) == 0644, "the host file it points to is unchanged");
        /* a name whose inode is not the one readdir listed is left alone */
        struct stat now = st_of(sp("race/up/suid"));
        tap_is_int(bw_overlay_shift_entry(up, "suid", now.st_ino + 1, BASE, BASE, 65536, ust.st_dev, NULL), 0,
                   "an entry swapped since readdir is skipped");
        /* the race: a flipper swaps a name between a 06777 root file and a
         * symlink to the host file while the shift runs again and again */
        pid_t pid = fork();
        if (pid == 0) {
                char f[256], t[256], l[256];
                snprintf(f, sizeof(f), "%s", sp("race/up/flip"));
                snprintf(t, sizeof(t), "%s", sp("race/up/.tmp"));
                snprintf(l, sizeof(l), "%s", sp("race/host"));
                for (;;) {
                        int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                        if (fd >= 0) {
                                fchmod(fd, 06777);
                                close(fd);
                                rename(t, f);
                        }
                        unlink(t);
                        if (symlink(l, t) == 0)
                                rename(t, f);
                }
        }
        int errors = 0;
        for (int i = 0; i < 20000; i++) {
                int r = bw_overlay_shift_tree(up, BASE, BASE, 65536, ust.st_dev, 0);
                errors += r < 0 && r != -ENOENT;
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        struct stat h2 = st_of(sp("race/host"));
        tap_ok(h2.st_uid == 0 && h2.st_gid == 0 && (h2.st_mode & 07777) == 0644,
               "after 20000 shifts racing a flipper the host file is still root's 0644 (uid %u mode %o)",
               (unsigned)h2.st_uid, (unsigned)(h2.st_mode & 07777));
        tap_is_int(errors, 0, "no shift failed on the flipping name");
}

/* The child of the route tests: rebuild merged onto rebuilt, nothing
 * else, so that strace counts only the rebuild's fsconfig calls. */
static int rebuild_only(const char *dir)
{
        snprintf(scratch_dir, sizeof(scratch_dir), "%s", dir);
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_close_ int userns = bw_userns_fd_new(map, map, NULL);
        struct bw_overlay_layers l = { 0 };
        int m = bw_overlay_of_path(sp("merged"), &l, &err) == 1 ? bw_overlay_idmapped(&l, userns, BASE, BASE, 65536, &err)
                                                                : -1;
        bw_overlay_layers_free(&l);
        if (m < 0) {
                fprintf(stderr, "rebuild: %s\n", err ? err->msg : "not an overlay");
                return 1;
        }
        return move_mount(m, "", AT_FDCWD, sp("rebuilt"), MOVE_MOUNT_F_EMPTY_PATH) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
        if (argc == 3 && strcmp(argv[1], "rebuild") == 0)
                return rebuild_only(argv[2]);
        test_parse();
        if (scratch_setup("overlay") < 0) {
                tap_skip("needs root and mount namespaces", "overlay rebuild");
                return tap_done();
        }
        test_docker_like();
        test_awkward_paths();
        test_docker_relative();
        test_podman_like();
        test_shift_race();
        return tap_done();
}
