package dev.lifeline.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The repository's Dockerfile (no container runtime runs here, so the image itself is not built by
 * any test): what it copies is what the dist build writes, the build context lets that through, the
 * layout it unpacks has the command where it links it, and its ENTRYPOINT runs lifeline.
 */
class DockerfileIT {
    private static final Path DOCKERFILE = Proc.REPO.resolve("Dockerfile");

    /** The instructions, continuation lines joined, comments and blank lines left out. */
    private static List<String> instructions() throws Exception {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (current.isEmpty() && (line.isBlank() || line.strip().startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            out.add(current.append(line).toString().strip());
            current.setLength(0);
        }
        return out;
    }

    @Test
    void copiesTheTarballTheDistBuildWrites() throws Exception {
        List<String> instructions = instructions();
        String version = instructions.stream().filter(i -> i.startsWith("ARG VERSION=")).findFirst()
                .map(i -> i.substring("ARG VERSION=".length())).orElseThrow();
        assertThat(version).as("the Dockerfile's default VERSION is the version built").isEqualTo(Proc.VERSION);
        List<String> ignore = Files.readAllLines(Proc.REPO.resolve(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        List<String> sources = new ArrayList<>();
        for (String i : instructions) {
            if (i.startsWith("COPY ") && !i.contains("--from=")) {
                String[] words = i.split("\\s+");
                for (int w = 1; w < words.length - 1; w++) {
                    sources.add(words[w].replace("${VERSION}", version));
                }
            }
        }
        assertThat(sources).as("COPY sources from the build context").isNotEmpty();
        for (String source : sources) {
            Path file = Proc.REPO.resolve(source);
            assertThat(file).as(source + ", written by the dist build").isRegularFile();
            assertThat(file.toAbsolutePath().normalize()).startsWith(Proc.DIST);
            // .dockerignore excludes everything but what a ! line lets through.
            assertThat(ignore.getFirst()).isEqualTo("*");
            assertThat(ignore.stream().filter(l -> l.startsWith("!"))
                    .anyMatch(l -> FileSystems.getDefault().getPathMatcher("glob:" + l.substring(1)).matches(Path.of(source))))
                    .as(source + " let through by .dockerignore").isTrue();
        }
    }

    @Test
    void theEntrypointIsTheCommandUnpackedFromTheTarball() throws Exception {
        List<String> instructions = instructions();
        assertThat(instructions).contains("ENTRYPOINT [\"lifeline\"]");
        assertThat(instructions.stream().filter(i -> i.startsWith("FROM ")).toList())
                .allSatisfy(i -> assertThat(i).startsWith("FROM debian:bookworm-slim"));
        // The tarball unpacks, one directory stripped, into /opt/lifeline; /usr/local/bin (on the
        // image's PATH) links lifeline to its bin/lifeline, which the tarball has.
        String unpack = instructions.stream().filter(i -> i.startsWith("RUN ") && i.contains("tar -xzf")).findFirst().orElseThrow();
        assertThat(unpack).contains("-C /opt/lifeline --strip-components=1");
        assertThat(instructions).contains("COPY --from=unpack /opt/lifeline /opt/lifeline",
                "RUN ln -s /opt/lifeline/bin/lifeline /usr/local/bin/lifeline");
        Path tarball = Proc.DIST.resolve("lifeline-" + Proc.VERSION + "-linux-x86_64.tar.gz");
        List<String> entries = Proc.ok("tar", "-tzf", tarball.toString()).lines().toList();
        Matcher first = Pattern.compile("^[^/]+/").matcher(entries.getFirst());
        assertThat(first.find()).isTrue();
        assertThat(entries).allSatisfy(e -> assertThat(e).startsWith(first.group()));
        assertThat(entries).contains(first.group() + "bin/lifeline", first.group() + "runtime/bin/java");
    }
}
