/* bulwark: the command table and the global flags. Nothing else. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "runtime/rootless.h"
#include "util/cleanup.h"
#include "util/json_text.h"

static const struct bw_command commands[] = {
        { "create", cmd_create, "create a container; its init waits for start",
          "create [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID", true },
        { "start", cmd_start, "start the process of a created container", "start ID", true },
        { "run", cmd_run, "create and start a container, wait for it, delete it",
          "run [--bundle DIR] [--detach] [--keep] [--pid-file FILE] [--console-socket SOCK] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID", true },
        { "state", cmd_state, "print a container's OCI state as JSON", "state ID", true },
        { "kill", cmd_kill, "send a signal to a container's init (or --all its processes)", "kill [--all] ID [SIGNAL]", true },
        { "delete", cmd_delete, "delete a stopped (or with --force any) container", "delete [--force] ID", true },
        { "gc", cmd_gc, "remove what dead containers left (state, id ranges, mounts, cgroups); never a live one",
          "gc [--dry-run]", true },
        { "list", cmd_list, "list containers", "list [--format table|json] [--quiet]", true },
        { "exec", cmd_exec, "run a new process inside a running container",
          "exec [--process FILE] [--detach] [--pid-file FILE] [--tty] [--console-socket SOCK] [--cwd DIR] [--env K=V]... [--user UID[:GID]] [--cap CAP]... [--additional-gids GID]... [--cgroup [CTRL[,CTRL]:]PATH]... [--ignore-paused] [--no-new-privs] [--preserve-fds N] ID [COMMAND [ARG...]]", true },
        { "ps", cmd_ps, "list a container's processes", "ps [--format table|json] ID [-- PS-OPTIONS]", true },
        { "audit", cmd_audit, "report breakout risks in configs, docker inspect output, live Docker and Podman containers, containerd tasks, Kubernetes manifests and Compose files",
          "audit [--format text|json|sarif|junit] [--profile P] [--fail-on SEVERITY] [--pss LEVEL] [--docker [ID...] | --podman [SOCKET] [ID...] | --containerd [NAMESPACE...]] [FILE|DIR|-]..." },
        { "check", cmd_check, "report (and with --attack, try) what the container this runs in can do to the host",
          "check [--attack] [--format text|json|sarif] [--profile P] [--fail-on SEVERITY] [--fixture DIR]" },
        { "breakout-test", cmd_breakout_test, "run check --attack in containers under each runtime and config, print the matrix",
          "breakout-test [--runtime PATH|NAME]... [--profile P]... [--engine docker] [--config NAME]... [--configs FILE] [--format text|json] [--summary] [--keep]" },
        { "setup", cmd_setup, "create the bulwark user and its subordinate id ranges (as root; idempotent)",
          "setup [--ids N]" },
        { "share", cmd_share, "hand a host directory to containers: re-own it into the volume range (as root)",
          "share DIR" },
        { "spec", cmd_spec, "write a hardened default config.json into a bundle",
          "spec [--bundle DIR] [--rootless]" },
        { "features", cmd_features, "print the OCI features document (what this runtime supports)", "features" },
        { "pause", cmd_pause, "freeze every process of a running container", "pause ID", true },
        { "resume", cmd_resume, "thaw a paused container", "resume ID", true },
        { "update", cmd_update, "change a running container's resource limits",
          "update [--resources FILE|-] [--memory N] [--memory-swap N] [--memory-reservation N] [--pids-limit N] [--cpu-shares N] [--cpu-quota N] [--cpu-period N] [--cpuset-cpus S] [--cpuset-mems S] [--blkio-weight N] ID", true },
        { "events", cmd_events, "print a container's resource statistics (and OOM events) as JSON lines",
          "events [--stats] [--interval D] ID", true },
        { "validate", cmd_validate, "check a config.json and report exactly what is wrong where",
          "validate [--bundle DIR | FILE]" },
        { "version", cmd_version, "print version, commit, OCI spec and libseccomp versions", "version" },
};

const struct bw_command *bw_command_find(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return &commands[i];
        return NULL;
}

void bw_print_usage(const struct bw_command *c)
{
        printf("usage: bulwark [global options] %s\n\n%s\n", c->usage, c->summary);
}

bool bw_wants_help(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        return false;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        return true;
        }
        return false;
}

void bw_getopt_reset(void)
{
        optind = 0; /* 0 makes glibc re-initialise, including "+" handling */
        opterr = 0;
}

int bw_error_bad_option(struct bw_error **err, const struct bw_command *c, int argc, char **argv)
{
        const char *arg = (optind > 0 && optind - 1 < argc) ? argv[optind - 1] : "?";
        if (optopt && !strchr(arg, optopt))
                return bw_error_usage(err, "%s: unknown or incomplete option '-%c'; usage: bulwark %s",
                                      c->name, optopt, c->usage);
        return bw_error_usage(err, "%s: unknown option or missing value in '%s'; usage: bulwark %s",
                              c->name, arg, c->usage);
}

