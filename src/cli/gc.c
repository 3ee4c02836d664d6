/* gc: remove what dead containers left behind, for an operator after a
 * node crash or a killed runtime. Dead: a state directory whose creator
 * died before writing its state, or whose init is gone (stopped). Never
 * touched: a container whose init lives, and anything another bulwark is
 * working on (the per-container lock is taken first; a cgroup directory
 * younger than a minute, or with a process in it, is left alone). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "linux/cgroup.h"
#include "runtime/lifecycle.h"
#include "runtime/idrange.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/strv.h"

/* An empty cgroup younger than this may be a create under way. */
#define GC_CGROUP_MIN_AGE 60

struct gc {
        const char *root;   /* the state root, absolute */
        bool dry;
        unsigned found, failed;
};

static void act(struct gc *gc, int r, const char *what, const char *detail)
{
        gc->found++;
        if (gc->dry)
                printf("would remove %s\n", what);
        else if (r < 0)
                gc->failed++, printf("could not remove %s: %s\n", what, detail ? detail : strerror(-r));
        else
                printf("removed %s\n", what);
}

/* Is id a container of this root whose init may still be alive? Without
 * its lock (held by a create or delete under way) it counts as live. */
static bool container_dead(const char *root, const char *id, const char **why)
{
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        if (bw_store_open(root, id, &e, NULL) < 0) {
                *why = NULL;
                return false;
        }
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        int r = bw_state_read(&e, &s, NULL);
        if (r == -ENOENT) {
                *why = "its create died before writing its state";
                return true;
        }
        if (r < 0)
                return false; /* unreadable: its init may live */
        if (bw_state_status(&e, &s) == BW_STATUS_STOPPED) {
                *why = "its init is gone";
                return true;
        }
        return false;
}

static void gc_containers(struct gc *gc)
{
        _cleanup_strv_ char **ids = NULL;
        if (bw_store_list(gc->root, &ids, NULL) < 0)
                return;
        for (size_t i = 0; ids && ids[i]; i++) {
                const char *why = NULL;
                /* The compiled seccomp filters live beside the containers. */
                if (strcmp(ids[i], "seccomp-cache") == 0)
                        continue;
                _cleanup_error_ struct bw_error *e = NULL;
                int r = bw_container_delete_dead(gc->root, ids[i], gc->dry, &why, &e);
                if (r == 0)
                        continue;
                if (r < 0 && !why) {
                        printf("%s\n", e ? e->msg : "kept a container whose state is unreadable");
                        continue;
                }
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "container %s (%s): its state, cgroup and id range", ids[i], why) < 0)
                        continue;
                act(gc, r < 0 ? r : 0, what, e ? e->msg : NULL);
        }
}

/* Mounts left under the state root by a container that is gone. */
static void gc_mounts(struct gc *gc)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return;
        _cleanup_strv_ char **targets = NULL;
        char *line = NULL;
        size_t cap = 0;
        size_t rl = strlen(gc->root);
        while (getline(&line, &cap, f) > 0) {
                char target[PATH_MAX];
                if (sscanf(line, "%*s %*s %*s %*s %4095s", target) != 1)
                        continue;
                /* mountinfo escapes spaces as \040: such a path is not ours */
                if (strncmp(target, gc->root, rl) != 0 || target[rl] != '/')
                        continue;
                char id[PATH_MAX];
                snprintf(id, sizeof(id), "%s", target + rl + 1);
                char *slash = strchr(id, '/');
                if (slash)
                        *slash = '\0';
                char dir[PATH_MAX * 2];
                snprintf(dir, sizeof(dir), "%s/%s/state.json", gc->root, id);
                const char *why;
                if (access(dir, F_OK) == 0 && !container_dead(gc->root, id, &why))
                        continue;
                bw_strv_push(&targets, target);
        }
        free(line);
        fclose(f);
        /* Deepest first. */
        for (size_t n = bw_strv_len(targets); n > 0; n--) {
                int r = gc->dry || umount2(targets[n - 1], MNT_DETACH | UMOUNT_NOFOLLOW) == 0 ? 0 : -errno;
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "mount %s", targets[n - 1]) >= 0)
                        act(gc, r, what, NULL);
        }
}

/* Ranges whose container is gone: this root's, and those of state roots
 * that no longer exist. Corrupt records keep their range (never reused). */
