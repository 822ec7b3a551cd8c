/*
 * fifo_loop: the kernel's price for a lifeline check, with nothing on top. The same system calls
 * lifeline's Probe.check() makes, through the same C library wrappers, in a tight loop:
 *
 *   live: open(O_WRONLY|O_NONBLOCK|O_CLOEXEC|O_NOCTTY) succeeds, statx(fd, "", AT_EMPTY_PATH), close
 *   dead: open(...) fails with ENXIO, statx(path) confirms a FIFO
 *
 * Usage: fifo_loop live|dead PATH ROUNDS SECONDS_PER_ROUND
 * Prints one line per round, "ns_per_op N", then "median NS". Exits 1 if any answer is wrong: a
 * fast wrong answer measures nothing. Built by bench/run.sh with the machine's gcc; never shipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rounds.h"

#define PROBE_FLAGS (O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

static int check_live(const char *path) {
    struct statx st;
    int fd = open(path, PROBE_FLAGS);
    if (fd < 0) return 0;
    int r = statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_ATIME | STATX_MTIME, &st);
    close(fd);
    return r == 0 && S_ISFIFO(st.stx_mode);
}

static int check_dead(const char *path) {
    struct statx st;
    int fd = open(path, PROBE_FLAGS);
    if (fd >= 0) { close(fd); return 0; }
    if (errno != ENXIO) return 0;
    return statx(AT_FDCWD, path, 0, STATX_TYPE, &st) == 0 && S_ISFIFO(st.stx_mode);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: fifo_loop live|dead PATH ROUNDS SECONDS_PER_ROUND\n");
        return 100;
    }
    int live = strcmp(argv[1], "live") == 0;
    if (time_rounds(atoi(argv[3]), atof(argv[4]), live ? check_live : check_dead, argv[2]) < 0) {
        fprintf(stderr, "fifo_loop: %s check of %s gave the wrong answer (errno %d)\n", argv[1], argv[2], errno);
        return 1;
    }
    return 0;
}
