/* events: runc's JSON lines. --stats prints one "stats" event and exits;
 * otherwise a "stats" event every --interval (default 5s) and an "oom"
 * event whenever the memory controller killed something, until the
 * container stops. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "runtime/cgroups.h"
#include "util/cleanup.h"
#include "util/json_text.h"

/* Go durations as runc takes them: 5s, 100ms, 1m30s, 1h. */
static int parse_duration(const char *s, long long *ms)
{
        long long total = 0;
        const char *p = s;
        if (!*p)
                return -EINVAL;
        while (*p) {
                char *end;
                double v = strtod(p, &end);
                if (end == p)
                        return -EINVAL;
                double unit;
                if (strncmp(end, "ms", 2) == 0) unit = 1, end += 2;
                else if (strncmp(end, "us", 2) == 0) unit = 0.001, end += 2;
                else if (strncmp(end, "ns", 2) == 0) unit = 0.000001, end += 2;
                else if (*end == 's') unit = 1000, end++;
                else if (*end == 'm') unit = 60000, end++;
                else if (*end == 'h') unit = 3600000, end++;
                else return -EINVAL;
                total += (long long)(v * unit);
                p = end;
        }
        *ms = total;
        return total > 0 ? 0 : -EINVAL;
}

static json_t *stats_json(const struct bw_cg_stats *st)
{
        json_t *data = json_object();
        if (st->cpu.present)
                json_object_set_new(data, "cpu", json_pack("{s:{s:I, s:I, s:I, s:[]}, s:{s:I, s:I, s:I}}",
                        "usage", "total", (json_int_t)st->cpu.usage_ns, "kernel", (json_int_t)st->cpu.system_ns,
                        "user", (json_int_t)st->cpu.user_ns, "percpu",
                        "throttling", "periods", (json_int_t)st->cpu.nr_periods, "throttledPeriods",
                        (json_int_t)st->cpu.nr_throttled, "throttledTime", (json_int_t)st->cpu.throttled_ns));
        if (st->memory.present)
                json_object_set_new(data, "memory", json_pack("{s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I}, s:I, s:b}",
                        "usage", "limit", (json_int_t)st->memory.limit, "usage", (json_int_t)st->memory.usage,
                        "max", (json_int_t)st->memory.max_usage, "failcnt", (json_int_t)st->memory.failcnt,
                        "swap", "limit", (json_int_t)st->memory.swap_limit, "usage",
                        (json_int_t)st->memory.swap_usage, "failcnt", (json_int_t)st->memory.swap_failcnt,
                        "oomKills", (json_int_t)st->memory.oom_kills, "underOom", st->memory.under_oom));
        if (st->pids.present) {
                json_t *p = json_pack("{s:I}", "current", (json_int_t)st->pids.current);
                if (st->pids.limit != BW_CG_UNLIMITED)
                        json_object_set_new(p, "limit", json_integer((json_int_t)st->pids.limit));
                json_object_set_new(data, "pids", p);
        }
        return data;
}

static void emit(const char *type, const char *id, json_t *data)
{
        _cleanup_json_ json_t *ev = json_pack("{s:s, s:s}", "type", type, "id", id);
        if (data)
                json_object_set_new(ev, "data", data);
        _cleanup_free_ char *line = ev ? bw_json_dumps(ev, JSON_COMPACT) : NULL;
        if (line) {
                puts(line);
                fflush(stdout);
        }
}

BW_COMMAND(events)
{
        static const struct option opts[] = {
                { "stats", no_argument, NULL, 's' },
                { "interval", required_argument, NULL, 'i' },
                {},
        };
        bool once = false;
        long long interval_ms = 5000;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (c == 's')
                        once = true;
                else if (c == 'i' && parse_duration(optarg, &interval_ms) < 0)
                        return bw_error_usage(err, "events --interval: '%s' is not a duration (e.g. 5s, 500ms)", optarg);
                else if (c != 'i')
                        return bw_error_bad_option(err, bw_command_find("events"), argc, argv);
        }
        if (optind != argc - 1)
                return bw_error_usage(err, "events needs exactly one container id; usage: bulwark %s",
                                      bw_command_find("events")->usage);
        const char *id = argv[optind];
        uint64_t ooms = 0;
        for (bool first = true;; first = false) {
                struct bw_cg_stats st = { 0 };
                bool running;
                if (bw_container_stats(g->root, id, &st, &running, err) < 0)
                        return -1;
                if (!running) {
                        if (once)
                                return bw_error_msg(err, -ESRCH, "container %s is not running", id);
                        return 0;
                }
                if (!first && st.memory.oom_kills > ooms)
                        emit("oom", id, NULL);
                ooms = st.memory.oom_kills;
                emit("stats", id, stats_json(&st));
                if (once)
                        return 0;
                struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
                while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                        ;
        }
}
