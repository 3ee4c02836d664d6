#include "util/users.h"

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/cleanup.h"

/* First entry of /etc/passwd with this uid (name NULL) or name. The file
 * itself, never NSS, in the static and the dynamic build alike: the two
 * answer the same, and glibc's NSS cannot survive a failed allocation (it
 * asserts in nss_database_reload, or crashes, found by the every-N
 * out-of-memory run). The one user bulwark makes (setup) is a line of
 * the file. */
static int find(const char *name, uid_t uid, char *out, size_t size, uid_t *uid_out)
{
        _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
        char buf[4096];
        struct passwd pw, *found = NULL;
        while (f && fgetpwent_r(f, &pw, buf, sizeof(buf), &found) == 0) {
                if (!found || (name ? strcmp(found->pw_name, name) != 0 : found->pw_uid != uid))
                        continue;
                if (out)
                        snprintf(out, size, "%s", found->pw_name);
                if (uid_out)
                        *uid_out = found->pw_uid;
                return 0;
        }
        return -ENOENT;
}

int bw_user_name(uid_t uid, char *name, size_t size)
{
        return find(NULL, uid, name, size, NULL);
}

int bw_user_uid(const char *name, uid_t *uid)
{
        return find(name, 0, NULL, 0, uid);
}
