/*
 * rounds.h: the timing scheme that fifo_loop and socket_loop share, so that their figures are
 * measured alike: a warm-up round, not reported (page cache, dentry cache, branch predictors),
 * then ROUNDS rounds of SECONDS each, the operation called in batches of 1000 between clock reads.
 * Prints "ns_per_op N" per round, then "median NS".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Returns 0, or -1 as soon as op returns 0, with errno as op left it: a fast wrong answer measures nothing. */
static int time_rounds(int rounds, double seconds, int (*op)(const char *), const char *arg) {
    double *results = calloc(rounds + 1, sizeof *results);
    if (results == NULL) return -1;
    for (int round = -1; round < rounds; round++) {
        long ops = 0;
        double start = now_ns(), end = start + seconds * 1e9, t;
        do {
            for (int i = 0; i < 1000; i++) {
                if (!op(arg)) {
                    free(results);
                    return -1;
                }
            }
            ops += 1000;
        } while ((t = now_ns()) < end);
        if (round >= 0) {
            results[round] = (t - start) / ops;
            printf("ns_per_op %.1f\n", results[round]);
        }
    }
    qsort(results, rounds, sizeof *results, compare_doubles);
    printf("median %.1f\n", results[rounds / 2]);
    free(results);
    return 0;
}
