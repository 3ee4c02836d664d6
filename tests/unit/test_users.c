#include <errno.h>

#include "tap.h"
#include "util/users.h"

int main(void)
{
        /* Host users, as list, setup and the rootless path look them up. */
        char name[64];
        uid_t uid = 12345;
        tap_is_int(bw_user_name(0, name, sizeof(name)), 0, "uid 0 has a name");
        tap_is_str(name, "root", "and it is root");
        tap_is_int(bw_user_uid("root", &uid), 0, "root is found by name");
        tap_is_int((int)uid, 0, "with uid 0");
        tap_is_int(bw_user_uid("no-such-user-bulwark-test", &uid), -ENOENT, "an unknown name is ENOENT");
        tap_is_int(bw_user_name(4000000000u, name, sizeof(name)), -ENOENT, "an unknown uid is ENOENT");
        return tap_done();
}
