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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli-free path for a plain check answers exactly as picocli's does, or steps aside. */
class FastCheckTest {
    @TempDir
    Path dir;

    record Answer(int exit, String out, String err) {
    }

    /**
     * A plain check, status or wait loads nothing of picocli, of lifeline serve or of the Prometheus
     * client, all on the class path: each class loaded is start-up time paid by every probe (issue
     * 17). Read from the JVM's own class-loading log of a real run.
     */
    @Test
    void aPlainCheckLoadsNoClassOfPicocliServeOrPrometheus() throws Exception {
        Path stale = dir.resolve("stale");
        Cli.run(List.of("mkfifo", stale.toString()), null, java.util.Map.of());
        Path log = dir.resolve("classes.log");
        for (List<String> args : List.of(List.of("check", stale.toString()), List.of("check", "--json", stale.toString()),
                List.of("status", dir.toString()), List.of("status", "--json", stale.toString()),
                List.of("wait", "--dead", stale.toString()), List.of("wait", stale.toString(), "--dead", "--json"))) {
            List<String> command = new java.util.ArrayList<>(Cli.java(args.toArray(String[]::new)));
            command.add(3, "-Xlog:class+load=info:file=" + log);
            Running.Result r = Cli.run(command, null, java.util.Map.of());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(args.get(0).equals("wait") ? 0 : 1);
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("classes loaded").anyMatch(line -> line.contains(" dev.lifeline.cli.FastCheck "));
            assertThat(loaded).as(String.join(" ", args) + ": classes of picocli, serve or Prometheus")
                    .noneMatch(line -> line.contains(" picocli.") || line.contains(" dev.lifeline.serve.")
                            || line.contains(" io.prometheus."));
            // System.exit's own logging (a System.Logger, found by a service lookup over every jar).
            assertThat(loaded).as(String.join(" ", args) + ": the JDK's logging").noneMatch(line -> line.contains(" jdk.internal.logger."));
        }
    }

    @Test
    void answersAsPicocliWouldForEveryPlainForm() throws Exception {
        Path stale = dir.resolve("stale");
        Cli.run(List.of("mkfifo", stale.toString()), null, java.util.Map.of());
        Path file = Files.writeString(dir.resolve("file"), "x");
        for (String path : List.of(dir.resolve("absent").toString(), stale.toString(), file.toString(), dir.toString())) {
            for (List<String> options : List.of(List.<String>of(), List.of("--json"), List.of("-q"), List.of("--quiet"))) {
                List<String> args = new java.util.ArrayList<>(List.of("check"));
                args.addAll(options);
                args.add(path);
                String[] argv = args.toArray(String[]::new);
                Answer fast = fast(argv);
                Answer slow = picocli(argv);
                assertThat(fast).as(String.join(" ", args)).isEqualTo(slow);
                assertThat(fast.exit()).isIn(1, 3, 4);
            }
        }
    }

    /** status and wait, each plain form fast and through picocli: the same exit code, stdout and stderr. */
    @Test
    void statusAndWaitAnswerAsPicocliWouldForEveryPlainForm() throws Exception {
        Path stale = dir.resolve("stale");
        Cli.run(List.of("mkfifo", stale.toString()), null, java.util.Map.of());
        Path file = Files.writeString(dir.resolve("file"), "x");
        String absent = dir.resolve("absent").toString();
        Path service = Files.createDirectories(dir.resolve("svc"));
        Files.writeString(service.resolve("run"), "#!/bin/sh\n");
        List<List<String>> forms = List.of(
                List.of("status", dir.toString()), List.of("status", "--json", dir.toString()),
                List.of("status", stale.toString(), file.toString(), absent), List.of("status", absent + "/", "--json"),
                List.of("status", service.toString()), List.of("status", dir.resolve("empty-to-be").toString() + "/"),
                List.of("wait", "--dead", stale.toString()), List.of("wait", stale.toString(), "--dead", "--json"),
                List.of("wait", "--dead", "-q", absent), List.of("wait", "--alive", file.toString()),
                List.of("wait", "--dead", file.toString(), "--quiet"), List.of("wait", "--alive", "--json", dir.toString()));
        for (List<String> form : forms) {
            String[] argv = form.toArray(String[]::new);
            Answer fast = fast(argv);
            Answer slow = picocli(argv);
            assertThat(fast.exit()).as(String.join(" ", form) + ": taken by the fast path").isNotEqualTo(-1);
            assertThat(timesOut(fast)).as(String.join(" ", form)).isEqualTo(timesOut(slow));
        }
    }

    /** status reports how long each check took: the one figure two runs cannot share. */
    private static Answer timesOut(Answer a) {
        return new Answer(a.exit(), a.out().replaceAll(" +\\d+ us", " N us").replaceAll("\"check_us\":\\d+", "\"check_us\":N"),
                a.err());
    }

    @Test
    void stepsAsideForAnythingElse() {
        for (String[] argv : List.of(new String[] {"check"}, new String[] {"check", "--help"},
                new String[] {"check", "-q", "--json", "/x"}, new String[] {"check", "/x", "/y"},
                new String[] {"check", "--bogus", "/x"}, new String[] {"check", "-q", "-q", "/x"},
                new String[] {"hold", "/x"}, new String[] {"check", "--", "/x"}, new String[] {"check", ""},
                new String[] {"check", "@/x"}, new String[] {"status", "--json", "--json"}, new String[] {"status", "-x"},
                new String[] {"status", "--", "/x"}, new String[] {"status", "/x", ""}, new String[] {"status", "@/x"},
                new String[] {"wait", "/x"}, new String[] {"wait", "--dead", "--alive", "/x"},
                new String[] {"wait", "--dead", "--dead", "/x"}, new String[] {"wait", "--dead", "--timeout", "1s", "/x"},
                new String[] {"wait", "--dead", "--timeout=1s", "/x"}, new String[] {"wait", "--dead", "/x", "/y"},
                new String[] {"wait", "--dead", "-q", "--json", "/x"}, new String[] {"wait", "--dead"},
                new String[] {"wait", "--dead", "--bogus", "/x"}, new String[] {"wait", "--help"}, new String[] {})) {
            assertThat(FastCheck.run(argv)).as(String.join(" ", argv)).isEqualTo(-1);
        }
    }

    private static Answer fast(String[] argv) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = FastCheck.run(argv);
            return new Answer(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
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
