package dev.lifeline.cli;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import java.nio.file.Path;

/**
 * The library's answer for one path, in a process of its own (so that it can run as another user):
 * {@code Probe.of(PATH).check()}, printed as check's JSON object and given as its exit code.
 * VerdictMatrixTest compares it with the CLI's.
 */
public final class ProbeMain {
    private ProbeMain() {
    }

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        Status status = Probe.of(path).check();
        System.out.println(Answers.json(new Target(path, path, null), status));
        System.exit(Answers.exitCode(status.state()));
    }
}
