#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
/* flip DIR A B SECONDS [USEC]: swap DIR/A and DIR/B (renameat2 RENAME_EXCHANGE) for SECONDS, USEC apart. */
int main(int argc, char **argv)
{
        if (argc != 5 && argc != 6) return 2;
        useconds_t gap = argc == 6 ? (useconds_t)atoi(argv[5]) : 0;
        int d = open(argv[1], O_PATH | O_DIRECTORY);
        if (d < 0) { perror("open"); return 1; }
        time_t end = time(NULL) + atoi(argv[4]);
        unsigned long n = 0;
        while (time(NULL) < end)
                for (int i = 0; i < (gap ? 10 : 10000); i++, n++)
                        if (renameat2(d, argv[2], d, argv[3], RENAME_EXCHANGE) < 0) { perror("renameat2"); return 1; } else if (gap) usleep(gap);
        printf("%lu swaps\n", n);
        return 0;
}
