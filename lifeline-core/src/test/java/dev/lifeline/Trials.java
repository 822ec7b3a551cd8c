package dev.lifeline;

import java.security.SecureRandom;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A small property runner on JUnit Jupiter: draws inputs from seeded generators, runs a check on
 * each, and on the first failure names the run's seed, the case's own seed and the input, so the
 * very case can be run again alone. Counts labels per property, so that a test can prove its
 * generators reached every kind of input rather than trusting that they did.
 *
 * <p>System properties (Maven passes {@code -D} options on to the test JVM):
 * <ul>
 * <li>{@code lifeline.properties.seed}: the run's seed (default: a fresh random one, printed);
 * <li>{@code lifeline.properties.tries}: tries per property, instead of each property's default;
 * <li>{@code lifeline.properties.try}: with the seed of a failed run, run only the try that failed.
 * </ul>
 * A case is drawn from a seed made of the run's seed, the property's name and the try's number, so
 * that seed and number are all it takes to make the same input again.
 */
final class Trials {
    static final long SEED = Long.getLong("lifeline.properties.seed", new SecureRandom().nextLong());
    private static final Integer TRIES = Integer.getInteger("lifeline.properties.tries");
    private static final Integer ONLY = Integer.getInteger("lifeline.properties.try");

    interface Generator<C> {
        /** The input for try {@code index} (from 0), drawn from {@code random} alone. */
        C generate(SplittableRandom random, int index);
    }

    interface Check<C> {
        void check(C input, Trials labels) throws Exception;
    }

    private final Map<String, Integer> labels = new TreeMap<>();
    private final int tries;

    private Trials(int tries) {
        this.tries = tries;
    }

    /** Counts one occurrence of {@code label} in this run of the property. */
    void label(String label) {
        labels.merge(label, 1, Integer::sum);
    }

    int count(String label) {
        return labels.getOrDefault(label, 0);
    }

    /** Whether this run drew enough cases for its coverage to be judged (not a rerun of one case). */
    boolean isFullRun(int defaultTries) {
        return ONLY == null && tries >= defaultTries;
    }

    /**
     * Runs {@code check} on {@code defaultTries} inputs (or as the system properties say) drawn by
     * {@code generator}; returns the labels counted, for coverage assertions.
     */
    static <C> Trials forAll(String property, int defaultTries, Generator<C> generator, Check<C> check) {
        int tries = TRIES != null ? TRIES : defaultTries;
        Trials run = new Trials(tries);
        long started = System.nanoTime();
        for (int i = ONLY != null ? ONLY - 1 : 0; i < (ONLY != null ? ONLY : tries); i++) {
            C input = null;
            try {
                input = generator.generate(new SplittableRandom(caseSeed(property, i)), i);
                check.check(input, run);
            } catch (Throwable t) {
                throw new AssertionError(property + " falsified at try " + (i + 1) + " of " + tries + " (run seed " + SEED
                        + ")\n  input: " + input + "\n  this try alone: mvn -pl lifeline-core verify -Dtest=PropertiesTest"
                        + " -Dlifeline.properties.seed=" + SEED + " -Dlifeline.properties.try=" + (i + 1)
                        + "\n  cause: " + t, t);
            }
        }
        System.out.printf("%s: %d tries in %d ms, run seed %d%n  %s%n", property, tries,
                (System.nanoTime() - started) / 1_000_000, SEED, run.labels);
        return run;
    }

    /** Each case its own seed, from the run's seed, the property's name and the try's number. */
    private static long caseSeed(String property, int i) {
        return new SplittableRandom(SEED ^ property.hashCode() * 0x9E3779B97F4A7C15L ^ i * 0xBF58476D1CE4E5B9L).nextLong();
    }
}
