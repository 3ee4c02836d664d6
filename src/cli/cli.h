/* What every command receives: the global flags, parsed once by main. */
#pragma once
#include <stdbool.h>

#include "util/error.h"
#include "util/log.h"

#define BW_DEFAULT_ROOT "/run/bulwark"

struct bw_globals {
        const char *root;           /* state directory (--root, or the default for the caller) */
        bool root_given;            /* --root was on the command line */
        const char *log_path;       /* --log, NULL for stderr */
        enum bw_log_format log_format;
        bool debug;
        bool systemd_cgroup;
        const char *rootless;       /* runc's --rootless true|false|auto */
        const char *profile;        /* --profile, NULL: policy file or default */
        const char *policy_mode;    /* --policy-mode, NULL: policy file or default */
        const char *policy_file;    /* --policy, NULL: /etc/bulwark/policy.json */
};

/* A command returns its exit status (>= 0), or a negative code with *err
 * filled; main prints the error and exits with err->status. argv[0] is the
 * command's name, so getopt_long works as usual. */
typedef int (*bw_command_fn)(struct bw_globals *g, int argc, char **argv, struct bw_error **err);

struct bw_command {
        const char *name;
        bw_command_fn fn;
        const char *summary;
        const char *usage;          /* printed for CMD --help and usage errors */
        bool state;                 /* uses the state root (--root) */
};

/* Look a command up in main's table (used by `help CMD`). */
const struct bw_command *bw_command_find(const char *name);

/* Print a command's usage to stdout (--help). */
void bw_print_usage(const struct bw_command *c);

/* Shared by commands: "--help" anywhere before "--" asks for usage. */
bool bw_wants_help(int argc, char **argv);

/* Resets getopt for a command's own parsing (getopt state is global). */
void bw_getopt_reset(void);

/* Error for an option getopt rejected, naming it and the usage line. */
int bw_error_bad_option(struct bw_error **err, const struct bw_command *c, int argc, char **argv);

#define BW_COMMAND(n) int cmd_##n(struct bw_globals *g, int argc, char **argv, struct bw_error **err)
