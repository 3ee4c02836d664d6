/* tiocsti: push a command line into the controlling terminal's input
 * (ioctl TIOCSTI on fd 0), as a container process would to the shell of
 * the operator who ran `bulwark run` or `bulwark exec` from a terminal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
int main(void)
{
        const char *s = "echo INJECTED-BY-CONTAINER\n";
        int n = 0;
        for (const char *p = s; *p; p++, n++)
                if (ioctl(0, TIOCSTI, p) < 0) {
                        fprintf(stderr, "TIOCSTI: %s\n", strerror(errno));
                        break;
                }
        fprintf(stderr, "pushed %d of %zu bytes\n", n, strlen(s));
        return 0;
}
