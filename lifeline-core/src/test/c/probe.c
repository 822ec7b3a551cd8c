/*
 * A checker written in C, for InteropTest: the beacon protocol's check without lifeline.
 *
 *   probe PATH   opens PATH for writing without blocking (O_WRONLY|O_NONBLOCK|O_CLOEXEC) and
 *                prints ALIVE when that succeeds (a reader holds the FIFO), DEAD for ENXIO (none
 *                does), or ERROR and the errno's number and text for anything else
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: probe PATH\n");
        return 2;
    }
    int fd = open(argv[1], O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        puts("ALIVE");
    } else if (errno == ENXIO) {
        puts("DEAD");
    } else {
        int e = errno;
        printf("ERROR %d %s\n", e, strerror(e));
    }
    return 0;
}
