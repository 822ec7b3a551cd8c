package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The permission matrix of {@code docs/THREAT-MODEL.md}, cell by cell, with real kernel
 * identities. The table is read from the document itself, so that the document cannot claim
 * what is not tested: a changed cell, a new row or a changed shape shows up here.
 *
 * <p>The identities are numeric, set by {@code setpriv}; the kernel needs no passwd entries:
 * <ul>
 * <li>owner: uid 61001, gid 61100 ({@code mon}), no other groups: the daemon, as systemd's
 *     {@code User=}/{@code Group=} would run it. It holds every beacon itself, so the FIFOs
 *     are its own, group {@code mon}, made by lifeline as a daemon would make them;
 * <li>member of {@code mon}: uid 61002, gid 61002, supplementary group 61100;
 * <li>other user: uid 61003, gid 61003, no supplementary groups;
 * <li>root: this JVM.
 * </ul>
 * The beacons' directory belongs to the owner (mode 0755, as systemd's {@code RuntimeDirectory=}
 * makes it: the owner must be able to create the FIFO); the directories above it belong to root
 * and are searchable by all.
 *
 * <p>Needs root, to become the other users: without it this test fails, loudly, rather than skip
 * (CI runs as root).
 */
class PermissionMatrixTest {
    private static final Path DOCUMENT = Path.of("..", "docs", "THREAT-MODEL.md");
    private static final String SECTION = "## The permission matrix";
    private static final List<String> HEADER = List.of("FIFO mode", "root", "owner", "member of `mon`", "other user",
            "who can fake liveness (read)");
    private static final int OWNER_UID = 61001;
    private static final int MON_GID = 61100;
    private static final String PYTHON = "/usr/bin/python3";
    /**
     * Opens the FIFO for reading as a holder would (non-blocking, so no writer is needed), then
     * keeps it open until its standard input closes: a would-be faker of liveness. Python, not a
     * JVM: Java has no non-blocking open of a FIFO without lifeline's own code, which refuses
     * FIFOs of other users and so would prove nothing about the kernel's rules.
     */
    private static final String READER = String.join("\n",
            "import errno, os, sys",
            "try:",
            "    fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)",
            "except OSError as e:",
            "    print('refused ' + errno.errorcode[e.errno], flush=True)",
            "    sys.exit(0)",
            "print('held', flush=True)",
            "sys.stdin.read()");

    /** A checker's identity, with the column of the matrix it answers for. */
    enum Role {
        ROOT("root", List.of()),
        OWNER("owner", setpriv(OWNER_UID, MON_GID, "--clear-groups")),
        MEMBER("member of `mon`", setpriv(61002, 61002, "--groups=" + MON_GID)),
        OTHER("other user", setpriv(61003, 61003, "--clear-groups"));

        final String column;
        final List<String> wrapper;

        Role(String column, List<String> wrapper) {
            this.column = column;
            this.wrapper = wrapper;
        }

