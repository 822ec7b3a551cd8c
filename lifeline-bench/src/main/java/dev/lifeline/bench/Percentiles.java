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

    long min() {
        return sorted[0];
    }

    long max() {
        return sorted[sorted.length - 1];
    }

    /** How many of the sample are below {@code limit}. */
    int below(long limit) {
        int n = 0;
        for (long v : sorted) {
            if (v < limit) {
                n++;
            }
        }
        return n;
    }

    /**
     * The p-th percentile in microseconds with one decimal, or "-" where the sample is too small
     * for it to be anything but the maximum (p99.9 needs 1,000 samples, p99 100).
     */
    String micros(double p) {
        if (p < 100 && sorted.length < Math.round(100 / (100 - p))) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f", nanos(p) / 1e3);
    }

    /** "n p50 p90 p99 max", microseconds with one decimal. */
    String row() {
        return String.format(Locale.ROOT, "%d\t%.1f\t%.1f\t%.1f\t%.1f", sorted.length, nanos(50) / 1e3,
                nanos(90) / 1e3, nanos(99) / 1e3, sorted[sorted.length - 1] / 1e3);
    }
}
