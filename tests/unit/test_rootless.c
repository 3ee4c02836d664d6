/* The state root of an unprivileged caller: $XDG_RUNTIME_DIR/bulwark, and
 * the refusals when that directory is missing or not the caller's. */
#include "tap.h"

#include <sys/stat.h>
#include <unistd.h>

#include "oci/spec.h"
#include "runtime/rootless.h"
#include "util/cleanup.h"

int main(void)
{
        char dir[] = "/tmp/bw-test-rootless.XXXXXX";
        if (!mkdtemp(dir))
                return 1;
        chmod(dir, 0700);
        uid_t me = geteuid();
        char *out = NULL;
        struct bw_error *err = NULL;

        tap_is_int(bw_rootless_state_root(dir, me, &out, &err), 0, "a 0700 directory of the caller is used");
        char want[64];
        snprintf(want, sizeof(want), "%s/bulwark", dir);
        tap_is_str(out, want, "the state root is $XDG_RUNTIME_DIR/bulwark");
        free(out);

        char slash[64];
        snprintf(slash, sizeof(slash), "%s//", dir);
        tap_is_int(bw_rootless_state_root(slash, me, &out, &err), 0, "trailing slashes are accepted");
        tap_is_str(out, want, "trailing slashes are not doubled");
        free(out);

        tap_is_int(bw_rootless_state_root(NULL, 1000, &out, &err), -ENOENT, "unset: refused");
        tap_ok(err && strstr(err->msg, "XDG_RUNTIME_DIR is not set") && strstr(err->msg, "--root DIR"),
               "unset: the message names the variable and the fix");
        tap_ok(out == NULL, "unset: no root");
        bw_error_free(err), err = NULL;

        tap_is_int(bw_rootless_state_root("", 1000, &out, &err), -ENOENT, "empty: refused as unset");
        bw_error_free(err), err = NULL;

        tap_is_int(bw_rootless_state_root("run/user/1000", 1000, &out, &err), -EINVAL, "relative: refused");
        bw_error_free(err), err = NULL;

        tap_is_int(bw_rootless_state_root(dir, me + 1, &out, &err), -EPERM, "another user's directory: refused");
        tap_ok(err && strstr(err->msg, "not by you"), "another user's: the message says whose it is");
        bw_error_free(err), err = NULL;

        chmod(dir, 0777);
        tap_is_int(bw_rootless_state_root(dir, me, &out, &err), -EPERM, "a directory others may write: refused");
        tap_ok(err && strstr(err->msg, "mode 0777"), "others may write: the message gives the mode");
        bw_error_free(err), err = NULL;
        rmdir(dir);

        tap_is_int(bw_rootless_state_root(dir, me, &out, &err), -ENOENT, "a missing directory: refused");
        bw_error_free(err), err = NULL;

        struct oci_own_ids *v = NULL;
        size_t n = 0;
        tap_is_int(bw_rootless_parse_map("         0       1000          1\n         1     100000      65536\n", &v, &n), 0,
                   "uid_map: parsed");
        tap_ok(n == 2 && v[0].id == 0 && v[0].host == 1000 && v[0].count == 1 && v[1].id == 1 &&
               v[1].host == 100000 && v[1].count == 65536, "uid_map: ids, host ids and counts in order");
        free(v);
        tap_is_int(bw_rootless_parse_map("0 1000\n", &v, &n), -EINVAL, "uid_map: a short line is refused");
        tap_ok(v == NULL && n == 0, "uid_map: nothing kept from a bad map");
        return tap_done();
}