static void gc_ranges(struct gc *gc)
{
        if (geteuid() != 0 || access(BW_IDRANGE_STORE, F_OK) < 0)
                return;
        struct bw_idrange_config all = { .root = gc->root };
        struct bw_idrange_allocs a = { 0 };
        if (bw_idrange_list(&all, &a, NULL) < 0)
                return;
        for (size_t i = 0; i < a.n; i++) {
                const struct bw_idrange_alloc *x = &a.v[i];
                if (x->corrupt) {
                        printf("kept id range record %s/%s: unreadable, so its range stays taken; remove the file by hand once no container uses uids %u..%u\n",
                               BW_IDRANGE_STORE, x->file, x->range.uid, x->range.uid + x->range.size - 1);
                        continue;
                }
                if (!x->owner || !x->owner_root)
                        continue;
                char dir[PATH_MAX * 2];
                snprintf(dir, sizeof(dir), "%s/%s", x->owner_root, x->owner);
                struct stat st;
                if (stat(dir, &st) == 0)
                        continue; /* its container exists (gc_containers judged it) */
                if (bw_idrange_held_elsewhere(x)) {
                        struct stat me;
                        bool other = x->mntns && stat("/proc/self/ns/mnt", &me) == 0 && me.st_ino != x->mntns;
                        if (other)
                                printf("kept the hold of %s on id range %u..%u: made in another mount namespace "
                                       "(mnt:[%llu]), where it may still run; run gc there\n",
                                       dir, x->range.uid, x->range.uid + x->range.size - 1,
                                       (unsigned long long)x->mntns);
                        else
                                printf("kept the hold of %s on id range %u..%u: its state directory is gone, but a "
                                       "process still maps the range (an init whose state was removed by hand?); "
                                       "find it by its uid_map\n",
                                       dir, x->range.uid, x->range.uid + x->range.size - 1);
                        continue;
                }
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "the hold of %s on id range %u..%u", dir, x->range.uid,
                             x->range.uid + x->range.size - 1) < 0)
                        continue;
                struct bw_idrange_config c = { .root = x->owner_root };
                _cleanup_error_ struct bw_error *e = NULL;
                int r = gc->dry ? 0 : bw_idrange_release_dead(&c, x->owner, &e);
                act(gc, r, what, e ? e->msg : NULL);
        }
        bw_idrange_allocs_free(&a);
}

static bool cgroup_idle(const char *dir)
{
        struct stat st;
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || time(NULL) - st.st_mtime < GC_CGROUP_MIN_AGE)
                return false;
        _cleanup_free_ char *procs = NULL;
        if (asprintf(&procs, "%s/cgroup.procs", dir) < 0)
                return false;
        FILE *f = fopen(procs, "re");
        if (!f)
                return false;
        int c = fgetc(f);
        fclose(f);
        return c == EOF;
}

/* Cgroup directories under bulwark's own parent (where a container
 * without linux.cgroupsPath goes) with no container of this root and no
 * process in them. */
static void gc_cgroups(struct gc *gc)
{
        struct bw_cg_system *sys = NULL;
        if (bw_cg_system_detect(&sys, NULL) < 0)
                return;
        struct bw_cgroup *probe = NULL;
        int r = bw_cgroup_new(sys, "gc-probe", NULL, false, &probe, NULL);
        if (r < 0) {
                bw_cg_system_free(sys);
                return;
        }
        _cleanup_strv_ char **parents = NULL;
        for (int c = 0; c < BW_CGC__N; c++) {
                const char *d = bw_cgroup_dir(probe, (enum bw_cg_ctrl)c);
                if (d && !bw_strv_contains(parents, d))
                        bw_strv_push(&parents, d);
        }
        const char *v2 = bw_cgroup_v2_dir(probe);
        if (v2 && !bw_strv_contains(parents, v2))
                bw_strv_push(&parents, v2);
        bw_cgroup_free(probe);
        bw_cg_system_free(sys);
        for (size_t i = 0; parents && parents[i]; i++) {
                char *slash = strrchr(parents[i], '/');
                if (!slash)
                        continue;
                *slash = '\0';
                _cleanup_closedir_ DIR *d = opendir(parents[i]);
                struct dirent *de;
                while (d && (de = readdir(d))) {
                        if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
                            bw_store_validate_id(de->d_name, NULL) < 0)
                                continue;
                        char dir[PATH_MAX * 2];
                        snprintf(dir, sizeof(dir), "%s/%s", gc->root, de->d_name);
                        if (access(dir, F_OK) == 0)
                                continue; /* a container of this root: judged above */
                        snprintf(dir, sizeof(dir), "%s/%s", parents[i], de->d_name);
                        if (!cgroup_idle(dir))
                                continue;
                        int rr = gc->dry || rmdir(dir) == 0 ? 0 : -errno;
                        _cleanup_free_ char *what = NULL;
                        if (asprintf(&what, "cgroup %s (empty, no container)", dir) >= 0)
                                act(gc, rr, what, NULL);
                }
        }
}

BW_COMMAND(gc)
{
        static const struct option opts[] = { { "dry-run", no_argument, NULL, 'n' }, {} };
        struct gc gc = { 0 };
        int c;
        while ((c = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
                if (c == 'n')
                        gc.dry = true;
                else
                        return bw_error_bad_option(err, bw_command_find("gc"), argc, argv);
        }
        if (optind != argc)
                return bw_error_usage(err, "gc takes no arguments; usage: bulwark %s", bw_command_find("gc")->usage);
        char root[PATH_MAX];
        if (!realpath(g->root, root)) {
                if (errno == ENOENT)
                        return 0; /* no state root: nothing was ever left */
                return bw_error_set(err, -errno, "gc: resolving the state root %s", g->root);
        }
        gc.root = root;
        gc_containers(&gc);
        gc_mounts(&gc);
        gc_ranges(&gc);
        gc_cgroups(&gc);
        printf("%s%u leftover%s%s", gc.dry ? "found " : "", gc.found, gc.found == 1 ? "" : "s",
               gc.dry ? "" : " removed");
        if (gc.failed)
                printf(", %u could not be removed", gc.failed);
        putchar('\n');
        return gc.failed ? 1 : 0;
}
