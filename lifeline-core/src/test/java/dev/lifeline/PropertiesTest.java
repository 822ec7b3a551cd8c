package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Oracle.Opening;
import dev.lifeline.Oracle.Verdict;
import dev.lifeline.Plan.Kind;
import dev.lifeline.World.Holder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property-based tests over generated paths and file kinds (see {@link Plan} for the generators,
 * {@link World} for how each is made real in a fresh directory, {@link Oracle} for what the
 * Javadoc promises of each). For every input:
 * <ul>
 * <li>every verdict is one of the documented states, exactly the one the documentation gives for
 *     what is really at the path;
 * <li>no call changes a byte on disk that is not lifeline's own FIFO: the whole directory
 *     the tests own, the try's and those around it, is snapshotted before and after ({@link Tree});
 * <li>nothing blocks: each call runs on another thread and must return within {@link #BOUND};
 * <li>nothing leaks: the process's descriptors, by number and target, are the same after as
 *     before.
 * </ul>
 *
 * <p>The inputs are random, from a seed printed with each property's statistics (in
 * {@code target/surefire-reports/dev.lifeline.PropertiesTest-output.txt}) and in every failure,
 * together with the command that runs the failed try again. More tries, for a longer hunt:
 * {@code mvn -pl lifeline-core verify -Dtest=PropertiesTest -Dlifeline.properties.tries=20000};
 * a chosen run: {@code -Dlifeline.properties.seed=N} (see {@link Trials}).
 *
 * <p>Not jqwik: from version 1.10 its authors ask that it not be used by AI coding agents, and
 * these tests were written by one; the small runner in {@link Trials} does the generation and
 * reporting that is needed here.
 */
class PropertiesTest {
    /** How long any one call may take before it counts as blocked: generous, for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(5);
    static final int CHECK_TRIES = 1000;
    static final int BEACON_TRIES = 1000;

    /** Where the tries live: on disk (java.io.tmpdir), and on tmpfs, as /run usually is. */
    private static Path base;
    private static Path shm;
    private static ExecutorService caller;

    @BeforeAll
    static void setUp() throws Exception {
        base = Files.createTempDirectory("lifeline-properties").toRealPath();
        Path devShm = Path.of("/dev/shm");
        shm = Files.isDirectory(devShm) && Files.isWritable(devShm)
                ? Files.createTempDirectory(devShm, "lifeline-properties").toRealPath()
                : base; // no tmpfs at hand: every try on disk, as the line printed below says
        caller = newCaller();
        // First uses link native handles and start lifeline's waiting threads: done here, once,
        // so that no try counts them as descriptors left behind.
        Path warm = base.resolve("warm-up");
        try (Beacon beacon = bounded("warm-up", () -> Beacon.open(warm))) {
            Probe probe = Probe.of(warm);
            probe.check();
            probe.holderPid();
            probe.awaitDeath(Duration.ZERO);
            probe.awaitAlive(Duration.ZERO);
            beacon.beat(Duration.ofHours(1));
            probe.check();
        }
        Probe.of(base.resolve("absent")).awaitAlive(Duration.ofMillis(1)); // a real wait: ZERO returns before one
        System.out.println("euid " + Oracle.EUID + ", file names in " + System.getProperty("sun.jnu.encoding")
                + ", tries in " + base + " (" + Files.getFileStore(base).type() + ") and " + shm + " ("
                + Files.getFileStore(shm).type() + "), run seed " + Trials.SEED);
    }

