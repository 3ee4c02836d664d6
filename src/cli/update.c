/* update: change a live container's limits, as runc update does: a
 * LinuxResources JSON (--resources FILE, - for stdin) and/or runc's flags,
 * which win over the file. Only what is given is written. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "oci/load.h"
#include "runtime/cgroups.h"
#include "runtime/policy_gate.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json_text.h"

enum { OPT_MEM = 256, OPT_SWAP, OPT_RESERV, OPT_PIDS, OPT_SHARES, OPT_QUOTA, OPT_PERIOD, OPT_CPUS, OPT_MEMS,
       OPT_BLKIO, OPT_KMEM, OPT_KMEM_TCP, OPT_RT_PERIOD, OPT_RT_RUNTIME };

/* runc takes sizes with units: 512k, 100m, 1g; -1 is "no limit". */
static int parse_size(const char *flag, const char *s, int64_t *out, struct bw_error **err)
{
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || errno)
                return bw_error_usage(err, "update %s: '%s' is not a size (e.g. 512m, 1g, -1)", flag, s);
        long long mul = 1;
        switch (tolower((unsigned char)*end)) {
        case 'k': mul = 1LL << 10; end++; break;
        case 'm': mul = 1LL << 20; end++; break;
        case 'g': mul = 1LL << 30; end++; break;
        case 't': mul = 1LL << 40; end++; break;
        }
        if (tolower((unsigned char)*end) == 'b')
                end++;
        if (*end || (v > 0 && v > INT64_MAX / mul))
                return bw_error_usage(err, "update %s: '%s' is not a size (e.g. 512m, 1g, -1)", flag, s);
        *out = v < 0 ? -1 : v * mul;
        return 0;
}

static int parse_int(const char *flag, const char *s, int64_t *out, struct bw_error **err)
{
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || *end || errno)
                return bw_error_usage(err, "update %s: '%s' is not a number", flag, s);
        *out = v;
        return 0;
}

/* The file is a LinuxResources object: load it through the config loader so
 * it gets the same checks and messages. */
static int load_resources(const char *file, struct oci_config **holder, struct bw_error **err)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = strcmp(file, "-") == 0 ? bw_read_fd(STDIN_FILENO, BW_READ_MAX, &text, &len)
                                       : bw_read_file(file, BW_READ_MAX, &text, &len);
        if (r < 0)
                return bw_error_set(err, r, "update --resources %s", file);
        json_error_t jerr;
        _cleanup_json_ json_t *res = json_loads(text, 0, &jerr);
        if (!json_is_object(res))
                return bw_error_msg(err, -EINVAL, "update --resources %s:%d:%d: %s", file, jerr.line, jerr.column,
                                    res ? "expected a LinuxResources object" : jerr.text);
        _cleanup_json_ json_t *wrap = json_pack("{s:s, s:{s:O}}", "ociVersion", "1.0.2", "linux", "resources", res);
        _cleanup_free_ char *wtext = wrap ? bw_json_dumps(wrap, 0) : NULL;
        if (!wtext)
                return bw_error_set(err, -ENOMEM, "update --resources %s: rewriting it as a config", file);
        r = oci_config_load_data(wtext, strlen(wtext), file, holder, err);
        return r < 0 ? bw_error_wrap(err, "update --resources %s", file) : 0;
}

