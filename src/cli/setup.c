/* bulwark setup: the host-side preparation user namespaces need, as Docker
 * creates its dockremap user: a system user `bulwark` and a large range of
 * subordinate ids for it in /etc/subuid and /etc/subgid, out of every
 * range already there. Idempotent; says what it did. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "runtime/idrange.h"
#include "util/cleanup.h"
#include "util/users.h"

#define DEFAULT_IDS (1u << 24)  /* the volume range and 255 containers of 65,536 ids */
#define MIN_IDS (2 * BW_IDRANGE_SIZE) /* the volume range and one container */
#define LOWEST_START (1u << 20) /* above the 100000.. ranges useradd hands out first */

static int run(char *const argv[], struct bw_error **err)
{
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
                return bw_error_set(err, -errno, "running %s", argv[0]);
        if (pid == 0) {
                execvp(argv[0], argv);
                fprintf(stderr, "bulwark setup: cannot run %s: %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return bw_error_set(err, -errno, "waiting for %s", argv[0]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return bw_error_msg(err, -EIO, "%s failed (status %d); is the passwd package installed?", argv[0],
                                    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return 0;
}

static uint64_t total(const struct bw_subids *s)
{
        uint64_t n = 0;
        for (size_t i = 0; i < s->n; i++)
                n += s->v[i].count;
        return n;
}

static bool collides(const struct bw_subids *s, uint64_t start, uint64_t count)
{
        for (size_t i = 0; i < s->n; i++)
                if (start < (uint64_t)s->v[i].start + s->v[i].count && s->v[i].start < start + count)
                        return true;
        return false;
}

/* The lowest start, aligned to a container's range, that collides with no
 * line of either file (whoever owns it). */
static int free_start(uint32_t count, uint32_t *out, struct bw_error **err)
{
        struct bw_subids u = { 0 }, g = { 0 };
        int r = bw_subids_read("/etc/subuid", NULL, (uid_t)-1, &u, err);
        if (r >= 0)
                r = bw_subids_read("/etc/subgid", NULL, (uid_t)-1, &g, err);
        for (uint64_t s = LOWEST_START; r >= 0; s += BW_IDRANGE_SIZE) {
                if (s + count > UINT32_MAX) {
                        r = bw_error_msg(err, -ENOSPC, "no room for %u subordinate ids below 2^32 in /etc/subuid and /etc/subgid", count);
                        break;
                }
                if (!collides(&u, s, count) && !collides(&g, s, count)) {
                        *out = (uint32_t)s;
                        break;
                }
        }
        bw_subids_free(&u);
        bw_subids_free(&g);
        return r < 0 ? r : 0;
}

static int ensure_user(const char *user, uid_t *uid, struct bw_error **err)
{
        if (bw_user_uid(user, uid) == 0) {
                printf("user %s: exists (uid %u)\n", user, (unsigned)*uid);
                return 0;
        }
        char *argv[] = { "useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                         "--shell", "/usr/sbin/nologin", "--comment", "bulwark container id ranges",
                         (char *)user, NULL };
        int r = run(argv, err);
        if (r < 0)
                return bw_error_wrap(err, "creating system user %s", user);
        if (bw_user_uid(user, uid) < 0)
                return bw_error_msg(err, -ENOENT, "useradd succeeded but user %s is not there", user);
        printf("user %s: created (system user, uid %u, no login, no home)\n", user, (unsigned)*uid);
        return 0;
}

static void describe(const char *what, const struct bw_subids *s)
{
        for (size_t i = 0; i < s->n; i++)
                printf("%s%u-%u", i ? ", " : "", s->v[i].start, s->v[i].start + s->v[i].count - 1);
        uint64_t slots = total(s) / BW_IDRANGE_SIZE;
        printf(" (%llu %s, the volume range and %llu containers)\n", (unsigned long long)total(s), what,
               (unsigned long long)(slots ? slots - 1 : 0));
}

BW_COMMAND(setup)
{
        (void)g;
        static const struct option opts[] = { { "ids", required_argument, NULL, 'n' }, {} };
        unsigned long ids = DEFAULT_IDS;
        bool ids_given = false;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                char *end;
                switch (c) {
                case 'n':
                        ids = strtoul(optarg, &end, 10);
                        if (*end || ids < MIN_IDS || ids > (1ul << 30))
                                return bw_error_usage(err, "setup: --ids %s: give a count from %u (the volume range "
                                                      "and one container) to 2^30", optarg, MIN_IDS);
                        /* whole containers' ranges: what a slot holds */
                        ids = (ids + BW_IDRANGE_SIZE - 1) / BW_IDRANGE_SIZE * BW_IDRANGE_SIZE;
                        ids_given = true;
                        break;
                default:
                        return bw_error_bad_option(err, bw_command_find("setup"), argc, argv);
                }
        }
        if (optind < argc)
                return bw_error_usage(err, "setup: unexpected argument '%s'; usage: bulwark setup [--ids N]", argv[optind]);
        if (geteuid() != 0)
                return bw_error_msg(err, -EPERM,
                                    "setup creates a system user and edits /etc/subuid and /etc/subgid: run it as "
                                    "root (sudo bulwark setup); without it, bulwark maps your own id only");
        const char *user = BW_IDRANGE_USER;
        uid_t uid = 0;
        int r = ensure_user(user, &uid, err);
        if (r < 0)
                return r;
        const char *files[] = { "/etc/subuid", "/etc/subgid" };
        const char *flags[] = { "--add-subuids", "--add-subgids" };
        const char *kinds[] = { "uids", "gids" };
        /* One start for both files when both need a range: uid N and gid N
         * then belong to the same container, which is what people expect.
         * A user that has ids already keeps them (the first range holds the
         * volume range, whose owners are on disk); an explicit --ids larger
         * than what it has adds a range for the difference, after the
         * first. */
        uint32_t start = 0, more = 0;
        bool have_start = false;
        for (int i = 0; i < 2; i++) {
                struct bw_subids s = { 0 };
                if ((r = bw_subids_read(files[i], user, uid, &s, err)) < 0)
                        return r;
                uint64_t has = total(&s);
                if (has >= MIN_IDS && (!ids_given || has >= ids)) {
                        printf("%s: %s already has subordinate %s ", files[i], user, kinds[i]);
                        describe(kinds[i], &s);
                        bw_subids_free(&s);
                        continue;
                }
                bw_subids_free(&s);
                uint32_t add = (uint32_t)(ids - (has >= MIN_IDS ? has : 0));
                add = add / BW_IDRANGE_SIZE * BW_IDRANGE_SIZE;
                if (!have_start || add != more) {
                        if ((r = free_start(add, &start, err)) < 0)
                                return r;
                        have_start = true;
                        more = add;
                }
                char range[64];
                snprintf(range, sizeof(range), "%u-%u", start, start + add - 1);
                char *argv2[] = { "usermod", (char *)flags[i], range, (char *)user, NULL };
                if ((r = run(argv2, err)) < 0)
                        return bw_error_wrap(err, "adding subordinate %s %s to %s", kinds[i], range, user);
                if ((r = bw_subids_read(files[i], user, uid, &s, err)) < 0)
                        return r;
                printf("%s: %s %s:%u:%u; %s now has ", files[i], has >= MIN_IDS ? "grew with" : "added", user, start,
                       add, user);
                describe(kinds[i], &s);
                bw_subids_free(&s);
        }
        struct bw_idrange v;
        struct bw_idrange_config cfg = { .root = "/" };
        if ((r = bw_idrange_volume(&cfg, &v, err)) < 0)
                return r;
        printf("volume range: uids %u-%u, gids %u-%u (what containers write through bind mounts; never a "
               "container's own range)\n", v.uid, v.uid + v.size - 1, v.gid, v.gid + v.size - 1);
        return 0;
}
