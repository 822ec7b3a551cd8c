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
#include <time.h>
#include <unistd.h>

#define PROBE_FLAGS (O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

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

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: fifo_loop live|dead PATH ROUNDS SECONDS_PER_ROUND\n");
        return 100;
    }
    int live = strcmp(argv[1], "live") == 0;
    const char *path = argv[2];
    int rounds = atoi(argv[3]);
    double seconds = atof(argv[4]);
    double *results = calloc(rounds + 1, sizeof *results);
    /* Warm-up round, not reported: page cache, dentry cache, branch predictors. */
    for (int round = -1; round < rounds; round++) {
        long ops = 0;
        double start = now_ns(), end = start + seconds * 1e9, t;
        do {
            for (int i = 0; i < 1000; i++) {
                if (!(live ? check_live(path) : check_dead(path))) {
                    fprintf(stderr, "fifo_loop: %s check of %s gave the wrong answer (errno %d)\n",
                            argv[1], path, errno);
                    return 1;
                }
            }
            ops += 1000;
        } while ((t = now_ns()) < end);
        if (round >= 0) {
            results[round] = (t - start) / ops;
            printf("ns_per_op %.1f\n", results[round]);
        }
    }
    qsort(results, rounds, sizeof *results, cmp);
    printf("median %.1f\n", results[rounds / 2]);
    return 0;
}
