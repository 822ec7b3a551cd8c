package dev.lifeline.bench;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a sample, in microseconds. */
final class Percentiles {
    private final long[] sorted;

    Percentiles(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    /** The p-th percentile (0 < p <= 100), nearest rank. */
    long nanos(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    int count() {
        return sorted.length;
    }

    /** "n p50 p90 p99 max", microseconds with one decimal. */
    String row() {
        return String.format(Locale.ROOT, "%d\t%.1f\t%.1f\t%.1f\t%.1f", sorted.length, nanos(50) / 1e3,
                nanos(90) / 1e3, nanos(99) / 1e3, sorted[sorted.length - 1] / 1e3);
    }
}
