/* bulwark spec: write the hardened default config.json into a bundle. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "runtime/idrange.h"
#include "oci/default.h"
#include "util/cleanup.h"
#include "util/json_text.h"

static int write_all(int fd, const char *s, size_t n)
{
        while (n > 0) {
                ssize_t w = write(fd, s, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                s += w;
                n -= (size_t)w;
        }
        return 0;
}

/* Create DIR/config.json holding text. O_EXCL makes "never overwrite"
 * atomic: a file (or a symlink, even a dangling one) that appears between a
 * check and the write still wins, and nothing is followed. */
static int write_config(const char *bundle, const char *text, struct bw_error **err)
{
        _cleanup_close_ int dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) {
                int e = errno;
                if (e == ENOENT)
                        return bw_error_msg(err, -e, "bundle directory %s does not exist; create it first "
                                            "(mkdir -p %s) or pass an existing --bundle", bundle, bundle);
                return bw_error_set(err, -e, "opening bundle directory %s", bundle);
        }
        _cleanup_close_ int fd = openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
                int e = errno;
                if (e == EEXIST)
                        return bw_error_msg(err, -e, "%s/config.json already exists; bulwark spec never "
                                            "overwrites a config: remove it or choose another --bundle",
                                            bundle);
                return bw_error_set(err, -e, "creating %s/config.json", bundle);
        }
        int r = write_all(fd, text, strlen(text));
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (r < 0) {
                /* Leave no half-written config behind: it is ours, we made it. */
                unlinkat(dir, "config.json", 0);
                return bw_error_set(err, r, "writing %s/config.json", bundle);
        }
        return 0;
}

BW_COMMAND(spec)
{
        static const struct option opts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "rootless", no_argument, NULL, 'r' },
                {},
        };
        const char *bundle = ".";
        struct bw_spec_options o = { .uid = getuid(), .gid = getgid() };
        int c;
        (void)g;
        while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
                switch (c) {
                case 'b': bundle = optarg; break;
                case 'r': o.rootless = true; break;
                default: return bw_error_bad_option(err, bw_command_find("spec"), argc, argv);
                }
        }
        if (optind < argc)
                return bw_error_usage(err, "spec: unexpected argument '%s'; usage: bulwark %s",
                                      argv[optind], bw_command_find("spec")->usage);

        /* The same mappings create gives a rootless config without any:
         * the caller, then its /etc/subuid and /etc/subgid ranges. */
        struct oci_idmap_list uids = { 0 }, gids = { 0 };
        if (o.rootless && bw_idrange_rootless(NULL, NULL, o.uid, o.gid, &uids, &gids, err) < 0)
                return bw_error_wrap(err, "spec --rootless: reading the subordinate ids of uid %u", (unsigned)o.uid);
        o.uids = &uids;
        o.gids = &gids;
        _cleanup_json_ json_t *config = bw_default_spec(&o);
        free(uids.v);
        free(gids.v);
        if (!config)
                return bw_error_set(err, -ENOMEM, "building the default config");
        _cleanup_free_ char *text = bw_json_dumps(config, JSON_INDENT(2));
        if (!text)
                return bw_error_set(err, -ENOMEM, "formatting the default config");
        /* json_dumps leaves off the final newline that text files end with. */
        size_t n = strlen(text);
        char *nl = realloc(text, n + 2);
        if (!nl)
                return bw_error_set(err, -ENOMEM, "formatting the default config");
        text = nl;
        memcpy(text + n, "\n", 2);
        int r = write_config(bundle, text, err);
        return r < 0 ? r : 0;
}
