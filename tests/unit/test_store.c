/* The state store: id rules, create/open/lock, state round trip, removal. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/store.h"
#include "tap.h"
#include "util/cleanup.h"
#include "util/signals.h"
#include "util/strv.h"

static int valid(const char *id)
{
        struct bw_error *err = NULL;
        int r = bw_store_validate_id(id, &err);
        if (r < 0 && (!err || err->status != BW_EXIT_USAGE))
                r = -999;
        bw_error_free(err);
        return r == 0;
}

int main(void)
{
        tap_ok(valid("abc"), "plain id");
        tap_ok(valid("a.b_c+d-E9"), "runc's charset");
        tap_ok(!valid(""), "empty");
        tap_ok(!valid("."), ".");
        tap_ok(!valid(".."), "..");
        tap_ok(!valid("a/b"), "slash");
        tap_ok(!valid("../x"), "traversal");
        tap_ok(!valid("a b"), "space");
        tap_ok(!valid("a\nb"), "newline");
        char long_id[1026];
        memset(long_id, 'x', 1025);
        long_id[1025] = '\0';
        tap_ok(!valid(long_id), "1025 bytes");
        long_id[1024] = '\0';
        tap_ok(valid(long_id), "1024 bytes");

        char root[] = "/tmp/bw-store-test.XXXXXX";
        tap_ok(mkdtemp(root) != NULL, "temp root");
        char sub[64];
        snprintf(sub, sizeof(sub), "%s/state", root);
        struct bw_error *err = NULL;
        struct bw_store_entry e = { .dir_fd = -1 };
        tap_is_int(bw_store_create(sub, "c1", &e, &err), 0, "create makes root and the container's directory");
        struct bw_store_entry e2 = { .dir_fd = -1 };
        tap_ok(bw_store_create(sub, "c1", &e2, &err) == -EEXIST, "a second create of the id fails with EEXIST");
        tap_ok(err && strstr(err->msg, "already exists"), "and says so");
        bw_error_free(err);
        err = NULL;

        /* The lock is held: a non-blocking flock from another fd fails. */
        char path[128];
        snprintf(path, sizeof(path), "%s/c1", sub);
        int other = open(path, O_RDONLY | O_DIRECTORY);
        tap_ok(flock(other, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK, "the entry is locked");
        close(other);

        struct bw_state s = { .id = "c1", .bundle = "/b", .rootfs = "/b/rootfs", .pid = 4242,
                              .start_time = 123456789, .created = "2026-01-01T00:00:00Z", .own_pid_ns = true };
        s.annotations = json_pack("{s:s}", "k", "v");
        tap_is_int(bw_state_write(&e, &s, &err), 0, "state write");
        json_decref(s.annotations);
        struct bw_state back;
        tap_is_int(bw_state_read(&e, &back, &err), 0, "state read");
        tap_is_str(back.id, "c1", "id round trips");
        tap_is_str(back.bundle, "/b", "bundle round trips");
        tap_is_int(back.pid, 4242, "pid round trips");
        tap_is_int((long long)back.start_time, 123456789, "start time round trips");
        tap_ok(back.own_pid_ns, "pid namespace flag round trips");
        tap_is_str(json_string_value(json_object_get(back.annotations, "k")), "v", "annotations round trip");
        /* No such process started at that time: the container is stopped. */
        tap_is_int(bw_state_status(&e, &back), BW_STATUS_STOPPED, "a dead pid means stopped");
        json_t *j = bw_state_oci_json(&back, BW_STATUS_STOPPED);
        tap_is_int(json_integer_value(json_object_get(j, "pid")), 0, "stopped state shows pid 0");
        tap_is_str(json_string_value(json_object_get(j, "status")), "stopped", "status name");
        json_decref(j);
        bw_state_clear(&back);

        /* A state at the size limit round trips; one byte over is refused
         * by the writer, so no state is written that cannot be read. */
        size_t fixed = 0;
        {
                struct bw_state t = s;
                t.annotations = json_pack("{s:s}", "x", "");
                tap_is_int(bw_state_write(&e, &t, &err), 0, "state with an empty annotation");
                json_decref(t.annotations);
                char sp[4200];
                snprintf(sp, sizeof(sp), "%s/state.json", path);
                struct stat sst;
                fixed = stat(sp, &sst) == 0 ? (size_t)sst.st_size : 0;
        }
        for (int over = 0; over <= 1; over++) {
                size_t n = BW_STATE_MAX_SIZE - fixed + (size_t)over;
                char *big = malloc(n + 1);
                memset(big, 'a', n);
                big[n] = '\0';
                struct bw_state t = s;
                t.annotations = json_pack("{s:s}", "x", big);
                free(big);
                int w = bw_state_write(&e, &t, &err);
                json_decref(t.annotations);
                if (!over) {
                        tap_is_int(w, 0, "a state of exactly BW_STATE_MAX_SIZE bytes is written");
                        struct bw_state b2;
                        tap_is_int(bw_state_read(&e, &b2, &err), 0, "and read back");
                        bw_state_clear(&b2);
                } else {
                        tap_is_int(w, -EFBIG, "one byte more is refused by the writer");
                        tap_ok(err && strstr(err->msg, "annotations are too large"), "naming the annotations");
                }
                bw_error_free(err);
                err = NULL;
        }

        char **ids = NULL;
        tap_is_int(bw_store_list(sub, &ids, &err), 0, "list");
        tap_ok(ids && ids[0] && strcmp(ids[0], "c1") == 0 && !ids[1], "list finds the one container");
        bw_strv_free(ids);

        tap_is_int(bw_store_remove(&e, &err), 0, "remove");
        struct stat st;
        tap_ok(stat(path, &st) < 0 && errno == ENOENT, "the directory is gone");
        bw_store_entry_close(&e);
        struct bw_store_entry e3 = { .dir_fd = -1 };
        tap_ok(bw_store_open(sub, "c1", &e3, &err) == -ENOENT, "open of a deleted container fails");
        bw_error_free(err);
        rmdir(sub);
        rmdir(root);

        tap_is_int(bw_signal_parse("TERM"), SIGTERM, "TERM");
        tap_is_int(bw_signal_parse("SIGKILL"), SIGKILL, "SIGKILL");
        tap_is_int(bw_signal_parse("sigusr1"), SIGUSR1, "lower case");
        tap_is_int(bw_signal_parse("9"), 9, "number");
        tap_is_int(bw_signal_parse("RTMIN+1"), SIGRTMIN + 1, "RTMIN+1");
        tap_is_int(bw_signal_parse("0"), 0, "0 asks whether the process exists");
        tap_ok(bw_signal_parse("-1") < 0, "negative numbers are not signals");
        tap_ok(bw_signal_parse("65") < 0, "65 is out of range");
        tap_ok(bw_signal_parse("NOPE") < 0, "unknown name");
        tap_ok(bw_signal_parse("") < 0, "empty");
        return tap_done();
}