static void print_help(void)
{
        printf("bulwark: an OCI container runtime whose defaults stop container breakout\n\n"
               "usage: bulwark [global options] COMMAND [options] [args]\n\ncommands:\n");
        for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
                printf("  %-14s %s\n", commands[i].name, commands[i].summary);
        printf("\nglobal options:\n"
               "  --root DIR            state directory (default " BW_DEFAULT_ROOT ",\n"
               "                        $XDG_RUNTIME_DIR/bulwark for an unprivileged user)\n"
               "  --log FILE            write logs to FILE instead of stderr\n"
               "  --log-format FMT      text (default) or json\n"
               "  --debug               log debug messages\n"
               "  --systemd-cgroup      systemd cgroup driver: cgroupsPath is slice:prefix:name\n"
               "  --profile NAME        restricted, baseline or privileged\n"
               "  --policy-mode MODE    enforce, harden, warn or off\n"
               "  --policy FILE         policy file (default /etc/bulwark/policy.json)\n"
               "  --version, -v         print the version\n"
               "  --help, -h            print this help; COMMAND --help for a command\n");
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU,
       OPT_PROFILE, OPT_MODE, OPT_POLICY };

static int parse_globals(struct bw_globals *g, int argc, char **argv, struct bw_error **err)
{
        static const struct option opts[] = {
                { "root", required_argument, NULL, OPT_ROOT },
                { "log", required_argument, NULL, OPT_LOG },
                { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
                { "debug", no_argument, NULL, OPT_DEBUG },
                { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
                { "rootless", required_argument, NULL, OPT_ROOTLESS },
                { "criu", required_argument, NULL, OPT_CRIU },
                { "profile", required_argument, NULL, OPT_PROFILE },
                { "policy-mode", required_argument, NULL, OPT_MODE },
                { "policy", required_argument, NULL, OPT_POLICY },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'v' },
                {},
        };
        bw_getopt_reset();
        int c;
        while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
                switch (c) {
                case OPT_ROOT: g->root = optarg; g->root_given = true; break;
                case OPT_LOG: g->log_path = optarg; break;
                case OPT_LOG_FORMAT:
                        if (strcmp(optarg, "text") == 0)
                                g->log_format = BW_LOG_TEXT;
                        else if (strcmp(optarg, "json") == 0)
                                g->log_format = BW_LOG_JSON;
                        else
                                return bw_error_usage(err, "--log-format: unknown format '%s'; use text or json", optarg);
                        break;
                case OPT_DEBUG: g->debug = true; break;
                case OPT_SYSTEMD: g->systemd_cgroup = true; break;
                case OPT_ROOTLESS: g->rootless = optarg; break;
                case OPT_CRIU: break; /* accepted for runc compatibility; no checkpointing */
                case OPT_PROFILE: g->profile = optarg; break;
                case OPT_MODE: g->policy_mode = optarg; break;
                case OPT_POLICY: g->policy_file = optarg; break;
                case 'h': print_help(); return 1;
                case 'v': return 2;
                default: {
                        const char *arg = optind - 1 < argc ? argv[optind - 1] : "?";
                        return bw_error_usage(err, "unknown global option '%s'; see bulwark --help", arg);
                }
                }
        }
        return 0;
}

int main(int argc, char **argv)
{
        struct bw_globals g = { .root = BW_DEFAULT_ROOT, .log_format = BW_LOG_TEXT };
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_free_ char *rootless_root = NULL; /* the caller's default state root */
        const char *what = "bulwark"; /* the command, once known: errors name it */
        bw_json_alloc_setup();
        int r = parse_globals(&g, argc, argv, &err);
        if (r < 0)
                goto fail;
        if (r == 1)
                return 0;
        if (r == 2)
                return cmd_version(&g, 1, (char *[]){ "version", NULL }, &err) < 0 ? 1 : 0;

        int first = optind;
        if (first >= argc) {
                print_help();
                return BW_EXIT_USAGE;
        }
        const char *name = argv[first];
        if (strcmp(name, "help") == 0) {
                const struct bw_command *c = first + 1 < argc ? bw_command_find(argv[first + 1]) : NULL;
                if (c)
                        bw_print_usage(c);
                else
                        print_help();
                return 0;
        }
        const struct bw_command *cmd = bw_command_find(name);
        if (cmd)
                what = name;
        if (!cmd) {
                bw_error_usage(&err, "unknown command '%s'; see bulwark --help for the list", name);
                goto fail;
        }
        if (bw_log_open(g.log_path, g.log_format, g.debug) < 0) {
                bw_error_set(&err, -errno, "opening log file %s", g.log_path);
                goto fail;
        }
        if (cmd->state && !g.root_given) {
                if ((r = bw_default_state_root(&rootless_root, &err)) < 0)
                        goto fail;
                if (rootless_root)
                        g.root = rootless_root;
        }
        int cargc = argc - first;
        char **cargv = argv + first;
        if (bw_wants_help(cargc, cargv)) {
                bw_print_usage(cmd);
                return 0;
        }
        bw_getopt_reset();
        r = cmd->fn(&g, cargc, cargv, &err);
        if (r >= 0) {
                bw_log_close();
                return r;
        }
fail:
        /* An error returned without a message (most often a failed
         * allocation) is named by the command that met it. */
        if (!err)
                bw_error_set(&err, r, "%s", what);
        if (!err || !err->msg) { /* even that message could not be allocated */
                fprintf(stderr, "bulwark: %s: %s\n", what, strerror(r < 0 ? -r : ENOMEM));
                bw_log_close();
                return BW_EXIT_FAILURE;
        }
        /* Errors go to stderr for the user, and to the log file when one is
         * set, since engines show the log to their users. */
        if (g.log_path)
                bw_log(BW_LOG_ERROR, "%s", err->msg);
        fprintf(stderr, "bulwark: %s\n", err->msg);
        bw_log_close();
        return err->status ? err->status : BW_EXIT_FAILURE;
}
