/*
 * holder: the smallest possible daemon holding a beacon: creates the FIFO at PATH if needed,
 * holds it open for reading (as lifeline's Beacon does, O_RDONLY|O_NONBLOCK|O_CLOEXEC), prints
 * "held", and sleeps until a signal ends it. With it, a death-notice measurement times the
 * notice itself, not the kernel tearing down a large process (a JVM's address space and threads).
 * Built by bench/run.sh with the machine's gcc; never shipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: holder PATH\n");
        return 100;
    }
    if (mkfifo(argv[1], 0600) < 0 && errno != EEXIST) {
        perror("holder: mkfifo");
        return 111;
    }
    if (open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW) < 0) {
        perror("holder: open");
        return 111;
    }
    printf("held\n");
    fflush(stdout);
    for (;;) {
        pause();
    }
}
