package dev.lifeline.agent.programs;

import dev.lifeline.Lifeline;
import java.nio.file.Path;

/**
 * An application with lifeline-core of its own on its class path, beside the agent: checks the
 * beacon the agent holds for this very JVM with its own copy of the library, and prints
 * {@code own <STATE> <the class's code source>}.
 */
public final class CoreUser {
    private CoreUser() {
    }

    public static void main(String[] args) throws Exception {
        Path beacon = Path.of(args[0]);
        long deadline = System.nanoTime() + 60_000_000_000L;
        String state = Lifeline.check(beacon).state().toString();
        while (!state.equals("ALIVE") && System.nanoTime() < deadline) {
            Thread.sleep(20); // polls the agent's start, bounded
            state = Lifeline.check(beacon).state().toString();
        }
        System.out.println("own " + state + " " + Lifeline.class.getProtectionDomain().getCodeSource().getLocation());
    }
}
