package dev.lifeline.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Fails the build when a module resolves a run-time dependency that THIRD-PARTY does not list, or
 * lists with another version. Every published module runs it in {@code verify}, through the JDK's
 * source launcher (no build of its own needed):
 *
 * <pre>java ThirdPartyCheck.java THIRD-PARTY MODULE DEPENDENCY-LIST</pre>
 *
 * DEPENDENCY-LIST is what maven-dependency-plugin's {@code list} goal wrote for MODULE. Exit
 * status 0 when every dependency is listed with its version; 1 when some are not, one line each
 * on standard error; 2 when a file is missing or cannot be read as expected.
 */
public final class ThirdPartyCheck {

    /** A THIRD-PARTY entry: {@code groupId:artifactId:version}, then the licence. */
    private static final Pattern COORDINATES = Pattern.compile("[\\w.-]+:[\\w.-]+:[^:\\s]+");

    /** What {@code dependency:list} writes before the first dependency, and for none. */
    private static final Set<String> LIST_BOILERPLATE = Set.of("The following files have been resolved:", "none");

    private ThirdPartyCheck() {}

    /** Thrown for input that is not what the check expects; exit status 2. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    /**
     * The versions THIRD-PARTY lists, by {@code groupId:artifactId}.
     *
     * @param lines THIRD-PARTY's lines
     * @return versions by {@code groupId:artifactId}
     * @throws BadInput for an entry without a licence
     */
    static Map<String, Set<String>> listed(List<String> lines) throws BadInput {
        Map<String, Set<String>> listed = new TreeMap<>();
        for (String line : lines) {
            String[] fields = line.strip().split("\\s+", 2);
            if (!COORDINATES.matcher(fields[0]).matches()) {
                continue;
            }
            if (fields.length < 2 || fields[1].isBlank()) {
                throw new BadInput("THIRD-PARTY: " + fields[0] + " has no licence");
            }
            int last = fields[0].lastIndexOf(':');
            listed.computeIfAbsent(fields[0].substring(0, last), k -> new TreeSet<>()).add(fields[0].substring(last + 1));
        }
        return listed;
    }

    /**
     * The dependencies in a {@code dependency:list} output, as {@code groupId:artifactId:version}.
     *
     * @param lines the list's lines: {@code group:artifact:type[:classifier]:version:scope}, then
     *        perhaps {@code (optional)} and the module name
     * @return the coordinates, in the list's order
     * @throws BadInput for a line that is neither a dependency nor the list's boilerplate
     */
    static List<String> resolved(List<String> lines) throws BadInput {
        List<String> resolved = new ArrayList<>();
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.isEmpty() || LIST_BOILERPLATE.contains(stripped)) {
                continue;
            }
            String[] parts = stripped.split("\\s+", 2)[0].split(":");
            if (parts.length < 5 || parts.length > 6) {
                throw new BadInput("not a line of dependency:list: " + stripped);
            }
            resolved.add(parts[0] + ":" + parts[1] + ":" + parts[parts.length - 2]);
        }
        return resolved;
    }

    /**
     * What is wrong: one sentence per dependency of {@code module} that THIRD-PARTY lacks or
     * lists with another version.
     *
     * @param module the module's artifactId, for the messages
     * @param listed {@link #listed}
     * @param resolved {@link #resolved}
     * @return the problems, none when all is well
     */
    static List<String> problems(String module, Map<String, Set<String>> listed, List<String> resolved) {
        List<String> problems = new ArrayList<>();
        for (String coordinates : resolved) {
            int last = coordinates.lastIndexOf(':');
            Set<String> versions = listed.get(coordinates.substring(0, last));
            String version = coordinates.substring(last + 1);
            if (versions == null) {
                problems.add(module + " depends on " + coordinates + ", which THIRD-PARTY does not list:"
                        + " check that its licence is compatible with Apache-2.0, then add a line for it");
            } else if (!versions.contains(version)) {
                problems.add(module + " depends on " + coordinates + ", which THIRD-PARTY lists with version "
                        + String.join(", ", versions) + ": correct the line (and check the licence again)");
            }
        }
        return problems;
    }

    /**
     * Runs the check.
     *
     * @param args THIRD-PARTY, the module's artifactId, the module's dependency list
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: java ThirdPartyCheck.java THIRD-PARTY MODULE DEPENDENCY-LIST");
            System.exit(2);
        }
        try {
            List<String> problems = problems(args[1], listed(read(Path.of(args[0]))), resolved(read(Path.of(args[2]))));
            for (String problem : problems) {
                System.err.println("THIRD-PARTY check: " + problem);
            }
            System.exit(problems.isEmpty() ? 0 : 1);
        } catch (BadInput e) {
            System.err.println("THIRD-PARTY check: " + e.getMessage());
            System.exit(2);
        }
    }

    private static List<String> read(Path file) throws BadInput {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new BadInput("cannot read " + file + ": " + e);
        }
    }
}
