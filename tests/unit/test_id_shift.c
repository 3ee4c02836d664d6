/* Shifting a tree's owners into the volume range: what moves, what stays
 * (ids outside 0..65535, hard-linked files, other mounts, symlink targets),
 * setuid kept, the record, a single file, a symlink root refused. */
#include "tap.h"
#include "mount_scratch.h"

#include <signal.h>
#include <sys/xattr.h>

#include "linux/id_shift.h"
#include "util/cleanup.h"

#define V 1048576u
#define VG 2097152u

static const struct bw_id_shift range = { V, VG, 65536 };

static long own(const char *p, bool gid)
{
        struct stat st;
        if (lstat(p, &st) < 0)
                return -1;
        return gid ? (long)st.st_gid : (long)st.st_uid;
}

static long mode_of(const char *p)
{
        struct stat st;
        return lstat(p, &st) < 0 ? -1 : (long)(st.st_mode & 07777);
}

static void test_tree(void)
{
        tap_ok(put_dir(sp("t"), 0, 0, 0755) == 0 && put_dir(sp("t/a"), 1000, 6, 02775) == 0 &&
               put_file(sp("t/a/suid"), "x", 0, 0, 04755) == 0 && put_file(sp("t/a/user"), "y", 1000, 6, 02750) == 0 &&
               put_file(sp("t/inv"), "z", V + 5, VG + 7, 0644) == 0 &&
               put_file(sp("t/high"), "h", 70000, 4000000, 0600) == 0 &&
               put_file(sp("t/hl"), "l", 0, 0, 0644) == 0 && link(sp("t/hl"), sp("t/a/hl2")) == 0 &&
               put_file(sp("target"), "outside", 0, 0, 0644) == 0 && symlink(sp("target"), sp("t/a/sym")) == 0 &&
               mkfifo(sp("t/fifo"), 0600) == 0 && put_dir(sp("t/m"), 0, 0, 0755) == 0 &&
               mount("tmpfs", sp("t/m"), "tmpfs", 0, "mode=755") == 0 && put_file(sp("t/m/in"), "m", 0, 0, 0644) == 0,
               "a scratch tree: setuid, setgid, ids in and above the range, a hard link, a symlink out, a fifo, a submount");
        struct bw_id_shift_stats st;
        _cleanup_error_ struct bw_error *err = NULL;
        tap_ok(!bw_id_shift_done(sp("t")), "not recorded as shifted before");
        int r = bw_id_shift_tree(sp("t"), &range, &st, &err);
        tap_is_int(r, 0, "the tree is shifted");
        if (err)
                tap_ok(0, "error: %s", err->msg);
        tap_is_int(own(sp("t"), false), V, "root directory: uid 0 -> V");
        tap_is_int(own(sp("t/a"), false), V + 1000, "uid 1000 -> V+1000");
        tap_is_int(own(sp("t/a"), true), VG + 6, "gid 6 -> VG+6 (gids shift by the gid range)");
        tap_is_int(own(sp("t/a/suid"), false), V, "a setuid-root file now belongs to V+0");
        tap_is_int(mode_of(sp("t/a/suid")), 04755, "its setuid bit is kept as it was");
        tap_is_int(mode_of(sp("t/a/user")), 02750, "a setgid file keeps its setgid bit");
        tap_is_int(mode_of(sp("t/a")), 02775, "a setgid directory keeps its bit");
        tap_is_int(own(sp("t/inv"), false), V + 5, "an id already in the range stays");
        tap_is_int(own(sp("t/inv"), true), VG + 7, "a gid already in the range stays");
        tap_is_int(own(sp("t/high"), false), 70000, "an id above 65535 outside the range stays");
        tap_is_int(own(sp("t/hl"), false), 0, "a hard-linked file keeps its owner");
        tap_is_int(own(sp("t/a/hl2"), false), 0, "... under both names");
        tap_is_int((long)st.linked, 2, "both names counted as skipped");
        tap_ok(st.first_linked != NULL, "the first skipped one is named (%s)", st.first_linked ? st.first_linked : "-");
        tap_is_int(own(sp("t/a/sym"), false), V, "the symlink itself is re-owned");
        tap_is_int(own(sp("target"), false), 0, "its target outside the tree is untouched");
        tap_is_int(own(sp("t/fifo"), false), V, "a fifo is re-owned without being opened");
        tap_is_int(own(sp("t/m/in"), false), 0, "nothing on another mount is entered");
        tap_is_int(own(sp("t/m"), false), 0, "... not even its root");
        tap_is_int((long)st.other_mount, 1, "one entry on another mount");
        tap_ok(bw_id_shift_done(sp("t")), "recorded as shifted (" BW_ID_SHIFT_XATTR ")");
        {
                _cleanup_close_ int tfd = open(sp("t"), O_PATH | O_CLOEXEC), afd = open(sp("t/a"), O_PATH | O_CLOEXEC);
                tap_ok(tfd >= 0 && bw_id_shift_done_fd(tfd), "... read through an O_PATH fd too");
                tap_ok(afd >= 0 && !bw_id_shift_done_fd(afd), "a directory inside it carries no record");
        }
        char v[64] = "";
        ssize_t n = getxattr(sp("t"), BW_ID_SHIFT_XATTR, v, sizeof(v) - 1);
        tap_is_str(n > 0 ? v : "", "1048576:2097152:65536", "the record names the range");
        bw_id_shift_stats_clear(&st);
        /* A second walk changes nothing. */
        _cleanup_error_ struct bw_error *e2 = NULL;
        tap_is_int(bw_id_shift_tree(sp("t"), &range, &st, &e2), 0, "walking again succeeds");
        tap_is_int((long)st.changed, 0, "and re-owns nothing");
        bw_id_shift_stats_clear(&st);
        umount2(sp("t/m"), MNT_DETACH);
}

