package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Running;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --help} and {@code --version} without picocli print exactly what picocli prints, for the
 * command and every subcommand, and step aside where picocli would print something else.
 */
class FastHelpTest {
    @TempDir
    Path dir;

    record Answer(int exit, String out, String err) {
    }

    /** Every command picocli knows has its help resource (built), and only those that take -h and --help. */
    @Test
    void everyCommandsHelpWasRenderedAtBuildTime() {
        Map<String, String> now = HelpText.render();
        assertThat(now).containsKey("lifeline").containsKey("check").containsKey("status").containsKey("wait");
        for (Map.Entry<String, String> help : now.entrySet()) {
            assertThat(FastHelp.resource(help.getKey() + ".txt")).as(help.getKey()).isEqualTo(help.getValue());
        }
        assertThat(FastHelp.resource(FastHelp.VERSIONED)).isEqualTo(String.join("\n", HelpText.versioned()) + "\n");
    }

    /** In this JVM: each form, fast and through picocli, the same exit code, stdout and stderr. */
    @Test
    void everyHelpAndVersionFormAnswersAsPicocli() {
        List<List<String>> forms = new ArrayList<>();
        List<String> commands = new ArrayList<>(Main.commandLine().getSubcommands().keySet());
        for (String option : List.of("--help", "-h", "--version", "-V")) {
            forms.add(List.of(option));
            for (String command : commands) {
                forms.add(List.of(command, option));
            }
        }
        int fastForms = 0;
        for (List<String> form : forms) {
            String[] argv = form.toArray(String[]::new);
            Answer fast = fast(argv);
            Answer slow = picocli(argv);
            if (fast.exit() == -1) {
                // Stepped aside: only for a command that does not take the option (help has no -V).
                String command = form.size() == 1 ? "lifeline" : form.get(0);
                String option = form.get(form.size() - 1);
                boolean takes = option.equals("-V") || option.equals("--version")
                        ? HelpText.versioned().contains(command) : HelpText.render().containsKey(command);
                assertThat(takes).as(String.join(" ", form)).isFalse();
                continue;
            }
            fastForms++;
            assertThat(fast).as(String.join(" ", form)).isEqualTo(slow);
            assertThat(fast.exit()).isZero();
        }
        assertThat(fastForms).isGreaterThanOrEqualTo(4 * commands.size());
    }

    /**
     * The real process: stdout's bytes of the fast path and of picocli (made to answer by a
     * picocli.* property, which the fast path leaves to it) are the same, and the fast one loaded
     * no class of picocli.
     */
    @Test
    void theProcessPrintsPicocliBytesWithoutLoadingPicocli() throws Exception {
        Path log = dir.resolve("classes.log");
        for (List<String> form : List.of(List.of("--help"), List.of("check", "--help"), List.of("status", "-h"),
                List.of("wait", "--help"), List.of("--version"), List.of("check", "-V"))) {
            List<String> fastCommand = new ArrayList<>(Cli.java(form.toArray(String[]::new)));
            fastCommand.add(3, "-Xlog:class+load=info:file=" + log);
            Running.Result fast = Cli.run(fastCommand, null, Map.of());
            List<String> slowCommand = new ArrayList<>(Cli.java(form.toArray(String[]::new)));
            slowCommand.add(3, "-Dpicocli.ansi=false");
            Running.Result slow = Cli.run(slowCommand, null, Map.of());
            assertThat(fast).as(String.join(" ", form)).usingRecursiveComparison().isEqualTo(slow);
            assertThat(fast.exitCode()).isZero();
            assertThat(fast.stdout()).isNotEmpty();
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("classes loaded").anyMatch(line -> line.contains(" dev.lifeline.cli.FastHelp "));
            assertThat(loaded).as(String.join(" ", form) + ": classes of picocli, or the JDK's logging (System.exit's)")
                    .noneMatch(line -> line.contains(" picocli.") || line.contains(" jdk.internal.logger."));
        }
    }

    @Test
    void stepsAsideForAnythingElse() {
        for (String[] argv : List.of(new String[] {}, new String[] {"--bogus"}, new String[] {"frobnicate", "--help"},
                new String[] {"help", "--version"}, new String[] {"check", "--help", "/x"}, new String[] {"--help", "check"},
                new String[] {"lifeline", "--help"}, new String[] {"../help/check", "--help"}, new String[] {"versioned", "-V"})) {
            assertThat(fast(argv).exit()).as(String.join(" ", argv)).isEqualTo(-1);
        }
    }

    /** With a picocli.* property set, picocli might style or size its help otherwise: it answers. */
    @Test
    void aPicocliPropertyLeavesHelpToPicocli() {
        System.setProperty("picocli.usage.width", "120");
        try {
            assertThat(fast(new String[] {"--help"}).exit()).isEqualTo(-1);
            assertThat(fast(new String[] {"--version"}).exit()).isZero();
        } finally {
            System.clearProperty("picocli.usage.width");
        }
    }

    private static Answer fast(String[] argv) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        String encoding = System.getProperty("stdout.encoding");
        try {
            System.setProperty("stdout.encoding", "UTF-8");
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = FastHelp.run(argv);
            return new Answer(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            if (encoding == null) {
                System.clearProperty("stdout.encoding");
            } else {
                System.setProperty("stdout.encoding", encoding);
            }
        }
    }

    private static Answer picocli(String[] argv) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(o));
        cli.setErr(new PrintWriter(e));
        int exit = cli.execute(argv);
        return new Answer(exit, o.toString(), e.toString());
    }
}
