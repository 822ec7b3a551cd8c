package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the README compiles and runs as shown. The snippets are one story, so they
 * become, in order, the body of one method, with the imports a reader would add ({@code dev.lifeline.*},
 * {@link Path}, {@link java.time.Duration}, {@link java.util.concurrent.atomic.AtomicLong}). One thing
 * is changed: the beacon path {@code /run/lifeline/worker} becomes one in a temporary directory, so
 * that the test needs no system directory.
 */
class ReadmeTest {
    private static final Path README = Path.of("..", "README.md");
    private static final String SHOWN_PATH = "/run/lifeline/worker";

    @TempDir
    Path dir;

    @Test
    void everySnippetCompilesAndRunsAsShown() throws Exception {
        List<String> snippets = snippets(Files.readString(README));
        assertThat(snippets).as("Java snippets in the README").hasSizeGreaterThanOrEqualTo(2);
        assertThat(String.join("\n", snippets)).as("the path the test replaces").contains(SHOWN_PATH);
        Path beacon = dir.resolve("worker");
        String body = String.join("\n", snippets).replace(SHOWN_PATH, beacon.toString());
        String source = """
                import dev.lifeline.*;
                import java.nio.file.Path;
                import java.time.Duration;
                import java.util.concurrent.atomic.AtomicLong;

                public class ReadmeSnippets {
                    public static void main(String[] args) throws Exception {
                %s
                    }
                }
                """.formatted(body);
        Path sources = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path file = Files.writeString(sources.resolve("ReadmeSnippets.java"), source);

        String classPath = System.getProperty("java.class.path");
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        String compiled = run(List.of(bin.resolve("javac").toString(), "-Xlint:all", "-Werror", "-proc:none",
                "-cp", classPath, "-d", classes.toString(), file.toString()));
        assertThat(compiled).as("the README's snippets compile:\n" + source).isEqualTo("exit 0\n");
        String ran = run(List.of(bin.resolve("java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", classes + File.pathSeparator + classPath, "ReadmeSnippets"));
        assertThat(ran).as("the README's snippets run").startsWith("exit 0\n");
        assertThat(Files.exists(beacon, LinkOption.NOFOLLOW_LINKS)).as("the beacon closed cleanly at the end of the story").isFalse();
    }

    /** Runs {@code command} to its end (bounded); its exit status, then its output. */
    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(Processes.DEADLINE.toSeconds(), TimeUnit.SECONDS)).as(command + " ended").isTrue();
        return "exit " + p.exitValue() + "\n" + output;
    }

    /** The bodies of the ```java blocks, in order. */
    static List<String> snippets(String markdown) {
        List<String> snippets = new ArrayList<>();
        Matcher m = Pattern.compile("(?ms)^```java\\n(.*?)^```$").matcher(markdown);
        while (m.find()) {
            snippets.add(m.group(1));
        }
        return snippets;
    }
}