    @AfterAll
    static void tearDown() throws IOException {
        caller.shutdownNow();
        for (Path b : new java.util.LinkedHashSet<>(List.of(base, shm))) {
            try (Stream<Path> all = Files.walk(b)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Path baseFor(Plan plan) {
        return plan.tmpfs() ? shm : base;
    }

    @Test
    void everyCheckAnswersTheDocumentedVerdictAndChangesNothing() {
        Trials run = Trials.forAll("checks", CHECK_TRIES, Plan::generate, (plan, labels) -> {
            try (World w = World.build(baseFor(plan), plan)) {
                if (w.refusal != null) {
                    assertRefusedOnlyWhereUnencodable(w, labels);
                    return;
                }
                labels.label("kind " + w.placed);
                labels.label("layout " + plan.layout());
                Verdict expected = Oracle.check(w);
                labels.label("verdict " + expected.state() + (expected.fault() == null ? "" : " " + expected.fault()));
                boolean warns = Oracle.unsafePlace(w.path, true);
                Tree before = Tree.of(w.base);
                Map<Integer, String> descriptors = descriptors();

                Probe probe = bounded("Probe.of", () -> Probe.of(w.path));
                Status first = bounded("check", probe::check);
                assertStatus("check", first, expected, w.path);
                for (int i = 2; i <= 3; i++) {
                    // The same probe asked again about an unchanged world: the same answer, and
                    // for every state but UNKNOWN the very same instance (allocation-free checks).
                    Status again = bounded("check", probe::check);
                    assertStatus("check #" + i, again, expected, w.path);
                    assertThat(again).isEqualTo(first);
                }
                assertStatus("Lifeline.check", bounded("Lifeline.check", () -> Lifeline.check(w.path)), expected, w.path);
                assertThat(bounded("Lifeline.isAlive", () -> Lifeline.isAlive(w.path)))
                        .isEqualTo(expected.state() == Status.State.ALIVE);
                if (plan.waits()) {
                    // A wait with no time to wait is a check: "returns at once with the current
                    // status" / "on timeout, the status of a fresh check".
                    assertStatus("awaitDeath(0)", bounded("awaitDeath", () -> probe.awaitDeath(Duration.ZERO)), expected, w.path);
                    assertStatus("awaitAlive(0)", bounded("awaitAlive", () -> probe.awaitAlive(Duration.ZERO)), expected, w.path);
                    labels.label("waited");
                }
                // holderPid: known for a holder made by Beacon (this process), never for a bare reader.
                OptionalLong pid = bounded("holderPid", probe::holderPid);
                if (expected.holder() != null && expected.holder().isBeacon()) {
                    assertThat(pid).as("holderPid").hasValue(ProcessHandle.current().pid());
                } else {
                    assertThat(pid).as("holderPid").isEmpty();
                }
                assertThat(probe.warnings()).as("warnings").matches(list -> list.isEmpty() != warns,
                        warns ? "some warning" : "no warning");
                if (warns) {
                    labels.label("warned");
                }

                assertNoDescriptorLeft(descriptors, "after the checks");
                assertThat(before.diff(Tree.of(w.base))).as("what the checks changed on disk").isEmpty();

                if (expected.holder() != null) {
                    assertDeathSeen(w, probe, expected.holder(), labels);
                }
            }
        });
        if (run.isFullRun(CHECK_TRIES)) {
            for (Kind k : Plan.availableKinds()) {
                assertThat(run.count("kind " + k)).as("tries with " + k + " in place").isPositive();
            }
            for (Plan.Layout l : Plan.Layout.values()) {
                assertThat(run.count("layout " + l)).as("tries with layout " + l).isPositive();
            }
            for (String v : List.of("ALIVE", "HUNG", "DEAD", "ABSENT", "UNKNOWN NOT_A_FIFO", "UNKNOWN NOT_A_DIRECTORY",
                    "UNKNOWN NAME_TOO_LONG", "UNKNOWN SYMLINK_LOOP")) {
                assertThat(run.count("verdict " + v)).as("tries with verdict " + v).isPositive();
            }
            assertThat(run.count("warned")).as("tries with a warning").isPositive();
            assertThat(run.count("death seen")).as("tries where a wait saw a holder end").isPositive();
            assertThat(run.count("waited")).as("tries with waits of no time").isPositive();
        }
    }

    @Test
    void beaconsHoldOnlyTheirOwnFifoAndChangeNothingElse() {
        Trials run = Trials.forAll("beacons", BEACON_TRIES, Plan::generate, (plan, labels) -> {
            try (World w = World.build(baseFor(plan), plan)) {
                if (w.refusal != null) {
                    assertRefusedOnlyWhereUnencodable(w, labels);
                    return;
                }
                if (plan.permissions() != null && !(plan.permissions().contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ)
                        && plan.permissions().contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE))) {
                    // "@throws IllegalArgumentException if permissions lacks OWNER_READ or OWNER_WRITE"
                    labels.label("refused permissions");
                    Tree before = Tree.of(w.base);
                    Map<Integer, String> descriptors = descriptors();
                    assertThatThrownBy(() -> Beacon.open(w.path, plan.permissions(), plan.options().toArray(BeaconOption[]::new)))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OWNER_READ and OWNER_WRITE");
                    assertNoDescriptorLeft(descriptors, "after refusing the permissions");
                    assertThat(before.diff(Tree.of(w.base))).as("what refusing the permissions changed on disk").isEmpty();
                    return;
                }
                boolean exclusive = plan.options().contains(BeaconOption.EXCLUSIVE);
                boolean keep = plan.options().contains(BeaconOption.KEEP_ON_CLOSE);
                boolean trust = plan.options().contains(BeaconOption.TRUST_DIRECTORY);
                Opening expected = Oracle.open(w, exclusive, trust);
                labels.label(expected.fault() != null ? "refused " + expected.fault()
                        : expected.created() ? "created" : expected.stale() ? "took over" : "joined");
                Tree before = Tree.of(w.base);
                Map<Integer, String> descriptors = descriptors();
                BeaconOption[] options = plan.options().toArray(BeaconOption[]::new);

                Object outcome = bounded("Beacon.open", () -> {
                    try {
                        return plan.permissions() == null ? Beacon.open(w.path, options)
                                : Beacon.open(w.path, plan.permissions(), options);
                    } catch (BeaconException e) {
                        return e;
                    }
                });
                if (expected.fault() != null) {
                    if (outcome instanceof Beacon b) {
                        b.close();
                        throw new AssertionError("expected " + expected + ", but Beacon.open held " + b);
                    }
                    BeaconException e = (BeaconException) outcome;
                    assertThat(e.fault()).as("fault of " + e.getMessage()).isEqualTo(expected.fault());
                    assertThat(e.errno()).as("errno of " + e.getMessage()).isEqualTo(java.util.Optional.ofNullable(expected.errno()));
                    assertThat(e.getFile()).isEqualTo(w.path.toString());
                    assertThat(e.getMessage()).isNotBlank();
                    assertNoDescriptorLeft(descriptors, "after a refusal");
                    assertThat(before.diff(Tree.of(w.base))).as("what the refusal changed on disk").isEmpty();
                    return;
                }
                if (outcome instanceof BeaconException e) {
                    throw new AssertionError("expected Beacon.open to " + expected + ", but: " + e.getMessage() + " " + e.fault(), e);
                }
                Beacon beacon = (Beacon) outcome;
                int mode = World.mode(plan.permissions() == null ? World.permissions(0600) : plan.permissions());
                Path real = w.path.toAbsolutePath().getParent().toRealPath().resolve(w.path.getFileName());
                assertThat(real.startsWith(w.dir)).as(real + " lies in " + w.dir).isTrue();
                String key = Tree.key(w.base, real);
                String parentKey = Tree.key(w.base, real.getParent());
                Tree.Entry old = before.entries().get(key);
                boolean removed;
                try {
                    assertThat(beacon.isOpen()).isTrue();
                    assertThat(beacon.path()).isEqualTo(w.path);
                    assertThat(beacon.isExclusive()).isEqualTo(exclusive);
                    assertHeldThroughOneDescriptor(descriptors, real);
                    assertOnlyChanged(before, Tree.of(w.base), key, parentKey,
                            now -> assertBeaconFifo(now, old, expected, exclusive, mode), "while held");
                    Status held = bounded("check", () -> Probe.of(w.path).check());
                    assertThat(held.state()).as("check of the held beacon")
                            .isEqualTo(expected.joined() == Holder.BEACON_HUNG ? Status.State.HUNG : Status.State.ALIVE);
                } finally {
                    bounded("close", () -> {
                        beacon.close();
                        return null;
                    });
                }
                assertThat(beacon.isOpen()).isFalse();
                bounded("close again", () -> {
                    beacon.close(); // idempotent: nothing more happens
                    return null;
                });
                // "Unless it was opened with KEEP_ON_CLOSE, the FIFO is removed first, but only by its
                // last holder"; a beacon that joined readers none of which is a lifeline holder (a
                // bare reader) is a guest and leaves their FIFO in place.
                removed = !keep && expected.joined() == null;
                labels.label(removed ? "removed on close" : "kept on close");
                assertNoDescriptorLeft(descriptors, "after close");
                Tree after = Tree.of(w.base);
                if (removed) {
                    assertOnlyChanged(before, after, key, parentKey, now -> assertThat(now).as("the FIFO after close").isNull(),
                            "after close");
                } else {
                    assertOnlyChanged(before, after, key, parentKey, now -> assertBeaconFifo(now, old, expected, exclusive, mode),
                            "after close");
                }
                Status.State left = removed ? Status.State.ABSENT
                        : expected.joined() == null ? Status.State.DEAD
                        : expected.joined() == Holder.BEACON_HUNG ? Status.State.HUNG : Status.State.ALIVE;
                assertThat(bounded("check", () -> Probe.of(w.path).check()).state()).as("check after close").isEqualTo(left);
            }
        });
        if (run.isFullRun(BEACON_TRIES)) {
            for (String outcome : List.of("created", "took over", "joined", "refused SYMLINK", "refused NOT_A_FIFO",
                    "refused HELD", "refused UNSAFE_DIRECTORY", "refused NO_SUCH_DIRECTORY", "refused NOT_A_DIRECTORY",
                    "refused NAME_TOO_LONG", "refused SYMLINK_LOOP", "removed on close", "kept on close")) {
                assertThat(run.count(outcome)).as("tries where Beacon.open " + outcome).isPositive();
            }
            if (Plan.ROOT) {
                assertThat(run.count("refused NOT_OWNER")).as("tries where Beacon.open refused NOT_OWNER").isPositive();
            }
        }
    }

    /**
     * A wait begun while the FIFO is held sees its holder end: "After a death it returns DEAD, or
     * ABSENT if the holder also removed the FIFO (a clean close)". A Beacon removes its FIFO as it
     * closes; a bare reader leaves it. The wait's own descriptors are gone by the time it answers.
     */
    private static void assertDeathSeen(World w, Probe probe, Holder holder, Trials labels) throws Exception {
        Path real = w.path.toRealPath();
        Map<Integer, String> before = descriptors();
        CompletableFuture<Status> death = bounded("onDeath", probe::onDeath);
        w.endHolder(World.Inode.of(Sys.stat(real, false)));
        Status after;
        try {
            after = death.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            death.cancel(true);
            throw new AssertionError("onDeath did not see the " + holder + " end within " + BOUND, e);
        }
        assertThat(after.state()).as("onDeath after the " + holder + " ended: " + after)
                .isEqualTo(holder.isBeacon() ? Status.State.ABSENT : Status.State.DEAD);
        Map<Integer, String> now = descriptors();
        for (int i = 0; i < 200 && now.size() != before.size() - 1; i++) {
            Thread.onSpinWait();
            now = descriptors();
        }
        Map<Integer, String> gone = new TreeMap<>(before);
        gone.entrySet().removeAll(now.entrySet());
        assertThat(gone.values()).as("descriptors gone with the holder; now " + now).containsExactly(real.toString());
        assertThat(before.entrySet()).as("descriptors after onDeath answered").containsAll(now.entrySet());
        labels.label("death seen");
    }

    @Test
    void namesNoFileCanHaveNeverReachTheKernel() throws Exception {
        // A NUL anywhere: the default file system refuses the name before lifeline could see it.
        Trials.forAll("NUL in a name", 200, (r, i) -> {
            String s = Plan.unicode(r, r.nextInt(8));
            int at = r.nextInt(s.length() + 1);
            return s.substring(0, at) + "\0" + s.substring(at);
        }, (name, labels) -> assertThatThrownBy(() -> base.resolve(name)).isInstanceOf(InvalidPathException.class));

        // "@throws IllegalArgumentException if the path is empty".
        Path empty = Path.of("");
        assertThatThrownBy(() -> Probe.of(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Lifeline.check(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Beacon.open(empty)).isInstanceOf(IllegalArgumentException.class);

        // "@throws ProviderMismatchException if the path is not of the default file system".
        Path zip = base.resolve("other.zip");
        try (FileSystem other = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            Path foreign = other.getPath("/beacon");
            assertThatThrownBy(() -> Probe.of(foreign)).isInstanceOf(ProviderMismatchException.class);
            assertThatThrownBy(() -> Beacon.open(foreign)).isInstanceOf(ProviderMismatchException.class);
        }
        Files.delete(zip);
    }

    /**
     * Names of any bytes are checked as exactly those bytes and shown escaped ({@link RawNames}),
     * in this JVM and in child JVMs under the C locale (file names decoded as ASCII) and under
     * C.UTF-8: a FIFO Java lists is never ABSENT because Java could not decode its name.
     */
    @Test
    void namesOfAnyBytesAreCheckedExactlyUnderEveryLocale() throws Exception {
        int tries = 60;
        Trials here = RawNames.run(base, tries);
        if (here.isFullRun(tries)) {
            assertThat(here.count("invalid UTF-8")).isPositive();
            assertThat(here.count("valid UTF-8")).isPositive();
            for (RawNames.Kind kind : RawNames.Kind.values()) {
                assertThat(here.count(kind.toString())).as(kind.toString()).isPositive();
            }
        }
        for (Map.Entry<String, String> locale : Map.of("C", "ANSI_X3.4-1968", "C.UTF-8", "UTF-8").entrySet()) {
            List<String> command = new ArrayList<>(List.of(Processes.javaBinary(), "--enable-native-access=ALL-UNNAMED"));
            command.addAll(dev.lifeline.testkit.Running.backend());
            command.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Dlifeline.properties.seed=" + Trials.SEED,
                    "-cp", System.getProperty("java.class.path"), RawNames.class.getName(),
                    base.toString(), Integer.toString(tries), locale.getValue()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().remove("LANG");
            pb.environment().remove("LC_CTYPE");
            pb.environment().put("LC_ALL", locale.getKey());
            Process child = pb.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            System.out.print("LC_ALL=" + locale.getKey() + ": " + output);
            assertThat(child.exitValue()).as("LC_ALL=" + locale.getKey() + ":\n" + output).isZero();
            assertThat(output).contains("names of any bytes under " + locale.getValue());
        }
    }

    // -- Assertions --

    /** Everything the Javadoc of Status says of one answer, against the verdict expected. */
    private static void assertStatus(String call, Status s, Verdict expected, Path path) {
        String as = call + " -> " + s + ", expected " + expected;
        assertThat(s.state()).as(as).isEqualTo(expected.state());
        assertThat(s.path()).as(as).isEqualTo(path);
        assertThat(s.isAlive()).as(as).isEqualTo(expected.state() == Status.State.ALIVE);
        assertThat(s.reason()).as(as).isNotBlank();
        assertThat(s.toString()).as(as).startsWith(expected.state()
                + (expected.state() == Status.State.UNKNOWN ? " " + expected.fault() : "") + " " + Names.printable(path));
        RawNames.assertPrintable(s.toString(), java.nio.charset.StandardCharsets.UTF_8);
        if (expected.state() == Status.State.UNKNOWN) {
            assertThat(s.fault()).as(as).contains(expected.fault());
            assertThat(s.errno()).as(as).isEqualTo(java.util.Optional.ofNullable(expected.errno()));
        } else {
            assertThat(s.fault()).as(as).isEmpty();
            assertThat(s.errno()).as(as).isEmpty();
        }
        // Times "for a beacon whose holder beats"; a HUNG one's deadline has passed.
        boolean beats = expected.holder() == Holder.BEACON_BEATING || expected.holder() == Holder.BEACON_HUNG;
        assertThat(s.lastBeat().isPresent()).as(as + ": last beat").isEqualTo(beats);
        assertThat(s.deadline().isPresent()).as(as + ": deadline").isEqualTo(beats);
        if (expected.state() == Status.State.HUNG) {
            assertThat(s.deadline().orElseThrow()).as(as).isBefore(Instant.now());
        }
        if (expected.holder() == Holder.BEACON_BEATING) {
            assertThat(s.deadline().orElseThrow()).as(as).isAfter(Instant.now());
        }
    }

    /** The FIFO at the beacon's path while held, or kept after close. */
    private static void assertBeaconFifo(Tree.Entry now, Tree.Entry old, Opening expected, boolean exclusive, int mode) {
        assertThat(now).as("the beacon's FIFO").isNotNull();
        assertThat(now.type()).as("type of " + now).isEqualTo(Sys.S_IFIFO);
        assertThat(now.uid()).as("owner of " + now).isEqualTo(Oracle.EUID);
        if (expected.created()) {
            assertThat(old).as("what was there before").isNull();
            // "creating the FIFO with mode 0600 if there is none" / "with the permissions a new FIFO gets"
            assertThat(now.mode() & 07777).as("mode of the new FIFO").isEqualTo(mode);
            return;
        }
        assertThat(now.ino()).as("the FIFO taken over is the one that was there").isEqualTo(old.ino());
        // "A FIFO taken over keeps its permissions unless this beacon ... holds it exclusively".
        assertThat(now.mode() & 07777).as("mode of the FIFO taken over").isEqualTo(exclusive ? mode : old.mode() & 07777);
        if (!expected.stale() && now.mode() == old.mode()) {
            // A FIFO someone holds is joined as it is: not even its times move.
            assertThat(now).as("the FIFO joined").isEqualTo(old);
        }
    }

    private static void assertOnlyChanged(Tree before, Tree after, String key, String parentKey,
            java.util.function.Consumer<Tree.Entry> rule, String when) {
        String diff = before.diff(after);
        for (String k : union(before, after)) {
            Tree.Entry then = before.entries().get(k);
            Tree.Entry now = after.entries().get(k);
            if (k.equals(key)) {
                rule.accept(now);
            } else if (k.equals(parentKey)) {
                // The directory gains or loses the beacon's entry: its times and size move, no more.
                assertThat(now != null && then != null && now.sameButTimesAndSize(then))
                        .as(when + ", the beacon's directory changed beyond its times:" + diff).isTrue();
            } else {
                assertThat(now).as(when + ", " + Plan.escape(k) + " changed:" + diff).isEqualTo(then);
            }
        }
    }

    private static java.util.Set<String> union(Tree a, Tree b) {
        java.util.Set<String> keys = new java.util.TreeSet<>(a.entries().keySet());
        keys.addAll(b.entries().keySet());
        return keys;
    }

    /** Java refuses a name only where its file name charset cannot encode it; never under UTF-8. */
    private static void assertRefusedOnlyWhereUnencodable(World w, Trials labels) {
        Charset jnu = Charset.forName(System.getProperty("sun.jnu.encoding"));
        assertThat(jnu).as("refused " + w.refusal.getMessage()).isNotEqualTo(StandardCharsets.UTF_8);
        labels.label("refused by java.nio");
    }

    // -- Descriptors --

    /** This process's descriptors: number and what each refers to. */
    static Map<Integer, String> descriptors() {
        Map<Integer, String> fds = new TreeMap<>();
        Path self = Path.of("/proc/self/fd");
        try (DirectoryStream<Path> list = Files.newDirectoryStream(self)) {
            for (Path p : list) {
                try {
                    // A FIFO removed while a descriptor stays open on it reads "... (deleted)": the
                    // same descriptor on the same file, as far as a leak is concerned.
                    fds.put(Integer.parseInt(p.getFileName().toString()),
                            Files.readSymbolicLink(p).toString().replaceFirst(" \\(deleted\\)$", ""));
                } catch (NoSuchFileException closedMeanwhile) {
                    // the listing's own descriptor, or one another thread just closed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The listing's own descriptor is open while it is read: not one of ours.
        fds.values().removeIf(target -> target.startsWith("/proc/") && target.endsWith("/fd"));
        fds.values().removeIf(Processes::isTheJvmsOwn);
        return fds;
    }

    /**
     * The same descriptors as {@code before}. Other threads of the JVM may open and close files
     * meanwhile, so a difference is looked at again a number of times; a leak stays.
     */
    private static void assertNoDescriptorLeft(Map<Integer, String> before, String when) {
        Map<Integer, String> now = descriptors();
        for (int i = 0; i < 200 && !now.equals(before); i++) {
            Thread.onSpinWait();
            now = descriptors();
        }
        Map<Integer, String> added = new TreeMap<>(now);
        added.entrySet().removeAll(before.entrySet());
        Map<Integer, String> gone = new TreeMap<>(before);
        gone.entrySet().removeAll(now.entrySet());
        assertThat(now).as(when + ": descriptors added " + added + ", gone " + gone).isEqualTo(before);
    }

    /**
     * A held beacon is one descriptor more, on the FIFO at its real path, opened
     * O_RDONLY|O_NONBLOCK|O_CLOEXEC: "the descriptor is close-on-exec".
     */
    private static void assertHeldThroughOneDescriptor(Map<Integer, String> before, Path real) throws IOException {
        Map<Integer, String> now = descriptors();
        Map<Integer, String> added = new TreeMap<>(now);
        added.entrySet().removeAll(before.entrySet());
        assertThat(added.values()).as("descriptors the beacon added").containsExactly(real.toString());
        int fd = added.keySet().iterator().next();
        String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow().substring(6).trim();
        int f = Integer.parseInt(flags, 8);
        assertThat(f & 3).as("access mode, flags " + flags).isEqualTo(Sys.O_RDONLY);
        assertThat(f & Sys.O_NONBLOCK).as("O_NONBLOCK, flags " + flags).isNotZero();
        assertThat(f & Sys.O_CLOEXEC).as("O_CLOEXEC, flags " + flags).isNotZero();
    }

    // -- Never blocking --

    private static ExecutorService newCaller() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "property-call");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code call} on another thread and fails if it has not returned within {@link #BOUND}. */
    static <T> T bounded(String what, Callable<T> call) throws Exception {
        var future = caller.submit(call);
        try {
            return future.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            // The blocked thread may never return: later calls get a thread of their own rather
            // than queue behind it and seem to block too.
            caller.shutdownNow();
            caller = newCaller();
            throw new AssertionError(what + " blocked: no return within " + BOUND, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw new AssertionError(what, e.getCause());
        }
    }
}