static void test_file_and_symlink(void)
{
        tap_ok(put_file(sp("hosts"), "127.0.0.1 localhost\n", 0, 0, 0644) == 0 && symlink(sp("hosts"), sp("lnk")) == 0,
               "a single file and a symlink to it");
        struct bw_id_shift_stats st;
        _cleanup_error_ struct bw_error *err = NULL, *e2 = NULL;
        tap_is_int(bw_id_shift_tree(sp("hosts"), &range, &st, &err), 0, "a single file is shifted");
        tap_is_int(own(sp("hosts"), false), V, "its uid");
        tap_is_int(own(sp("hosts"), true), VG, "its gid");
        bw_id_shift_stats_clear(&st);
        tap_ok(put_file(sp("hosts2"), "x", 0, 0, 0644) == 0 && symlink(sp("hosts2"), sp("lnk2")) == 0, "another");
        tap_is_int(bw_id_shift_tree(sp("lnk2"), &range, &st, &e2), -ELOOP, "a symlink as the root is refused");
        tap_is_int(own(sp("hosts2"), false), 0, "and its target is untouched");
        tap_ok(e2 && strstr(e2->msg, "symbolic link"), "the error says why");
        bw_id_shift_stats_clear(&st);
}

/* A container flipping a name between a directory and a symlink to a
 * host directory while the walk runs: the host directory's files never
 * change owner. */
static void test_race(void)
{
        tap_ok(put_dir(sp("host"), 0, 0, 0755) == 0 && put_file(sp("host/shadow"), "s", 0, 42, 0640) == 0 &&
               put_dir(sp("r"), 0, 0, 0755) == 0, "a host directory and a tree to walk");
        for (int i = 0; i < 200; i++) {
                char p[64];
                snprintf(p, sizeof(p), "r/f%d", i);
                put_file(sp("%s", p), "x", 0, 0, 0644);
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                /* flip r/x: a directory, then a symlink to host/ */
                for (;;) {
                        mkdir(sp("r/x.d"), 0755);
                        rename(sp("r/x.d"), sp("r/x"));
                        symlink(sp("host"), sp("r/x.l"));
                        rename(sp("r/x.l"), sp("r/x")); /* fails while r/x is a non-empty dir: fine */
                        unlink(sp("r/x"));
                        rmdir(sp("r/x"));
                        symlink(sp("host"), sp("r/x"));
                        unlink(sp("r/x"));
                }
        }
        int ok = 1;
        for (int i = 0; i < 200; i++) {
                struct bw_id_shift_stats st;
                _cleanup_error_ struct bw_error *err = NULL;
                bw_id_shift_tree(sp("r"), &range, &st, &err); /* may report a vanished entry */
                bw_id_shift_stats_clear(&st);
                /* put the tree back to host ids so every round re-owns it */
                for (int k = 0; k < 200; k += 50) {
                        char p[64];
                        snprintf(p, sizeof(p), "r/f%d", k);
                        lchown(sp("%s", p), 0, 0);
                }
                lremovexattr(sp("r"), BW_ID_SHIFT_XATTR);
                ok &= own(sp("host"), false) == 0 && own(sp("host/shadow"), false) == 0 &&
                      own(sp("host/shadow"), true) == 42;
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        tap_ok(ok, "200 walks against a directory/symlink flipper never re-own the host directory or its file");
        tap_is_int(own(sp("r/f1"), false), V, "the tree itself was re-owned");
}

int main(void)
{
        if (scratch_setup("idshift") < 0) {
                tap_skip("needs root and mount namespaces", "id shift");
                return tap_done();
        }
        test_tree();
        test_file_and_symlink();
        test_race();
        return tap_done();
}