BW_COMMAND(update)
{
        static const struct option opts[] = {
                { "resources", required_argument, NULL, 'r' },
                { "memory", required_argument, NULL, OPT_MEM },
                { "memory-swap", required_argument, NULL, OPT_SWAP },
                { "memory-reservation", required_argument, NULL, OPT_RESERV },
                { "kernel-memory", required_argument, NULL, OPT_KMEM },
                { "kernel-memory-tcp", required_argument, NULL, OPT_KMEM_TCP },
                { "pids-limit", required_argument, NULL, OPT_PIDS },
                { "cpu-share", required_argument, NULL, OPT_SHARES },
                { "cpu-shares", required_argument, NULL, OPT_SHARES },
                { "cpu-quota", required_argument, NULL, OPT_QUOTA },
                { "cpu-period", required_argument, NULL, OPT_PERIOD },
                { "cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD },
                { "cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME },
                { "cpuset-cpus", required_argument, NULL, OPT_CPUS },
                { "cpuset-mems", required_argument, NULL, OPT_MEMS },
                { "blkio-weight", required_argument, NULL, OPT_BLKIO },
                {},
        };
        const char *file = NULL;
        struct oci_resources flags = { 0 };
        const char *cpus = NULL, *mems = NULL;
        int c;
        int64_t v;
        while ((c = getopt_long(argc, argv, "r:", opts, NULL)) != -1) {
                const char *flag = optind > 0 ? argv[optind - 1] : "";
                int r = 0;
                switch (c) {
                case 'r': file = optarg; break;
                case OPT_MEM: r = parse_size(flag, optarg, &v, err); flags.memory.limit = (oci_opt_i64){ true, v }; break;
                case OPT_SWAP: r = parse_size(flag, optarg, &v, err); flags.memory.swap = (oci_opt_i64){ true, v }; break;
                case OPT_RESERV: r = parse_size(flag, optarg, &v, err); flags.memory.reservation = (oci_opt_i64){ true, v }; break;
                case OPT_KMEM: r = parse_size(flag, optarg, &v, err); flags.memory.kernel = (oci_opt_i64){ true, v }; break;
                case OPT_KMEM_TCP: r = parse_size(flag, optarg, &v, err); flags.memory.kernel_tcp = (oci_opt_i64){ true, v }; break;
                case OPT_PIDS: r = parse_int(flag, optarg, &v, err); flags.pids.limit = (oci_opt_i64){ true, v }; flags.pids.present = true; break;
                case OPT_SHARES: r = parse_int(flag, optarg, &v, err); flags.cpu.shares = (oci_opt_u64){ true, (uint64_t)v }; break;
                case OPT_QUOTA: r = parse_int(flag, optarg, &v, err); flags.cpu.quota = (oci_opt_i64){ true, v }; break;
                case OPT_PERIOD: r = parse_int(flag, optarg, &v, err); flags.cpu.period = (oci_opt_u64){ true, (uint64_t)v }; break;
                case OPT_RT_PERIOD: r = parse_int(flag, optarg, &v, err); flags.cpu.realtime_period = (oci_opt_u64){ true, (uint64_t)v }; break;
                case OPT_RT_RUNTIME: r = parse_int(flag, optarg, &v, err); flags.cpu.realtime_runtime = (oci_opt_i64){ true, v }; break;
                case OPT_CPUS: cpus = optarg; break;
                case OPT_MEMS: mems = optarg; break;
                case OPT_BLKIO:
                        r = parse_int(flag, optarg, &v, err);
                        if (r == 0 && (v < 10 || v > 1000))
                                r = bw_error_usage(err, "update --blkio-weight: %s is outside 10..1000", optarg);
                        flags.block_io.weight = (oci_opt_u32){ true, (uint32_t)v };
                        flags.block_io.present = true;
                        break;
                default: return bw_error_bad_option(err, bw_command_find("update"), argc, argv);
                }
                if (r < 0)
                        return r;
        }
        if (optind != argc - 1)
                return bw_error_usage(err, "update needs exactly one container id; usage: bulwark %s",
                                      bw_command_find("update")->usage);
        _cleanup_config_ struct oci_config *holder = NULL;
        if (file && load_resources(file, &holder, err) < 0)
                return -1;
        struct oci_resources *res = holder && holder->linux ? &holder->linux->resources : &flags;
        /* Flags win over the file. */
        if (res != &flags) {
                if (flags.memory.limit.set) res->memory.limit = flags.memory.limit;
                if (flags.memory.swap.set) res->memory.swap = flags.memory.swap;
                if (flags.memory.reservation.set) res->memory.reservation = flags.memory.reservation;
                if (flags.memory.kernel.set) res->memory.kernel = flags.memory.kernel;
                if (flags.memory.kernel_tcp.set) res->memory.kernel_tcp = flags.memory.kernel_tcp;
                if (flags.pids.present) res->pids = flags.pids;
                if (flags.cpu.shares.set) res->cpu.shares = flags.cpu.shares;
                if (flags.cpu.quota.set) res->cpu.quota = flags.cpu.quota;
                if (flags.cpu.period.set) res->cpu.period = flags.cpu.period;
                if (flags.cpu.realtime_period.set) res->cpu.realtime_period = flags.cpu.realtime_period;
                if (flags.cpu.realtime_runtime.set) res->cpu.realtime_runtime = flags.cpu.realtime_runtime;
                if (flags.block_io.present) res->block_io.weight = flags.block_io.weight, res->block_io.present = true;
        }
        res->present = true;
        res->memory.present |= res->memory.limit.set || res->memory.swap.set || res->memory.reservation.set ||
                               res->memory.kernel.set || res->memory.kernel_tcp.set;
        res->cpu.present |= res->cpu.shares.set || res->cpu.quota.set || res->cpu.period.set || cpus || mems ||
                            res->cpu.realtime_period.set || res->cpu.realtime_runtime.set;
        /* Borrowed strings: detach them before the holder frees its own. */
        char *old_cpus = res->cpu.cpus, *old_mems = res->cpu.mems;
        if (cpus)
                res->cpu.cpus = (char *)cpus;
        if (mems)
                res->cpu.mems = (char *)mems;
        /* Every door goes through the policy: judged before anything is written. */
        int r = bw_policy_gate_update(g->root, argv[optind], res, err);
        if (r == 0)
                r = bw_container_update(g->root, argv[optind], res, err);
        if (cpus)
                res->cpu.cpus = old_cpus;
        if (mems)
                res->cpu.mems = old_mems;
        return r < 0 ? r : 0;
}
