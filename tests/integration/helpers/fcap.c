/* fcap FILE: give FILE a file capability (cap_setuid, effective), the
 * way a setcap would; prints "fcap: ok" or the errno name. The tests then
 * read on the host what was stored. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

int main(int argc, char **argv)
{
        if (argc != 2)
                return 2;
        /* VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE, permitted = CAP_SETUID (7) */
        unsigned char v[20] = { 0x01, 0x00, 0x00, 0x02, 0x80, 0x00, 0x00, 0x00 };
        if (setxattr(argv[1], "security.capability", v, sizeof(v), 0) < 0)
                printf("fcap: %s\n", errno == EPERM ? "EPERM" : errno == EACCES ? "EACCES" : strerror(errno));
        else
                printf("fcap: ok\n");
        return 0;
}