        private static List<String> setpriv(int uid, int gid, String groups) {
            return List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, groups, "--");
        }
    }

    /** What a cell of the table says: a state, with a fault for UNKNOWN. */
    record Verdict(Status.State state, Fault fault) {
        private static final Pattern CELL = Pattern.compile("([A-Z]+)(?: `([A-Z_]+)`)?");

        static Verdict parse(String cell) {
            Matcher m = CELL.matcher(cell);
            assertThat(m.matches()).as("a verdict cell of the permission matrix: '%s'", cell).isTrue();
            assertThat(Stream.of(Status.State.values()).map(Enum::name)).as("states: '%s'", cell).contains(m.group(1));
            Status.State state = Status.State.valueOf(m.group(1));
            if (m.group(2) != null) {
                assertThat(Stream.of(Fault.values()).map(Enum::name)).as("faults: '%s'", cell).contains(m.group(2));
            }
            Fault fault = m.group(2) == null ? null : Fault.valueOf(m.group(2));
            assertThat(fault != null).as("a fault exactly for UNKNOWN: '%s'", cell).isEqualTo(state == Status.State.UNKNOWN);
            return new Verdict(state, fault);
        }

        /** The paragraph under the table: DEAD instead of ALIVE, every other answer unchanged. */
        Verdict ofADeadBeacon() {
            return state == Status.State.ALIVE ? new Verdict(Status.State.DEAD, null) : this;
        }

        @Override
        public String toString() {
            return fault == null ? state.toString() : state + " " + fault;
        }
    }

    record Row(int mode, Map<Role, Verdict> checks, Set<Role> readers) {
        String name() {
            return "m" + octal(mode);
        }
    }

    @TempDir
    Path tmp;

    private Path dir;
    private String classPath;

    /** Called first by each test that runs as other users; the parser's test needs no root. */
    private void requireRootAndMakeTheLayout() throws Exception {
        assertThat(Processes.isRoot()).withFailMessage("PermissionMatrixTest needs root (CI runs as root):"
                + " only root can run checks as other users").isTrue();
        assertThat(Files.isExecutable(Path.of(PYTHON))).withFailMessage("PermissionMatrixTest needs " + PYTHON
                + " (.ci/run installs python3)").isTrue();
        // @TempDir is 0700: the other users could not even reach the beacons.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path d = tmp; d != null; d = d.getParent()) {
            int mode = (Integer) Files.getAttribute(d, "unix:mode");
            assertThat(mode & 01).as("%s must be searchable by all (mode %s)", d, octal(mode)).isNotZero();
            assertThat((Integer) Files.getAttribute(d, "unix:uid")).as("owner of %s", d).isZero();
        }
        dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProbeTest.run("chown", OWNER_UID + ":" + MON_GID, dir.toString());
        classPath = Readable.copyOfClassPath();
    }

    @Test
    void everyCellOfTheDocumentedMatrixHoldsForRealUsers() throws Exception {
        long started = System.nanoTime();
        requireRootAndMakeTheLayout();
        List<Row> rows = parseMatrix(Files.readString(DOCUMENT));
        List<Path> paths = rows.stream().map(r -> dir.resolve(r.name())).toList();
        SoftAssertions softly = new SoftAssertions();
        StringBuilder observed = new StringBuilder();

        List<String> holdArgs = new ArrayList<>(List.of("hold-modes", dir.toString()));
        rows.forEach(r -> holdArgs.add(r.name() + "=" + permissions(r.mode())));
        try (Running holder = Processes.startWrapped(Role.OWNER.wrapper, classPath,
                holdArgs.toArray(String[]::new))) {
            assertThat(holder.nextLine()).as("the owner holds every beacon").isEqualTo("held");
            for (int i = 0; i < rows.size(); i++) {
                assertHeldByTheOwner(paths.get(i), rows.get(i).mode(), holder.process());
            }

            Map<Role, List<String>> alive = checkAsEveryRole(paths);
            compare(softly, observed, "held", rows, alive, false);

            // A crash, not a close: the FIFOs stay, as a dead daemon leaves them.
            holder.kill9();
        }
        Map<Role, List<String>> dead = checkAsEveryRole(paths);
        compare(softly, observed, "dead", rows, dead, true);

        // Who can fake liveness: whoever can open the FIFO for reading, which is all a holder
        // does. Tried on the dead beacons, where a successful open visibly revives the daemon.
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Path path = paths.get(i);
            Set<Role> readers = new TreeSet<>();
            for (Role role : Role.values()) {
                if (fakeLiveness(softly, role, path)) {
                    readers.add(role);
                }
            }
            observed.append("mode ").append(octal(row.mode())).append(", who can fake liveness: ").append(readers).append('\n');
            softly.assertThat(readers).as("who can fake liveness of a %s beacon (read column)", octal(row.mode()))
                    .containsExactlyInAnyOrderElementsOf(row.readers());
        }
        System.out.println("Permission matrix, as the kernel answered (" + (System.nanoTime() - started) / 1_000_000
                + " ms):\n" + observed);
        softly.assertAll();
    }

    /**
     * The prose under the table: a member of the monitoring group can check a 0620 beacon but not
     * hold it, and trying leaves the FIFO exactly as it was.
     */
    @Test
    void aMonitoringGroupMemberCanCheckButNotHold() throws Exception {
        requireRootAndMakeTheLayout();
        List<Row> rows = parseMatrix(Files.readString(DOCUMENT));
        assertThat(rows).as("the matrix has the monitoring group's mode, 0620").anyMatch(r -> r.mode() == 0620);
        Path path = dir.resolve("monitored");
        try (Running holder = Processes.startWrapped(Role.OWNER.wrapper, classPath,
                "hold-modes", dir.toString(), "monitored=" + permissions(0620))) {
            assertThat(holder.nextLine()).isEqualTo("held");
            assertHeldByTheOwner(path, 0620, holder.process());
            Map<String, Object> before = identity(path);
            List<String> filesBefore = list(dir);

            try (Running check = Processes.startWrapped(Role.MEMBER.wrapper, classPath, "checks", path.toString());
                    Running hold = Processes.startWrapped(Role.MEMBER.wrapper, classPath, "try-hold",
                            path.toString());
                    Running trusting = Processes.startWrapped(Role.MEMBER.wrapper, classPath, "try-hold",
                            path.toString(), "TRUST_DIRECTORY")) {
                assertThat(check.nextLine()).as("the member checks").isEqualTo("ALIVE - -");
                // The directory is the owner's: the strict checks refuse it to anybody else first.
                assertThat(hold.nextLine()).as("the member holds").isEqualTo("refused UNSAFE_DIRECTORY -");
                // Told to trust the directory, lifeline still refuses a FIFO of another user
                // (and the kernel would refuse the read open anyway: the read column).
                assertThat(trusting.nextLine()).as("the member holds, trusting the directory")
                        .isEqualTo("refused NOT_OWNER -");
                for (Running child : List.of(check, hold, trusting)) {
                    assertThat(child.finish()).isZero();
                }
            }

            assertThat(identity(path)).as("the FIFO after the member's attempts").isEqualTo(before);
            assertThat(list(dir)).as("the directory after the member's attempts").isEqualTo(filesBefore);
            assertThat(Probe.of(path).holderPid()).hasValue(holder.process().pid());
            assertThat(Probe.of(path).check().state()).isEqualTo(Status.State.ALIVE);
            assertThat(holder.finish()).isZero();
        }
        assertThat(Probe.of(path).check().state()).as("the owner's close removed its beacon").isEqualTo(Status.State.ABSENT);
    }

    // -- The table --

    /** The rows of the matrix; fails unless the section and its table have the expected shape. */
    static List<Row> parseMatrix(String markdown) {
        List<String> lines = markdown.lines().toList();
        int start = lines.indexOf(SECTION);
        assertThat(start).as("docs/THREAT-MODEL.md has a section '%s'", SECTION).isNotNegative();
        List<List<String>> table = new ArrayList<>();
        boolean ended = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("|")) {
                assertThat(ended).as("one table in the section '%s'", SECTION).isFalse();
                assertThat(line).as("a table line").endsWith("|");
                table.add(Stream.of(line.substring(1, line.length() - 1).split("\\|", -1)).map(String::trim).toList());
            } else if (!table.isEmpty()) {
                ended = true;
            }
        }
        assertThat(table).as("the permission matrix: a header, a separator and rows").hasSizeGreaterThan(2);
        assertThat(table.get(0)).as("the matrix's header").isEqualTo(HEADER);
        assertThat(table.get(1)).as("the matrix's separator").allMatch(cell -> cell.matches(":?-{3,}:?"));

        Pattern modeCell = Pattern.compile("(0[0-7]{3})( \\(.*\\))?");
        List<Row> rows = new ArrayList<>();
        for (List<String> cells : table.subList(2, table.size())) {
            assertThat(cells).as("a row of the matrix").hasSize(HEADER.size());
            Matcher mode = modeCell.matcher(cells.get(0));
            assertThat(mode.matches()).as("a FIFO mode such as 0620: '%s'", cells.get(0)).isTrue();
            Map<Role, Verdict> checks = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                checks.put(role, Verdict.parse(cells.get(HEADER.indexOf(role.column))));
            }
            Set<Role> readers = new LinkedHashSet<>();
            for (String reader : cells.get(HEADER.size() - 1).split(",")) {
                readers.add(switch (reader.trim()) {
                    case "root" -> Role.ROOT;
                    case "owner" -> Role.OWNER;
                    case "`mon`", "member of `mon`" -> Role.MEMBER;
                    case "other user", "other users", "others" -> Role.OTHER;
                    default -> throw new AssertionError("an unknown reader in the matrix: '" + reader.trim() + "'");
                });
            }
            rows.add(new Row(Integer.parseInt(mode.group(1), 8), checks, readers));
        }
        assertThat(rows.stream().map(Row::mode)).as("the matrix's modes").doesNotHaveDuplicates();
        return rows;
    }

    @Test
    void theParserRefusesATableOfAnotherShape() throws IOException {
        String document = Files.readString(DOCUMENT);
        assertThat(parseMatrix(document)).isNotEmpty();
        String table = document.substring(document.indexOf(SECTION));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parseMatrix(document.replace(SECTION, "## Elsewhere")))
                .hasMessageContaining("has a section");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parseMatrix(table.replace("| other user |", "| nobody |")))
                .hasMessageContaining("header");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parseMatrix(table.replaceFirst("\\| ALIVE \\|", "| ALIVE | ALIVE |")))
                .hasMessageContaining("row of the matrix");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parseMatrix(table.replaceFirst("\\| ALIVE \\|", "| ALIVED |")))
                .hasMessageContaining("states: 'ALIVED'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parseMatrix(table.replaceFirst("owner, root", "owner, root, nobody")))
                .hasMessageContaining("unknown reader");
    }

    // -- Checks and reads as each role --

    /** Every path checked once by every role, each role in its own JVM, all at once. */
    private Map<Role, List<String>> checkAsEveryRole(List<Path> paths) throws Exception {
        List<String> args = new ArrayList<>(List.of("checks"));
        paths.forEach(p -> args.add(p.toString()));
        Map<Role, Running> checkers = new EnumMap<>(Role.class);
        try {
            for (Role role : Role.values()) {
                checkers.put(role, Processes.startWrapped(role.wrapper, classPath, args.toArray(String[]::new)));
            }
            Map<Role, List<String>> lines = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < paths.size(); i++) {
                    answers.add(checkers.get(role).nextLine());
                }
                assertThat(checkers.get(role).finish()).as("the checker as %s ends", role).isZero();
                lines.put(role, answers);
            }
            return lines;
        } finally {
            checkers.values().forEach(Running::close);
        }
    }

    private static void compare(SoftAssertions softly, StringBuilder observed, String phase, List<Row> rows,
            Map<Role, List<String>> lines, boolean dead) {
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            observed.append("mode ").append(octal(row.mode())).append(", ").append(phase).append(':');
            for (Role role : Role.values()) {
                String[] answer = lines.get(role).get(i).split(" ");
                String got = answer[1].equals("-") ? answer[0] : answer[0] + " " + answer[1];
                observed.append(" ").append(role).append('=').append(got);
                Verdict expected = dead ? row.checks().get(role).ofADeadBeacon() : row.checks().get(role);
                softly.assertThat(got).as("mode %s, beacon %s, checked as %s", octal(row.mode()), phase, role)
                        .isEqualTo(expected.toString());
                if (answer[1].equals("ACCESS_DENIED")) {
                    softly.assertThat(answer[2]).as("errno of ACCESS_DENIED").isEqualTo("EACCES");
                }
            }
            observed.append('\n');
        }
    }

    /**
     * Whether {@code role} can open the dead beacon at {@code path} for reading; if it can, its
     * open must make the beacon read ALIVE, and its end DEAD again.
     */
    private static boolean fakeLiveness(SoftAssertions softly, Role role, Path path) throws Exception {
        assertThat(Probe.of(path).check().state()).as("%s before %s tries to read it", path, role)
                .isEqualTo(Status.State.DEAD);
        List<String> command = new ArrayList<>(role.wrapper);
        command.addAll(List.of(PYTHON, "-I", "-c", READER, path.toString()));
        // The working directory of this JVM may be closed to the other users.
        try (Running reader = Running.start(new ProcessBuilder(command).directory(new File("/"))
                .redirectError(ProcessBuilder.Redirect.INHERIT), Processes.DEADLINE)) {
            String line = reader.nextLine();
            if (line == null || !line.equals("held")) {
                softly.assertThat(line).as("%s reads %s", role, path).isEqualTo("refused EACCES");
                assertThat(reader.finish()).isZero();
                return false;
            }
            softly.assertThat(Probe.of(path).check().state()).as("a dead beacon held for reading by %s", role)
                    .isEqualTo(Status.State.ALIVE);
            assertThat(reader.finish()).isZero();
            // The reader has exited, so the kernel has closed its descriptor.
            assertThat(Probe.of(path).check().state()).as("%s after %s let go", path, role)
                    .isEqualTo(Status.State.DEAD);
            return true;
        }
    }

    // -- Helpers --

    /** The FIFO has the mode asked for, belongs to owner and {@code mon}, and the owner's process holds it. */
    private static void assertHeldByTheOwner(Path path, int mode, Process holder) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int fileMode = (Integer) attributes.get("mode");
        assertThat(fileMode & 0170000).as("%s is a FIFO", path).isEqualTo(0010000);
        assertThat(octal(fileMode & 07777)).as("mode of %s", path).isEqualTo(octal(mode));
        assertThat(attributes.get("uid")).as("owner of %s", path).isEqualTo(OWNER_UID);
        assertThat(attributes.get("gid")).as("group of %s", path).isEqualTo(MON_GID);
        assertThat(Probe.of(path).holderPid()).as("holder of %s", path).hasValue(holder.pid());
        // The layout is one lifeline itself accepts: a root checker is told to refuse any warning.
        assertThat(Probe.of(path).warnings()).as("warnings for %s", path).isEmpty();
        assertThat(Files.readAllLines(Path.of("/proc", Long.toString(holder.pid()), "status")))
                .as("the holder's identity").contains("Uid:\t" + OWNER_UID + "\t" + OWNER_UID + "\t" + OWNER_UID + "\t" + OWNER_UID)
                .contains("Gid:\t" + MON_GID + "\t" + MON_GID + "\t" + MON_GID + "\t" + MON_GID);
    }

    /** Everything a refused holder could have changed about the FIFO. */
    private static Map<String, Object> identity(Path path) throws IOException {
        return Files.readAttributes(path, "unix:ino,mode,uid,gid,nlink,lastModifiedTime,lastAccessTime,ctime",
                LinkOption.NOFOLLOW_LINKS);
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** "rw--w----" for 0620: the form {@link PosixFilePermissions#fromString} reads. */
    static String permissions(int mode) {
        String all = "rwxrwxrwx";
        StringBuilder s = new StringBuilder();
        for (int bit = 0; bit < 9; bit++) {
            s.append((mode & (0400 >> bit)) != 0 ? all.charAt(bit) : '-');
        }
        return s.toString();
    }

    static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }
}
